"""Proxy benchmarks: Breakwater vs direct to the same fake upstream, in one interleaved run.

Measures added latency (prose-only, clean 40-line block, risky block; p50/p99), streamed
first-token latency, throughput at 16 concurrent clients, and the proxy's RSS after
10,000 requests and while 100 streams are open. The upstream and the proxy run as their
own processes; the client is this process. All traffic stays on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Awaitable, Callable
from contextlib import contextmanager
from typing import Any

import aiohttp

Result = dict[str, Any]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def processes(rounds_env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    """Start the fake upstream and the proxy; yield (direct_url, proxy_url, proxy_pid)."""
    up_port, proxy_port = free_port(), free_port()
    upstream = subprocess.Popen([sys.executable, "-m", "bench.upstream", str(up_port)])
    proxy = subprocess.Popen(
        [sys.executable, "-m", "proxy", "serve", "--port", str(proxy_port),
         "--openai-base-url", f"http://127.0.0.1:{up_port}/v1"],
        env={**os.environ, **(rounds_env or {}), "BREAKWATER_LOG_LEVEL": "warning"},
    )
    try:
        _wait_ready(f"http://127.0.0.1:{proxy_port}/readyz", f"http://127.0.0.1:{up_port}/")
        yield f"http://127.0.0.1:{up_port}", f"http://127.0.0.1:{proxy_port}", proxy.pid
    finally:
        for process in (proxy, upstream):
            process.terminate()
            process.wait(10)


def _wait_ready(*urls: str) -> None:
    deadline = time.monotonic() + 60
    for url in urls:
        while True:
            try:
                with urllib.request.urlopen(url, timeout=2):
                    break
            except urllib.error.HTTPError as exc:
                if exc.code < 500:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{url} never became ready")
            time.sleep(0.1)


def body(model: str, stream: bool = False) -> dict[str, Any]:
    return {"model": model, "messages": [{"role": "user", "content": "write it"}], "stream": stream}


async def timed_request(session: aiohttp.ClientSession, base: str, model: str) -> float:
    started = time.perf_counter()
    async with session.post(f"{base}/v1/chat/completions", json=body(model)) as response:
        await response.read()
        assert response.status == 200, response.status
    return time.perf_counter() - started


async def first_token(session: aiohttp.ClientSession, base: str) -> float:
    """Seconds until the first SSE line carrying content arrives."""
    started = time.perf_counter()
    elapsed = None
    async with session.post(f"{base}/v1/chat/completions", json=body("clean40", stream=True)) as response:
        async for line in response.content:
            if elapsed is None and _has_content(line):
                elapsed = time.perf_counter() - started
    assert elapsed is not None
    return elapsed


def _has_content(line: bytes) -> bool:
    """An SSE data line whose chunk carries non-empty `delta.content` (however it is serialised)."""
    if not line.startswith(b"data: {"):
        return False
    choices = json.loads(line[6:]).get("choices") or [{}]
    return bool((choices[0].get("delta") or {}).get("content"))


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def summary(direct: list[float], proxied: list[float]) -> Result:
    ms = 1000.0
    return {
        "direct_p50_ms": statistics.median(direct) * ms, "proxy_p50_ms": statistics.median(proxied) * ms,
        "added_p50_ms": (statistics.median(proxied) - statistics.median(direct)) * ms,
        "direct_p99_ms": percentile(direct, 0.99) * ms, "proxy_p99_ms": percentile(proxied, 0.99) * ms,
        "added_p99_ms": (percentile(proxied, 0.99) - percentile(direct, 0.99)) * ms,
    }


async def interleaved(measure: Callable[[str], Awaitable[float]], direct: str, proxy: str, n: int) -> Result:
    """Alternate direct and proxied calls in random order, so machine noise hits both alike."""
    times: dict[str, list[float]] = {direct: [], proxy: []}
    for _ in range(n):
        order = [direct, proxy]
        random.shuffle(order)
        for base in order:
            times[base].append(await measure(base))
    return summary(times[direct], times[proxy])


async def throughput(base: str, model: str, clients: int, seconds: float) -> float:
    """Requests per second with `clients` concurrent loops for `seconds`."""
    done = 0
    deadline = time.perf_counter() + seconds
    connector = aiohttp.TCPConnector(limit=clients)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def loop() -> None:
            nonlocal done
            while time.perf_counter() < deadline:
                await timed_request(session, base, model)
                done += 1

        await asyncio.gather(*(loop() for _ in range(clients)))
    return done / seconds


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


async def rss_profile(proxy: str, pid: int, total: int) -> Result:
    """RSS at start, after every quarter of `total` requests, and with 100 streams open."""
    samples = [rss_mb(pid)]
    connector = aiohttp.TCPConnector(limit=16)
    async with aiohttp.ClientSession(connector=connector) as session:
        models = ["prose", "clean40", "risky40"]
        for quarter in range(4):
            jobs = [timed_request(session, proxy, models[i % 3]) for i in range(total // 4)]
            for start in range(0, len(jobs), 16):
                await asyncio.gather(*jobs[start:start + 16])
            samples.append(rss_mb(pid))
            del quarter
    peak = 0.0
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=200)) as session:

        async def stream() -> None:
            async with session.post(f"{proxy}/v1/chat/completions", json=body("clean40-slow", True)) as response:
                async for _ in response.content:
                    pass

        tasks = [asyncio.create_task(stream()) for _ in range(100)]
        for _ in range(10):
            await asyncio.sleep(0.2)
            peak = max(peak, rss_mb(pid))
        await asyncio.gather(*tasks)
    return {"rss_mb_start": samples[0], "rss_mb_after_quarters": samples[1:], "rss_mb_100_streams_peak": peak}


TAG_LINE = "> ⚠️ Breakwater"
ERROR_WORDS = "could not scan"
RULE_SEEN = "python.requests-without-timeout"  # the risky block's finding: the engine really judged it


async def _burst_stream(session: aiohttp.ClientSession, proxy: str, model: str) -> tuple[float, str]:
    started = time.perf_counter()
    text = []
    async with session.post(f"{proxy}/v1/chat/completions", json=body(model, stream=True)) as response:
        async for line in response.content:
            if line.startswith(b"data: {"):
                for choice in json.loads(line[6:]).get("choices") or []:
                    text.append((choice.get("delta") or {}).get("content") or "")
    return time.perf_counter() - started, "".join(text)


async def burst(proxy: str, model: str, streams: int) -> Result:
    """`streams` concurrent streamed replies with a risky block: how many were judged, and how fast."""
    connector = aiohttp.TCPConnector(limit=0)
    timeout = aiohttp.ClientTimeout(total=300)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        started = time.perf_counter()
        replies = await asyncio.gather(*(_burst_stream(session, proxy, model) for _ in range(streams)))
        wall = time.perf_counter() - started
    seconds = [elapsed for elapsed, _ in replies]
    judged = [TAG_LINE in text and RULE_SEEN in text and ERROR_WORDS not in text for _, text in replies]
    return {"streams": streams, "judged": sum(judged),
            "errors": sum(ERROR_WORDS in text for _, text in replies), "wall_s": round(wall, 2),
            "reply_p50_ms": round(statistics.median(seconds) * 1000, 1),
            "reply_p99_ms": round(percentile(seconds, 0.99) * 1000, 1)}


async def _run(quick: bool) -> Result:
    n = 60 if quick else 300
    results: Result = {}
    with processes() as (direct, proxy, pid):
        connector = aiohttp.TCPConnector(limit=4)
        async with aiohttp.ClientSession(connector=connector) as session:
            for _ in range(20):  # warm connections and the engine
                await timed_request(session, proxy, "risky40")
            # Every code reply is a new snippet, so the engine really scans it (no cache hits).
            for model in ("prose", "clean40-unique", "risky40-unique"):
                results[f"latency_{model.removesuffix('-unique')}"] = await interleaved(
                    lambda base, m=model: timed_request(session, base, m), direct, proxy, n)
            results["stream_first_token"] = await interleaved(
                lambda base: first_token(session, base), direct, proxy, n)
        for label, model in (("throughput_16_clients", "clean40"), ("throughput_16_clients_unique", "clean40-unique")):
            rounds = []
            for _ in range(3):
                d = await throughput(direct, model, 16, 2.0 if quick else 4.0)
                p = await throughput(proxy, model, 16, 2.0 if quick else 4.0)
                rounds.append({"direct_rps": d, "proxy_rps": p, "ratio": p / d})
            results[label] = {"rounds": rounds, "median_ratio": statistics.median(r["ratio"] for r in rounds)}
        results["rss"] = await rss_profile(proxy, pid, 2000 if quick else 10000)
    # The 1,000-stream bursts run in `python -m bench burst` (bench/burst.py), with the load average.
    return results


NAME = "proxy"


async def run(quick: bool = False) -> Result:
    return await _run(quick)


def rows(results: Result) -> list[tuple[str, str, str]]:
    goals = {"latency_prose": ("≤ 1 ms", ""), "latency_clean40": ("≤ 10 ms", "≤ 50 ms"),
             "latency_risky40": ("", ""), "stream_first_token": ("≤ 2 ms", "")}
    out = []
    for key, (goal50, goal99) in goals.items():
        r = results[key]
        out.append((f"{key} added p50 (direct {r['direct_p50_ms']:.2f} ms)", f"{r['added_p50_ms']:.2f} ms", goal50))
        out.append((f"{key} added p99", f"{r['added_p99_ms']:.2f} ms", goal99))
    for key, label in (("throughput_16_clients", "the same 40-line reply (cache hits)"),
                       ("throughput_16_clients_unique", "a new 40-line snippet each time")):
        t = results[key]
        rps = " ".join(f"{r['proxy_rps']:.0f}/{r['direct_rps']:.0f}" for r in t["rounds"])
        out.append((f"throughput at 16 clients, proxy/direct: {label} [rps {rps}]", f"{t['median_ratio']:.2f}",
                    "≥ 0.30"))
    rss = results["rss"]
    quarters = ", ".join(f"{v:.0f}" for v in rss["rss_mb_after_quarters"])
    out.append(("proxy RSS MB: start / after each quarter of the requests", f"{rss['rss_mb_start']:.0f} / {quarters}",
                "flat"))
    out.append(("proxy RSS MB at 100 concurrent streams (peak)", f"{rss['rss_mb_100_streams_peak']:.0f}", "≤ 300"))
    for key, label in (("burst_same", "the same risky block"), ("burst_distinct", "a new risky block each")):
        if key in results:
            b = results[key]
            out.append((f"burst of {b['streams']} concurrent streams, {label}: judged / errors",
                        f"{b['judged']} / {b['errors']}", f"{b['streams']} / 0"))
            out.append((f"burst, {label}: wall, reply p50 / p99",
                        f"{b['wall_s']} s, {b['reply_p50_ms']} / {b['reply_p99_ms']} ms", ""))
    return out
