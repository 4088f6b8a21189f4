"""`python -m bench [name...]`: run the sub-benchmarks (all by default)."""

from __future__ import annotations

import importlib
import sys

BENCHMARKS = ["streaming"]


def main(argv: list[str]) -> int:
    for name in argv or BENCHMARKS:
        module = importlib.import_module(f"bench.{name}")
        print(f"== {name}")
        module.run()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
