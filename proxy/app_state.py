"""What one running proxy app holds (settings, metrics, upstreams, engine, guard, repairer), under one app key.

A leaf beside the server: the server builds it, and the live reload (proxy.reload) swaps its parts,
without either importing the other for it.
"""

from __future__ import annotations

from dataclasses import dataclass

from aiohttp import web

from proxy.config import Settings
from proxy.engine import Engine
from proxy.guard import Guard
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


STATE = web.AppKey("state", AppState)
