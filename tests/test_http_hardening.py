"""HTTP hardening: bad bodies → 400 in the API's format, a query-less access log, a header-read timeout,
and no ERROR traceback when a client hangs up right after the last event.

Real proxies on 127.0.0.1, raw sockets where a client misbehaves, log records as the proxy wrote them.
"""

from __future__ import annotations

import json
import logging
import socket
import struct
import time
from collections.abc import Callable
from typing import Any

import pytest

from tests.conftest import ProxyFactory
from tests.support.fake_llm import FakeLLM, sse_reply
from tests.support.raw_http import RawReply, anthropic_error, openai_error, send
from tests.support.responses_streams import RISKY_TEXT, ResponseStream
from tests.support.servers import ServerThread, metric_value
from tests.support.streams import anthropic_events, openai_chat_events

GUARDED = [("/v1/chat/completions", openai_error), ("/v1/completions", openai_error),
           ("/v1/responses", openai_error), ("/v1/messages", anthropic_error)]


def deep(levels: int, open_: str = "[", close: str = "]") -> str:
    return open_ * levels + close * levels


BAD_BODIES: dict[str, bytes] = {
    "nested lists 1000": deep(1000).encode(),
    "nested in an object 5000": ('{"model": "m", "messages": ' + deep(5000) + "}").encode(),
    "nested objects 3000": ('{"a": ' * 3000 + "1" + "}" * 3000).encode(),
    "nested 100000": deep(100_000).encode(),
    "invalid UTF-8 byte": b'{"model": "m\xff", "messages": []}',
    "overlong UTF-8": b'{"model": "\xc0\xaf", "messages": []}',
    "lone surrogate bytes": b'{"model": "\xed\xa0\x80", "messages": []}',
    "UTF-16": json.dumps({"model": "m", "messages": []}).encode("utf-16"),
    "UTF-8 BOM": b"\xef\xbb\xbf" + json.dumps({"model": "m", "messages": []}).encode(),
    "repeated key": b'{"model": "m", "stream": false, "messages": [], "stream": true}',
    "repeated nested key": b'{"model": "m", "messages": [{"role": "user", "role": "system", "content": "x"}]}',
    "not JSON": b"model=m&stream=true",
    "truncated": b'{"model": "m", "messages": [',
    "a list": b'[{"model": "m"}]',
    "a string": b'"hello"',
    "empty": b"",
    "NaN trick": b'{"model": "m", "messages": [], "stream": NaN',
    "stream as a string": b'{"model": "m", "messages": [], "stream": "false"}',
    "stream as a number": b'{"model": "m", "messages": [], "stream": 1}',
    "stream as an object": b'{"model": "m", "messages": [], "stream": {"on": true}}',
}


