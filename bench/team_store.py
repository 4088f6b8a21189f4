"""Team store benchmark: audit writes on SQLite vs PostgreSQL, proxy throughput with audit on each,
and the audit backlog while PostgreSQL is stopped under load.

`python -m bench.team_store [--quick]`. Starts a throwaway PostgreSQL (initdb/pg_ctl, like the
tests), the fast fake upstream (`bench.upstream`) and `breakwater serve` replicas as processes;
all on 127.0.0.1. Prints a table and writes JSON to bench/results/.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

import aiohttp
import yaml

from proxy.team.keys import hash_key, new_key
from proxy.team.sql_store import SqlStore, make_store
from proxy.team.store import DecisionRow, FindingRow
from tests.support.postgres import PostgresServer, free_port

NAME = "team_store"
PEPPER = "bench-pepper"
Result = dict[str, Any]


def _rows(count: int) -> list[DecisionRow]:
    now = time.time()
    return [DecisionRow(now, f"r{n}", "payments", "dev", "m", "/v1/chat/completions", "python", "markdown", "tag",
                        "0" * 64, "import requests\nrequests.get(url)\n",
                        [FindingRow("python.requests-without-timeout", "missing-timeout", "medium", "tag", 2)],
                        replica="bench", client="bench")
            for n in range(count)]


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def store_writes(store: SqlStore, batches: int, batch_size: int) -> Result:
    store.open()
    single = []
    for _ in range(100):
        started = time.perf_counter()
        store.write_decisions(_rows(1))
        single.append((time.perf_counter() - started) * 1000)
    batch_ms = []
    rows = _rows(batch_size)
    for _ in range(batches):
        started = time.perf_counter()
        store.write_decisions(rows)
        batch_ms.append((time.perf_counter() - started) * 1000)
    store.close()
    return {"single_row_ms_p50": statistics.median(single), "single_row_ms_p99": _percentile(single, 0.99),
            f"batch_{batch_size}_ms_p50": statistics.median(batch_ms),
            f"batch_{batch_size}_ms_p99": _percentile(batch_ms, 0.99),
            "rows_per_second": batch_size * batches / (sum(batch_ms) / 1000)}


def _config(path: Path, store: dict[str, Any], key: str, db: Path) -> None:
    team = {"auth": "virtual_keys", "pepper_env": "BENCH_PEPPER",
            "teams": {"payments": {"upstream": {"openai_api_key_env": "BENCH_OPENAI_KEY"}}},
            "keys": [{"id": "dev", "hash": hash_key(key, PEPPER.encode()), "team": "payments"}],
            "store": store, "audit": {"enabled": True, "path": str(db)}}
    path.write_text(yaml.safe_dump({"team": team, "log_level": "warning"}))


def _metric(url: str, pattern: str) -> float:
    with urllib.request.urlopen(f"{url}/metrics", timeout=5) as response:
        text = response.read().decode()
    return sum(float(v) for v in re.findall(rf"^{pattern} (\S+)$", text, re.MULTILINE))


def _serve(config: Path, upstream: str) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {**os.environ, "BENCH_PEPPER": PEPPER, "BENCH_OPENAI_KEY": "sk-bench"}
    process = subprocess.Popen([sys.executable, "-m", "proxy", "serve", "--config", str(config), "--port", str(port),
                                "--openai-base-url", f"{upstream}/v1"], env=env, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/readyz", timeout=1) as response:
                if response.status == 200:
                    return process, url
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("proxy did not start")


async def _load(url: str, key: str, clients: int, seconds: float) -> tuple[int, int]:
    done = failed = 0
    deadline = time.perf_counter() + seconds
    body = {"model": "clean40", "messages": [{"role": "user", "content": "x"}]}
    async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {key}"}) as session:

        async def loop() -> None:
            nonlocal done, failed
            while time.perf_counter() < deadline:
                async with session.post(f"{url}/v1/chat/completions", json=body) as response:
                    await response.read()
                    done += 1
                    failed += response.status != 200

        await asyncio.gather(*(loop() for _ in range(clients)))
    return done, failed


async def proxy_throughput(config: Path, upstream: str, key: str, seconds: float) -> Result:
    process, url = _serve(config, upstream)
    try:
        await _load(url, key, 4, 1.0)  # warm
        done, failed = await _load(url, key, 16, seconds)
        deadline = time.monotonic() + 30
        while _metric(url, "breakwater_audit_backlog_rows") and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        return {"rps": done / seconds, "failed": failed,
                "written": _metric(url, "breakwater_audit_written_total"),
                "dropped": _metric(url, r"breakwater_audit_dropped_total\{[^}]*\}")}
    finally:
        process.terminate()
        process.wait(20)


async def outage(config: Path, upstream: str, key: str, postgres: PostgresServer, seconds: float) -> Result:
    process, url = _serve(config, upstream)
    try:
        await _load(url, key, 4, 1.0)
        peak = 0.0

        async def stop_and_watch() -> None:
            nonlocal peak
            await asyncio.sleep(1.0)
            await asyncio.get_running_loop().run_in_executor(None, postgres.stop)
            end = time.monotonic() + seconds
            while time.monotonic() < end:
                peak = max(peak, _metric(url, "breakwater_audit_backlog_rows"))
                await asyncio.sleep(0.2)
            await asyncio.get_running_loop().run_in_executor(None, postgres.start)

        load = asyncio.create_task(_load(url, key, 16, seconds + 3.0))
        await stop_and_watch()
        done, failed = await load
        restarted = time.monotonic()
        while _metric(url, "breakwater_audit_backlog_rows") and time.monotonic() - restarted < 60:
            await asyncio.sleep(0.1)
        return {"requests": done, "failed": failed, "outage_seconds": seconds, "backlog_peak_rows": peak,
                "drained_seconds_after_restart": time.monotonic() - restarted,
                "dropped": _metric(url, r"breakwater_audit_dropped_total\{[^}]*\}")}
    finally:
        process.terminate()
        process.wait(20)


async def run(quick: bool = False) -> Result:
    postgres = PostgresServer().start()
    workdir = Path(tempfile.mkdtemp(prefix="breakwater-bench-team-"))
    up_port = free_port()
    upstream = subprocess.Popen([sys.executable, "-m", "bench.upstream", str(up_port)])
    upstream_url = f"http://127.0.0.1:{up_port}"
    key = new_key("dev")
    seconds = 3.0 if quick else 8.0
    try:
        result: Result = {"store_writes": {
            "sqlite": store_writes(make_store(None, workdir / "w.sqlite3"), 20 if quick else 50, 200),
            "postgres": store_writes(make_store(postgres.create_database(), None), 20 if quick else 50, 200),
        }}
        sqlite_config, pg_config = workdir / "sqlite.yaml", workdir / "pg.yaml"
        _config(sqlite_config, {}, key, workdir / "proxy.sqlite3")
        _config(pg_config, {"url": postgres.create_database()}, key, workdir / "unused.sqlite3")
        result["proxy"] = {"sqlite": await proxy_throughput(sqlite_config, upstream_url, key, seconds),
                           "postgres": await proxy_throughput(pg_config, upstream_url, key, seconds)}
        # issue 15: "PostgreSQL restarted or unreachable for 30 s"
        result["outage"] = await outage(pg_config, upstream_url, key, postgres, 4.0 if quick else 30.0)
        return result
    finally:
        upstream.terminate()
        upstream.wait(10)
        postgres.destroy()


def rows(result: Result) -> list[tuple[str, str, str]]:
    out = []
    for backend, writes in result["store_writes"].items():
        for metric, value in writes.items():
            out.append((f"{backend} {metric}", f"{value:.2f}", ""))
    for backend, proxy in result["proxy"].items():
        out.append((f"proxy rps at 16 clients, audit on {backend}", f"{proxy['rps']:.0f}",
                    f"failed {proxy['failed']}, dropped {proxy['dropped']:.0f}"))
    o = result["outage"]
    out.append((f"PostgreSQL stopped {o['outage_seconds']:.0f} s under 16 clients: failed requests",
                str(o["failed"]), "0"))
    out.append(("  audit backlog peak rows", f"{o['backlog_peak_rows']:.0f}", "≤ backlog_max_rows"))
    out.append(("  backlog drained after restart (s)", f"{o['drained_seconds_after_restart']:.1f}", ""))
    out.append(("  audit rows dropped", f"{o['dropped']:.0f}", "0"))
    return out


if __name__ == "__main__":
    measured = asyncio.run(run(quick="--quick" in sys.argv))
    for metric, value, goal in rows(measured):
        print(f"{metric:<70} {value:>10}  {goal}")
    results = Path(__file__).resolve().parent / "results"
    results.mkdir(exist_ok=True)
    (results / f"team_store-{time.strftime('%Y%m%d-%H%M%S')}.json").write_text(json.dumps(measured, indent=2))
