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

import yaml

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
    pattern = strip_lookarounds(pattern)
    if _UNSAFE_REGEX.search(pattern):
        return _always
    try:
        compiled = re.compile(translate_anchors(pattern), re.ASCII | re.MULTILINE | re.DOTALL)
    except (re.error, ValueError, OverflowError):
        return _always

    def search(text: str) -> bool:
        return not text.isascii() or compiled.search(text) is not None

    return search


_LOOKAROUND_OPENERS = ("(?=", "(?!", "(?<=", "(?<!")


def strip_lookarounds(pattern: str) -> str:
    """The pattern without its lookahead and lookbehind groups.

    A lookaround only adds a condition at one position, so removing it can only let more
    text match: the result over-approximates the rule's regex, which is what a prefilter
    may do. (Negative lookarounds would otherwise make the whole regex unusable here.)
    """
    out: list[str] = []
    position = 0
    while position < len(pattern):
        if pattern.startswith(_LOOKAROUND_OPENERS, position):
            position = _group_end(pattern, position)
            continue
        token_end = _token_end(pattern, position)
        out.append(pattern[position:token_end])
        position = token_end
    return "".join(out)


def _token_end(pattern: str, position: int) -> int:
    """End of the token at `position`: an escape pair, a whole character class, or one character."""
    if pattern[position] == "\\":
        return position + 2
    if pattern[position] == "[":
        cursor = position + 1
        if cursor < len(pattern) and pattern[cursor] == "^":
            cursor += 1
        if cursor < len(pattern) and pattern[cursor] == "]":
            cursor += 1  # a leading `]` is literal
        while cursor < len(pattern) and pattern[cursor] != "]":
            cursor += 2 if pattern[cursor] == "\\" else 1
        return min(cursor + 1, len(pattern))
    return position + 1


def _group_end(pattern: str, position: int) -> int:
    """The index just past the `)` closing the group that opens at `position`."""
    depth = 0
    cursor = position
    while cursor < len(pattern):
        char = pattern[cursor]
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return cursor + 1
        cursor = _token_end(pattern, cursor) if char in "\\[" else cursor + 1
    return len(pattern)


def translate_anchors(pattern: str) -> str:
    """PCRE `\\z` (very end) is Python's `\\Z`; PCRE `\\Z` also allows one final newline."""
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


def compile_rule_patterns(node: Any) -> Predicate:
    """A prefilter derived from a rule's own regexes, for rules Semgrep gives none (`"None"`).

    Semgrep computes no prefilter for `pattern-regex`, yet such a rule can only match where
    its regex does: `pattern-regex: R` → search R; `pattern-either` → any child, when every
    child has a predicate; `patterns` → all of its children that have one (a conjunction
    keeps matching only where each positive part does, so checking a subset over-approximates).
    Anything else (a code `pattern`, negations) contributes nothing and stays "may match".
    """
    if not isinstance(node, dict):
        return _always
    if isinstance(node.get("pattern-regex"), str):
        return compile_regex(node["pattern-regex"])
    either = node.get("pattern-either")
    if isinstance(either, list) and either:
        parts = [compile_rule_patterns(child) for child in either]
        if any(part is _always for part in parts):
            return _always
        return lambda text: any(part(text) for part in parts)
    conjuncts = node.get("patterns")
    if isinstance(conjuncts, list):
        parts = [p for p in (compile_rule_patterns(child) for child in conjuncts) if p is not _always]
        if parts:
            return lambda text: all(part(text) for part in parts)
    return _always


def regex_filters(rules_file: Path) -> dict[str, Predicate]:
    """Predicates from `compile_rule_patterns` for every rule in the engine's rules file that has one."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available: 5x faster
    document = yaml.load(rules_file.read_text(encoding="utf-8"), Loader=loader) or {}
    found: dict[str, Predicate] = {}
    for rule in document.get("rules", []):
        predicate = compile_rule_patterns(rule)
        if predicate is not _always:
            found[str(rule.get("id"))] = predicate
    return found


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
        """Semgrep's prefilters, completed with regex-derived ones where Semgrep has none."""
        filters = await read_filters(core_binary, pack.engine_config, timeout_seconds)
        # Off the event loop: reading and compiling every rule takes a noticeable fraction of a second.
        for rule_id, predicate in (await asyncio.to_thread(regex_filters, pack.engine_config)).items():
            if filters.get(rule_id, _always) is _always:
                filters[rule_id] = predicate
        return cls(pack, filters)

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
