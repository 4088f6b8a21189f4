"""The fast engine: in-process prefilter, then a pool of warm `semgrep lsp` servers.

A snippet that no rule can match (by Semgrep's own prefilter) is answered in-process,
and so is one in a regex-only language such as SQL (`proxy.engine.regex_rules`).
Everything else waits in one queue for one of the workers, each owning one language
server (one per core: a server with `jobs: 2` is ten times slower). Agents' tool calls
(`ScanTarget.urgent`) are served before prose fences that were queued earlier.

Backpressure is by time, not by count, and by progress, not by position: a queued snippet
waits as long as the servers keep finishing scans, so a burst beyond what they can serve is
slowed down, never thinned out (1,000 new snippets at 40 scans/s wait 25 s; a fixed budget
would have failed the last few hundred). A snippet fails as overloaded (`EngineError`, and the
caller's `on_engine_error` policy applies) only when the engine finished nothing for
`wait_budget_seconds` while it waited (stuck or starved servers), or when it waited
`max_wait_seconds` in all (the ceiling even a moving queue may not pass).

A file Semgrep could not parse yields a `breakwater.unparsed` finding (see
`proxy.engine.unparsed`): the servers also load one sentinel rule per parsing analyzer.

Faults: a server that crashes or exceeds the per-snippet time limit is killed and
replaced, and the snippet is retried once with the reference engine (`semgrep-core
-targets`); if that fails too, the scan raises `EngineError`. Servers are also replaced
after a number of scans (each path is single-use, and memory grows per scan) or when
their memory exceeds a limit; the replacement warms up before the old one retires.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import os
import time
from collections import Counter, deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from proxy import languages
from proxy.engine.base import EngineError, ScanTarget
from proxy.engine.core import SemgrepCoreEngine, semgrep_core_path
from proxy.engine.lsp import Diagnostic, LspServer, ServerError
from proxy.engine.prefilter import Prefilter
from proxy.engine.regex_rules import RegexRules
from proxy.engine.routing import all_extensions, extensions_for, parsing_analyzers
from proxy.engine.unparsed import sentinel_config, sentinel_id, unparsed_finding
from proxy.models import RawFinding
from proxy.rulepack import Rule, RulePack

log = logging.getLogger("breakwater.engine")


@dataclass(frozen=True)
class PoolOptions:
    processes: int = 0  # 0: one server per CPU core
    wait_budget_seconds: float = 20.0  # longest a queued snippet waits while no server finishes a scan
    max_wait_seconds: float = 300.0  # longest a snippet waits in all, even while the queue moves
    snippet_timeout_seconds: float = 5.0  # one snippet on one server
    scan_timeout_seconds: float = 10.0  # a whole scan() call, beyond the time its snippets waited
    fallback_timeout_seconds: float = 0.0  # the reference-engine retry; 0: scan_timeout_seconds
    recycle_after_scans: int = 2000  # single-use files per server; each scan also leaves ~26 KB behind
    recycle_rss_mb: int = 1024
    start_timeout_seconds: float = 120.0

    @property
    def worker_count(self) -> int:
        return self.processes if self.processes > 0 else max(1, os.cpu_count() or 1)


@dataclass(order=True)
class _Job:
    """A queued snippet; jobs order by (urgency, arrival), so tool calls jump the prose queue."""

    rank: tuple[int, int]
    target: ScanTarget = field(compare=False)
    extensions: list[str] = field(compare=False)
    sentinels: dict[str, str] = field(compare=False)  # extension -> sentinel rule that must fire
    future: asyncio.Future[list[RawFinding]] = field(compare=False)
    queued_at: float = field(compare=False)
    taken: bool = field(default=False, compare=False)  # a worker is serving it


class FastEngine:
    """`Engine` with millisecond scans; results identical to `SemgrepCoreEngine`."""

    def __init__(self, pack: RulePack, options: PoolOptions | None = None) -> None:
        self.pack = pack
        self.options = options or PoolOptions()
        self._binary = semgrep_core_path()
        self._rules = pack.by_id()
        self._extensions = sorted(all_extensions(pack))
        # Per language, computed once: the extensions to scan under, and the sentinel each must fire.
        self._routes = {language: extensions_for(pack, language) for language in languages.names()}
        self._must_parse = {language: {extension: sentinel_id(extension)
                                       for extension in parsing_analyzers(pack, language)}
                            for language in languages.names()}
        self._sentinels = sentinel_config(
            (extension, analyzer) for language in languages.names()
            for extension, analyzer in parsing_analyzers(pack, language).items())
        self._fallback = SemgrepCoreEngine(
            pack, timeout_seconds=self.options.fallback_timeout_seconds or self.options.scan_timeout_seconds)
        self._prefilter: Prefilter | None = None
        self._regex_rules = RegexRules({})  # loaded while warming up, off the event loop
        self._queue: asyncio.PriorityQueue[_Job] = asyncio.PriorityQueue()
        self._arrivals = itertools.count()
        self._workers: list[_Worker] = []
        self._tasks: list[asyncio.Task[None]] = []
        self._warm: asyncio.Task[None] | None = None
        self._closed = False
        self.faults: Counter[str] = Counter()  # recovered and unrecovered faults by kind
        # Told about faults the caller never sees (a server replaced, the snippet retried): metrics.
        self.on_recovered_fault: Callable[[str], None] | None = None
        # Told how long each snippet waited for a server, and the queue depth as it changes (metrics).
        self.on_wait: Callable[[float], None] | None = None
        self.on_queue_depth: Callable[[int], None] | None = None
        self.skipped = 0  # snippets answered by the prefilter alone
        self.served = 0  # snippets a server scanned
        self.in_process = 0  # snippets of regex-only languages judged without a server
        self.progress_at = 0.0  # monotonic time a worker last took or finished a snippet (the queue moved)

    @property
    def queue_depth(self) -> int:
        """Snippets waiting for a server now."""
        return self._queue.qsize()

    def note_recovered_fault(self, kind: str) -> None:
        self.faults[kind] += 1
        if self.on_recovered_fault is not None:
            self.on_recovered_fault(kind)

    @property
    def ready(self) -> bool:
        # Once warm, a server being replaced does not make the engine unready: its snippets
        # wait in the queue or go to the reference engine.
        return (not self._closed and self._warm is not None and self._warm.done()
                and not self._warm.cancelled() and self._warm.exception() is None)

    def server_pids(self) -> list[int]:
        """PIDs of the live servers (for tests and operators)."""
        return [w.server.pid for w in self._workers if w.server is not None and w.server.pid is not None]

    async def start(self) -> None:
        """Begin warming up in the background; `ready` turns true when every server is warm."""
        if self._warm is None:
            self._warm = asyncio.create_task(self._warm_up())

    async def wait_ready(self) -> None:
        await self.start()
        assert self._warm is not None
        await asyncio.shield(self._warm)

    async def _warm_up(self) -> None:
        self._prefilter = await Prefilter.load(self.pack, self._binary)
        self._regex_rules = await asyncio.to_thread(RegexRules.load, self.pack)
        self._workers = [_Worker(self, number) for number in range(self.options.worker_count)]
        await asyncio.gather(*(worker.replace_server() for worker in self._workers))
        self._tasks = [asyncio.create_task(worker.run()) for worker in self._workers]

    async def close(self) -> None:
        self._closed = True
        if self._warm is not None and not self._warm.done():
            self._warm.cancel()
            with contextlib.suppress(BaseException):
                await self._warm
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(BaseException):
                await task
        await asyncio.gather(*(worker.close() for worker in self._workers), return_exceptions=True)
        while not self._queue.empty():
            job = self._queue.get_nowait()
            if not job.future.done():
                job.future.set_exception(EngineError("closed", "engine closed"))

    async def scan(self, targets: Sequence[ScanTarget]) -> list[list[RawFinding]]:
        if self._closed:
            raise EngineError("closed", "engine closed")
        if self._warm is None:
            await self.start()
        options = self.options
        try:
            async with asyncio.timeout(options.wait_budget_seconds + options.scan_timeout_seconds):
                await self.wait_ready()
        except TimeoutError as exc:
            raise EngineError("timeout", "the engine did not start in time") from exc
        except EngineError:
            raise
        except Exception as exc:  # warm-up failed: spawn, prefilter or start-up errors
            kind = exc.kind if isinstance(exc, ServerError | EngineError) else "start"
            raise EngineError(kind, str(exc)) from exc
        submitted = [self._submit(target) for target in targets]
        futures = [future for future, _ in submitted]
        try:
            return await self._answers(futures, [job for _, job in submitted if job is not None])
        finally:
            for future in futures:  # failed, timed out or cancelled: the workers skip what is left
                if not future.done():
                    future.cancel()

    async def _answers(self, futures: list[asyncio.Future[list[RawFinding]]],
                       jobs: list[_Job]) -> list[list[RawFinding]]:
        """Wait for the findings while the engine makes progress (see the module docstring).

        Queued jobs fail as `overloaded` past their budget; a job a worker is serving has its own
        limits (the snippet time-out, then the reference engine), and the whole call a last one:
        the budget plus `scan_timeout_seconds` without progress, or the ceiling plus it in all.
        """
        options = self.options
        started = time.monotonic()
        pending = {future for future in futures if not future.done()}
        while pending:
            now = time.monotonic()
            quiet_since = max(started, self.last_progress())
            give_up_queued = min(quiet_since + options.wait_budget_seconds, started + options.max_wait_seconds)
            if now >= give_up_queued:
                self._fail_queued(jobs, now)
            give_up = give_up_queued + options.scan_timeout_seconds
            if now >= give_up:
                raise EngineError("timeout", f"no answer from the engine for {now - quiet_since:.1f}s")
            _, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_EXCEPTION,
                                            timeout=(give_up_queued if now < give_up_queued else give_up) - now)
            failed = next((f for f in futures if f.done() and (f.cancelled() or f.exception())), None)
            if failed is not None:
                return [failed.result()]  # raises its error; the caller cancels the rest
        return [future.result() for future in futures]

    def last_progress(self) -> float:
        """When the engine last moved: a worker took or finished a snippet, or a server answered one.

        Under a burst the proxy's event loop can lag for a second or more; an answer a server
        already wrote (still in its pipe, or read but its worker not yet resumed) is progress, or a
        lagging loop would look like a stalled engine and fail the queue (seen in the burst test).
        """
        latest = self.progress_at
        for worker in self._workers:
            server = worker.server
            if server is not None and server.alive:
                if server.output_waiting():
                    return time.monotonic()
                latest = max(latest, server.answered_at)
        return latest

    def _fail_queued(self, jobs: list[_Job], now: float) -> None:
        for job in jobs:
            if job.taken or job.future.done():
                continue
            waited = now - job.queued_at
            if self.on_wait is not None:
                self.on_wait(waited)
            self.faults["overloaded"] += 1
            job.future.set_exception(EngineError(
                "overloaded", f"waited {waited:.1f}s for the engine (budget {self.options.wait_budget_seconds:g}s "
                f"without progress, {self.options.max_wait_seconds:g}s in all)"))
            job.future.exception()  # retrieved: the scan raises the first failure only

    def _submit(self, target: ScanTarget) -> tuple[asyncio.Future[list[RawFinding]], _Job | None]:
        """The future of `target`'s findings, and its queued job when it waits for a server."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[list[RawFinding]] = loop.create_future()
        extensions = self._routes[target.language]
        assert self._prefilter is not None
        if extensions == [] or (extensions and not self._prefilter.may_match(target.code, target.language)):
            self.skipped += 1
            future.set_result([])
        elif self._regex_rules.handles(target.language, target.code):
            self.in_process += 1
            future.set_result(self._regex_rules.findings(target.code, target.language))
        elif extensions is None:  # a rule language we cannot route: the reference engine decides
            return asyncio.ensure_future(self.fallback(target)), None
        else:
            # An empty file has nothing to hide, and the sentinel needs one character to match.
            sentinels = self._must_parse[target.language] if target.code else {}
            rank = (0 if target.urgent else 1, next(self._arrivals))
            job = _Job(rank, target, extensions, sentinels, future, time.monotonic())
            self._queue.put_nowait(job)
            self._tell_depth()
            return future, job
        return future, None

    def _tell_depth(self) -> None:
        if self.on_queue_depth is not None:
            self.on_queue_depth(self._queue.qsize())

    def take_job(self, job: _Job) -> bool:
        """Whether a worker should serve `job`: not when its caller gave up or it waited past the ceiling."""
        self._tell_depth()
        if job.future.done():
            return False
        waited = time.monotonic() - job.queued_at
        if self.on_wait is not None:
            self.on_wait(waited)
        if waited > self.options.max_wait_seconds:
            self.faults["overloaded"] += 1
            job.future.set_exception(EngineError(
                "overloaded", f"waited {waited:.1f}s for the engine (ceiling {self.options.max_wait_seconds:g}s)"))
            job.future.exception()  # the scan may have timed out already; nobody else must be told
            return False
        job.taken = True
        self.progress_at = time.monotonic()  # the queue moved (a worker free to take it is no stalled engine)
        return True

    async def fallback(self, target: ScanTarget) -> list[RawFinding]:
        """The reference engine on one snippet: the retry after a server fault."""
        (found,) = await self._fallback.scan([target])
        return found

    def findings(self, code: str, diagnostics: list[Diagnostic], unparsed: bool = False) -> list[RawFinding]:
        """Diagnostics as `RawFinding`s, deduplicated and ordered like the reference engine.

        `unparsed`: a sentinel did not fire, so Semgrep did not analyse the file at all.
        """
        found: list[RawFinding] = [unparsed_finding(code)] if unparsed else []
        for diagnostic in diagnostics:
            rule: Rule | None = self._rules.get(diagnostic.rule_id)
            if rule is None:
                continue
            finding = RawFinding(rule.id, rule.category, rule.severity, rule.message,
                                 diagnostic.line, diagnostic.end_line)
            if finding not in found:
                found.append(finding)
        found.sort(key=lambda f: (f.line, f.rule_id))
        return found


