"""What one running proxy app holds (settings, metrics, upstreams, engine, guard, repairer), under one app key.

A leaf beside the server: the server builds it, and the live reload (proxy.reload) swaps its parts,
without either importing the other for it.
"""

from __future__ import annotations

from dataclasses import dataclass

from aiohttp import web

from proxy.config import Settings
from proxy.engine import Engine
from proxy.guard import Caller, Guard
from proxy.metrics import Metrics
from proxy.repair.loop import Repairer
from proxy.upstream import Upstreams


@dataclass
class AppState:
    settings: Settings
    metrics: Metrics
    upstreams: Upstreams
    engine: Engine
    guard: Guard
    repairer: Repairer

    def in_effect(self, caller: Caller) -> InEffect:
        """The policy one request is judged by, taken once when it starts: the guard bound to the caller
        (their policy, mode, repair switch and audit) and the repair settings. The request keeps them to
        its end, whatever a live reload swaps in meanwhile."""
        return InEffect(self.guard.for_caller(caller), self.repairer)


@dataclass(frozen=True)
class InEffect:
    """The guard and repair settings one request is judged by (see `AppState.in_effect`)."""

    guard: Guard
    repairer: Repairer


STATE = web.AppKey("state", AppState)
