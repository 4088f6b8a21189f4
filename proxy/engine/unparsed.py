"""Code the engine could not parse is never clean: it becomes a `breakwater.unparsed` finding.

Semgrep skips a file it cannot parse, silently for the rules: a regex rule does not run
either, so `x=\\`\\`; rm -rf /*` produced no finding at all. Both engines turn that into a
finding instead, so that policy decides (agents' commands and file writes: block):

- the reference engine reads semgrep-core's `errors` for each target path;
- the language server reports no errors, so the fast engine adds one *sentinel* rule per
  parsing analyzer, a regex that matches every non-empty file. Semgrep runs rules only on
  files it parsed, so a missing sentinel means the file was not parsed (syntax error,
  parse time-out, size limit).

Both therefore report a file Semgrep did not analyse at all. Partial parses (Semgrep
recovered and analysed the rest) are judged by the scanner from tree-sitter, the same
way for every engine (see `proxy.scan`). The scanner also uses this finding for code it
did not send to the engine (over the per-reply snippet cap or the per-snippet size cap).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from proxy.models import UNPARSED_RULE_ID, RawFinding, Severity
from proxy.rulepack import write_rules_file

UNPARSED_CATEGORY = "syntax-error"
SENTINEL_PREFIX = "breakwater.parsed"
# Analyzers that never fail to parse (they read the text as it is).
TEXT_ANALYZERS = frozenset({"generic", "regex", "none"})

REASON_ENGINE = ("Semgrep could not parse this code, so no rule could check it; code the guard cannot read"
                 " is not treated as safe. Fix the syntax (or split the snippet) and scan it again.")


def unparsed_finding(code: str, message: str = REASON_ENGINE, line: int = 1) -> RawFinding:
    """One finding covering the snippet from `line` to its last line."""
    last = max(line, code.count("\n") + (0 if code.endswith("\n") else 1))
    return RawFinding(UNPARSED_RULE_ID, UNPARSED_CATEGORY, Severity.MEDIUM, message, line, last)


def is_unparsed(finding: RawFinding | Any) -> bool:
    return getattr(finding, "rule_id", None) == UNPARSED_RULE_ID


def sentinel_id(extension: str) -> str:
    """The sentinel rule that fires on every parsed file named `*{extension}`."""
    return f"{SENTINEL_PREFIX}{extension}"


def sentinel_config(analyzers_by_extension: Iterable[tuple[str, str]]) -> Path:
    """A rules file with one sentinel per (extension, analyzer); written once per content."""
    rules = [
        {"id": sentinel_id(extension), "languages": [analyzer], "severity": "INFO",
         "message": "parsed", "pattern-regex": r"(?s)\A.",
         "paths": {"include": [f"*{extension}"]}}
        for extension, analyzer in sorted(set(analyzers_by_extension))
    ]
    return write_rules_file(rules, "sentinels")
