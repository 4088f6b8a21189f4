"""No run of six or more matching lines between two protocol modules (issue 13): a shape two wire
formats share is written once (proxy/protocols/shapes.py, wire.py), not copied.

Lines are compared with their whitespace collapsed; blank lines, comments, imports and docstring
openers are left out, since they say nothing about duplicated logic.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path

PROTOCOLS = Path(__file__).resolve().parent.parent / "proxy" / "protocols"
RUN = 6


def code_lines(text: str) -> list[tuple[int, str]]:
    kept = []
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if stripped and not stripped.startswith(("#", '"""', "from ", "import ")):
            kept.append((number, re.sub(r"\s+", " ", stripped)))
    return kept


def shared_runs(first: str, second: str, run: int = RUN) -> list[tuple[int, int]]:
    """(line in first, line in second) where `run` code lines in a row match."""
    a, b = code_lines(first), code_lines(second)
    starts: dict[tuple[str, ...], int] = {}
    for j in range(len(b) - run + 1):
        starts.setdefault(tuple(text for _, text in b[j:j + run]), b[j][0])
    return [(a[i][0], starts[key]) for i in range(len(a) - run + 1)
            if (key := tuple(text for _, text in a[i:i + run])) in starts]


def test_no_two_protocol_modules_share_six_lines() -> None:
    modules = sorted(PROTOCOLS.glob("*.py"))
    assert len(modules) >= 8
    found = {(a.name, b.name): runs for a, b in itertools.combinations(modules, 2)
             if (runs := shared_runs(a.read_text(encoding="utf-8"), b.read_text(encoding="utf-8")))}
    assert found == {}


def test_the_detector_sees_a_copied_block() -> None:
    block = "\n".join(f"x{n} = f({n})" for n in range(6))
    assert shared_runs(f"a = 1\n{block}\n", f"# copied\n{block}\nb = 2\n") == [(2, 2)]
    assert shared_runs(block, block.replace("x5", "y5")) == []
