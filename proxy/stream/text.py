"""One streamed text channel (an OpenAI choice's content, an Anthropic text block, a completion).

Prose is written at once. From an opening fence on, the text and the wire framing it came
in are held; at the closing fence the block is judged through the one scan path (the same
`Guard` as non-streamed replies, so the notes are identical) while later events of the
channel wait in their lane. Then the block is released as it came (allow), followed by the
tag note (tag), or replaced by the block note (block). A block that outgrows the hold
limits is handled as `streaming.on_hold_limit` says.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import Enum
from typing import Any, Protocol

from proxy import render
from proxy.extract import markdown
from proxy.guard import Guard
from proxy.models import Decision, Origin, ScanResult, Snippet, SnippetResult
from proxy.scan import snippets_from_text
from proxy.stream.context import StreamContext
from proxy.stream.fences import Close, Code, FenceMachine, Open, Prose, Segment
from proxy.stream.output import Slot

log = logging.getLogger("breakwater.stream")

Frame = Any  # a protocol's framing for one piece of text (e.g. the chunk it came in)
Encode = Callable[[Frame, str], bytes]


@dataclass
class Judgement:
    """The text the client gets for a held block, and the results to count."""

    text: str
    results: list[SnippetResult]


class Judge(Protocol):
    async def judge(self, raw: str, context: str = "") -> Judgement:
        """The held `raw` text, judged; `context` is the text before it that its blocks are read in."""
        ...

    def failed(self, raw: str, error: str) -> Judgement: ...

    def over_limit(self, raw: str, reason: str, blocked: bool) -> Judgement:
        """Released: the text to put before the held code. Blocked: the replacement."""
        ...


class Splitter(Protocol):
    def feed(self, text: str) -> list[Segment]: ...

    def finish(self) -> list[Segment]: ...

    @property
    def pending_chars(self) -> int: ...


class WholeText:
    """A splitter for autocomplete: the whole text is one held block."""

    def __init__(self) -> None:
        self._open = False

    pending_chars = 0

    def feed(self, text: str) -> list[Segment]:
        if not text:
            return []
        segments: list[Segment] = [] if self._open else [Open("")]
        self._open = True
        return [*segments, Code(text)]

    def finish(self) -> list[Segment]:
        was_open, self._open = self._open, False
        return [Close(closed=True)] if was_open else []


class Use(Enum):
    """What `TextGuard.feed` did with the frame it was given."""

    NONE = "none"  # not written: the caller delivers the frame's other fields itself
    FRAME = "frame"  # written or held with (part of) the text
    RAW = "raw"  # the upstream event was written unchanged


class _Mode(Enum):
    PROSE = "prose"
    HOLD = "hold"
    PASS = "pass"  # released at the hold limit: the rest of the block streams on
    DROP = "drop"  # blocked at the hold limit: the rest of the block is discarded


class TextGuard:
    def __init__(self, ctx: StreamContext, lane: int, encode: Encode, judge: Judge,
                 splitter: Splitter | None = None) -> None:
        self.ctx = ctx
        self.lane = lane
        self.encode = encode
        self.judge = judge
        self.splitter: Splitter = splitter or FenceMachine()
        self._mode = _Mode.PROSE
        self._held: list[tuple[Frame, str]] = []
        self._held_bytes = 0
        self._slot: Slot | None = None
        self._timer: asyncio.TimerHandle | None = None
        self._frame: Frame = None  # the latest minimal frame, for notes

    @property
    def holding(self) -> bool:
        return self._mode is _Mode.HOLD

    def feed(self, text: str, frame: Frame, minimal: Frame, raw: bytes | None = None) -> Use:
        """Take one piece of text; `frame` carries the event's other fields, `minimal` only the
        framing (for further pieces of the same text, and for notes).

        `raw`, when given, is the upstream event that carried exactly this text and frame:
        written unchanged when the whole text is prose.
        """
        self._frame = minimal
        segments = self.splitter.feed(text)
        if raw is not None and self._mode is _Mode.PROSE and segments == [Prose(text)]:
            self.ctx.output.put(self.lane, raw)
            return Use.RAW
        return Use.FRAME if self._apply(segments, frame, minimal) else Use.NONE

    def finish(self, minimal: Frame | None = None) -> None:
        """The channel ended (finish_reason, block stop, end of stream): judge what is held."""
        if minimal is not None:
            self._frame = minimal
        self._apply(self.splitter.finish(), self._frame, self._frame)

    def _apply(self, segments: list[Segment], frame: Frame, minimal: Frame) -> bool:
        used = False
        for segment in segments:
            current = minimal if used else frame
            if isinstance(segment, Prose):
                self.ctx.output.put(self.lane, self.encode(current, segment.text))
                used = True
            elif isinstance(segment, Open):
                self._open()
            elif isinstance(segment, Code):
                used = True
                self._code(current, segment.text)
            elif isinstance(segment, Close):
                self._close(segment.context)
        return used

    def _open(self) -> None:
        self._mode = _Mode.HOLD
        self._held, self._held_bytes = [], 0
        self._slot = self.ctx.output.reserve(self.lane)
        loop = asyncio.get_running_loop()
        self._timer = loop.call_later(self.ctx.limits.max_hold_seconds, self._over_limit,
                                      f"held longer than {self.ctx.limits.max_hold_seconds:g} s")

    def _code(self, frame: Frame, text: str) -> None:
        if self._mode is _Mode.PASS:
            self.ctx.output.put(self.lane, self.encode(frame, text))
        elif self._mode is _Mode.HOLD:
            self._held.append((frame, text))
            self._held_bytes += len(text.encode())
            if self._held_bytes + self.splitter.pending_chars > self.ctx.limits.max_hold_bytes:
                self._over_limit(f"larger than {self.ctx.limits.max_hold_bytes} bytes")

    def _close(self, context: str) -> None:
        self._cancel_timer()
        if self._mode is _Mode.HOLD and self._slot is not None:
            self.ctx.spawn(self._release(self._held, self._slot, self._frame, context))
        self._mode, self._held, self._slot = _Mode.PROSE, [], None

    def _over_limit(self, reason: str) -> None:
        if self._mode is not _Mode.HOLD or self._slot is None:
            return
        self._cancel_timer()
        blocked = self.ctx.limits.on_hold_limit == "block"
        raw = "".join(text for _, text in self._held)
        judgement = self.judge.over_limit(raw, reason, blocked)
        self.ctx.results.extend(judgement.results)
        log.warning("stream hold limit: %s; %s", reason, "blocked" if blocked else "released unscanned")
        note = self.encode(self._frame, judgement.text) if judgement.text else b""
        self._slot.fill(note if blocked else note + self._encoded(self._held))
        self._mode, self._held, self._slot = (_Mode.DROP if blocked else _Mode.PASS), [], None

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    async def _release(self, held: list[tuple[Frame, str]], slot: Slot, minimal: Frame, context: str) -> None:
        raw = "".join(text for _, text in held)
        try:
            judgement = await self.judge.judge(raw, context)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # never leave a slot empty: the whole stream would stall
            log.exception("reviewing a streamed block failed")
            judgement = self.judge.failed(raw, f"{type(exc).__name__}: {exc}")
        self.ctx.results.extend(judgement.results)
        text = judgement.text
        if text == raw:
            slot.fill(self._encoded(held))
        elif text.startswith(raw):
            slot.fill(self._encoded(held) + self.encode(minimal, text[len(raw):]))
        else:
            slot.fill(self.encode(minimal, text))

    def _encoded(self, held: list[tuple[Frame, str]]) -> bytes:
        return b"".join(self.encode(frame, text) for frame, text in held)


def _unscanned(raw: str, origin: Origin, decision: Decision, error: str, language: str | None = None) -> SnippetResult:
    if language is None and origin is Origin.MARKDOWN:
        snippets = snippets_from_text(raw)
        language = snippets[0].language if snippets else None
    snippet = Snippet(raw, language, origin, 0, start=0, end=len(raw))
    return SnippetResult(snippet, language, 0, decision=decision, error=error)


class MarkdownJudge:
    """Fenced blocks in chat and message replies, judged exactly as non-streamed replies are."""

    def __init__(self, guard: Guard, number: Callable[[], int]) -> None:
        self.guard = guard
        self._number = number

    async def judge(self, raw: str, context: str = "") -> Judgement:
        """Scan the blocks of `raw` as the whole reply reads them: parsed after `context`
        (so a fence in a list item or a blockquote is the same block), rewritten in `raw`."""
        whole = context + raw
        if not any(fence.end > len(context) for fence in markdown.find_fences(whole)):
            return Judgement(raw, [])  # the region held no code after all (see FenceMachine)
        review = await self.guard.review_texts([whole], count=False)
        own = [_clipped(result, len(context)) for result in review.result.snippets if result.snippet.end > len(context)]
        text = render.rewrite_text(whole, ScanResult(own), self.guard.fail_closed)[len(context):]
        return Judgement(text, self._numbered([_shifted(result, len(context)) for result in own]))

    def failed(self, raw: str, error: str) -> Judgement:
        result = _unscanned(raw, Origin.MARKDOWN, Decision.ERROR, error)
        text = render.rewrite_text(raw, ScanResult([result]), self.guard.fail_closed)
        return Judgement(text, self._numbered([result]))

    def over_limit(self, raw: str, reason: str, blocked: bool) -> Judgement:
        result = _unscanned(raw, Origin.MARKDOWN, Decision.BLOCK if blocked else Decision.ERROR, reason)
        note = render.hold_limit_note(result, reason, blocked)
        return Judgement(note if blocked else note + "\n", self._numbered([result]))

    def _numbered(self, results: list[SnippetResult]) -> list[SnippetResult]:
        for result in results:
            result.snippet = _renumber(result.snippet, self._number())
        return results


class CompletionJudge:
    """Autocomplete: the whole completion is one snippet; blocked → empty, tagged → unchanged."""

    def __init__(self, guard: Guard, language: str | None, number: Callable[[], int]) -> None:
        self.guard = guard
        self.language = language
        self._number = number

    async def judge(self, raw: str, context: str = "") -> Judgement:
        review = await self.guard.review_completions([raw], self.language, count=False)
        for result in review.result.snippets:
            result.snippet = _renumber(result.snippet, self._number())
        return Judgement(review.texts[0], review.result.snippets)

    def failed(self, raw: str, error: str) -> Judgement:
        result = _unscanned(raw, Origin.COMPLETION, Decision.ERROR, error, self.language)
        result.snippet = _renumber(result.snippet, self._number())
        return Judgement("" if self.guard.fail_closed else raw, [result])

    def over_limit(self, raw: str, reason: str, blocked: bool) -> Judgement:
        result = _unscanned(raw, Origin.COMPLETION, Decision.BLOCK if blocked else Decision.ERROR, reason,
                            self.language)
        result.snippet = _renumber(result.snippet, self._number())
        return Judgement("", [result])  # never a note: it would land in the user's file


def _clipped(result: SnippetResult, start: int) -> SnippetResult:
    """A result whose span begins no earlier than `start` (released text is not rewritten)."""
    if result.snippet.start < start:
        result.snippet = replace(result.snippet, start=start)
    return result


def _shifted(result: SnippetResult, by: int) -> SnippetResult:
    """A result of `context + raw` placed in `raw`."""
    result.snippet = replace(result.snippet, start=result.snippet.start - by, end=result.snippet.end - by)
    return result


def _renumber(snippet: Snippet, index: int) -> Snippet:
    return replace(snippet, index=index)
