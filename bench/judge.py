"""Per-command judge time of the shell command model: `python -m bench judge`.

Each command of the labelled corpus (`tests/data/commands/`) is judged in-process by
`proxy.shell.judge` (tree-sitter-bash parse, command model, every typed rule), several
times; p50/p99 are over single judge calls. Commands that carry inline code (`python -c`,
SQL to `psql`) also need the Semgrep pack for that code: their share is reported, since
only they wait for the engine. The whole scan path of a `Bash` tool call (the proxy's
`Scanner`, findings cache off) is timed too, for the commands without inline code.
"""

from __future__ import annotations

import statistics
import time
from typing import Any

from bench.commands import load_cases
from bench.live_guard import running_guard
from proxy.extract.tools import snippets_from_tool_call
from proxy.shell import judge

NAME = "judge"
GOAL_P50_MS = 2.0


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def measure(commands: list[str], repeats: int) -> dict[str, Any]:
    for command in commands:  # warm the parser and the rule tables
        judge(command)
    timings: list[float] = []
    cpu: list[float] = []  # this thread's CPU time: wall time minus waiting for a core on a shared machine
    for _ in range(repeats):
        for command in commands:
            started, started_cpu = time.perf_counter(), time.thread_time()
            judge(command)
            timings.append((time.perf_counter() - started) * 1000)
            cpu.append((time.thread_time() - started_cpu) * 1000)
    carrying = sum(1 for command in commands if judge(command).inline)
    return {
        "commands": len(commands),
        "judge_calls": len(timings),
        "p50_ms": statistics.median(timings),
        "p99_ms": _percentile(timings, 0.99),
        "max_ms": max(timings),
        "cpu_p50_ms": statistics.median(cpu),
        "cpu_p99_ms": _percentile(cpu, 0.99),
        "carry_inline_code": carrying,
    }


async def scan_path(commands: list[str], repeats: int) -> dict[str, Any]:
    """The whole scan path of one `Bash` tool call (extract, parse, judge, policy; the engine only for
    inline code), as the proxy runs it, with its findings cache off so every call is judged afresh."""
    async with running_guard() as guard:
        guard.scanner.cache = None
        plain = [c for c in commands if not judge(c).inline]
        for command in plain[:20]:
            await guard.scanner.scan(snippets_from_tool_call("Bash", {"command": command}))
        timings: list[float] = []
        for _ in range(repeats):
            for command in plain:
                snippets = snippets_from_tool_call("Bash", {"command": command})
                started = time.perf_counter()
                await guard.scanner.scan(snippets)
                timings.append((time.perf_counter() - started) * 1000)
    return {"scan_commands": len(plain), "scan_p50_ms": statistics.median(timings),
            "scan_p99_ms": _percentile(timings, 0.99)}


async def run(quick: bool) -> dict[str, Any]:
    commands = [case.command for case in load_cases()]
    repeats = 2 if quick else 10
    return {**measure(commands, repeats), **await scan_path(commands, 1 if quick else 3)}


def rows(result: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [
        ("corpus commands judged", f"{result['commands']} x {result['judge_calls'] // result['commands']}", ""),
        ("judge time p50 (ms)", f"{result['p50_ms']:.3f}", f"< {GOAL_P50_MS}"),
        ("judge time p99 (ms)", f"{result['p99_ms']:.3f}", ""),
        ("judge time max (ms)", f"{result['max_ms']:.3f}", ""),
        ("judge CPU time p50 / p99 (ms)", f"{result['cpu_p50_ms']:.3f} / {result['cpu_p99_ms']:.3f}", ""),
        ("commands carrying inline code (need the engine)", str(result["carry_inline_code"]), ""),
        (f"scan path p50 / p99 (ms), {result['scan_commands']} commands without inline code",
         f"{result['scan_p50_ms']:.3f} / {result['scan_p99_ms']:.3f}", f"< {GOAL_P50_MS} p50"),
    ]
