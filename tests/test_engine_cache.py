"""The exact findings cache: repeated snippets get the engine's own answer without a rescan."""

from __future__ import annotations

from proxy.config import Settings
from proxy.engine import FindingsCache, ScanTarget, SemgrepCoreEngine
from proxy.models import RawFinding, Severity
from proxy.policy import Policy
from proxy.rulepack import RulePack
from proxy.scan import Scanner, snippets_from_text

REPLY = "```python\nimport requests\nrequests.get(url)\n```\n```sql\nDROP TABLE t;\n```\n```sh\nls -la\n```\n"


def finding(line: int) -> RawFinding:
    return RawFinding("python.x", "missing-timeout", Severity.MEDIUM, "m", line, line)


def test_least_recently_used_entries_are_evicted() -> None:
    cache = FindingsCache(2)
    a, b, c = (ScanTarget(code, "python") for code in ("a()", "b()", "c()"))
    cache.put(a, [finding(1)])
    cache.put(b, [])
    assert cache.get(a) == [finding(1)]  # a is now the most recent
    cache.put(c, [finding(3)])
    assert cache.get(b) is None and cache.get(a) == [finding(1)] and cache.get(c) == [finding(3)]
    assert len(cache) == 2 and cache.hits == 3 and cache.misses == 1


def test_language_is_part_of_the_key() -> None:
    cache = FindingsCache(10)
    cache.put(ScanTarget("x", "python"), [finding(1)])
    assert cache.get(ScanTarget("x", "bash")) is None


async def test_cached_scans_equal_uncached_scans(repo_pack: RulePack) -> None:
    engine = SemgrepCoreEngine(repo_pack)
    policy = Policy.from_settings(Settings())
    plain = Scanner(engine, policy)
    cache = FindingsCache(64)
    cached = Scanner(engine, policy, cache=cache)
    expected = (await plain.scan(snippets_from_text(REPLY))).to_json()
    for _ in range(3):
        assert (await cached.scan(snippets_from_text(REPLY))).to_json() == expected
    assert cache.misses == 3 and cache.hits == 6  # three snippets scanned once, then answered from the cache
