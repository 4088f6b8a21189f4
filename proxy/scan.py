"""The one scan path: extract → parse → engine → policy.

`breakwater scan`, the proxy and the tests all call `Scanner`. Protocol modules turn a
reply into `Snippet`s; this module turns snippets into a `ScanResult`.
"""

from __future__ import annotations

import copy
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from proxy import parse
from proxy.engine.base import Engine, EngineError, ScanTarget
from proxy.engine.cache import FindingsCache
from proxy.engine.flight import SharedScans
from proxy.engine.unparsed import UNPARSED_RULE_ID, unparsed_finding
from proxy.extract import markdown, patches, sessions, xml_tools
from proxy.models import (
    ROLE_COMMAND,
    Action,
    Decision,
    Finding,
    Origin,
    RawFinding,
    ScanResult,
    Severity,
    Snippet,
    SnippetResult,
)
from proxy.offload import Offload
from proxy.parse import data_formats
from proxy.policy import Policy, is_tool_snippet, runs_or_writes
from proxy.shell.powershell.snippets import judge_snippet as judge_powershell
from proxy.shell.snippets import CarriedCode, judge_ci_yaml, judge_snippet

if TYPE_CHECKING:
    from proxy.config import Settings

SYNTAX_RULE_ID = "breakwater.syntax-error"
# Languages judged in-process by a command model (their carried code goes to the engine).
_COMMAND_JUDGES = {"bash": judge_snippet, "powershell": judge_powershell, "yaml": judge_ci_yaml}


def snippets_from_text(text: str, origin_hint: Origin = Origin.MARKDOWN) -> list[Snippet]:
    """Code in an LLM reply, in the order it appears.

    Tagged tool uses (Cline's `<write_to_file>`…) and SEARCH/REPLACE edit blocks (Aider)
    come first, because fences inside them belong to them; then fenced blocks (a diff or
    patch fence yields the new side of each file it changes); when there is neither, the
    whole text, if it is a patch or bare code.
    """
    found = xml_tools.snippets_from_xml_tools(text)
    taken = [(s.start, s.end) for s in found]
    if patches.has_search_replace(text):
        for change in patches.parse_search_replace(text):
            if not _overlaps(change.start, change.end, taken):
                found.append(_change_snippet(change, change.start, change.end))
                taken.append((change.start, change.end))
    fences = markdown.find_fences(text)
    # Without a fenced block the text may be bare code (or a patch), whose indentation
    # CommonMark reads as indented code blocks: whole, it is scanned better than in pieces.
    whole = None if found or any(fence.marker for fence in fences) else _whole_text(text)
    if whole:
        found = whole
    for number, fence in enumerate(fences if not whole else []):
        if not _overlaps(fence.start, fence.end, taken):
            found.extend(_fence_snippets(fence, number))
    found.sort(key=lambda s: s.start)
    return [replace(snippet, index=number) for number, snippet in enumerate(found)]


def _whole_text(text: str) -> list[Snippet]:
    """A reply without fences: the files of a patch, or the whole text if it is code, else nothing."""
    changes = patches.changes_in(text)
    if changes is not None:
        return [_change_snippet(change, change.start, change.end) for change in changes]
    if (data := data_formats.recognise(text)) is not None:
        return [Snippet(text, data, Origin.RAW, 0, start=0, end=len(text))]
    if (detection := parse.looks_like_code(text)) is not None:
        return [Snippet(text, detection.language, Origin.RAW, 0, start=0, end=len(text))]
    return []


def _overlaps(start: int, end: int, taken: list[tuple[int, int]]) -> bool:
    return any(start < other_end and other_start < end for other_start, other_end in taken)


def _fence_snippets(fence: markdown.Fence, number: int) -> list[Snippet]:
    """A fence's code, or, for a diff or patch fence, the new side of each file it changes."""
    word = fence.language_word.lower()
    if word in _DIFF_WORDS or patches.is_codex_patch(fence.code) or (
            markdown.fence_language(fence.info) is None and patches.is_unified_diff(fence.code)):
        changes = patches.changes_in(fence.code)
        if changes is None and word in _DIFF_WORDS:  # bare `+`/`-` lines, no headers
            code, added = patches.new_side_of_hunks(fence.code)
            changes = [patches.FileChange(markdown.info_path(fence.info), code, added)] if code.strip() else []
        if changes is not None:
            return [_change_snippet(change, fence.start, fence.end) for change in changes]
    return _fence_snippet(fence, number)


