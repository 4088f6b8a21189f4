"""Faults in the fast engine: real semgrep processes really killed, stopped and recycled.

A stopped process (SIGSTOP) is a faithful hang: it holds its pipes open and answers
nothing. Each test checks the results stay exactly the reference engine's.
"""

from __future__ import annotations

import asyncio
import os
import signal
import time
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from proxy.config import Settings
from proxy.engine import EngineError, FastEngine, PoolOptions, ScanTarget, SemgrepCoreEngine
from proxy.rulepack import RulePack
from proxy.server import create_app

RISKY = ScanTarget("import requests\n\ndef f(url):\n    return requests.get(url)\n", "python")
CLEAN = ScanTarget("import requests\n\ndef f(url):\n    return requests.get(url, timeout=5)\n", "python")
# Clean, but it passes the prefilter, so it needs a server.
CLEAN_SCANNED = ScanTarget("import requests\n\ndef g(url):\n    return requests.get(url, timeout=9)\n", "python")


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split()[2]
    except OSError:
        return False
    return state != "Z"


async def reference(pack: RulePack, target: ScanTarget) -> list:
    return (await SemgrepCoreEngine(pack).scan([target]))[0]


async def started(pack: RulePack, **options: object) -> FastEngine:
    engine = FastEngine(pack, PoolOptions(processes=1, **options))  # type: ignore[arg-type]
    await engine.wait_ready()
    return engine


async def test_killed_server_mid_scan_is_replaced_and_snippet_retried(repo_pack: RulePack) -> None:
    engine = await started(repo_pack)
    try:
        (pid,) = engine.server_pids()
        os.kill(pid, signal.SIGSTOP)  # the scan is now in flight and cannot finish
        scan = asyncio.create_task(engine.scan([RISKY]))
        await asyncio.sleep(0.2)
        os.kill(pid, signal.SIGKILL)
        (found,) = await scan
        assert found == await reference(repo_pack, RISKY) != []
        assert engine.faults["server-crash"] == 1
        assert engine.server_pids() != [pid] and not alive(pid)
        assert (await engine.scan([RISKY, CLEAN])) == [found, []]
    finally:
        await engine.close()


async def test_hung_server_hits_time_limit_then_fallback(repo_pack: RulePack) -> None:
    engine = await started(repo_pack, snippet_timeout_seconds=0.5)
    try:
        (pid,) = engine.server_pids()
        os.kill(pid, signal.SIGSTOP)
        (found,) = await engine.scan([RISKY])
        assert found == await reference(repo_pack, RISKY)
        assert engine.faults["server-timeout"] == 1
        assert not alive(pid) and engine.ready
    finally:
        await engine.close()


async def test_hang_and_failed_fallback_raise_engine_error_then_recover(repo_pack: RulePack) -> None:
    engine = await started(repo_pack, snippet_timeout_seconds=0.3, fallback_timeout_seconds=0.01)
    try:
        (pid,) = engine.server_pids()
        os.kill(pid, signal.SIGSTOP)
        with pytest.raises(EngineError) as caught:
            await engine.scan([RISKY])
        assert caught.value.kind == "timeout"
        assert (await engine.scan([RISKY]))[0] == await reference(repo_pack, RISKY)
    finally:
        await engine.close()


async def test_whole_scan_time_limit(repo_pack: RulePack) -> None:
    engine = await started(repo_pack, scan_timeout_seconds=0.3, snippet_timeout_seconds=5, wait_budget_seconds=0.1)
    try:
        os.kill(engine.server_pids()[0], signal.SIGSTOP)
        with pytest.raises(EngineError) as caught:
            await engine.scan([RISKY])
        assert caught.value.kind == "timeout"
    finally:
        await engine.close()


async def test_a_burst_waits_for_a_stalled_server_instead_of_failing(repo_pack: RulePack) -> None:
    engine = await started(repo_pack, wait_budget_seconds=60, snippet_timeout_seconds=60, scan_timeout_seconds=60)
    try:
        (pid,) = engine.server_pids()
        os.kill(pid, signal.SIGSTOP)
        distinct = [ScanTarget(RISKY.code + f"# {n}\n", "python") for n in range(40)]
        scans = [asyncio.create_task(engine.scan([target])) for target in distinct]
        while engine.queue_depth < len(distinct) - 1:  # all but the one in flight are queued
            await asyncio.sleep(0.01)
        os.kill(pid, signal.SIGCONT)
        results = await asyncio.gather(*scans)
        want = await reference(repo_pack, RISKY)
        assert want and all(found == want for (found,) in results)
        assert engine.faults == {} and engine.queue_depth == 0
    finally:
        await engine.close()


