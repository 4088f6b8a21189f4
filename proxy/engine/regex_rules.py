"""Regex-only languages judged in process, with exactly the reference engine's results.

A language whose every rule is one `pattern-regex` run by a text analyzer (`generic` or
`regex`: Semgrep parses nothing, so it can fail on nothing) needs no Semgrep server:
Python's `re` finds the same matches, and the findings follow Semgrep's conventions (a
finding spans the lines of the first to the last matched character; one per rule and
line range). Today this is SQL. Dockerfile rules are regex too, but Semgrep parses a
Dockerfile before it runs them and a parse failure must become `breakwater.unparsed`,
which only Semgrep can tell; bash is replaced by the shell command model.

Exactness: a regex is only evaluated here if it avoids the PCRE constructs whose meaning
Python's `re` does not share, and a snippet only if it is ASCII (PCRE's `\\w`, case
folding and `.` differ on other text). Anything else goes to the servers as before;
`tests/test_engine_differential.py` checks the results against `semgrep-core`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from proxy import languages
from proxy.engine.prefilter import translate_anchors
from proxy.models import RawFinding
from proxy.rulepack import Rule, RulePack

_TEXT_ANALYZERS = frozenset({"generic", "regex"})
_RULE_KEYS = frozenset({"id", "languages", "severity", "message", "metadata", "pattern-regex", "paths"})
# PCRE constructs Python's `re` does not share (or may read differently): conditionals, verbs,
# branch reset, recursion, POSIX classes, and escapes with other meanings.
_UNSHARED = re.compile(r"\(\?\(|\(\*|\(\?\||\(\?R|\(\?\d|\(\?&|\(\?P>|\[:|\\[QEKGgpPXRhHNVCcxoeuULl0-9]")


@dataclass(frozen=True)
class _RegexRule:
    rule: Rule
    regex: re.Pattern[str]


class RegexRules:
    """The in-process rules, by snippet language (only languages where every rule qualifies)."""

    def __init__(self, by_language: dict[str, list[_RegexRule]]) -> None:
        self._by_language = by_language

    @classmethod
    def load(cls, pack: RulePack) -> RegexRules:
        raw = _raw_rules(pack.engine_config)
        by_id = pack.by_id()
        by_language: dict[str, list[_RegexRule]] = {}
        for language in languages.names():
            rule_dir = languages.get(language).rule_dir
            rules = [rule for rule in pack.rules if rule.rule_dir == rule_dir]
            compiled = [_compile(raw.get(rule.id), by_id[rule.id]) for rule in rules]
            if rules and all(c is not None for c in compiled):
                by_language[language] = [c for c in compiled if c is not None]
        return cls(by_language)

    def handles(self, target_language: str, code: str) -> bool:
        return target_language in self._by_language and code.isascii()

    def findings(self, code: str, language: str) -> list[RawFinding]:
        found: list[RawFinding] = []
        for entry in self._by_language[language]:
            for match in entry.regex.finditer(code):
                start, end = match.span()
                line = code.count("\n", 0, start) + 1
                end_line = code.count("\n", 0, end - 1) + 1 if end > start else line
                rule = entry.rule
                finding = RawFinding(rule.id, rule.category, rule.severity, rule.message, line, end_line)
                if finding not in found:
                    found.append(finding)
        found.sort(key=lambda f: (f.line, f.rule_id))
        return found


def _raw_rules(config: Path) -> dict[str, dict[str, Any]]:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available: 5x faster
    document = yaml.load(config.read_text(encoding="utf-8"), Loader=loader) or {}
    return {str(rule.get("id")): rule for rule in document.get("rules") or [] if isinstance(rule, dict)}


def _compile(raw: dict[str, Any] | None, rule: Rule) -> _RegexRule | None:
    """The rule as a Python regex, or None when it cannot be judged here exactly."""
    if raw is None or set(raw) - _RULE_KEYS or not set(rule.languages) <= _TEXT_ANALYZERS:
        return None
    pattern = raw.get("pattern-regex")
    if not isinstance(pattern, str) or _UNSHARED.search(pattern):
        return None
    try:
        return _RegexRule(rule, re.compile(translate_anchors(pattern), re.ASCII))
    except (re.error, ValueError, OverflowError):
        return None
