"""Shared fixtures: a fake LLM upstream and Breakwater proxies on loopback, each in its own thread."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from proxy.config import Settings
from proxy.rulepack import RulePack, load
from proxy.server import create_app
from tests.support.fake_llm import FakeLLM
from tests.support.servers import ServerThread, wait_ready
from tests.support.team import TeamProxy, start_team_proxy

ProxyFactory = Callable[..., ServerThread]
ROOT = Path(__file__).resolve().parent.parent
ENGINE_PACK = Path(__file__).resolve().parent / "engine_pack"


@pytest.fixture(scope="session")
def fake_server() -> Iterator[tuple[FakeLLM, ServerThread]]:
    fake = FakeLLM()
    server = ServerThread(fake.app()).start()
    yield fake, server
    server.stop()


@pytest.fixture
def fake(fake_server: tuple[FakeLLM, ServerThread]) -> FakeLLM:
    """The fake upstream, with its script and recorded requests cleared for this test."""
    fake_llm, _ = fake_server
    fake_llm.reset()
    return fake_llm


@pytest.fixture(scope="session")
def proxy_factory(fake_server: tuple[FakeLLM, ServerThread]) -> Iterator[ProxyFactory]:
    """Start (once per distinct settings) a proxy whose upstreams are the fake LLM."""
    _, upstream = fake_server
    started: dict[str, ServerThread] = {}

    def make(**overrides: Any) -> ServerThread:
        key = json.dumps(overrides, sort_keys=True, default=str)
        if key not in started:
            values = {"openai_base_url": f"{upstream.url}/v1", "anthropic_base_url": upstream.url, **overrides}
            settings = Settings(**values)
            started[key] = wait_ready(ServerThread(create_app(settings)).start())
        return started[key]

    yield make
    for server in started.values():
        server.stop()


@pytest.fixture
def proxy(proxy_factory: ProxyFactory) -> ServerThread:
    return proxy_factory()


@pytest.fixture(scope="session", autouse=True)
def team_environment() -> Iterator[None]:
    """Provider keys and the pepper the team-mode tests configure by env var name."""
    values = {"BREAKWATER_TEST_PEPPER": "test-pepper", "PAYMENTS_OPENAI_KEY": "sk-payments-openai",
              "PAYMENTS_ANTHROPIC_KEY": "sk-ant-payments", "SEARCH_OPENAI_KEY": "sk-search-openai",
              "PLATFORM_OPENAI_KEY": "sk-platform-openai",
              "PLATFORM_ANTHROPIC_KEY": "sk-ant-platform", "BREAKWATER_TEST_DASHBOARD_TOKEN": "view-only-token"}
    mp = pytest.MonkeyPatch()
    for name, value in values.items():
        mp.setenv(name, value)
    yield
    mp.undo()


@pytest.fixture
def team_proxy(fake_server: tuple[FakeLLM, ServerThread], tmp_path: Path) -> Iterator[TeamProxy]:
    """A fresh team-mode proxy (virtual keys, three teams, audit in a new SQLite file)."""
    _, upstream = fake_server
    proxy = start_team_proxy(upstream.url, tmp_path / "audit.sqlite3")
    yield proxy
    proxy.server.stop()


@pytest.fixture(scope="session")
def repo_pack() -> RulePack:
    return load(ROOT / "rules")


@pytest.fixture(scope="session")
def wide_pack() -> RulePack:
    """Rules for every analyzer the engine routes: go, java, hcl, dockerfile, ts-only, generic, regex, taint."""
    return load(ENGINE_PACK)
