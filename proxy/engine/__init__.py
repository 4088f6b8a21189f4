"""The Semgrep engine behind one small interface: `await engine.scan(targets)`.

`create_engine` picks the implementation: the fast engine (prefilter + warm language
servers, `proxy.engine.pool`) by default, or the reference engine (`semgrep-core -targets`
per scan, `proxy.engine.core`) that defines the expected results.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from proxy.engine.base import Engine, EngineError, ScanTarget
from proxy.engine.cache import FindingsCache
from proxy.engine.core import SemgrepCoreEngine
from proxy.engine.pool import FastEngine, PoolOptions
from proxy.rulepack import RulePack

if TYPE_CHECKING:
    from proxy.config import Settings

EngineKind = Literal["fast", "reference"]

__all__ = ["Engine", "EngineError", "EngineKind", "FastEngine", "FindingsCache", "PoolOptions", "ScanTarget",
           "SemgrepCoreEngine", "create_engine", "engine_from_settings"]


def create_engine(pack: RulePack, kind: EngineKind = "fast", options: PoolOptions | None = None) -> Engine:
    """An engine for `pack`; `options` tunes the fast engine (the reference one uses its scan timeout)."""
    options = options or PoolOptions()
    if kind == "reference":
        return SemgrepCoreEngine(pack, timeout_seconds=options.scan_timeout_seconds)
    if kind == "fast":
        return FastEngine(pack, options)
    raise ValueError(f"unknown engine kind {kind!r}")


def engine_from_settings(pack: RulePack, settings: Settings) -> Engine:
    """`create_engine` configured by the `engine*` and `scan_timeout_seconds` settings."""
    return create_engine(pack, settings.engine, PoolOptions(
        processes=settings.engine_processes,
        wait_budget_seconds=settings.engine_wait_budget_seconds,
        max_wait_seconds=settings.engine_max_wait_seconds,
        snippet_timeout_seconds=settings.engine_snippet_timeout_seconds,
        scan_timeout_seconds=settings.scan_timeout_seconds,
        recycle_after_scans=settings.engine_recycle_after_scans,
        recycle_rss_mb=settings.engine_recycle_rss_mb,
    ))
