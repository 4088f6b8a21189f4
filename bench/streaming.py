"""Streaming overhead: proxy vs direct to the same fake upstream, interleaved in one run.

Measures (medians over rounds):
- added time to the first prose token (goal ≤ 2 ms);
- added time from a code block's closing fence to its release (goal ≤ engine scan latency + 5 ms);
- the engine's scan latency for that block, measured on its own, for comparison.
"""

from __future__ import annotations

import statistics
import time
from typing import Any

import aiohttp

from proxy.config import Settings
from proxy.policy import Policy
from proxy.scan import Scanner
from proxy.server import create_app, default_engine
from tests.support.fake_llm import Behaviour, FakeLLM, sse_reply
from tests.support.servers import ServerThread
from tests.support.streams import openai_chat_events

BLOCK = "```python\nimport requests\n\nresp = requests.get(url, timeout=10)\nprint(resp.status_code)\n```\n"


def pieces(round_number: int) -> list[str]:
    """The streamed reply of one round; each round's block is new, so the proxy really scans it."""
    block = BLOCK.replace("import requests\n", f"import requests  # round {round_number}\n")
    return ["Here is the call you need.\n\n", block[:30], block[30:-4], block[-4:], "Hope that helps.\n"]


def reply(round_number: int) -> Behaviour:
    return sse_reply(openai_chat_events(pieces(round_number)), pauses={n: PAUSE for n in range(1, 8)})
CLOSING = b'"content":"```\\n"'  # the closing fence's chunk, as it appears on the wire
PAUSE = 0.05  # seconds between the upstream's chunks


async def _one(session: aiohttp.ClientSession, url: str) -> tuple[float, float, float]:
    """(first prose seen, closing fence seen, end) in seconds after the request was sent."""
    started = time.perf_counter()
    first_prose = closing = 0.0
    buffer = b""
    async with session.post(url, json={"model": "m", "messages": [], "stream": True}) as response:
        async for chunk in response.content.iter_any():
            now = time.perf_counter() - started
            buffer += chunk
            if not first_prose and b"Here is" in buffer:
                first_prose = now
            if not closing and CLOSING in buffer:
                closing = now
    return first_prose, closing, time.perf_counter() - started


async def _rounds(fake: FakeLLM, direct: str, proxied: str, rounds: int) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {"prose": [], "release": []}
    async with aiohttp.ClientSession() as session:
        for number in range(rounds):
            fake.default = reply(number)
            order = [direct, proxied] if number % 2 == 0 else [proxied, direct]
            results: dict[str, Any] = {}
            for url in order:
                results[url] = await _one(session, url)
            d, p = results[direct], results[proxied]
            out["prose"].append((p[0] - d[0]) * 1000)
            out["release"].append((p[1] - d[1]) * 1000)
    return out


async def _scan_latency(rounds: int) -> list[float]:
    settings = Settings()
    engine = default_engine(settings)
    scanner = Scanner(engine, Policy(settings.actions))
    await engine.start()
    times = []
    try:
        for _ in range(rounds):
            started = time.perf_counter()
            await scanner.scan_text(BLOCK)
            times.append((time.perf_counter() - started) * 1000)
    finally:
        await engine.close()
    return times


NAME = "streaming"


async def run(quick: bool = False) -> dict[str, Any]:
    rounds = 8 if quick else 30
    fake = FakeLLM()
    upstream = ServerThread(fake.app()).start()
    proxy = ServerThread(create_app(Settings(openai_base_url=f"{upstream.url}/v1", log_level="warning"))).start()
    try:
        samples = await _rounds(fake, f"{upstream.url}/v1/chat/completions", f"{proxy.url}/v1/chat/completions",
                                rounds)
        scan = await _scan_latency(rounds)
    finally:
        proxy.stop()
        upstream.stop()
    numbers: dict[str, Any] = {
        "rounds": rounds,
        "added_first_prose_ms_median": statistics.median(samples["prose"]),
        "added_release_after_closing_fence_ms_median": statistics.median(samples["release"]),
        "engine_scan_ms_median": statistics.median(scan),
    }
    numbers["release_overhead_beyond_scan_ms"] = (numbers["added_release_after_closing_fence_ms_median"]
                                                  - numbers["engine_scan_ms_median"])
    return numbers


def rows(result: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [
        ("added time to first prose token (median)", f"{result['added_first_prose_ms_median']:.2f} ms", "≤ 2 ms"),
        ("added time closing fence → release (median)",
         f"{result['added_release_after_closing_fence_ms_median']:.2f} ms", "≤ scan + 5 ms"),
        ("engine scan of that block (median)", f"{result['engine_scan_ms_median']:.2f} ms", ""),
        ("release beyond scan", f"{result['release_overhead_beyond_scan_ms']:.2f} ms", "≤ 5 ms"),
    ]
