"""`on_engine_error: fail_closed` in every wire format, streamed and not, for code blocks and tool calls.

Engine errors are real: a scan time limit far below what a scan takes (`timeout`), and a wait
ceiling that the snippets queued behind the first of a reply outwait (`overloaded`). The
oracles are absolute: the code the scanner could not judge is nowhere in what the client
received, and a block note saying so is (completions: the text is empty, as a note would
land in the user's file).
"""

from __future__ import annotations

import pytest
import requests

from proxy.render import BLOCK_MARKER, TAG_MARKER
from tests.conftest import ProxyFactory
from tests.support.fake_llm import FakeLLM, json_reply
from tests.support.replies import chat_completion
from tests.support.servers import ServerThread, metric_value
from tests.support.tool_streams import Call
from tests.support.wire import WIRE_FORMATS, Reply, delivered_calls, delivered_text, post, upstream, visible_strings

# Normally only tagged (a missing timeout): the engine error alone decides whether it is delivered.
CODE = "import requests\nresp = requests.get(url)\n"
MARK = "requests.get(url)"
WRITE = Call("call_w1", "Write", {"file_path": "app/client.py", "content": CODE})

TIMEOUT = {"scan_timeout_seconds": 0.0001, "engine_wait_budget_seconds": 0.0001}  # the scan limit is their sum
STREAMED = [False, True]


def fail_closed_proxy(proxy_factory: ProxyFactory, **engine: object) -> ServerThread:
    return proxy_factory(on_engine_error="fail_closed", **(engine or TIMEOUT))


def assert_withheld(strings: list[str]) -> None:
    assert not any(MARK in s for s in strings), "the unscanned code reached the client"


@pytest.mark.parametrize("stream", STREAMED, ids=["json", "stream"])
@pytest.mark.parametrize("fmt", WIRE_FORMATS)
def test_code_is_withheld_when_the_engine_fails(proxy_factory: ProxyFactory, fake: FakeLLM, fmt: str,
                                                 stream: bool) -> None:
    server = fail_closed_proxy(proxy_factory)
    fake.respond(upstream(fmt, stream, Reply(code=CODE)))
    response = post(server.url, fmt, stream)
    strings = visible_strings(response.content)
    assert_withheld(strings)
    text = delivered_text(fmt, stream, response.content)
    if fmt == "completions":
        assert text == ""
    else:
        assert BLOCK_MARKER in text and "fail-closed" in text
        assert text.startswith("Here you go:") and "That is all." in text  # the prose around it stays
    if not stream:
        assert response.headers["X-Breakwater-Decision"] == "error"


@pytest.mark.parametrize("stream", STREAMED, ids=["json", "stream"])
@pytest.mark.parametrize("fmt", ["chat", "responses", "anthropic"])
def test_tool_call_is_not_delivered_when_the_engine_fails(proxy_factory: ProxyFactory, fake: FakeLLM, fmt: str,
                                                          stream: bool) -> None:
    server = fail_closed_proxy(proxy_factory)
    fake.respond(upstream(fmt, stream, Reply(call=WRITE)))
    response = post(server.url, fmt, stream)
    assert delivered_calls(fmt, stream, response.content) == []
    assert_withheld(visible_strings(response.content))
    text = delivered_text(fmt, stream, response.content)
    assert BLOCK_MARKER in text and "app/client.py" in text and "fail-closed" in text


@pytest.mark.parametrize("stream", STREAMED, ids=["json", "stream"])
@pytest.mark.parametrize("fmt", WIRE_FORMATS)
def test_fail_open_passes_the_code_with_a_warning(proxy_factory: ProxyFactory, fake: FakeLLM, fmt: str,
                                                  stream: bool) -> None:
    """The other side of the switch, so a guard that withholds everything on error cannot pass the tests above."""
    server = proxy_factory(on_engine_error="fail_open", **TIMEOUT)
    fake.respond(upstream(fmt, stream, Reply(code=CODE)))
    response = post(server.url, fmt, stream)
    text = delivered_text(fmt, stream, response.content)
    assert MARK in text
    if fmt != "completions":
        assert TAG_MARKER in text and "could not scan" in text and BLOCK_MARKER not in text


def test_an_overloaded_engine_queue_fails_closed(proxy_factory: ProxyFactory, fake: FakeLLM) -> None:
    """One server and a wait ceiling of a millisecond: the snippets that wait behind the first are past it
    (kind `overloaded`)."""
    server = fail_closed_proxy(proxy_factory, engine_max_wait_seconds=0.001, engine_processes=1,
                               scan_cache_entries=0)
    blocks = "".join(f"```python\nimport requests\nresp{n} = requests.get(url{n})\n```\n\n" for n in range(3))
    before = metric_value(server, 'breakwater_engine_errors_total{kind="overloaded"}')
    fake.respond(upstream("chat", False, Reply(code="x = 1\n")))  # warm the path
    post(server.url, "chat", False)
    fake.respond(json_reply(chat_completion("Three ways:\n\n" + blocks)))
    response = post(server.url, "chat", False)
    text = delivered_text("chat", False, response.content)
    assert response.headers["X-Breakwater-Decision"] == "error"
    assert "requests.get(url" not in text and BLOCK_MARKER in text
    assert metric_value(server, 'breakwater_engine_errors_total{kind="overloaded"}') > before


def test_engine_errors_are_counted(proxy_factory: ProxyFactory, fake: FakeLLM) -> None:
    server = fail_closed_proxy(proxy_factory)
    before = metric_value(server, 'breakwater_decisions_total{decision="error"}')
    fake.respond(upstream("chat", False, Reply(code=CODE)))
    post(server.url, "chat", False)
    assert metric_value(server, 'breakwater_decisions_total{decision="error"}') == before + 1
    assert 'breakwater_engine_errors_total{kind="timeout"}' in requests.get(f"{server.url}/metrics", timeout=10).text
