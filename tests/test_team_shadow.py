"""A team's `mode: shadow` override holds in every wire format, streamed and not, for code and tool calls.

In the team fixture `platform` (root's team) is in shadow mode and `payments` (alice's) is
not. The same blocked reply must reach root unchanged and be blocked for alice; both are
audited with the decision enforce mode would make.
"""

from __future__ import annotations

import sqlite3
import time

import pytest

from proxy.render import BLOCK_MARKER
from tests.support.fake_llm import FakeLLM
from tests.support.team import TeamProxy
from tests.support.tool_streams import Call
from tests.support.wire import (
    WIRE_FORMATS,
    Reply,
    delivered_calls,
    delivered_text,
    post,
    serve,
    upstream_body,
    visible_strings,
)

CODE = "import requests\nresp = requests.get(url, verify=False, timeout=5)\n"  # insecure-transport: block
MARK = "verify=False"
WRITE = Call("call_w1", "Write", {"file_path": "app/client.py", "content": CODE})


def decisions(proxy: TeamProxy, count: int = 2) -> list[tuple[str, str]]:
    """The audit rows, once `count` are written (a stream is recorded when it ends, maybe after the client's read)."""
    for _ in range(500):
        proxy.flush()
        with sqlite3.connect(proxy.db) as conn:
            rows = sorted(conn.execute("SELECT key_id, decision FROM decisions"))
        if len(rows) >= count:
            return rows
        time.sleep(0.01)
    return rows


@pytest.mark.parametrize("stream", [False, True], ids=["json", "stream"])
@pytest.mark.parametrize("fmt", WIRE_FORMATS)
def test_shadow_team_gets_code_unchanged_and_others_blocked(
    team_proxy: TeamProxy, fake: FakeLLM, fmt: str, stream: bool
) -> None:
    body = upstream_body(fmt, stream, Reply(code=CODE))
    fake.respond(serve(body, stream))
    shadowed = post(team_proxy.url, fmt, stream, team_proxy.keys["root"]).content
    enforced = post(team_proxy.url, fmt, stream, team_proxy.keys["alice"]).content
    assert shadowed == body  # byte for byte
    assert not any(MARK in s for s in visible_strings(enforced))
    assert decisions(team_proxy) == [("alice", "block"), ("root", "block")]


@pytest.mark.parametrize("stream", [False, True], ids=["json", "stream"])
@pytest.mark.parametrize("fmt", ["chat", "responses", "anthropic"])
def test_shadow_team_gets_tool_calls_unchanged(team_proxy: TeamProxy, fake: FakeLLM, fmt: str, stream: bool) -> None:
    body = upstream_body(fmt, stream, Reply(call=WRITE))
    fake.respond(serve(body, stream))
    shadowed = post(team_proxy.url, fmt, stream, team_proxy.keys["root"]).content
    enforced = post(team_proxy.url, fmt, stream, team_proxy.keys["alice"]).content
    assert shadowed == body  # byte for byte
    assert delivered_calls(fmt, stream, shadowed) == ["Write"]
    assert BLOCK_MARKER not in delivered_text(fmt, stream, shadowed)
    assert delivered_calls(fmt, stream, enforced) == []
    assert BLOCK_MARKER in delivered_text(fmt, stream, enforced)
    assert decisions(team_proxy) == [("alice", "block"), ("root", "block")]
