"""Run an aiohttp app on 127.0.0.1 in its own thread and event loop.

Tests can then use the sync and async SDK clients alike, and the proxy, the fake
upstream and the client never share a loop (as in production).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable
from concurrent.futures import Future
from typing import Any, TypeVar

from aiohttp import web

T = TypeVar("T")


class ServerThread:
    def __init__(self, app: web.Application) -> None:
        self.app = app
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._runner: web.AppRunner | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> ServerThread:
        self._thread.start()
        self.call(self._start())
        return self

    async def _start(self) -> None:
        self._runner = web.AppRunner(self.app, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]

    def call(self, coroutine: Awaitable[T], timeout: float = 60) -> T:
        """Run a coroutine on the server's loop and wait for its result."""
        future: Future[Any] = asyncio.run_coroutine_threadsafe(_wrap(coroutine), self.loop)
        return future.result(timeout)

    def stop(self) -> None:
        if self._runner is not None:
            self.call(self._runner.cleanup())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)

    def __enter__(self) -> ServerThread:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


async def _wrap(coroutine: Awaitable[T]) -> T:
    return await coroutine


def run_in(server: ServerThread, function: Callable[[], T]) -> T:
    """Run a plain function on the server's loop thread (to touch loop-owned state safely)."""

    async def call() -> T:
        return function()

    return server.call(call())


def metric_value(server: ServerThread, sample: str) -> float:
    """The value of one Prometheus sample (e.g. `breakwater_decisions_total{decision="block"}`), 0 if absent."""
    import requests

    for line in requests.get(f"{server.url}/metrics", timeout=10).text.splitlines():
        if line.startswith(sample + " "):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def wait_ready(server: ServerThread, timeout: float = 120.0) -> ServerThread:
    """Block until the proxy's `/readyz` says the engine is warm (tests then time real scans only)."""
    import time

    import requests

    deadline = time.monotonic() + timeout
    while requests.get(f"{server.url}/readyz", timeout=10).status_code != 200:
        if time.monotonic() > deadline:
            raise TimeoutError(f"{server.url} not ready after {timeout}s")
        time.sleep(0.05)
    return server
