"""The repair loop in a streamed reply: hold the stream at the block the model is to fix, deliver its
repaired answer in the same stream.

While the stream runs, the guard's verdicts arrive block by block (`StreamContext.results`). As
soon as one has a finding the repair loop would send back, the client's output stops at that
point (`Output.hold`): what came before is delivered, the held block and everything after it wait,
in order, as with any held block. When the upstream has ended and every review is done, the
reply as the model sent it is rebuilt from the upstream's events and sent back once (non-streamed,
`Repairer.attempt`, with its bounds and fallbacks). Repaired: the held rest is dropped and the
repaired answer (judged by the full guard, with its note) is written as the rest of the stream, in
the same wire format (`stream_formats`). Not used (still risky, worse, error, timeout): the held
rest goes out exactly as the guard rewrote it, the original verdict stands, after a note saying a
repair was tried and why it was not used (where the format has open text at that point to carry it).

A stream whose upstream broke off, or that the client left, is never repaired. Without a finding
to repair nothing is held, so a clean stream pays nothing.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from proxy import sse
from proxy.guard import Guard, Review
from proxy.models import Finding, ScanResult, SnippetResult
from proxy.repair.formats import Payload
from proxy.repair.loop import Outcome, Repairer, Send, kept_note
from proxy.repair.records import HeldRecords
from proxy.repair.stream_formats import StreamRepairFormat
from proxy.stream.context import StreamContext

log = logging.getLogger("breakwater.repair")


@dataclass
class _Tap:
    """The bytes of one side of the stream, kept; decoded into events only when a repair needs them (a
    stream that needs none pays one list append per chunk)."""

    chunks: list[bytes] = field(default_factory=list)

    def feed(self, data: bytes) -> None:
        self.chunks.append(data)

    def events(self) -> list[sse.Event] | None:
        """The events, or None when the bytes are not a readable event stream."""
        decoder = sse.Decoder()
        try:
            return [*decoder.feed(b"".join(self.chunks)), *decoder.finish()]
        except sse.SSEError:
            return None


@dataclass
class StreamRepair:
    """One streamed reply's repair. `guard` is what the stream is judged with (its audit records wait
    for the outcome, as in `HeldRecords`)."""

    repairer: Repairer
    fmt: StreamRepairFormat
    records: HeldRecords
    request: Payload
    opt_out: str | None
    send: Send
    upstream: _Tap = field(default_factory=_Tap)
    written: _Tap = field(default_factory=_Tap)
    triggered: bool = False
    outcome: Outcome | None = None
    _recorded: bool = False
    _checked: int = 0  # verdicts already looked at by `holding`

    @property
    def guard(self) -> Guard:
        return self.records.guard

    def tapped(self, write: Callable[[bytes], Awaitable[None]]) -> Callable[[bytes], Awaitable[None]]:
        """The client's write, seeing what was written (the ending continues it)."""

        async def write_and_keep(data: bytes) -> None:
            self.written.feed(data)
            await write(data)

        return write_and_keep

    def holding(self, results: list[SnippetResult]) -> bool:
        """The output's hold: true from the first verdict with a finding to repair on (each verdict is
        looked at once, when it arrives)."""
        if not self.triggered and len(results) > self._checked:
            self.triggered = bool(self._findings(results[self._checked:]))
            self._checked = len(results)
        return self.triggered

    def _findings(self, results: list[SnippetResult]) -> list[Finding]:
        review = Review([], ScanResult(list(results)), True)
        return self.repairer.findings_to_fix(review, self.guard, self.opt_out)

    async def finish(self, ctx: StreamContext, error: str | None) -> None:
        """The upstream has ended: wait for every verdict, then repair, or let the held rest go."""
        while ctx.tasks:
            await asyncio.gather(*list(ctx.tasks), return_exceptions=True)
        if not self.holding(ctx.results):
            return
        upstream, written = self.upstream.events(), self.written.events()
        try:
            if error is None and upstream is not None and written is not None:
                await self._repair(ctx, upstream, written)
        except Exception:  # a fault here must not cost the client its reply: the held rest goes out as it is
            log.exception("streamed repair failed; the original verdict stands")
        finally:
            ctx.output.release()

    async def _repair(self, ctx: StreamContext, upstream: list[sse.Event], written: list[sse.Event]) -> None:
        result = ctx.result
        self.guard.record(result)  # first among the held records: the original
        self._recorded = True
        findings = self._findings(ctx.results)
        self.outcome = await self.repairer.attempt(self.fmt.repair, self.request, self.fmt.original(upstream), {},
                                                   Review([], result, True), findings, self.guard, self.send)
        if self.outcome.name == "repaired":
            ctx.output.replace_pending(self.fmt.ending(upstream, written, self.outcome.reply, self.request))
        else:  # the original verdict stands; where the stream was held, a note says a repair was tried
            ctx.output.prepend_pending(self.fmt.note_at_hold(upstream, written, kept_note(self.outcome.reason)))
        log.info("streamed repair: %s %s", self.outcome.name, self.outcome.reason)

    def count_would_repair(self, review: Review) -> None:
        """Shadow mode: the stream went out unchanged; count it if a repair would have been asked for."""
        self.repairer.findings_to_fix(review, self.records.real, self.opt_out)

    def record(self, result: ScanResult) -> None:
        """The end of the reply: its records, marked with the repair outcome when there was one."""
        if not self._recorded:
            self.guard.record(result)
        outcome = self.outcome
        self.records.release(outcome.name if outcome else None, outcome.reason if outcome else "")
