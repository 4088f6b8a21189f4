"""Live reload of configuration and rules: `SIGHUP` or `POST /admin/api/reload` (admin key).

A reload reads the configuration again (the same file and command-line flags the process
started with), loads the rule pack, starts and warms a *new* engine, builds a new guard
around it, and only then swaps it into the app state in one step (no `await` between the
assignments, so no request sees half of it). Requests that already hold the old guard — every
stream in flight — finish with it; the old engine is closed once the last of them lets go of
the old guard (or after `upstream_read_timeout_seconds` at the latest). `/readyz` stays
ready throughout: the old engine serves until the new one is warm.

A configuration or rule pack that fails validation, or an engine that does not start, is
refused: the old one stays, the reason is logged and `breakwater_reloads_total{result}` counts
it. Settings that a running process cannot change (listen address, upstream URLs, the team
store and audit settings) are refused too, with the names, so a restart is never silently
skipped.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web
from prometheus_client import Counter

from proxy.app_state import AppState
from proxy.config import Settings, load_settings
from proxy.engine import Engine, FastEngine, FindingsCache
from proxy.guard import Guard
from proxy.metrics import Metrics
from proxy.offload import Offload
from proxy.policy import Policy
from proxy.repair.loop import Repairer
from proxy.scan import ScanLimits, Scanner

log = logging.getLogger("breakwater.reload")

EngineFactory = Callable[[Settings], Engine]
# Changing these needs a restart: sockets, upstream clients and the team store are built once.
RESTART_ONLY = ("host", "port", "openai_base_url", "anthropic_base_url", "max_body_bytes")
RESTART_ONLY_TEAM = ("store", "audit", "pepper_env")
WARM_UP_SECONDS = 180.0  # a new engine not warm by then is refused; the old one keeps serving


@dataclass(frozen=True)
class SettingsSource:
    """Where the settings came from (config file and flags), so a reload reads them the same way. Picklable."""

    path: Path | None = None
    overrides: dict[str, Any] = field(default_factory=dict)

    def __call__(self) -> Settings:
        return load_settings(self.path, **self.overrides)


def assemble_guard(settings: Settings, engine: Engine, metrics: Metrics, offload: Offload) -> Guard:
    """The scanner and guard around an engine, as configured (used at start and on every reload).

    The offload process pool is the app's, shared by every guard a reload builds."""
    cache = FindingsCache(settings.scan_cache_entries) if settings.scan_cache_entries else None
    scanner = Scanner(engine, Policy.from_settings(settings), on_stats=metrics.observe_scan_stats, cache=cache,
                      limits=ScanLimits.from_settings(settings), offload=offload)
    if isinstance(engine, FastEngine):
        metrics.watch_engine(engine, scanner.shared)
    return Guard(scanner, metrics, shadow=settings.mode == "shadow")


@dataclass(frozen=True)
class ReloadOutcome:
    ok: bool
    message: str


