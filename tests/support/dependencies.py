"""System dependencies some tests need (Debian chromium, PostgreSQL): missing ones fail in CI.

Locally a test may skip when, say, chromium is not installed. In CI (`CI` set, as `.ci/run`
runs) a skip would hide that the test never ran, so a missing dependency is a failure there.
"""

from __future__ import annotations

import os

import pytest


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def require(available: bool, reason: str) -> None:
    """Skip (locally) or fail (in CI) the calling test when a system dependency is missing."""
    if available:
        return
    if in_ci():
        pytest.fail(f"CI must provide this dependency: {reason}", pytrace=False)
    pytest.skip(reason)
