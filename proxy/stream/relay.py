"""Running one streamed reply: read the upstream, transform, write to the client, watch for hang-ups.

Three tasks per reply: the pump (upstream bytes → the wire format's transformer → `Output`),
the writer (`Output` → client, in order, as reviews finish) and a watch on the client's
connection. If the client goes away, the upstream response is closed at once (within the
watch interval), so the LLM stops generating for nobody. If the upstream breaks off or
sends malformed events, the transformer judges what it holds, writes an error event in the
API's own format, and the reply ends cleanly (the client connection stays reusable).
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

import aiohttp
from aiohttp import web
from multidict import CIMultiDict

from proxy import sse
from proxy.config import StreamingConfig
from proxy.guard import Guard
from proxy.protocols.wire import Payload, Transformer, WireFormat
from proxy.stream.context import StreamBroken, StreamContext
from proxy.stream.output import Output
from proxy.stream.tool_review import ToolReview

if TYPE_CHECKING:
    from proxy.repair.streamed import StreamRepair

log = logging.getLogger("breakwater.stream")

WATCH_INTERVAL = 0.02  # seconds between checks that the client is still connected


class ShadowTap:
    """Shadow mode: the bytes go out exactly as they came; the events are kept for counting."""

    def __init__(self, output: Output) -> None:
        self.output = output
        self.decoder = sse.Decoder()
        self.events: list[sse.Event] = []
        self.broken = False

    def feed(self, data: bytes) -> None:
        self.output.put_free(data)
        if not self.broken:
            try:
                self.events.extend(self.decoder.feed(data))
            except sse.SSEError:
                self.broken = True

    def finish(self, error: str | None) -> None:
        if not self.broken:
            try:
                self.events.extend(self.decoder.finish())
            except sse.SSEError:
                self.broken = True


async def stream_reply(
    request: web.Request, response: aiohttp.ClientResponse, headers: CIMultiDict[str], guard: Guard,
    limits: StreamingConfig, wire: WireFormat, payload: Payload, repair: StreamRepair | None = None,
) -> web.StreamResponse:
    """`repair`: the repair loop for this reply (proxy.repair.streamed, built from `wire`'s table entry), or None."""
    shadow = guard.in_shadow
    active = None if shadow else repair  # shadow mode never repairs (it counts what it would have)
    ctx = StreamContext(active.guard if active is not None else guard, limits, ToolReview)
    tap = ShadowTap(ctx.output) if shadow else None
    transformer: Transformer = tap if tap is not None else wire.transformer(ctx, payload)
    if active is not None:
        transformer = _RepairTap(transformer, active)
        ctx.output.hold = lambda: active.holding(ctx.results)
    out = web.StreamResponse(status=response.status, headers=headers)
    await out.prepare(request)
    completed = await _run(request, response, transformer, ctx, out, active)
    if active is not None:
        active.record(ctx.result)
    elif tap is None and (completed or ctx.results):
        guard.record(ctx.result)  # before the end of the body, so the reply is audited once the client has it
    if completed:
        await _end_body(out)
    if tap is not None and completed and not tap.broken:
        review = await wire.review_collected(guard, wire.collect(tap.events), payload)  # counts; changes nothing
        if repair is not None:
            repair.count_would_repair(review)
    return out


class _RepairTap:
    """The guarded transformer, with the upstream's bytes also kept for the repair loop (`_pump` runs it
    when the upstream has ended)."""

    def __init__(self, inner: Transformer, repair: StreamRepair) -> None:
        self.inner, self.repair = inner, repair

    def feed(self, data: bytes) -> None:
        self.repair.upstream.feed(data)
        self.inner.feed(data)

    def finish(self, error: str | None) -> None:
        self.inner.finish(error)


async def _run(request: web.Request, response: aiohttp.ClientResponse, transformer: Transformer,
               ctx: StreamContext, out: web.StreamResponse, repair: StreamRepair | None = None) -> bool:
    """True when the reply was written to its end; False when the client went away."""
    writer = asyncio.create_task(ctx.output.run(repair.tapped(out.write) if repair is not None else out.write))
    pump = asyncio.create_task(_pump(response, transformer, ctx.output, repair, ctx))
    watch = asyncio.create_task(_watch(request))
    completed = False
    try:
        while True:
            if writer.done() and pump.done() and not _failed(writer) and not _failed(pump):
                completed = True
                break
            if watch.done() or _failed(writer) or _failed(pump):
                break
            await asyncio.wait({t for t in (pump, writer, watch) if not t.done()},
                               return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in (pump, writer, watch):
            task.cancel()
        ctx.cancel()
        if not completed:
            response.close()  # drop the upstream connection: the LLM stops generating
            reason = "client went away" if watch.done() or _failed(writer) else f"internal error: {pump!r}"
            log.info("stream aborted: %s", reason)
            if _failed(pump):
                log.error("stream pump failed", exc_info=pump.exception())
    return completed


async def _end_body(out: web.StreamResponse) -> None:
    """Write the end of the body. A client may hang up as soon as it has the last event (Codex
    CLI does, after `response.completed`): it has everything, so that is a normal end, not an error."""
    try:
        await out.write_eof()
    except ConnectionResetError:  # aiohttp's ClientConnectionResetError is one
        log.info("stream: the client closed the connection after the last event")


def _failed(task: asyncio.Task[Any]) -> bool:
    return task.done() and not task.cancelled() and task.exception() is not None


async def _pump(response: aiohttp.ClientResponse, transformer: Transformer, output: Output,
                repair: StreamRepair | None = None, ctx: StreamContext | None = None) -> None:
    error: str | None = None
    try:
        async for chunk in response.content.iter_any():
            transformer.feed(chunk)
    except StreamBroken as exc:
        error = f"the upstream stream is malformed: {exc}"
        response.close()
    except (aiohttp.ClientError, TimeoutError) as exc:
        error = f"the upstream stream broke off ({type(exc).__name__})"
    if error is not None:
        log.warning("%s", error)
    transformer.finish(error)
    output.close()
    if repair is not None and ctx is not None:
        await repair.finish(ctx, error)


async def _watch(request: web.Request) -> None:
    """Returns when the client's connection is gone (aiohttp does not cancel the handler)."""
    while True:
        await asyncio.sleep(WATCH_INTERVAL)
        transport = request.transport
        if transport is None or transport.is_closing():
            return
