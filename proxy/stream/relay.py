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
from typing import Any

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
    limits: StreamingConfig, wire: WireFormat, payload: Payload,
) -> web.StreamResponse:
    ctx = StreamContext(guard, limits, ToolReview)
    tap = ShadowTap(ctx.output) if guard.in_shadow else None
    transformer: Transformer = tap if tap is not None else wire.transformer(ctx, payload)
    out = web.StreamResponse(status=response.status, headers=headers)
    await out.prepare(request)
    completed = await _run(request, response, transformer, ctx, out)
    if tap is None and (completed or ctx.results):
        guard.record(ctx.result)  # before the end of the body, so the reply is audited once the client has it
    if completed:
        await _end_body(out)
    if tap is not None and completed and not tap.broken:
        await wire.review_collected(guard, wire.collect(tap.events), payload)  # counts; changes nothing
    return out


async def _run(request: web.Request, response: aiohttp.ClientResponse, transformer: Transformer,
               ctx: StreamContext, out: web.StreamResponse) -> bool:
    """True when the reply was written to its end; False when the client went away."""
    writer = asyncio.create_task(ctx.output.run(out.write))
    pump = asyncio.create_task(_pump(response, transformer, ctx.output))
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


async def _pump(response: aiohttp.ClientResponse, transformer: Transformer, output: Output) -> None:
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


async def _watch(request: web.Request) -> None:
    """Returns when the client's connection is gone (aiohttp does not cancel the handler)."""
    while True:
        await asyncio.sleep(WATCH_INTERVAL)
        transport = request.transport
        if transport is None or transport.is_closing():
            return