_DIFF_WORDS = frozenset({"diff", "patch", "udiff", "git-diff"})


def _change_snippet(change: patches.FileChange, start: int, end: int) -> Snippet:
    return Snippet(change.code, change.language, Origin.DIFF, 0, info="file", path=change.path,
                   start=start, end=end, added_lines=change.added_lines)


def _fence_snippet(fence: markdown.Fence, number: int) -> list[Snippet]:
    """A fence's code; for a terminal transcript, the commands typed in it (and any Python REPL input)."""
    language = markdown.fence_language(fence.info)
    code = fence.code
    word = fence.language_word
    if data_formats.is_data_language(language) and not data_formats.confirms(code, language or ""):
        language = None  # a data label is a claim: what does not parse as that data is detected as code
    parts = [sessions.Part(language or "", code)]
    if language in (None, "bash", "powershell") and sessions.is_session(code, word):
        parts = sessions.commands(code, word)
    return [Snippet(part.code, part.language or None, Origin.MARKDOWN, number, info=fence.info,
                    path=markdown.info_path(fence.info), start=fence.start, end=fence.end) for part in parts]


def raw_snippet(code: str, language: str | None, origin: Origin = Origin.RAW) -> Snippet:
    return Snippet(code, language, origin, 0, start=0, end=len(code))


@dataclass
class ScanStats:
    """What one scan did, for metrics: seconds spent and the engine error kind, if any."""

    seconds: float = 0.0
    engine_error: str | None = None
    languages: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ScanLimits:
    """What one reply may cost the engine: snippets (tool calls and the rest counted apart) and size.

    Code past a limit is not sent to the engine, and it is not passed as clean either: it
    gets a `breakwater.unparsed` finding, so policy decides (agents' commands and writes: block).
    """

    max_snippets: int = 64
    max_snippet_bytes: int = 256 * 1024

    @classmethod
    def from_settings(cls, settings: Settings) -> ScanLimits:
        return cls(settings.scan_max_snippets, settings.scan_max_snippet_bytes)


@dataclass(frozen=True)
class ParseFacts:
    """What tree-sitter says about one snippet: its language (detected if unlabelled) and its syntax."""

    language: str | None
    parse_errors: int = 0
    error_line: int | None = None  # the first line that does not parse, when it really does not


def parse_facts(snippet: Snippet) -> ParseFacts:
    language = snippet.language
    if language is None and snippet.code.strip():
        language = data_formats.recognise(snippet.code)
        detection = parse.detect_language(snippet.code) if language is None else None
        language = detection.language if detection else language
    if not language or data_formats.is_data_language(language):
        return ParseFacts(language)
    report = parse.parse(snippet.code, language)
    if report is None:
        return ParseFacts(language)
    checked = not report.ok and not _labelled_data(snippet)
    line = parse.syntax_error_line(snippet.code, language) if checked else None
    return ParseFacts(language, report.error_count, line)


def _labelled_data(snippet: Snippet) -> bool:
    """A fence the reply called data (```json holding what is not JSON): no programming language's
    syntax error is reported on it; its content is still detected and judged as code."""
    return snippet.origin is Origin.MARKDOWN and data_formats.is_data_language(
        markdown.fence_language(snippet.info or ""))


def parse_all(snippets: Sequence[Snippet]) -> list[ParseFacts]:
    return [parse_facts(snippet) for snippet in snippets]


def extract_all(texts: Sequence[str]) -> list[list[Snippet]]:
    return [snippets_from_text(text) for text in texts]


@dataclass(frozen=True)
class _OverLimit:
    snippet: Snippet
    reason: str
    by_count: bool = False  # over the snippet count (else over the size limit)


