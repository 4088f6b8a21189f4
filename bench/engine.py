"""Engine-alone benchmark: latency of `FastEngine.scan` for one snippet, as the proxy calls it.

Measures, sequentially (one snippet in flight, so numbers are latency, not queueing):
- by snippet length (5 to 200 lines, clean code of every rule language, mostly Python),
- by rule count: the current pack and the pack repeated to 4x with renamed ids,
- a clean 40-line snippet (p50/p99) and a snippet no rule can match (p50),
- throughput with concurrent callers (both servers busy).
Goals (issue): 40-line snippet p50 <= 5 ms, p99 <= 30 ms; no-match p50 <= 0.5 ms.
"""

from __future__ import annotations

import asyncio
import copy
import random
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

from bench import bare
from bench.corpus import LANGUAGES, clean_snippet
from proxy.engine import FastEngine, PoolOptions, ScanTarget
from proxy.rulepack import RulePack, load, rule_files

NAME = "engine"
GOALS = {"clean_40_lines_p50_ms": 5.0, "clean_40_lines_p99_ms": 30.0, "no_match_p50_ms": 0.5}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def summary(seconds: list[float]) -> dict[str, float]:
    ms = [s * 1000 for s in seconds]
    return {"n": len(ms), "p50_ms": round(statistics.median(ms), 3), "p95_ms": round(percentile(ms, 95), 3),
            "p99_ms": round(percentile(ms, 99), 3), "mean_ms": round(statistics.fmean(ms), 3)}


def repeated_pack(root: Path, times: int, into: Path) -> RulePack:
    """The pack with every rule copied `times` times under renamed ids (`<id>-copyN`)."""
    for path in rule_files(root):
        rules = yaml.safe_load(path.read_text())["rules"]
        copies = [{**copy.deepcopy(rule), "id": f"{rule['id']}-copy{n}" if n else rule["id"]}
                  for n in range(times) for rule in rules]  # deep copies: YAML aliases break semgrep-core
        target = into / path.parent.name / path.name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(yaml.safe_dump({"rules": copies}, sort_keys=False))
    return load(into)


async def timed(engine: FastEngine, target: ScanTarget) -> float:
    started = time.perf_counter()
    await engine.scan([target])
    return time.perf_counter() - started


def fresh(code: str, number: int, language: str) -> str:
    """A distinct file per scan (as in production), same content apart from a trailing comment."""
    mark = "//" if language in ("javascript", "typescript", "go", "java") else "--" if language == "sql" else "#"
    return f"{code}{mark} {number}\n"


async def latency(engine: FastEngine, language: str, lines: int, count: int, rng: random.Random) -> list[float]:
    base = [clean_snippet(rng, language, lines) for _ in range(8)]
    return [await timed(engine, ScanTarget(fresh(base[n % 8], n, language), language)) for n in range(count)]


def no_match_target(engine: FastEngine, rng: random.Random) -> ScanTarget | None:
    """A realistic snippet the prefilter rejects, in the first language where one exists."""
    assert engine._prefilter is not None
    for language in ["sql", *LANGUAGES, "rust"]:
        for _ in range(50):
            code = clean_snippet(rng, language, 20) if language in LANGUAGES else "fn main() { println!(\"hi\"); }\n"
            if not engine._prefilter.may_match(code, language):
                return ScanTarget(code, language)
    return None


async def throughput(engine: FastEngine, seconds: float, callers: int, rng: random.Random) -> float:
    codes = [clean_snippet(rng, "python", 40) for _ in range(16)]
    done = 0
    deadline = time.perf_counter() + seconds

    async def caller(offset: int) -> None:
        nonlocal done
        n = offset
        while time.perf_counter() < deadline:
            await engine.scan([ScanTarget(fresh(codes[n % 16], n, "python"), "python")])
            done += 1
            n += callers
    started = time.perf_counter()
    await asyncio.gather(*(caller(i) for i in range(callers)))
    return done / (time.perf_counter() - started)


async def bench_pack(pack: RulePack, label: str, quick: bool, rng: random.Random) -> dict[str, Any]:
    engine = FastEngine(pack, PoolOptions())
    started = time.perf_counter()
    await engine.wait_ready()
    warm_up = round(time.perf_counter() - started, 2)
    result: dict[str, Any] = {"pack": label, "rules": len(pack.rules), "warm_up_s": warm_up}
    try:
        await latency(engine, "python", 40, 30, rng)  # warm caches, let start-up CPU settle
        n = 100 if quick else 400
        result["clean_40_lines"] = summary(await latency(engine, "python", 40, n, rng))
        result["by_length"] = {
            str(lines): summary(await latency(engine, "python", lines, n // 4, rng)) for lines in (5, 20, 40, 100, 200)
        }
        result["by_language_40_lines"] = {
            language: summary(await latency(engine, language, 40, n // 8, rng)) for language in LANGUAGES
        }
        target = no_match_target(engine, rng)
        if target is not None:
            result["no_match"] = {"language": target.language,
                                  **summary([await timed(engine, target) for _ in range(n * 5)])}
        result["throughput_per_s"] = round(await throughput(engine, 3 if quick else 8, 8, rng), 1)
        result["faults"] = dict(engine.faults)
    finally:
        await engine.close()
    return result


async def run(quick: bool = False) -> dict[str, Any]:
    rng = random.Random(5)
    base = load()
    scratch = Path(tempfile.mkdtemp(prefix="breakwater-bench-"))
    try:
        packs = [await bench_pack(base, "current", quick, rng),
                 await bench_pack(repeated_pack(base.root, 4, scratch), "4x", quick, rng)]
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    versus_bare = await bare.compare(quick)
    current = packs[0]
    checks = {
        "clean_40_lines_p50_ms": current["clean_40_lines"]["p50_ms"],
        "clean_40_lines_p99_ms": current["clean_40_lines"]["p99_ms"],
        "no_match_p50_ms": current.get("no_match", {}).get("p50_ms", float("nan")),
    }
    goals = {k: {"goal": GOALS[k], "measured": v, "met": v <= GOALS[k]} for k, v in checks.items()}
    return {"packs": packs, "versus_bare": versus_bare, "goals": goals}


def rows(result: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(metric, value, goal) rows for the summary table."""
    out: list[tuple[str, str, str]] = []
    for pack in result["packs"]:
        tag = f"{pack['pack']} ({pack['rules']} rules)"
        c = pack["clean_40_lines"]
        out.append((f"{tag}: 40-line clean p50 / p99", f"{c['p50_ms']} / {c['p99_ms']} ms", "5 / 30 ms"))
        for lines, s in pack["by_length"].items():
            out.append((f"{tag}: {lines} lines p50 / p99", f"{s['p50_ms']} / {s['p99_ms']} ms", ""))
        for language, s in pack["by_language_40_lines"].items():
            out.append((f"{tag}: {language} 40 lines p50 / p99", f"{s['p50_ms']} / {s['p99_ms']} ms", ""))
        if "no_match" in pack:
            nm = pack["no_match"]
            out.append((f"{tag}: no rule can match ({nm['language']}) p50", f"{nm['p50_ms']} ms", "0.5 ms"))
        out.append((f"{tag}: throughput, 8 callers", f"{pack['throughput_per_s']}/s", ""))
        out.append((f"{tag}: warm-up", f"{pack['warm_up_s']} s", ""))
    if "versus_bare" in result:
        out += bare.rows(result["versus_bare"])
    return out
