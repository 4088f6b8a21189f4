"""Single flight and in-reply deduplication in front of the real fast engine (issue 18)."""

from __future__ import annotations

import asyncio
import os
import signal
import uuid
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from proxy.engine import EngineError, FastEngine, FindingsCache, PoolOptions, ScanTarget
from proxy.engine.flight import SharedScans
from proxy.rulepack import RulePack

pytestmark = pytest.mark.asyncio(loop_scope="module")


def new_risky() -> ScanTarget:
    return ScanTarget(f"import requests\n\ndef f(url):\n    # {uuid.uuid4().hex}\n    return requests.get(url)\n",
                      "python")


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def engine(repo_pack: RulePack) -> AsyncIterator[FastEngine]:
    fast = FastEngine(repo_pack, PoolOptions(processes=1, wait_budget_seconds=60))
    await fast.wait_ready()
    yield fast
    await fast.close()


async def test_concurrent_requests_for_one_new_snippet_share_one_scan(engine: FastEngine) -> None:
    shared = SharedScans(engine, FindingsCache(100))
    target = new_risky()
    served = engine.served
    answers = await asyncio.gather(*(shared.scan([target]) for _ in range(50)))
    assert engine.served - served == 1
    assert shared.shared == 49
    first = answers[0][0]
    assert isinstance(first, list) and [f.rule_id for f in first] == ["python.requests-without-timeout"]
    assert all(answer == [first] for answer in answers)
    assert await shared.scan([target]) == [first] and engine.served - served == 1  # now from the cache


async def test_identical_snippets_in_one_reply_are_scanned_once(engine: FastEngine) -> None:
    shared = SharedScans(engine, cache=None)
    target, other = new_risky(), new_risky()
    served = engine.served
    answers = await shared.scan([target, other, target, target, other])
    assert engine.served - served == 2
    assert answers[0] == answers[2] == answers[3] and answers[1] == answers[4] and answers[0]


async def test_an_engine_error_reaches_everyone_waiting_and_is_not_cached(repo_pack: RulePack) -> None:
    engine = FastEngine(repo_pack, PoolOptions(processes=1, wait_budget_seconds=0.2))
    await engine.wait_ready()
    cache = FindingsCache(100)
    shared = SharedScans(engine, cache)
    (pid,) = engine.server_pids()
    os.kill(pid, signal.SIGSTOP)
    try:
        in_flight = asyncio.create_task(shared.scan([new_risky()]))
        while engine.queue_depth:
            await asyncio.sleep(0.01)
        target = new_risky()
        waiting = [asyncio.create_task(shared.scan([target])) for _ in range(5)]
        await asyncio.sleep(0.4)  # past the wait budget
        os.kill(pid, signal.SIGCONT)
        answers = await asyncio.gather(*waiting)
        assert all(isinstance(answer[0], EngineError) and answer[0].kind == "overloaded" for answer in answers)
        assert shared.shared == 4
        assert (await in_flight)[0] != [] and len(cache) == 1  # the served one is cached, the failed one not
        assert cache.get(target) is None
    finally:
        os.kill(pid, signal.SIGCONT)
        await engine.close()


async def test_a_tool_call_does_not_wait_behind_a_prose_scan_of_the_same_code(engine: FastEngine) -> None:
    shared = SharedScans(engine, cache=None)
    code = new_risky().code
    served = engine.served
    prose = ScanTarget(code, "python")
    urgent = ScanTarget(code, "python", urgent=True)
    (pid,) = engine.server_pids()
    os.kill(pid, signal.SIGSTOP)
    try:
        waiting_prose = asyncio.create_task(shared.scan([prose]))
        await asyncio.sleep(0.05)
        waiting_call = asyncio.create_task(shared.scan([urgent]))
        await asyncio.sleep(0.05)
    finally:
        os.kill(pid, signal.SIGCONT)
    assert (await waiting_prose) == (await waiting_call)
    assert engine.served - served == 2 and shared.shared == 0