@pytest.mark.parametrize("name", list(BAD_BODIES))
@pytest.mark.parametrize(("path", "error_of"), GUARDED)
def test_bad_request_bodies_get_400_in_the_apis_format(proxy: ServerThread, fake: FakeLLM, name: str, path: str,
                                                       error_of: Callable[[RawReply], dict[str, Any]],
                                                       caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    reply = send(proxy.url, "POST", path, [("Authorization", "Bearer sk-own")], BAD_BODIES[name])
    assert reply.status == 400, reply.body[:300]
    error = error_of(reply)
    assert error["type"] == "invalid_request_error"
    assert reply.headers["x-should-retry"] == "false"
    assert fake.requests == []
    assert "Traceback" not in caplog.text and not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_a_deep_but_valid_body_elsewhere_is_passed_through(proxy: ServerThread, fake: FakeLLM) -> None:
    """Only guarded endpoints parse the body; a file upload or any other path is relayed as bytes."""
    body = deep(5000).encode()
    reply = send(proxy.url, "POST", "/v1/files", [("Authorization", "Bearer sk-own")], body)
    assert reply.status == 200
    assert fake.requests[0].body == body


def access_lines(caplog: pytest.LogCaptureFixture, requests: list[tuple[str, str]]) -> list[str]:
    """The proxy's access lines for these (method, path) requests, in order.

    Lines are written just after each response is sent, so wait for them; a line of an earlier test's
    request can land in this test's capture, so only lines that start with one of these requests count
    (a path is matched as a prefix, so a line that still carried the query string would count too).
    """
    heads = [f'"{method} {path.split("?")[0]}' for method, path in requests]
    deadline = time.monotonic() + 10
    while True:
        lines = [r.getMessage() for r in caplog.records if r.name == "breakwater.access"]
        lines = [line for line in lines if any(head in line for head in heads)]
        if len(lines) >= len(requests) or time.monotonic() > deadline:
            assert len(lines) == len(requests), lines
            return lines
        time.sleep(0.01)


def test_access_log_has_no_query_string(proxy: ServerThread, fake: FakeLLM, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="breakwater.access")
    targets = ["/v1/models?api_key=sk-secret-123", "/v1/models/./x?key=sk-secret-456&b=2",
               "/v1/chat/completions%23?token=sk-secret-789", "/healthz?password=sk-secret-000"]
    for target in targets:
        send(proxy.url, "GET", target)
    lines = access_lines(caplog, [("GET", target) for target in targets])
    assert all("sk-secret" not in line and "?" not in line for line in lines), lines
    assert '"GET /v1/models" 200' in lines[0] and '"GET /v1/models/./x" 200' in lines[1]
    assert '"GET /v1/chat/completions%23" 400' in lines[2] and '"GET /healthz" 200' in lines[3]


def test_access_log_masks_a_virtual_key_in_the_path(proxy: ServerThread, fake: FakeLLM,
                                                    caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="breakwater.access")
    send(proxy.url, "GET", "/v1/files/bwk_alice_" + "ef" * 32)
    [line] = access_lines(caplog, [("GET", "/v1/files/bwk_")])
    assert "ef" * 32 not in line and "/v1/files/bwk_…" in line


def _trickle_headers(url: str, first: bytes, byte_pause: float, max_bytes: int) -> tuple[bool, int]:
    """Send a request head one byte at a time; (closed by the server, bytes sent before that)."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(first)
        sent = 0
        for _ in range(max_bytes):
            try:
                sock.sendall(b"a")
                sent += 1
                sock.settimeout(byte_pause)
                if sock.recv(1024) == b"":
                    return True, sent
            except TimeoutError:
                continue
            except (ConnectionResetError, BrokenPipeError):
                return True, sent
        return False, sent


@pytest.mark.parametrize("first", [b"GET /v1/models", b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nX-Slow: "])
def test_a_slow_request_head_is_cut_off(proxy_factory: ProxyFactory, first: bytes) -> None:
    """Slowloris: a client that keeps a head coming, byte by byte, is disconnected after the configured time."""
    proxy = proxy_factory(header_read_timeout_seconds=0.5)
    closed, sent = _trickle_headers(proxy.url, first, byte_pause=0.05, max_bytes=600)  # 600 bytes ≈ 30 s
    assert closed and sent < 600
    assert send(proxy.url, "GET", "/healthz").status == 200  # a prompt client is served on the same server


def test_a_long_stream_is_not_cut_by_the_header_timeout(proxy_factory: ProxyFactory, fake: FakeLLM) -> None:
    """The timeout is for the request head only: a reply that takes longer than it still arrives whole."""
    proxy = proxy_factory(header_read_timeout_seconds=0.5)
    fake.respond(sse_reply(openai_chat_events(["a", "b", "c", "d"]), pause=0.3))
    body = json.dumps({"model": "m", "messages": [], "stream": True}).encode()
    reply = send(proxy.url, "POST", "/v1/chat/completions", [("Authorization", "Bearer sk-own")], body)
    assert reply.status == 200
    assert reply.body.rstrip().endswith(b"data: [DONE]")


def _stream_and_hang_up(url: str, path: str, body: dict[str, Any], last_event: bytes, reset: bool) -> None:
    """Read a streamed reply until `last_event` has fully arrived, then close at once (as Codex CLI does)."""
    host, port = url.removeprefix("http://").split(":")
    payload = json.dumps(body).encode()
    head = (f"POST {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer sk-own\r\nx-api-key: sk-own\r\n"
            f"anthropic-version: 2023-06-01\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(payload)}\r\n\r\n").encode()
    sock = socket.create_connection((host, int(port)), timeout=10)
    sock.sendall(head + payload)
    seen = b""
    while last_event not in seen or not seen[seen.index(last_event):].count(b"\n\n"):
        chunk = sock.recv(65536)
        assert chunk, seen
        seen += chunk
    if reset:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


STREAMS = {
    "responses": ("/v1/responses", {"model": "m", "input": "x", "stream": True},
                  ResponseStream().message(RISKY_TEXT).events(), b"response.completed"),
    "chat": ("/v1/chat/completions", {"model": "m", "messages": [], "stream": True},
             openai_chat_events(["Hi ", "there"]), b"[DONE]"),
    "messages": ("/v1/messages", {"model": "m", "max_tokens": 9, "messages": [], "stream": True},
                 anthropic_events(["Hi ", "there"]), b"message_stop"),
}


@pytest.mark.parametrize("reset", [False, True], ids=["close", "reset"])
@pytest.mark.parametrize("stream", list(STREAMS))
def test_hanging_up_after_the_last_event_logs_no_error(proxy: ServerThread, fake: FakeLLM, stream: str, reset: bool,
                                                       caplog: pytest.LogCaptureFixture) -> None:
    path, body, events, last = STREAMS[stream]
    fake.respond(sse_reply(events))
    caplog.set_level(logging.DEBUG)
    sample = f'breakwater_requests_total{{endpoint="{path}",status="200"}}'
    before = metric_value(proxy, sample)
    turns = 5
    for _ in range(turns):
        _stream_and_hang_up(proxy.url, path, body, last, reset)
    deadline = time.monotonic() + 20  # wait for the proxy to finish the turns (an event, not a timing threshold)
    while metric_value(proxy, sample) < before + turns and time.monotonic() < deadline:
        time.sleep(0.05)
    assert metric_value(proxy, sample) == before + turns
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert errors == [], [r.getMessage() for r in errors]


MALFORMED = [b"GET /v1/models\x00x HTTP/1.1\r\nHost: x\r\n\r\n", b"GET /v1/a b HTTP/1.1\r\nHost: x\r\n\r\n",
             b"GET /v1/models HTTP/1.1\r\nHost: x\r\nBad Header: v\r\n\r\n", b"G\x01T / HTTP/1.1\r\n\r\n",
             b"GET /v1/models?api_key=sk-secret-1\x7f HTTP/1.1\r\nHost: x\r\n\r\n",
             b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello",
             b"GET /v1/models HTTP/1.1\r\nHost: x\r\nX-A: b\rc\r\n\r\n"]


@pytest.mark.parametrize("raw", MALFORMED)
def test_malformed_http_is_refused_without_a_traceback(proxy: ServerThread, fake: FakeLLM, raw: bytes,
                                                       caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    host, port = proxy.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(raw)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.") and b" 400 " in answer.split(b"\r\n", 1)[0], answer[:200]
    assert fake.requests == []
    loud = [r for r in caplog.records if r.levelno >= logging.ERROR or (r.exc_info and r.levelno >= logging.INFO)]
    assert loud == []
    assert "sk-secret" not in caplog.text