def slot_plan(extensions: list[str], budget: int, used: dict[str, int] | None) -> dict[str, int]:
    """Single-use files per extension for a new server: the budget split by recent usage.

    Every file costs start-up time (the server walks them all), and a server must be
    replaced when any extension runs out, so the split follows what the previous server
    actually scanned, with a floor for the rest.
    """
    floor = max(8, budget // (4 * max(1, len(extensions))))
    weights = {x: 1 + (used or {}).get(x, 0) for x in extensions}
    total = sum(weights.values())
    return {x: max(floor, budget * weights[x] // total) for x in extensions}


class _Worker:
    """Serves queued snippets with one server; replaces it on faults and recycles it."""

    def __init__(self, engine: FastEngine, number: int) -> None:
        self.engine = engine
        self.number = number
        self.server: LspServer | None = None
        self._spare: asyncio.Task[LspServer] | None = None
        self.warm_up_seconds = 0.0  # how long the last server took to start (it grows with load)
        self._recent: deque[float] = deque(maxlen=64)  # when the last scans finished: the current scan rate

    def _new_server(self) -> LspServer:
        e = self.engine
        slots = slot_plan(e._extensions, e.options.recycle_after_scans, self.server.used if self.server else None)
        return LspServer(e._binary, (e.pack.engine_config, e._sentinels), slots)

    async def _started(self) -> LspServer:
        server = self._new_server()
        began = time.monotonic()
        await server.start(self.engine.options.start_timeout_seconds)
        self.warm_up_seconds = time.monotonic() - began
        return server

    async def replace_server(self) -> None:
        old, self.server = self.server, None
        if old is not None:
            await old.close()
        self.server = await self._started()

    async def run(self) -> None:
        queue = self.engine._queue
        while True:
            job = await queue.get()
            try:
                if self.engine.take_job(job):
                    await self._serve(job)
                    self.engine.progress_at = time.monotonic()
            except Exception as exc:  # a bug must fail one snippet, not stop the worker
                log.exception("engine worker %d failed", self.number)
                if not job.future.done():
                    job.future.set_exception(EngineError("internal", str(exc)))
            finally:
                queue.task_done()

    async def _serve(self, job: _Job) -> None:
        engine = self.engine
        try:
            server = await self._usable_server(job.extensions)
            engine.served += 1
            diagnostics: list[Diagnostic] = []
            unparsed = False
            for extension in job.extensions:
                found = await server.scan(job.target.code, extension, engine.options.snippet_timeout_seconds)
                sentinel = job.sentinels.get(extension)
                unparsed |= sentinel is not None and all(d.rule_id != sentinel for d in found)
                diagnostics += found
            if not job.future.done():
                job.future.set_result(engine.findings(job.target.code, diagnostics, unparsed))
        except ServerError as exc:
            engine.note_recovered_fault(f"server-{exc.kind}")
            log.warning("engine server %d failed (%s); replacing it and retrying the snippet", self.number, exc)
            retry = asyncio.create_task(self._retry(job))
            with contextlib.suppress(Exception):
                await self.replace_server()
            await retry
        self._recent.append(time.monotonic())
        self._maybe_recycle()

    async def _retry(self, job: _Job) -> None:
        try:
            found = await self.engine.fallback(job.target)
        except EngineError as exc:
            self.engine.faults[exc.kind] += 1
            if not job.future.done():
                job.future.set_exception(exc)
            return
        if not job.future.done():
            job.future.set_result(found)

    async def _usable_server(self, extensions: list[str]) -> LspServer:
        """The current server, swapped for the warmed spare when one is ready or needed."""
        server = self.server
        if server is not None and not server.alive:
            self.engine.note_recovered_fault("server-died")  # found dead between scans: replaced below
        needed = server is None or not server.alive or any(server.slots_left(x) <= 0 for x in extensions)
        if self._spare is not None and (self._spare.done() or needed):
            spare, self._spare = self._spare, None
            try:
                fresh = await spare
            except ServerError:
                fresh = None
            if fresh is not None:
                old, self.server = self.server, fresh
                if old is not None:
                    asyncio.create_task(old.close())  # noqa: RUF006 - close() never raises
                server = fresh
                needed = False
        if needed or server is None:
            await self.replace_server()
            server = self.server
        assert server is not None
        return server

    def _maybe_recycle(self) -> None:
        """Start warming a replacement when an extension's files run low or memory grew too much."""
        server, options = self.server, self.engine.options
        if self._spare is not None or server is None:
            return
        margin = self.scans_during_warm_up()  # at most half the slots: a spare must not warm all the time
        old = any(server.slots_left(x) <= max(server.slots[x] // 5, min(margin, server.slots[x] // 2))
                  for x in server.extensions)
        heavy = server.scans % 50 == 0 and server.rss_bytes() > options.recycle_rss_mb * 1024 * 1024
        if old or heavy:
            self._spare = asyncio.create_task(self._started())

    def scans_during_warm_up(self) -> int:
        """How many scans this worker serves, at its current rate, while a replacement warms up (twice
        the last warm-up, as load slows it). The spare must start at least that many slots before the
        current server runs out, or a burst stalls on the swap (seen: 3 s without a finished scan)."""
        if len(self._recent) < 2 or self._recent[-1] <= self._recent[0]:
            return 0
        rate = (len(self._recent) - 1) / (self._recent[-1] - self._recent[0])
        return int(rate * 2 * self.warm_up_seconds) + 1

    async def close(self) -> None:
        if self._spare is not None:
            self._spare.cancel()
            with contextlib.suppress(BaseException):
                spare = await self._spare
                await spare.close()
        if self.server is not None:
            await self.server.close()
