"""The fast engine returns exactly what the reference engine (`semgrep-core -targets`) returns.

Real semgrep, no mocks. Two packs: the checkout's `rules/` (whatever it holds today) and
`tests/engine_pack/` (rules for every analyzer the engine routes). The corpus is the rule
fixtures plus generated snippets in every language plus edge cases; it is also scanned
repeatedly, concurrently, and across server recycling.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from bench.corpus import Sample, corpus
from proxy import languages
from proxy.engine import FastEngine, PoolOptions, ScanTarget, SemgrepCoreEngine
from proxy.models import RawFinding
from proxy.rulepack import RulePack, load, rule_files

pytestmark = pytest.mark.asyncio(loop_scope="module")
Case = tuple[FastEngine, list[Sample], list[list[RawFinding]]]


def fixture_samples(root: Path) -> list[Sample]:
    """Every rule fixture (`rules/<dir>/<name>.<ext>` beside its YAML), scanned as its language."""
    rule_yaml = set(rule_files(root))
    samples = []
    for path in sorted(root.glob("*/*")):
        if path in rule_yaml or not path.is_file():
            continue
        language = languages.from_path(path.name.removesuffix(".test.yaml") + ".yaml"
                                       if path.name.endswith(".test.yaml") else path.name)
        if language:
            samples.append(Sample(f"fixture:{path.parent.name}/{path.name}", language, path.read_text()))
    return samples


def all_samples(pack: RulePack) -> list[Sample]:
    return fixture_samples(pack.root) + corpus(seed=11, per_language=20)


async def expected(pack: RulePack, samples: list[Sample]) -> list[list[RawFinding]]:
    return await SemgrepCoreEngine(pack, timeout_seconds=300).scan([ScanTarget(s.code, s.language) for s in samples])


@pytest_asyncio.fixture(loop_scope="module", scope="module", params=["repo", "wide"])
async def case(request: pytest.FixtureRequest) -> AsyncIterator[Case]:
    pack: RulePack = request.getfixturevalue(f"{request.param}_pack")
    samples = all_samples(pack)
    # The whole corpus goes in as one batch; it may wait longer than live traffic would.
    engine = FastEngine(pack, PoolOptions(processes=2, recycle_after_scans=150, wait_budget_seconds=300,
                                           scan_timeout_seconds=300))
    reference, _ = await asyncio.gather(expected(pack, samples), engine.wait_ready())
    yield engine, samples, reference
    await engine.close()


def mismatches(samples: list[Sample], got: list[list[RawFinding]], want: list[list[RawFinding]]) -> list[str]:
    return [f"{s.name} ({s.language}): fast={g} reference={w}" for s, g, w in zip(samples, got, want, strict=True)
            if g != w]


async def test_corpus_is_large_and_covers_every_language(case) -> None:
    _, samples, reference = case
    assert len(samples) >= 200
    assert {s.language for s in samples} >= {"python", "javascript", "typescript", "go", "java", "bash", "sql",
                                             "yaml", "terraform", "dockerfile"}
    assert sum(1 for found in reference if found) >= 50, "the corpus must exercise the rules, not only clean code"


async def test_one_snippet_per_scan_matches_reference(case) -> None:
    engine, samples, reference = case
    got = [(await engine.scan([ScanTarget(s.code, s.language)]))[0] for s in samples]
    assert mismatches(samples, got, reference) == []
    assert engine.faults == {}


async def test_batched_and_concurrent_scans_match_reference(case) -> None:
    engine, samples, reference = case
    batch = await engine.scan([ScanTarget(s.code, s.language) for s in samples])
    assert mismatches(samples, batch, reference) == []
    single = await asyncio.gather(*(engine.scan([ScanTarget(s.code, s.language)]) for s in samples))
    assert mismatches(samples, [r[0] for r in single], reference) == []


async def test_same_snippet_many_times_in_a_row(case) -> None:
    engine, samples, reference = case
    hits = [(s, w) for s, w in zip(samples, reference, strict=True) if w][:5]
    misses = [(s, w) for s, w in zip(samples, reference, strict=True) if not w][:3]
    for sample, want in hits + misses:
        for _ in range(12):
            assert (await engine.scan([ScanTarget(sample.code, sample.language)]))[0] == want, sample.name


async def test_prefilter_skips_only_snippets_without_findings(case) -> None:
    engine, samples, reference = case
    assert engine._prefilter is not None
    skipped = [s for s in samples if not engine._prefilter.may_match(s.code, s.language)]
    wrongly = [s.name for s, w in zip(samples, reference, strict=True) if w and s in skipped]
    assert wrongly == []
    assert skipped, "some snippets should be answerable without the engine"


# Regex-only languages are judged in process (proxy.engine.regex_rules): edge cases of line
# spans, anchors, case, comments and line endings, and text that must go to the servers.
SQL_EDGES = [
    "DELETE FROM users;\n", "DELETE FROM users\n", "DELETE FROM users", "delete from t\n\n\n",
    "x;\nDELETE FROM a\nWHERE 1;\nDELETE FROM b;\nDELETE FROM c;DROP TABLE x;\n",
    "DROP TABLE a; DROP TABLE b;\r\nTRUNCATE t;\r\n", "DELETE FROM x\n-- c\n", "-- DELETE FROM x\n",
    "\tUpDaTe accounts SET balance = 0\n", "update accounts set balance = 0 where id = 1;\n",
    "GRANT ALL PRIVILEGES ON db.* TO 'app'@'%';\n", "ALTER TABLE t DROP COLUMN c;\nALTER TABLE t ADD c int;\n",
    "CREATE TABLE p (amount FLOAT, at TIMESTAMP);\n",
    "CREATE INDEX i ON t (c);\nCREATE INDEX CONCURRENTLY j ON t (c);\n",
    "CREATE USER app WITH PASSWORD 'hunter2';\n", "", "\n", ";;;\n", "DELETE FROM ünïcode;\n",
    "DROP DATABASE prod", "drop table if exists t cascade;\n\n-- done\n", "TRUNCATE TABLE a, b RESTART IDENTITY;",
]


async def test_regex_only_languages_are_judged_in_process_exactly(case) -> None:
    engine, _, _ = case
    targets = [ScanTarget(code, "sql") for code in SQL_EDGES]
    want = await SemgrepCoreEngine(engine.pack, timeout_seconds=120).scan(targets)
    got = await engine.scan(targets)
    assert [g == w for g, w in zip(got, want, strict=True)] == [True] * len(SQL_EDGES), (got, want)


async def test_a_regex_only_pack_is_judged_in_process_exactly(tmp_path: Path) -> None:
    """The repo's regex-only SQL rules on their own (the pack's other SQL rules use patterns, so the
    repo pack sends SQL to the servers): every edge case judged in process, exactly as semgrep-core."""
    root = Path(__file__).resolve().parent.parent / "rules"
    (tmp_path / "sql").mkdir()
    for rule in sorted((root / "sql").glob("*.yaml")):
        text = rule.read_text()
        if "pattern-regex:" in text and "patterns:" not in text and "pattern-either:" not in text:
            (tmp_path / "sql" / rule.name).write_text(text)
    pack = load(tmp_path)
    assert len(pack.rules) >= 6
    engine = FastEngine(pack, PoolOptions(processes=1, wait_budget_seconds=120, scan_timeout_seconds=120))
    try:
        await engine.wait_ready()
        targets = [ScanTarget(code, "sql") for code in SQL_EDGES]
        want = await SemgrepCoreEngine(pack, timeout_seconds=120).scan(targets)
        got = await engine.scan(targets)
        assert [g == w for g, w in zip(got, want, strict=True)] == [True] * len(SQL_EDGES), (got, want)
        assert sum(1 for w in want if w) >= 10
        assert engine.in_process >= 15  # all but the prefiltered and the non-ASCII
    finally:
        await engine.close()
