"""`python -m bench [name ...] [--quick] [--update-baseline]`: run benchmarks, print tables, write JSON.

Each benchmark is a module in this package with `NAME`, `async run(quick) -> dict` and
`rows(result) -> [(metric, value, goal)]`; add new ones to `BENCHMARKS`. A module may also
have `report(result) -> str` (printed after its table, e.g. the cases it got wrong) and
`figures(result) -> {name: value}` (the figures `make test` holds to their committed values
in bench/corpus_baseline.json; `--update-baseline` rewrites them, see bench/baseline.py) and
`markdown(result) -> str` (its tables for bench/RESULTS.md, printed with `--markdown`).
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

from bench import baseline

BENCHMARKS = ["bench.engine", "bench.proxy", "bench.burst", "bench.streaming", "bench.hooks", "bench.commands",
              "bench.detection", "bench.judge", "bench.detect_speed", "bench.repair"]
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


def check_baseline(name: str, figures: dict[str, float], update: bool) -> None:
    if update:
        baseline.update(name, figures)
        print(f"baseline: {len(figures)} figures of {name} written to {baseline.PATH}")
        return
    worse = baseline.regressions(name, figures)
    print(f"baseline: {'worse than committed: ' + '; '.join(worse) if worse else 'no figure worse than committed'}")


def main(argv: list[str] | None = None) -> int:
    modules = available()
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("names", nargs="*", choices=[[], *modules], help="benchmarks to run (default: all)")
    parser.add_argument("--quick", action="store_true", help="fewer iterations")
    parser.add_argument("--update-baseline", action="store_true",
                        help="store the corpus figures of the named benchmarks as the committed baseline")
    parser.add_argument("--markdown", action="store_true", help="print the tables for bench/RESULTS.md too")
    args = parser.parse_args(argv)
    RESULTS.mkdir(exist_ok=True)
    for name in args.names or list(modules):
        result = asyncio.run(modules[name].run(quick=args.quick))
        result["meta"] = {"when": time.strftime("%Y-%m-%dT%H:%M:%S"), "python": platform.python_version(),
                          "machine": platform.machine(), "cpus": __import__("os").cpu_count(), "quick": args.quick}
        module = modules[name]
        print_table(name, module.rows(result))
        if hasattr(module, "report"):
            print(module.report(result))
        if hasattr(module, "figures"):
            check_baseline(name, module.figures(result), args.update_baseline)
        if args.markdown and hasattr(module, "markdown"):
            print("\n" + module.markdown(result))
        path = RESULTS / f"{name}-{time.strftime('%Y%m%d-%H%M%S')}.json"
        path.write_text(json.dumps(result, indent=2))
        print(f"results: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
