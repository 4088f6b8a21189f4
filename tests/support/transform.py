"""Driving a stream adapter in-process on exact byte pieces, with the real (reference) engine.

Property tests control every chunk boundary — over TCP pieces could be coalesced — so they
feed an adapter directly. The engine is the reference one behind the scanner's exact
findings cache, so hundreds of examples cost a handful of real scans; it is not the warm
fast engine because each hypothesis example runs in its own event loop.
"""

from __future__ import annotations

import asyncio

from proxy.config import Settings
from proxy.engine import FindingsCache, SemgrepCoreEngine
from proxy.guard import Guard
from proxy.metrics import Metrics
from proxy.policy import Policy
from proxy.rulepack import load
from proxy.scan import Scanner
from proxy.stream.context import StreamContext
from proxy.stream.relay import Transformer


def cached_guard(settings: Settings | None = None) -> Guard:
    settings = settings or Settings()
    scanner = Scanner(SemgrepCoreEngine(load()), Policy.from_settings(settings), cache=FindingsCache(100_000))
    return Guard(scanner, Metrics())


async def run_stream(ctx: StreamContext, stream: Transformer, chunks: list[bytes], timeout: float = 30) -> bytes:
    """Feed `chunks` one by one, end the body, and return every byte the client would get."""
    written: list[bytes] = []

    async def write(data: bytes) -> None:
        written.append(data)

    writer = asyncio.create_task(ctx.output.run(write))
    for chunk in chunks:
        stream.feed(chunk)
        await asyncio.sleep(0)
    stream.finish(None)
    ctx.output.close()
    await asyncio.wait_for(writer, timeout)
    return b"".join(written)