class Scanner:
    def __init__(self, engine: Engine, policy: Policy, on_stats: Callable[[ScanStats], None] | None = None,
                 cache: FindingsCache | None = None, limits: ScanLimits | None = None,
                 offload: Offload | None = None):
        self.engine = engine
        self.policy = policy
        self.on_stats = on_stats
        self.cache = cache
        self.limits = limits or ScanLimits()
        self.shared = SharedScans(engine, cache)
        self.offload = offload or Offload(threshold_chars=sys.maxsize)  # default: all inline

    def with_policy(self, policy: Policy) -> Scanner:
        """The same scanner (engine, cache, single-flight scans, offload) judging by another policy."""
        if policy is self.policy:
            return self
        scanner = copy.copy(self)
        scanner.policy = policy
        return scanner

    async def extract(self, texts: Sequence[str]) -> list[list[Snippet]]:
        """`snippets_from_text` of each text; for large replies, off the event loop."""
        return await self.offload.run(sum(map(len, texts)), extract_all, list(texts))

    async def scan_text(self, text: str) -> ScanResult:
        (snippets,) = await self.extract([text])
        return await self.scan(snippets)

    async def scan(self, snippets: Sequence[Snippet]) -> ScanResult:
        started = time.perf_counter()
        stats = ScanStats()
        admitted, excess = self._split_by_limits(snippets)
        facts = await self.offload.run(sum(len(s.code) for s in admitted), parse_all, admitted)
        prepared = {id(s): self._prepare(s, f) for s, f in zip(admitted, facts, strict=True)}
        prepared.update(self._over_limits(excess))
        results = [prepared[id(snippet)] for snippet in snippets]
        scannable = [prepared[id(s)] for s in admitted if prepared[id(s)].language]
        # bash and PowerShell, and the scripts of CI YAML, are judged in process by the command models;
        # the code their commands carry goes to the engine
        carried = [(r, code) for r in scannable if r.language in _COMMAND_JUDGES for code in self._judge_shell(r)]
        targets = [_target(r) for r in scannable]
        targets += [ScanTarget(code.snippet.code, code.snippet.language or "", urgent=is_tool_snippet(r.snippet))
                    for r, code in carried]
        answers = await self.shared.scan(targets) if targets else []
        for result, answer in zip(scannable, answers[:len(scannable)], strict=True):
            if isinstance(answer, EngineError):
                stats.engine_error = stats.engine_error or answer.kind
                result.error = str(answer)
            else:
                self._add_engine_findings(result, answer)
        for (result, code), answer in zip(carried, answers[len(scannable):], strict=True):
            if isinstance(answer, EngineError):
                stats.engine_error = stats.engine_error or answer.kind
                result.error = str(answer)
            else:
                result.findings.extend(self.policy.apply(_at_line(answer, code.line), code.snippet))
        for result in results:
            result.decision = self._decide(result)
        stats.seconds = time.perf_counter() - started
        stats.languages = [r.language or "unknown" for r in results]
        if self.on_stats:
            self.on_stats(stats)
        return ScanResult(results)

    def _add_engine_findings(self, result: SnippetResult, found: list[RawFinding]) -> None:
        if any(f.rule_id == UNPARSED_RULE_ID for f in found):  # the engine's word replaces tree-sitter's
            result.findings = [f for f in result.findings if f.rule_id not in (SYNTAX_RULE_ID, UNPARSED_RULE_ID)]
        result.findings.extend(self.policy.apply(_on_added_lines(found, result.snippet), result.snippet))

    def _split_by_limits(self, snippets: Sequence[Snippet]) -> tuple[list[Snippet], list[_OverLimit]]:
        """(snippets to parse and scan, snippets over a limit with the reason).

        Limits apply before any parsing, so they bound the CPU a reply costs too. Tool calls
        are counted apart from prose, so a reply full of fences cannot push a command out
        of the engine's reach.
        """
        admitted: list[Snippet] = []
        excess: list[_OverLimit] = []
        counts = {True: 0, False: 0}
        for snippet in snippets:
            size = len(snippet.code.encode("utf-8", "surrogatepass"))
            urgent = is_tool_snippet(snippet)
            if size > self.limits.max_snippet_bytes:
                excess.append(_OverLimit(snippet, f"This snippet ({size} bytes) is over the scan size limit"
                                                  f" ({self.limits.max_snippet_bytes} bytes), so no rule checked it."))
            elif counts[urgent] >= self.limits.max_snippets:
                what = "tool-call snippets" if urgent else "code blocks"
                excess.append(_OverLimit(snippet, f"This reply has more than {self.limits.max_snippets} {what};"
                                                  " this one and those after it were not checked.", by_count=True))
            else:
                counts[urgent] += 1
                admitted.append(snippet)
        return admitted, excess

    def _over_limits(self, excess: list[_OverLimit]) -> dict[int, SnippetResult]:
        """Results for the snippets over a limit: each gets a `breakwater.unparsed` finding, except that
        prose fences past the count share one (on the first), unless policy blocks them: a tag note
        per fence would bury the reply, and a block must still cover every one."""
        results: dict[int, SnippetResult] = {}
        noted_prose = False
        for over in excess:
            snippet = over.snippet
            result = results[id(snippet)] = SnippetResult(snippet, snippet.language, parse_errors=0)
            if not snippet.code.strip():
                continue
            raw = unparsed_finding(snippet.code, f"{over.reason} Unchecked code is not treated as safe.")
            findings = self.policy.apply([raw], snippet)
            shared = over.by_count and not is_tool_snippet(snippet)
            if shared and noted_prose and all(f.action is not Action.BLOCK for f in findings):
                continue
            noted_prose |= shared
            result.findings.extend(findings)
        return results

    def _judge_shell(self, result: SnippetResult) -> tuple[CarriedCode, ...]:
        """Typed command rules (in-process) for a bash or PowerShell snippet or a CI file's scripts; returns
        the code their commands carry."""
        judged = _COMMAND_JUDGES[result.language or ""](result.snippet)
        result.findings.extend(self.policy.apply(_on_added_lines(list(judged.findings), result.snippet),
                                                 result.snippet))
        return judged.carried

    def _prepare(self, snippet: Snippet, facts: ParseFacts) -> SnippetResult:
        result = SnippetResult(snippet, facts.language, parse_errors=facts.parse_errors)
        # `added_lines` marks a fragment of a file (diff hunks, a replaced passage): its
        # parse errors come from the missing surroundings, not from the suggestion.
        if facts.error_line is not None and snippet.added_lines is None:
            if facts.language in _COMMAND_JUDGES and snippet.info == ROLE_COMMAND:
                return result  # the command model reports what it cannot parse (proxy.shell.snippets)
            line = facts.error_line
            raw = _partial_parse_finding(snippet, line) if runs_or_writes(snippet) else _syntax_finding(line)
            result.findings.extend(self.policy.apply([raw], snippet))
        return result

    def _decide(self, result: SnippetResult) -> Decision:
        decision = self.policy.decide(result.findings)
        if result.error is not None and decision is not Decision.BLOCK:
            return Decision.ERROR  # an engine failure never lowers what in-process rules already blocked
        return decision


