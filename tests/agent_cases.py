"""The agent tool-call fixtures in tests/data/agents/ (see its README)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from proxy.extract.tools import snippets_from_tool_call
from proxy.models import Snippet
from proxy.scan import snippets_from_text
from proxy.shell.snippets import judge_snippet

AGENTS_DIR = Path(__file__).parent / "data" / "agents"


def load_cases() -> dict[str, dict[str, Any]]:
    return {path.stem: json.loads(path.read_text(encoding="utf-8")) for path in sorted(AGENTS_DIR.glob("*.json"))}


CASES = load_cases()


def case_snippets(case: dict[str, Any]) -> list[Snippet]:
    """The snippets found in a case, plus the code its shell commands carry (SQL to psql, heredoc files),
    which the scan path scans in the language it is written in (proxy.shell.snippets)."""
    found = snippets_from_text(case["text"]) if "text" in case else snippets_from_tool_call(case["tool"],
                                                                                           case["arguments"])
    carried = [code.snippet for s in found if s.language == "bash" for code in judge_snippet(s).carried]
    return [*found, *carried]
