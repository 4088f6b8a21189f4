"""Agent hook latency: `breakwater hook claude-code` end to end, from process start to answer.

An agent runs the hook as a new process before every tool call, so what counts is the whole
process: interpreter start, reading the payload, asking the running Breakwater (`POST /scan`),
printing the answer. Measured against a `breakwater serve` on loopback, for a clean and a
blocked shell command, beside a bare `python -c pass` as the floor of any Python hook.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.proxy import processes

NAME = "hooks"
BREAKWATER = str(Path(sys.executable).parent / "breakwater")
COMMANDS = {"clean": "git status && npm test", "blocked": "git push --force origin main"}


def _payload(command: str) -> bytes:
    return json.dumps({"hook_event_name": "PreToolUse", "tool_name": "Bash",
                       "tool_input": {"command": command}}).encode()


def _time(argv: list[str], stdin: bytes, rounds: int) -> list[float]:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        subprocess.run(argv, input=stdin, capture_output=True, check=True)
        times.append((time.perf_counter() - started) * 1000)
    return times


async def run(quick: bool = False) -> dict[str, Any]:
    rounds = 10 if quick else 40
    result: dict[str, Any] = {}
    with processes() as (_, proxy_url, _pid):
        for name, command in COMMANDS.items():
            argv = [BREAKWATER, "hook", "claude-code", "--url", proxy_url]
            _time(argv, _payload(command), 2)  # warm the service's cache and the OS page cache
            result[name] = _time(argv, _payload(command), rounds)
        result["python_floor"] = _time([sys.executable, "-c", "pass"], b"", rounds)
    return {key: {"p50_ms": statistics.median(v), "max_ms": max(v)} for key, v in result.items()}


def rows(result: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [
        (f"hook end to end, {name} command, p50", f"{result[name]['p50_ms']:.1f} ms", "< 100 ms")
        for name in COMMANDS
    ] + [("python -c pass (floor), p50", f"{result['python_floor']['p50_ms']:.1f} ms", "")]