def _target(result: SnippetResult) -> ScanTarget:
    return ScanTarget(result.snippet.code, result.language or "", urgent=is_tool_snippet(result.snippet))


def _partial_parse_finding(snippet: Snippet, line: int) -> RawFinding:
    """An agent's command or file write that does not parse in full: unparsed, not a mere syntax note.

    Semgrep analyses what it could parse and skips the rest silently; the part it skipped
    is exactly where a walk-around would hide, so for code that runs or is written the
    scanner does not rely on the rest.
    """
    return unparsed_finding(snippet.code, "This code does not parse from this line on, so the guard could not"
                            " check all of it; code the guard cannot read is not treated as safe. Fix the"
                            " syntax and try again.", line)


def _syntax_finding(line: int) -> RawFinding:
    return RawFinding(
        SYNTAX_RULE_ID, "syntax-error", Severity.LOW,
        "The code does not parse; it will fail before it runs. Check for a missing bracket, quote or indent.",
        line, line,
    )


def _at_line(found: list[RawFinding], line: int) -> list[RawFinding]:
    """Findings in code a shell command carries, reported on the command's line."""
    return [replace(f, line=line, end_line=line) for f in found]


def _on_added_lines(found: list[RawFinding], snippet: Snippet) -> list[RawFinding]:
    """Keep findings on added lines only, when the snippet is the new side of a diff."""
    if snippet.added_lines is None:
        return found
    return [f for f in found if any(line in snippet.added_lines for line in range(f.line, f.end_line + 1))]


def blocking_findings(result: SnippetResult) -> list[Finding]:
    return [f for f in result.findings if f.action.value == "block"]
