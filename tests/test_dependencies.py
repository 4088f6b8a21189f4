"""The CI rule for system dependencies: locally a skip, in CI a failure (never a silent skip)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

CASE = """
from tests.support.dependencies import require

def test_needs_something_missing():
    require(False, "frobnicator is not installed")

def test_has_it():
    require(True, "unused")
"""


@pytest.mark.parametrize(("ci", "outcome"), [("", "1 passed, 1 skipped"), ("true", "1 failed, 1 passed"),
                                             ("1", "1 failed, 1 passed"), ("false", "1 passed, 1 skipped")])
def test_missing_dependency_fails_only_in_ci(tmp_path: Path, ci: str, outcome: str) -> None:
    (tmp_path / "test_case.py").write_text(CASE)
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", str(tmp_path),
                           str(tmp_path / "test_case.py")], capture_output=True, text=True, timeout=120,
                          env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(root), "CI": ci})
    assert outcome in done.stdout, done.stdout + done.stderr
    if ci in ("true", "1"):
        assert "CI must provide this dependency: frobnicator is not installed" in done.stdout
