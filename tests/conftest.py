"""Shared fixtures: the checkout's rule pack and the wide engine test pack."""

from __future__ import annotations

from pathlib import Path

import pytest

from proxy.rulepack import RulePack, load

ROOT = Path(__file__).resolve().parent.parent
ENGINE_PACK = Path(__file__).resolve().parent / "engine_pack"


@pytest.fixture(scope="session")
def repo_pack() -> RulePack:
    return load(ROOT / "rules")


@pytest.fixture(scope="session")
def wide_pack() -> RulePack:
    """Rules for every analyzer the engine routes: go, java, hcl, dockerfile, ts-only, generic, regex, taint."""
    return load(ENGINE_PACK)
