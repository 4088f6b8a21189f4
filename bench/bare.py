"""Breakwater's engine beside a bare two-server LSP client, in one run (issue 18).

The bare client is the floor: two `semgrep lsp` servers with the same rules, each scan a
fresh file and one `didSave`, no prefilter, no queue, no sentinel, no fallback. The
engine's new-snippet throughput and per-snippet latency are measured against it, in
alternating rounds so machine noise hits both alike. Snippets are 40-line Python and
JavaScript that pass the prefilter (so the engine really scans them) and are new each time.
"""

from __future__ import annotations

import asyncio
import random
import statistics
import time
from collections.abc import Awaitable, Callable
from typing import Any

from bench.corpus import clean_snippet
from proxy.engine import FastEngine, PoolOptions, ScanTarget
from proxy.engine.core import semgrep_core_path
from proxy.engine.lsp import LspServer
from proxy.languages import get
from proxy.rulepack import RulePack, load

Scan = Callable[[str, str], Awaitable[object]]
LANGUAGES = ("python", "javascript")
SLOTS = 6000  # single-use files per extension per bare server: enough for a whole run


class BareClient:
    """Two warm servers; a scan takes whichever is free."""

    def __init__(self, pack: RulePack) -> None:
        slots = {get(language).extension: SLOTS for language in LANGUAGES}
        self.servers = [LspServer(semgrep_core_path(), (pack.engine_config,), slots) for _ in range(2)]
        self.free: asyncio.Queue[LspServer] = asyncio.Queue()

    async def start(self) -> None:
        await asyncio.gather(*(server.start() for server in self.servers))
        for server in self.servers:
            self.free.put_nowait(server)

    async def scan(self, code: str, language: str) -> object:
        server = await self.free.get()
        try:
            return await server.scan(code, get(language).extension, 30)
        finally:
            self.free.put_nowait(server)

    async def close(self) -> None:
        await asyncio.gather(*(server.close() for server in self.servers))


def snippets(engine: FastEngine, language: str, count: int, rng: random.Random) -> list[str]:
    """`count` distinct 40-line snippets the prefilter sends to the servers."""
    assert engine._prefilter is not None
    bases = [code for code in (clean_snippet(rng, language, 40) for _ in range(200))
             if engine._prefilter.may_match(code, language)][:16]
    mark = "#" if language == "python" else "//"
    return [f"{bases[n % len(bases)]}{mark} {rng.random()} {n}\n" for n in range(count)]


async def latencies(scan: Scan, codes: list[str], language: str) -> list[float]:
    out = []
    for code in codes:
        started = time.perf_counter()
        await scan(code, language)
        out.append(time.perf_counter() - started)
    return out


async def throughput(scan: Scan, codes: list[str], language: str, callers: int = 8) -> float:
    pending = iter(codes)
    started = time.perf_counter()

    async def caller() -> None:
        for code in pending:
            await scan(code, language)

    await asyncio.gather(*(caller() for _ in range(callers)))
    return len(codes) / (time.perf_counter() - started)


def ms(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] * 1000, 2)


async def compare(quick: bool = False) -> dict[str, Any]:
    pack = load()
    rng = random.Random(18)
    engine = FastEngine(pack, PoolOptions(processes=2, recycle_after_scans=5000))
    bare = BareClient(pack)
    await asyncio.gather(engine.wait_ready(), bare.start())

    async def via_engine(code: str, language: str) -> object:
        return await engine.scan([ScanTarget(code, language)])

    scans: dict[str, Scan] = {"engine": via_engine, "bare": bare.scan}
    rounds = 2 if quick else 3
    per_round = 150 if quick else 400
    result: dict[str, Any] = {}
    try:
        for language in LANGUAGES:
            lat: dict[str, list[float]] = {"engine": [], "bare": []}
            thr: dict[str, list[float]] = {"engine": [], "bare": []}
            await latencies(via_engine, snippets(engine, language, 30, rng), language)  # warm
            await latencies(bare.scan, snippets(engine, language, 30, rng), language)
            for number in range(rounds):
                order = ["engine", "bare"] if number % 2 == 0 else ["bare", "engine"]
                for name in order:
                    lat[name] += await latencies(scans[name], snippets(engine, language, per_round // 2, rng),
                                                 language)
                for name in order:
                    thr[name].append(await throughput(scans[name], snippets(engine, language, per_round, rng),
                                                      language))
            result[language] = {name: {"scans_per_s": round(statistics.median(thr[name]), 1),
                                       "p50_ms": ms(lat[name], 0.5), "p99_ms": ms(lat[name], 0.99)}
                                for name in ("engine", "bare")}
            own, floor = result[language]["engine"], result[language]["bare"]
            result[language]["throughput_ratio"] = round(own["scans_per_s"] / floor["scans_per_s"], 3)
            result[language]["p99_ratio"] = round(own["p99_ms"] / floor["p99_ms"], 3)
        result["faults"] = dict(engine.faults)
    finally:
        await asyncio.gather(engine.close(), bare.close())
    return result


def rows(result: dict[str, Any]) -> list[tuple[str, str, str]]:
    out = []
    for language in LANGUAGES:
        r = result[language]
        for name in ("engine", "bare"):
            s = r[name]
            out.append((f"{language} new 40-line snippets, {name}: scans/s, p50 / p99",
                        f"{s['scans_per_s']}/s, {s['p50_ms']} / {s['p99_ms']} ms", ""))
        out.append((f"{language}: engine/bare throughput", f"{r['throughput_ratio']}", "≥ 0.90"))
        out.append((f"{language}: engine/bare p99", f"{r['p99_ratio']}", "≤ 1.5"))
    return out
