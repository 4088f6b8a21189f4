"""The agent tool-call fixtures in tests/data/agents/ (see its README)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from proxy.extract.tools import snippets_from_tool_call
from proxy.models import Snippet
from proxy.scan import snippets_from_text

AGENTS_DIR = Path(__file__).parent / "data" / "agents"


def load_cases() -> dict[str, dict[str, Any]]:
    return {path.stem: json.loads(path.read_text(encoding="utf-8")) for path in sorted(AGENTS_DIR.glob("*.json"))}


CASES = load_cases()


def case_snippets(case: dict[str, Any]) -> list[Snippet]:
    if "text" in case:
        return snippets_from_text(case["text"])
    return snippets_from_tool_call(case["tool"], case["arguments"])
