"""CPU-heavy work on large replies runs in a child process, so one huge reply cannot stall other clients.

Markdown extraction and tree-sitter parsing are pure functions, but they hold the GIL
(tree-sitter does not release it while parsing, nor does a long regex match), so a
thread would not help: a 5 MB single-line reply stalled every client for seconds. Inputs
under `threshold_chars` run inline (a process hop costs more than the work); larger ones
go to a small process pool, started with `spawn` (safe beside the event loop's threads)
on the first large reply. The work is given as functions, so this module knows nothing of what it runs.
"""

from __future__ import annotations

import asyncio
import multiprocessing
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

T = TypeVar("T")


class Offload:
    def __init__(self, threshold_chars: int = 64 * 1024, workers: int = 1) -> None:
        self.threshold_chars = threshold_chars
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None
        self.offloaded = 0  # calls that ran in the child (for tests and metrics)

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"))
        return self._pool

    async def run(self, size: int, function: Callable[..., T], *args: object) -> T:
        """`function(*args)`, inline when `size` (characters of input) is small, else in the child."""
        if size < self.threshold_chars:
            return function(*args)
        self.offloaded += 1
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self._executor(), function, *args)
        except BrokenProcessPool:  # the child died (killed, out of memory): one new child, one retry
            self.close()
            return await loop.run_in_executor(self._executor(), function, *args)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
