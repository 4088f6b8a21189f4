"""`python -m bench [name ...] [--quick]`: run benchmarks, print a table, write JSON to bench/results/.

Each benchmark is a module in this package with `NAME`, `async run(quick) -> dict` and
`rows(result) -> [(metric, value, goal)]`; add new ones to `BENCHMARKS`.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import json
import platform
import sys
import time
from pathlib import Path
from types import ModuleType

BENCHMARKS = ["bench.engine", "bench.proxy", "bench.streaming", "bench.detection"]
RESULTS = Path(__file__).resolve().parent / "results"


def available() -> dict[str, ModuleType]:
    modules = {}
    for name in BENCHMARKS:
        module = importlib.import_module(name)
        modules[module.NAME] = module
    return modules


def print_table(name: str, rows: list[tuple[str, str, str]]) -> None:
    width = max(len(r[0]) for r in rows)
    print(f"\n== {name}")
    print(f"{'metric':<{width}}  {'measured':>22}  goal")
    for metric, value, goal in rows:
        print(f"{metric:<{width}}  {value:>22}  {goal}")


def main(argv: list[str] | None = None) -> int:
    modules = available()
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("names", nargs="*", choices=[[], *modules], help="benchmarks to run (default: all)")
    parser.add_argument("--quick", action="store_true", help="fewer iterations")
    args = parser.parse_args(argv)
    RESULTS.mkdir(exist_ok=True)
    for name in args.names or list(modules):
        result = asyncio.run(modules[name].run(quick=args.quick))
        result["meta"] = {"when": time.strftime("%Y-%m-%dT%H:%M:%S"), "python": platform.python_version(),
                          "machine": platform.machine(), "cpus": __import__("os").cpu_count(), "quick": args.quick}
        print_table(name, modules[name].rows(result))
        path = RESULTS / f"{name}-{time.strftime('%Y%m%d-%H%M%S')}.json"
        path.write_text(json.dumps(result, indent=2))
        print(f"results: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