async def test_a_snippet_that_waited_past_the_budget_fails_as_overloaded(repo_pack: RulePack) -> None:
    engine = await started(repo_pack, wait_budget_seconds=0.3, snippet_timeout_seconds=60, scan_timeout_seconds=60)
    waits: list[float] = []
    engine.on_wait = waits.append
    try:
        (pid,) = engine.server_pids()
        os.kill(pid, signal.SIGSTOP)
        first = asyncio.create_task(engine.scan([RISKY]))
        while engine.queue_depth or not engine.server_pids():
            await asyncio.sleep(0.01)
        late = asyncio.create_task(engine.scan([CLEAN_SCANNED]))
        await asyncio.sleep(0.6)
        os.kill(pid, signal.SIGCONT)
        assert (await first)[0] != []
        with pytest.raises(EngineError) as caught:
            await late
        assert caught.value.kind == "overloaded" and engine.faults["overloaded"] == 1
        assert max(waits) > 0.3
    finally:
        await engine.close()


async def test_a_queue_that_moves_outwaits_the_budget_without_failing(repo_pack: RulePack) -> None:
    """300 new snippets on one server with a 0.5 s budget: the last ones wait longer than that (300
    scans take over a second), but the server keeps finishing scans, so every one is judged (a
    burst is slowed, not thinned out)."""
    engine = await started(repo_pack, wait_budget_seconds=0.5, snippet_timeout_seconds=60, scan_timeout_seconds=60)
    waits: list[float] = []
    engine.on_wait = waits.append
    try:
        distinct = [ScanTarget(RISKY.code + f"# {n}\n", "python") for n in range(300)]
        results = await asyncio.gather(*(engine.scan([target]) for target in distinct))
        want = await reference(repo_pack, RISKY)
        assert want and all(found == want for (found,) in results)
        assert engine.faults == {} and max(waits) > 0.5
    finally:
        await engine.close()


async def test_the_budget_counts_from_the_last_finished_scan(repo_pack: RulePack) -> None:
    """Progress earlier does not excuse a stall now: after a scan finished, the server stops; a
    snippet queued behind the stopped one fails once the engine finished nothing for the budget."""
    engine = await started(repo_pack, wait_budget_seconds=0.3, snippet_timeout_seconds=60, scan_timeout_seconds=60)
    (pid,) = engine.server_pids()
    try:
        await engine.scan([CLEAN_SCANNED])  # progress
        os.kill(pid, signal.SIGSTOP)
        first = asyncio.create_task(engine.scan([RISKY]))
        while engine.queue_depth:
            await asyncio.sleep(0.01)
        late = asyncio.create_task(engine.scan([ScanTarget(RISKY.code + "# late\n", "python")]))
        with pytest.raises(EngineError) as caught:
            await late
        assert caught.value.kind == "overloaded"
        os.kill(pid, signal.SIGCONT)
        assert (await first)[0] != []
    finally:
        os.kill(pid, signal.SIGCONT)
        await engine.close()


async def test_the_ceiling_fails_a_snippet_even_while_the_queue_moves(repo_pack: RulePack) -> None:
    engine = await started(repo_pack, wait_budget_seconds=60, max_wait_seconds=0.1, snippet_timeout_seconds=60,
                           scan_timeout_seconds=60)
    try:
        distinct = [ScanTarget(RISKY.code + f"# c{n}\n", "python") for n in range(100)]
        results = await asyncio.gather(*(engine.scan([target]) for target in distinct), return_exceptions=True)
        failed = [r for r in results if isinstance(r, EngineError)]
        judged = [r for r in results if not isinstance(r, BaseException)]
        assert failed and all(r.kind == "overloaded" for r in failed)
        want = await reference(repo_pack, RISKY)
        assert judged and all(found == [want] for found in judged)  # the first ones were served in time
        assert engine.faults["overloaded"] == len(failed)
    finally:
        await engine.close()


