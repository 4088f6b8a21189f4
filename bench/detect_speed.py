"""Language detection speed (moved here from tests/test_detect.py: timings are measured, not unit-tested).

Detection runs on every fence without a language word and every bare reply, so it must
stay in the low milliseconds for a typical 40-line snippet.
"""

from __future__ import annotations

import statistics
import time
from typing import Any

from proxy.parse import detect_language

NAME = "detect_speed"
SNIPPET = "\n".join(
    ["import os", "", "", "def walk(root):"]
    + [f"    value_{i} = os.path.join(root, 'part{i}')  # step {i}" for i in range(34)]
    + ["    return value_0", ""]
)


async def run(quick: bool = False) -> dict[str, Any]:
    detect_language(SNIPPET)  # load the grammars
    samples = []
    for _ in range(20 if quick else 200):
        started = time.perf_counter()
        assert detect_language(SNIPPET) is not None
        samples.append((time.perf_counter() - started) * 1000)
    return {"snippet_lines": SNIPPET.count("\n"), "detect_ms_median": statistics.median(samples),
            "detect_ms_p95": sorted(samples)[int(len(samples) * 0.95) - 1]}


def rows(result: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [
        ("detect a 40-line snippet (median)", f"{result['detect_ms_median']:.2f} ms", "≤ 50 ms"),
        ("detect a 40-line snippet (p95)", f"{result['detect_ms_p95']:.2f} ms", "≤ 50 ms"),
    ]
