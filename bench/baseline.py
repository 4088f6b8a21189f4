"""Committed corpus figures (`bench/corpus_baseline.json`) and the check that none got worse.

Each harness (`bench.commands`, `bench.detection`) reduces its result to flat figures, such as
`block_recall` or `family.bypass/wrappers.false_block_rate`. The name says which way is
better: false alarms, false blocks and misses are better lower; everything else (recall,
accuracy) is better higher. `make test` fails when a figure is worse than the committed
one (tests/test_corpus_gates.py); `python -m bench <name> --update-baseline` rewrites the
harness's section after a change that moves the figures on purpose.
"""

from __future__ import annotations

import json
from pathlib import Path

PATH = Path(__file__).resolve().parent / "corpus_baseline.json"
LOWER_IS_BETTER = ("false_", "over_", "misses")
# Rates are rounded when stored; a change smaller than this is not a change.
TOLERANCE = 1e-6


def lower_is_better(figure: str) -> bool:
    leaf = figure.rsplit(".", 1)[-1]
    return leaf.startswith(LOWER_IS_BETTER)


def load(path: Path = PATH) -> dict[str, dict[str, float]]:
    return json.loads(path.read_text()) if path.exists() else {}


def update(harness: str, figures: dict[str, float], path: Path = PATH) -> None:
    stored = load(path)
    stored[harness] = dict(sorted(figures.items()))
    path.write_text(json.dumps(stored, indent=1, sort_keys=True) + "\n")


def regressions(harness: str, figures: dict[str, float], path: Path = PATH) -> list[str]:
    """One line per committed figure that is now worse, or missing (a family or language that vanished)."""
    committed = load(path).get(harness)
    if committed is None:
        return [f"no committed figures for {harness!r} in {path.name}; run python -m bench {harness} --update-baseline"]
    worse = []
    for name, before in committed.items():
        if name not in figures:
            worse.append(f"{name}: was {before}, now not measured")
            continue
        now = figures[name]
        got_worse = now > before + TOLERANCE if lower_is_better(name) else now < before - TOLERANCE
        if got_worse:
            worse.append(f"{name}: was {before}, now {now}")
    return worse
