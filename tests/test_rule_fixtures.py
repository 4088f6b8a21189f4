"""Every rule's `ruleid:` / `ok:` fixtures, inside pytest, on both engines.

`breakwater rules test` (run by `make test` too) stops at the first summary; here each rule is
its own test case, so a failure names the rule, the engine, the fixture and the lines. The
fast engine (prefilter + warm servers: what the proxy runs) and the reference engine
(semgrep-core per scan) must both meet every fixture.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from proxy import ruletest
from proxy.engine import Engine, EngineKind, PoolOptions, create_engine
from proxy.rulepack import load

PACK = load(Path(__file__).resolve().parent.parent / "rules")
RULE_IDS = sorted(rule.id for rule in PACK.rules)


async def _run(kind: EngineKind) -> tuple[list[ruletest.FixtureResult], list[str]]:
    engine: Engine = create_engine(PACK, kind, PoolOptions(processes=1, scan_timeout_seconds=300))
    await engine.start()
    try:
        return await ruletest.run(PACK, engine)
    finally:
        await engine.close()


@pytest.fixture(scope="module", params=["fast", "reference"])
def outcome(request: pytest.FixtureRequest) -> tuple[str, dict[str, list[ruletest.FixtureResult]], list[str]]:
    results, missing = asyncio.run(_run(request.param))
    by_rule: dict[str, list[ruletest.FixtureResult]] = {}
    for result in results:
        by_rule.setdefault(result.rule_id, []).append(result)
    return request.param, by_rule, missing


def test_the_pack_is_not_empty() -> None:
    assert len(RULE_IDS) >= 50


def test_every_rule_has_fixtures(outcome: tuple[str, dict, list[str]]) -> None:
    _, by_rule, missing = outcome
    assert missing == []
    assert sorted(by_rule) == RULE_IDS


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_rule_meets_its_fixtures(outcome: tuple[str, dict, list[str]], rule_id: str) -> None:
    engine, by_rule, _ = outcome
    results = by_rule[rule_id]
    assert sum(r.cases for r in results) > 0, f"{rule_id} has no ruleid/ok cases"
    for result in results:
        assert result.ok, (f"{engine} engine, {result.fixture.name}: missed lines {result.missed}, "
                           f"false alarms on lines {result.false_alarms}")
