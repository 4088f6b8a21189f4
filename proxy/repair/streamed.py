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
    """Events decoded from a byte stream, kept; a stream that cannot be decoded is marked broken."""

    decoder: sse.Decoder = field(default_factory=sse.Decoder)
    events: list[sse.Event] = field(default_factory=list)
    broken: bool = False

    def feed(self, data: bytes) -> None:
        if not self.broken:
            try:
                self.events.extend(self.decoder.feed(data))
            except sse.SSEError:
                self.broken = True


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
        """The output's hold: true from the first verdict with a finding to repair on."""
        if not self.triggered and results:
            self.triggered = bool(self._findings(results))
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
        try:
            if error is None and not self.upstream.broken:
                await self._repair(ctx)
        finally:
            ctx.output.release()

    async def _repair(self, ctx: StreamContext) -> None:
        result = ctx.result
        self.guard.record(result)  # first among the held records: the original
        self._recorded = True
        findings = self._findings(ctx.results)
        original = self.fmt.original(self.upstream.events)
        self.outcome = await self.repairer.attempt(self.fmt.repair, self.request, original, {},
                                                   Review([], result, True), findings, self.guard, self.send)
        if self.outcome.name == "repaired":
            ctx.output.replace_pending(self.fmt.ending(self.upstream.events, self.written.events,
                                                       self.outcome.reply, self.request))
        else:  # the original verdict stands; where the stream was held, a note says a repair was tried
            ctx.output.prepend_pending(self.fmt.note_at_hold(self.upstream.events, self.written.events,
                                                             kept_note(self.outcome.reason)))
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