async def test_tool_calls_are_served_before_queued_prose(repo_pack: RulePack) -> None:
    engine = await started(repo_pack, wait_budget_seconds=60, snippet_timeout_seconds=60, scan_timeout_seconds=60)
    order: list[str] = []
    try:
        (pid,) = engine.server_pids()
        os.kill(pid, signal.SIGSTOP)
        blocker = asyncio.create_task(engine.scan([RISKY]))
        while engine.queue_depth:
            await asyncio.sleep(0.01)

        async def scan(name: str, target: ScanTarget) -> None:
            await engine.scan([target])
            order.append(name)

        prose = [asyncio.create_task(scan(f"prose{n}", ScanTarget(RISKY.code + f"# p{n}\n", "python")))
                 for n in range(5)]
        await asyncio.sleep(0.05)
        # an agent's file write (bash commands no longer reach the servers: the command model judges them)
        command = asyncio.create_task(scan("command", ScanTarget(RISKY.code + "# tool call\n", "python", urgent=True)))
        while engine.queue_depth < 6:
            await asyncio.sleep(0.01)
        os.kill(pid, signal.SIGCONT)
        await asyncio.gather(blocker, command, *prose)
        assert order[0] == "command"
    finally:
        await engine.close()


async def test_recycling_after_n_scans_keeps_results_right(repo_pack: RulePack) -> None:
    engine = await started(repo_pack, recycle_after_scans=10)
    try:
        want = await reference(repo_pack, RISKY)
        pids = set(engine.server_pids())
        for number in range(45):
            target = RISKY if number % 2 else CLEAN
            assert (await engine.scan([target]))[0] == (want if number % 2 else [])
            pids.update(engine.server_pids())
        assert len(pids) >= 3, "servers are replaced after 10 scans"
        assert sum(alive(pid) for pid in pids) == 1
        assert engine.faults == {}
    finally:
        await engine.close()


async def test_close_leaves_no_processes_or_files(repo_pack: RulePack) -> None:
    engine = FastEngine(repo_pack, PoolOptions(processes=2))
    assert not engine.ready
    await engine.wait_ready()
    assert engine.ready
    pids = engine.server_pids()
    workspaces = [w.server._workspace for w in engine._workers if w.server]
    assert len(pids) == 2 and all(alive(p) for p in pids)
    await engine.scan([RISKY])
    await engine.close()
    assert not engine.ready
    assert not any(alive(p) for p in pids)
    assert not any(w is not None and w.exists() for w in workspaces)
    with pytest.raises(EngineError):
        await engine.scan([RISKY])


def child_pids() -> set[int]:
    """Live processes whose parent is this test process (other tests' proxies included)."""
    own = [int(p) for p in os.listdir("/proc") if p.isdigit() and alive(int(p))]
    found = set()
    for pid in own:
        try:
            if Path(f"/proc/{pid}/stat").read_text().split()[3] == str(os.getpid()):
                found.add(pid)
        except OSError:
            continue  # exited meanwhile
    return found


async def test_close_during_warm_up_leaves_no_processes(repo_pack: RulePack) -> None:
    before = child_pids()
    engine = FastEngine(repo_pack, PoolOptions(processes=2))
    await engine.start()
    for _ in range(200):  # until the first processes of the warm-up exist
        if child_pids() - before:
            break
        await asyncio.sleep(0.02)
    assert child_pids() - before and not engine.ready, "the warm-up should be under way"
    await engine.close()
    await asyncio.sleep(0.1)
    assert child_pids() - before == set()


async def test_readyz_reports_not_ready_until_warm(repo_pack: RulePack) -> None:
    app = create_app(Settings(), engine_factory=lambda settings: FastEngine(repo_pack, PoolOptions(processes=1)))
    async with TestClient(TestServer(app)) as client:
        statuses = []
        for _ in range(300):
            statuses.append((await client.get("/readyz")).status)
            if statuses[-1] == 200:
                break
            await asyncio.sleep(0.05)
        assert statuses[0] == 503 and statuses[-1] == 200


async def test_a_lagging_event_loop_does_not_get_a_healthy_server_killed(repo_pack: RulePack) -> None:
    """The server answers in time, but our loop is blocked past the snippet time-out: no fault."""
    engine = await started(repo_pack, snippet_timeout_seconds=0.5)
    try:
        pids = engine.server_pids()
        scan = asyncio.create_task(engine.scan([CLEAN_SCANNED]))
        while engine.served == 0:
            await asyncio.sleep(0.001)
        await asyncio.sleep(0.01)  # the request is written
        time.sleep(1.5)  # the whole loop stalls, as under a burst; the answer waits in the pipe
        assert (await scan) == [[]]
        assert engine.faults == {} and engine.server_pids() == pids
    finally:
        await engine.close()
