"""The one scan path: extract → parse → engine → policy.

`breakwater scan`, the proxy and the tests all call `Scanner`. Protocol modules turn a
reply into `Snippet`s; this module turns snippets into a `ScanResult`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from proxy import parse
from proxy.engine.base import Engine, EngineError, ScanTarget
from proxy.engine.cache import FindingsCache
from proxy.extract import markdown, patches, xml_tools
from proxy.models import (
    Decision,
    Finding,
    Origin,
    RawFinding,
    ScanResult,
    Severity,
    Snippet,
    SnippetResult,
)
from proxy.policy import Policy
from proxy.shell.snippets import CarriedCode, judge_snippet

SYNTAX_RULE_ID = "breakwater.syntax-error"


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
    for number, fence in enumerate(fences):
        if not _overlaps(fence.start, fence.end, taken):
            found.extend(_fence_snippets(fence, number))
    if not found and not fences:
        changes = patches.changes_in(text)
        if changes is not None:
            found = [_change_snippet(change, change.start, change.end) for change in changes]
        elif (detection := parse.looks_like_code(text)) is not None:
            found = [Snippet(text, detection.language, Origin.RAW, 0, start=0, end=len(text))]
    found.sort(key=lambda s: s.start)
    return [replace(snippet, index=number) for number, snippet in enumerate(found)]


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
    return [_fence_snippet(fence, number)]


_DIFF_WORDS = frozenset({"diff", "patch", "udiff", "git-diff"})


def _change_snippet(change: patches.FileChange, start: int, end: int) -> Snippet:
    return Snippet(change.code, change.language, Origin.DIFF, 0, info="file", path=change.path,
                   start=start, end=end, added_lines=change.added_lines)


def _fence_snippet(fence: markdown.Fence, number: int) -> Snippet:
    language = markdown.fence_language(fence.info)
    code = fence.code
    word = fence.language_word
    if language in (None, "bash") and markdown.is_shell_session(code, word):
        language, code = "bash", markdown.strip_prompts(code)
    return Snippet(
        code, language, Origin.MARKDOWN, number, info=fence.info, path=markdown.info_path(fence.info),
        start=fence.start, end=fence.end,
    )


def raw_snippet(code: str, language: str | None, origin: Origin = Origin.RAW) -> Snippet:
    return Snippet(code, language, origin, 0, start=0, end=len(code))


@dataclass
class ScanStats:
    """What one scan did, for metrics: seconds spent and the engine error kind, if any."""

    seconds: float = 0.0
    engine_error: str | None = None
    languages: list[str] = field(default_factory=list)


class Scanner:
    def __init__(self, engine: Engine, policy: Policy, on_stats: Callable[[ScanStats], None] | None = None,
                 cache: FindingsCache | None = None):
        self.engine = engine
        self.policy = policy
        self.on_stats = on_stats
        self.cache = cache

    async def scan_text(self, text: str) -> ScanResult:
        return await self.scan(snippets_from_text(text))

    async def scan(self, snippets: Sequence[Snippet]) -> ScanResult:
        started = time.perf_counter()
        stats = ScanStats()
        results = [self._prepare(snippet) for snippet in snippets]
        scannable = [r for r in results if r.language]
        carried = [(r, code) for r in scannable if r.language == "bash" for code in self._judge_shell(r)]
        targets = [ScanTarget(r.snippet.code, r.language or "") for r in scannable]
        targets += [ScanTarget(code.snippet.code, code.snippet.language or "") for _, code in carried]
        raw: list[list[RawFinding]] = []
        if targets:
            try:
                raw = await self._engine_findings(targets)
            except EngineError as exc:
                stats.engine_error = exc.kind
                for result in scannable:
                    result.error = str(exc)
        for result, found in zip(scannable, raw, strict=False):
            result.findings.extend(self.policy.apply(_on_added_lines(found, result.snippet), result.snippet))
        for (result, code), found in zip(carried, raw[len(scannable):], strict=False):
            result.findings.extend(self.policy.apply(_at_line(found, code.line), code.snippet))
        for result in results:
            result.decision = self._decide(result)
        stats.seconds = time.perf_counter() - started
        stats.languages = [r.language or "unknown" for r in results]
        if self.on_stats:
            self.on_stats(stats)
        return ScanResult(results)

    async def _engine_findings(self, targets: list[ScanTarget]) -> list[list[RawFinding]]:
        """The engine's findings per target; cached answers first, one engine call for the rest."""
        if self.cache is None:
            return await self.engine.scan(targets)
        found = [self.cache.get(target) for target in targets]
        missing = [target for target, hit in zip(targets, found, strict=True) if hit is None]
        fresh = iter(await self.engine.scan(missing)) if missing else iter(())
        answers: list[list[RawFinding]] = []
        for target, hit in zip(targets, found, strict=True):
            if hit is None:
                hit = next(fresh)
                self.cache.put(target, hit)
            answers.append(hit)
        return answers

    def _judge_shell(self, result: SnippetResult) -> tuple[CarriedCode, ...]:
        """Typed command rules (in-process) for a bash snippet; returns the code its commands carry."""
        judged = judge_snippet(result.snippet)
        result.findings.extend(self.policy.apply(_on_added_lines(list(judged.findings), result.snippet),
                                                 result.snippet))
        return judged.carried

    def _prepare(self, snippet: Snippet) -> SnippetResult:
        language = snippet.language
        if language is None and snippet.code.strip():
            detection = parse.detect_language(snippet.code)
            language = detection.language if detection else None
        result = SnippetResult(snippet, language, parse_errors=0)
        if language:
            report = parse.parse(snippet.code, language)
            result.parse_errors = report.error_count if report else 0
            line = parse.syntax_error_line(snippet.code, language) if report and not report.ok else None
            # `added_lines` marks a fragment of a file (diff hunks, a replaced passage): its
            # parse errors come from the missing surroundings, not from the suggestion.
            if line is not None and snippet.added_lines is None:
                result.findings.extend(self.policy.apply([_syntax_finding(line)], snippet))
        return result

    def _decide(self, result: SnippetResult) -> Decision:
        decision = self.policy.decide(result.findings)
        if result.error is not None and decision is not Decision.BLOCK:
            return Decision.ERROR  # an engine failure never lowers what in-process rules already blocked
        return decision


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
