"""Skip the engine for snippets that no rule can match, using Semgrep's own prefilters.

For every rule, `semgrep-core -prefilter_of_rules` dumps the condition a file must meet
for the rule to possibly match: a formula of `Idents` (literal strings that must all
occur) and `Regexp` (PCRE searches), combined with `And`/`Or`. Semgrep derives it from
the rule itself, so unlike hand-written pre-scan regexes it never rejects a file the rule
could match. Evaluating it here, in-process, answers "no rule can match" in microseconds.

Exactness comes first: whenever our evaluation could disagree with PCRE, the predicate
answers "may match" and the snippet goes to the engine. A rule without a prefilter
(`"None"`) always sends its language's snippets to the engine.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from proxy import languages
from proxy.engine.base import EngineError
from proxy.rulepack import RulePack

Predicate = Callable[[str], bool]
log = logging.getLogger("breakwater.engine")

# PCRE constructs whose meaning Python's `re` does not share, or that are not monotone (a
# more permissive match elsewhere could turn a match into a non-match). Regexes using them
# are treated as "may match".
_UNSAFE_REGEX = re.compile(r"\(\?<?!|\(\?\(|\(\*|\(\?\||\(\?R|\(\?&|\(\?P>|\[:|\\[QEKGgpPXRhHNVCx]")
# PCRE end anchors in Python: `\z` (very end; semgrep writes `$` of metavariable-regex
# this way) is Python's `\Z`; PCRE's `\Z` also allows a final newline.
_END_ANCHORS = {"z": r"\Z", "Z": r"(?=\n?\Z)"}

# Beyond this size a snippet skips the in-process check: Python's `re` has no match limit.
MAX_PREFILTER_CHARS = 200_000


def _always(_text: str) -> bool:
    return True


def compile_regex(pattern: str) -> Predicate:
    """A PCRE search as a Python predicate that may over-approximate but never under-approximate.

    On ASCII text and without the constructs in `_UNSAFE_REGEX`, Python's `re` with ASCII
    semantics agrees with PCRE; MULTILINE and DOTALL only widen what `^`, `$` and `.` accept.
    Non-ASCII text (Unicode case folding, multi-byte `.`) is always "may match".
    """
    if _UNSAFE_REGEX.search(pattern):
        return _always
    try:
        compiled = re.compile(_translate_anchors(pattern), re.ASCII | re.MULTILINE | re.DOTALL)
    except (re.error, ValueError, OverflowError):
        return _always

    def search(text: str) -> bool:
        return not text.isascii() or compiled.search(text) is not None

    return search


def _translate_anchors(pattern: str) -> str:
    out: list[str] = []
    escaped = False
    for char in pattern:
        if escaped:
            out.append(_END_ANCHORS.get(char, "\\" + char))
            escaped = False
        elif char == "\\":
            escaped = True
        else:
            out.append(char)
    if escaped:
        out.append("\\")
    return "".join(out)


def compile_formula(formula: Any) -> Predicate:
    """One node of the `-prefilter_of_rules` JSON: `["And"|"Or", [...]]` or `["Pred", [...]]`."""
    if not isinstance(formula, list) or len(formula) != 2:
        return _always
    tag, body = formula
    if tag in ("And", "Or") and isinstance(body, list) and body:
        parts = [compile_formula(part) for part in body]
        if tag == "And":
            return lambda text: all(part(text) for part in parts)
        return lambda text: any(part(text) for part in parts)
    if tag == "Pred" and isinstance(body, list) and len(body) == 2:
        kind, value = body
        if kind == "Idents" and isinstance(value, list) and value and all(isinstance(v, str) for v in value):
            idents = tuple(value)  # semgrep: every literal must occur (exact substring)
            return lambda text: all(ident in text for ident in idents)
        if kind == "Regexp" and isinstance(value, str):
            return compile_regex(value)
    return _always


def compile_rule_filter(entry: Any) -> Predicate:
    """`"None"` (no prefilter: always scan) or `["Some", formula]`."""
    if isinstance(entry, list) and len(entry) == 2 and entry[0] == "Some":
        return compile_formula(entry[1])
    return _always


class Prefilter:
    """Answers "may any rule for this language match this code?" without running Semgrep."""

    def __init__(self, pack: RulePack, filters: dict[str, Predicate]) -> None:
        self._by_dir: dict[str, list[Predicate]] = {}
        for rule in pack.rules:
            self._by_dir.setdefault(rule.rule_dir, []).append(filters.get(rule.id, _always))
        # A directory with an unfiltered rule sends everything to the engine.
        self._always_dirs = {d for d, preds in self._by_dir.items() if any(p is _always for p in preds)}

    @classmethod
    async def load(cls, pack: RulePack, core_binary: Path, timeout_seconds: float = 60.0) -> Prefilter:
        return cls(pack, await read_filters(core_binary, pack.engine_config, timeout_seconds))

    def may_match(self, code: str, language: str) -> bool:
        rule_dir = languages.get(language).rule_dir
        predicates = self._by_dir.get(rule_dir)
        if not predicates:
            return False
        if rule_dir in self._always_dirs or len(code) > MAX_PREFILTER_CHARS:
            return True
        return any(predicate(code) for predicate in predicates)


async def read_filters(core_binary: Path, rules_file: Path, timeout_seconds: float = 60.0) -> dict[str, Predicate]:
    """Run `semgrep-core -prefilter_of_rules` once and compile its answer per rule id."""
    try:
        process = await asyncio.create_subprocess_exec(
            str(core_binary), "-prefilter_of_rules", str(rules_file),
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )
    except OSError as exc:
        raise EngineError("prefilter", str(exc)) from exc
    try:
        async with asyncio.timeout(timeout_seconds):
            stdout, stderr = await process.communicate()
    except BaseException as exc:  # timeout or cancellation: leave no process behind
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        await process.wait()
        if isinstance(exc, TimeoutError):
            raise EngineError("prefilter", f"-prefilter_of_rules took over {timeout_seconds}s") from exc
        raise
    if process.returncode != 0:
        raise EngineError("prefilter", stderr[-500:].decode(errors="replace"))
    try:
        entries = json.loads(stdout)
    except json.JSONDecodeError:
        entries = None
    if not isinstance(entries, list):
        # Seen with YAML aliases in the rules file: semgrep-core prints nothing. Without
        # prefilters every snippet goes to the engine: slower, still exact.
        log.warning("semgrep-core -prefilter_of_rules gave no usable answer; prefilter disabled")
        return {}
    return {
        str(entry["rule_id"]): compile_rule_filter(entry.get("filter"))
        for entry in entries
        if isinstance(entry, dict) and "rule_id" in entry
    }