class Reloader:
    def __init__(self, state: AppState, source: Callable[[], Settings], engine_factory: EngineFactory,
                 attach: Callable[[Settings, Guard], None]) -> None:
        self.state = state
        self.source = source
        self.engine_factory = engine_factory
        self.attach = attach  # the team layer's hooks on a new guard (policy, audit observer, team modes)
        self.count = Counter("breakwater_reloads", "Configuration and rule reloads", ["result"],
                             registry=state.metrics.registry)
        self._lock = asyncio.Lock()
        self._tasks: set[asyncio.Task[Any]] = set()  # old engines waiting to close, signalled reloads

    def reload_in_background(self) -> None:
        """For SIGHUP: start a reload and keep a reference to it until it is done."""
        self._keep(asyncio.ensure_future(self.reload()))

    def _keep(self, task: asyncio.Task[Any]) -> None:
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def reload(self) -> ReloadOutcome:
        async with self._lock:  # one reload at a time; a second waits and then reloads again
            outcome = await self._reload()
        self.count.labels(result="ok" if outcome.ok else "refused").inc()
        (log.info if outcome.ok else log.error)("reload %s: %s", "done" if outcome.ok else "refused",
                                                outcome.message)
        return outcome

    async def _reload(self) -> ReloadOutcome:
        try:
            settings = await asyncio.get_running_loop().run_in_executor(None, self.source)
        except Exception as exc:  # ConfigError, an unreadable file: the old configuration stays
            return ReloadOutcome(False, f"configuration invalid: {exc}")
        if changed := restart_only_changes(self.state.settings, settings):
            return ReloadOutcome(False, f"these settings need a restart: {', '.join(changed)}")
        try:
            engine = self.engine_factory(settings)
        except Exception as exc:  # RulePackError and friends
            return ReloadOutcome(False, f"rules invalid: {exc}")
        try:
            await asyncio.wait_for(_warm(engine), WARM_UP_SECONDS)
            guard = assemble_guard(settings, engine, self.state.metrics, self.state.guard.scanner.offload)
            self.attach(settings, guard)
        except Exception as exc:
            await engine.close()
            return ReloadOutcome(False, f"new engine failed to start: {exc}")
        old_engine, old_guard = self.state.engine, self.state.guard
        # The swap: plain assignments, no await in between, so a request sees the old or the new state.
        self.state.settings, self.state.engine, self.state.guard = settings, engine, guard
        self.state.repairer = Repairer(settings.repair, self.state.metrics)
        self._retire(old_guard, old_engine, settings.upstream_read_timeout_seconds)
        return ReloadOutcome(True, f"rules and configuration reloaded (mode={settings.mode})")

    def _retire(self, guard: Guard, engine: Engine, grace_seconds: float) -> None:
        """Close the old engine when no request holds the old guard any more (or after the grace period)."""
        released = asyncio.Event()
        loop = asyncio.get_running_loop()
        weakref.finalize(guard, loop.call_soon_threadsafe, released.set)
        del guard
        self._keep(asyncio.create_task(_close_when_released(released, engine, grace_seconds)))

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


async def _close_when_released(released: asyncio.Event, engine: Engine, grace_seconds: float) -> None:
    try:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(released.wait(), grace_seconds)
    finally:
        await engine.close()


async def _warm(engine: Engine) -> None:
    """Start the engine and wait until it answers (FastEngine warms its servers in the background)."""
    await engine.start()
    wait_ready = getattr(engine, "wait_ready", None)
    if wait_ready is not None:
        await wait_ready()
    while not engine.ready:
        await asyncio.sleep(0.05)


def restart_only_changes(old: Settings, new: Settings) -> list[str]:
    changed = [name for name in RESTART_ONLY if getattr(old, name) != getattr(new, name)]
    changed += [f"team.{name}" for name in RESTART_ONLY_TEAM
                if getattr(old.team, name) != getattr(new.team, name)]
    return changed


RELOADER = web.AppKey("reloader", Reloader)


def install(app: web.Application, state: AppState, source: Callable[[], Settings], engine_factory: EngineFactory,
            attach: Callable[[Settings, Guard], None]) -> Reloader:
    """Make the app reloadable: `app[RELOADER]` (the admin route calls it) and SIGHUP when in the main thread."""
    reloader = Reloader(state, source, engine_factory, attach)
    app[RELOADER] = reloader

    async def on_startup(app: web.Application) -> None:
        loop = asyncio.get_running_loop()
        with contextlib.suppress(ValueError, RuntimeError, NotImplementedError):  # not the main thread (tests)
            loop.add_signal_handler(signal.SIGHUP, reloader.reload_in_background)

    async def on_cleanup(app: web.Application) -> None:
        with contextlib.suppress(ValueError, RuntimeError, NotImplementedError):
            asyncio.get_running_loop().remove_signal_handler(signal.SIGHUP)
        await reloader.close()

    app.on_startup.append(on_startup)
    app.on_cleanup.append(on_cleanup)
    return reloader
