"""Bursts alone: N concurrent streamed replies through one `breakwater serve` (the same risky block,
then a new one each), with the machine's load average beside each figure and the engine's
counters read from the proxy's /metrics.

    python -m bench burst [--quick]          # 1,000 streams (300 with --quick)
    python -m bench.burst [N] [same|distinct]  # one burst, for profiling

`make bench` runs them after `bench proxy` (which measures latency and throughput on an otherwise
idle proxy); on their own they measure a change to the engine's backpressure in one go.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import urllib.request
from typing import Any

from bench.proxy import burst, processes

Result = dict[str, Any]
NAME = "burst"
ENGINE_METRICS = ("breakwater_engine_errors_total", "breakwater_scans_shared_total",
                  "breakwater_engine_wait_seconds_count", "breakwater_engine_wait_seconds_sum")


def engine_counters(proxy: str) -> dict[str, float]:
    """The engine's counters from /metrics (errors by kind kept apart)."""
    with urllib.request.urlopen(f"{proxy}/metrics", timeout=10) as response:
        text = response.read().decode()
    counters: dict[str, float] = {}
    for line in text.splitlines():
        if line.startswith("#") or not line.startswith(ENGINE_METRICS):
            continue
        name, _, value = line.rpartition(" ")
        key = name if name.startswith("breakwater_engine_errors_total") else name.split("{")[0]
        counters[key] = counters.get(key, 0.0) + float(value)
    return counters


async def one(proxy: str, streams: int, kind: str) -> Result:
    before = os.getloadavg()[0]
    result = await burst(proxy, "risky40" if kind == "same" else "risky40-unique", streams)
    return {**result, "load_before": round(before, 1), "load_after": round(os.getloadavg()[0], 1),
            "engine": engine_counters(proxy)}


async def run(quick: bool = False) -> Result:
    streams = 300 if quick else 1000
    results: Result = {"cores": os.cpu_count()}
    with processes() as (_direct, proxy, _pid):
        for kind in ("same", "distinct"):
            results[kind] = await one(proxy, streams, kind)
    return results


def rows(results: Result) -> list[tuple[str, str, str]]:
    out = []
    for kind in ("same", "distinct"):
        r = results[kind]
        out.append((f"{r['streams']} streams, {kind} risky block: judged / errors (load {r['load_before']})",
                    f"{r['judged']} / {r['errors']}", f"{r['streams']} / 0"))
        out.append((f"{kind}: wall, reply p50 / p99", f"{r['wall_s']} s, {r['reply_p50_ms']} / {r['reply_p99_ms']} ms",
                    ""))
    return out


def main(argv: list[str]) -> int:
    streams = int(argv[0]) if argv else 1000
    kind = argv[1] if len(argv) > 1 else "distinct"

    async def go() -> Result:
        with processes() as (_direct, proxy, pid):
            print(f"proxy pid {pid}", flush=True)
            return await one(proxy, streams, kind)

    print(json.dumps(asyncio.run(go()), indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
