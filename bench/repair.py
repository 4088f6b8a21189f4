"""Repair loop latency: what a repaired reply costs, and proof that repair costs nothing when not triggered.

A scripted upstream of fixed latency (`python -m bench.repair PORT LATENCY_MS`, its own process)
answers model `clean` with a clean code block, and model `repair` with a `DROP TABLE` block —
unless the last user turn is Breakwater's repair request, which it answers with the safe version.
Two proxies (repair off, repair on) run as their own processes against it; requests are
interleaved so drift hits every case alike. Expected: a repaired reply takes one upstream round
trip plus one scan more than a blocked one; a clean reply takes the same with repair on or off.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

from bench.proxy import _wait_ready, free_port

NAME = "repair"
LATENCY_MS = 150
REPAIR_TURN = "stopped your previous answer"  # words of the repair loop's follow-up (proxy.repair.loop)
CLEAN = "Archive it:\n\n```sql\nALTER TABLE orders RENAME TO orders_archived_2026;\n```\n"
DROP = "Reset it:\n\n```sql\nDROP TABLE orders;\n```\n"
Result = dict[str, Any]


def _reply(content: str, model: str) -> dict[str, Any]:
    return {"id": "chatcmpl-repair-bench", "object": "chat.completion", "created": int(time.time()), "model": model,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 10, "completion_tokens": 20, "total_tokens": 30}}


def _chunk(model: str, delta: dict[str, Any], finish: str | None) -> bytes:
    event = {"id": "chatcmpl-repair-bench", "object": "chat.completion.chunk", "created": 0, "model": model,
             "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
    return b"data: " + json.dumps(event).encode() + b"\n\n"


def upstream_app(latency: float) -> web.Application:
    async def chat(request: web.Request) -> web.StreamResponse:
        payload = await request.json()
        await asyncio.sleep(latency)
        last = str((payload.get("messages") or [{}])[-1].get("content", ""))
        model = str(payload.get("model"))
        content = CLEAN if model == "clean" or REPAIR_TURN in last else DROP
        if not payload.get("stream"):
            return web.json_response(_reply(content, model))
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await response.prepare(request)
        deltas = [{"role": "assistant", "content": ""}, *({"content": content[i:i + 16]}
                                                           for i in range(0, len(content), 16))]
        for delta in deltas:
            await response.write(_chunk(model, delta, None))
        await response.write(_chunk(model, {}, "stop") + b"data: [DONE]\n\n")
        await response.write_eof()
        return response

    app = web.Application()
    app.router.add_post("/v1/chat/completions", chat)
    return app


def _start(args: list[str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, *args], env={**os.environ, "BREAKWATER_LOG_LEVEL": "warning"})


async def _timed(session: aiohttp.ClientSession, url: str, model: str, stream: bool) -> tuple[float, str, str]:
    """Until the last byte of the reply (streams included)."""
    started = time.perf_counter()
    async with session.post(f"{url}/v1/chat/completions", json={"model": model, "stream": stream, "messages": [
            {"role": "user", "content": "reset the orders table"}]}) as response:
        await response.read()
        return (time.perf_counter() - started, response.headers.get("X-Breakwater-Decision", "-"),
                response.headers.get("X-Breakwater-Repair", "-"))


async def run(quick: bool = False) -> Result:
    rounds = 15 if quick else 60
    up_port, off_port, on_port = free_port(), free_port(), free_port()
    with tempfile.TemporaryDirectory() as directory:
        on_config = Path(directory) / "repair-on.yaml"
        on_config.write_text("repair:\n  enabled: true\n  timeout_seconds: 10\n")
        upstream = f"http://127.0.0.1:{up_port}"
        procs = [_start(["-m", "bench.repair", str(up_port), str(LATENCY_MS)])]
        for port, config in ((off_port, None), (on_port, on_config)):
            procs.append(_start(["-m", "proxy", "serve", "--port", str(port), "--openai-base-url", f"{upstream}/v1",
                                 *(["--config", str(config)] if config else [])]))
        try:
            _wait_ready(f"http://127.0.0.1:{off_port}/readyz", f"http://127.0.0.1:{on_port}/readyz")
            return await _measure(upstream, f"http://127.0.0.1:{off_port}", f"http://127.0.0.1:{on_port}", rounds)
        finally:
            for proc in procs:
                proc.terminate()
                proc.wait(10)


CASES = {  # name: (which target, model, streamed)
    "direct, clean": ("direct", "clean", False),
    "repair off, clean": ("off", "clean", False),
    "repair on, clean (not triggered)": ("on", "clean", False),
    "repair off, blocked": ("off", "repair", False),
    "repair on, repaired": ("on", "repair", False),
    "streamed, repair off, clean": ("off", "clean", True),
    "streamed, repair on, clean (not triggered)": ("on", "clean", True),
    "streamed, repair off, blocked": ("off", "repair", True),
    "streamed, repair on, repaired": ("on", "repair", True),
}


async def _measure(direct: str, off: str, on: str, rounds: int) -> Result:
    targets = {"direct": direct, "off": off, "on": on}
    times: dict[str, list[float]] = {name: [] for name in CASES}
    seen: dict[str, set[str]] = {name: set() for name in CASES}
    async with aiohttp.ClientSession() as session:
        for target, model, stream in CASES.values():  # warm-up: engine, connections, caches
            await _timed(session, targets[target], model, stream)
        for _ in range(rounds):
            for name, (target, model, stream) in CASES.items():
                seconds, decision, repair = await _timed(session, targets[target], model, stream)
                times[name].append(seconds * 1000)
                seen[name].add(f"{decision}/{repair}")
    p50 = {name: statistics.median(values) for name, values in times.items()}
    return {"latency_ms": LATENCY_MS, "rounds": rounds, "p50_ms": p50,
            "p90_ms": {name: statistics.quantiles(values, n=10)[-1] for name, values in times.items()},
            "outcomes": {name: sorted(values) for name, values in seen.items()},
            "repair_added_ms": p50["repair on, repaired"] - p50["repair off, blocked"],
            "untriggered_added_ms": p50["repair on, clean (not triggered)"] - p50["repair off, clean"],
            "streamed_repair_added_ms": p50["streamed, repair on, repaired"] - p50["streamed, repair off, blocked"],
            "streamed_untriggered_added_ms": (p50["streamed, repair on, clean (not triggered)"]
                                              - p50["streamed, repair off, clean"]),
            "scan_ms": p50["repair off, clean"] - p50["direct, clean"]}


def rows(result: Result) -> list[tuple[str, str, str]]:
    out = [(f"{name} p50 / p90", f"{result['p50_ms'][name]:.1f} / {result['p90_ms'][name]:.1f} ms",
            f"({', '.join(result['outcomes'][name])})") for name in CASES]
    out.append(("repaired minus blocked (p50)", f"{result['repair_added_ms']:.1f} ms",
                f"≈ one upstream round trip ({result['latency_ms']} ms) + one scan ({result['scan_ms']:.1f} ms)"))
    out.append(("repair on minus off, clean (p50)", f"{result['untriggered_added_ms']:.1f} ms", "≈ 0 (noise)"))
    out.append(("streamed: repaired minus blocked (p50)", f"{result['streamed_repair_added_ms']:.1f} ms",
                "≈ one upstream round trip + one scan"))
    out.append(("streamed: repair on minus off, clean (p50)", f"{result['streamed_untriggered_added_ms']:.1f} ms",
                "≈ 0 (noise)"))
    return out


def markdown(result: Result) -> str:
    lines = [f"Repair loop, scripted upstream with {result['latency_ms']} ms fixed latency, "
             f"{result['rounds']} interleaved rounds (`python -m bench repair`):", "",
             "| case | p50 | p90 | decision/repair header |", "|---|---|---|---|"]
    lines += [f"| {name} | {result['p50_ms'][name]:.1f} ms | {result['p90_ms'][name]:.1f} ms | "
              f"{', '.join(result['outcomes'][name])} |" for name in CASES]
    lines += ["", f"A repaired reply costs {result['repair_added_ms']:.1f} ms more than a blocked one "
                  f"(one upstream round trip of {result['latency_ms']} ms plus one scan, "
                  f"{result['scan_ms']:.1f} ms); with repair on, a clean reply costs "
                  f"{result['untriggered_added_ms']:+.1f} ms (not triggered: nothing is held or sent). "
                  f"Streamed (to the last byte): repaired minus blocked {result['streamed_repair_added_ms']:.1f} ms, "
                  f"repair on minus off for a clean stream {result['streamed_untriggered_added_ms']:+.1f} ms."]
    return "\n".join(lines)


def main() -> None:
    web.run_app(upstream_app(int(sys.argv[2]) / 1000), host="127.0.0.1", port=int(sys.argv[1]), print=None,
                access_log=None)


if __name__ == "__main__":
    main()
