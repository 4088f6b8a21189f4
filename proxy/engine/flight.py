"""Shared scans: each distinct snippet is scanned once, however many replies carry it.

In front of any `Engine`: a reply's identical snippets are sent once; a snippet already
in the findings cache is answered from it; a snippet another request is scanning right
now (single flight) waits for that scan instead of starting its own, so a burst of 1,000
replies with the same code costs one engine scan, not 1,000. Urgent snippets (agents'
tool calls) and the rest go to the engine as separate calls, so a failure or time-out
of the prose does not fail the tool calls, and the other way round.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence

from proxy.engine.base import Engine, EngineError, ScanTarget
from proxy.engine.cache import FindingsCache
from proxy.models import RawFinding

Answer = list[RawFinding] | EngineError


class SharedScans:
    def __init__(self, engine: Engine, cache: FindingsCache | None = None) -> None:
        self.engine = engine
        self.cache = cache
        self._in_flight: dict[bytes, asyncio.Future[list[RawFinding]]] = {}
        self._urgent_in_flight: set[bytes] = set()
        self.shared = 0  # snippets answered by another request's scan in flight
        self.on_shared: Callable[[], None] | None = None  # metrics

    async def scan(self, targets: Sequence[ScanTarget]) -> list[Answer]:
        """Findings (or the engine's error) for each target, in order."""
        keys = [FindingsCache.key(target) for target in targets]
        waiting: dict[bytes, asyncio.Future[list[RawFinding]]] = {}
        mine: dict[bytes, ScanTarget] = {}
        answers: dict[bytes, Answer] = {}
        for key, target in zip(keys, targets, strict=True):
            if key in answers or key in waiting or key in mine:
                if target.urgent and key in mine:
                    mine[key] = target  # the reply's copy that is a tool call makes the scan urgent
                continue
            cached = self.cache.get(target) if self.cache is not None else None
            if cached is not None:
                answers[key] = cached
            elif key in self._in_flight and (not target.urgent or key in self._urgent_in_flight):
                # A tool call does not wait behind a queued prose scan of the same code: it scans itself.
                self.shared += 1
                if self.on_shared is not None:
                    self.on_shared()
                waiting[key] = self._in_flight[key]
            else:
                mine[key] = target
        if mine:
            await self._scan_own(mine, answers)
        for key, future in waiting.items():
            try:
                answers[key] = list(await asyncio.shield(future))
            except EngineError as exc:
                answers[key] = exc
        return [_copy(answers[key]) for key in keys]

    async def _scan_own(self, mine: dict[bytes, ScanTarget], answers: dict[bytes, Answer]) -> None:
        loop = asyncio.get_running_loop()
        futures = {key: loop.create_future() for key in mine}
        self._in_flight.update(futures)
        self._urgent_in_flight.update(key for key, target in mine.items() if target.urgent)
        try:
            groups = [[key for key, t in mine.items() if t.urgent], [key for key, t in mine.items() if not t.urgent]]
            groups = [group for group in groups if group]
            results = await asyncio.gather(*(self._scan_group(group, mine) for group in groups))
            for group, found in zip(groups, results, strict=True):
                for key, answer in zip(group, found, strict=True):
                    answers[key] = answer
                    if isinstance(answer, EngineError):
                        futures[key].set_exception(answer)
                        futures[key].exception()  # retrieved: waiters may be gone
                    else:
                        if self.cache is not None:
                            self.cache.put(mine[key], answer)
                        futures[key].set_result(answer)
        finally:
            for key, future in futures.items():
                if self._in_flight.get(key) is future:
                    del self._in_flight[key]
                    self._urgent_in_flight.discard(key)
                if not future.done():  # cancelled: whoever waits on it must not hang
                    future.set_exception(EngineError("cancelled", "the scan sharing this snippet was cancelled"))
                    future.exception()

    async def _scan_group(self, group: list[bytes], mine: dict[bytes, ScanTarget]) -> list[Answer]:
        try:
            return list(await self.engine.scan([mine[key] for key in group]))
        except EngineError as exc:
            return [exc] * len(group)


def _copy(answer: Answer) -> Answer:
    return answer if isinstance(answer, EngineError) else list(answer)
