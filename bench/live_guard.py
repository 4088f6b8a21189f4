"""The guard the proxy builds, for the labelled-corpus harnesses (`bench.commands`, `bench.detection`).

Built exactly as `proxy.server.create_app` builds it: settings as `breakwater serve` reads
them, the engine from those settings, the same policy (tool policy included) and findings
cache. The harnesses then judge replies and tool calls through the proxy's own entry points
(`Guard.review_texts`, `proxy.agents.review_reply`), so the figures are the proxy's.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from proxy.config import Settings, load_settings
from proxy.engine import FindingsCache
from proxy.guard import Guard
from proxy.metrics import Metrics
from proxy.policy import Policy
from proxy.scan import Scanner
from proxy.server import default_engine


def guard_for(settings: Settings) -> Guard:
    """An unstarted guard; start its engine with `guard.scanner.engine.start()` (or use `running_guard`)."""
    engine = default_engine(settings)
    cache = FindingsCache(settings.scan_cache_entries) if settings.scan_cache_entries else None
    scanner = Scanner(engine, Policy.from_settings(settings), cache=cache)
    return Guard(scanner, Metrics(), shadow=False)


@asynccontextmanager
async def running_guard(settings: Settings | None = None) -> AsyncIterator[Guard]:
    """A guard with a started engine, closed on exit. Enforce mode: the harness measures decisions."""
    settings = settings or load_settings(None, mode="enforce")
    guard = guard_for(settings)
    await guard.scanner.engine.start()
    try:
        yield guard
    finally:
        await guard.scanner.engine.close()
