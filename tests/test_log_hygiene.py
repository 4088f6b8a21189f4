"""No API key, virtual key, dashboard token, prompt text or secret from code in any log line.

Every log record of a full run is captured at DEBUG (every logger, every thread: the proxy
runs in this process): team mode with virtual keys and provider keys from the environment,
pass-through mode with the client's own key, every wire format streamed and not, the admin
API, and the error paths (unknown key, malformed JSON, upstream errors and resets, engine
time-outs, a client that goes away mid-stream).
"""

from __future__ import annotations

import logging
import socket
from pathlib import Path

import pytest
import requests

from tests.conftest import ProxyFactory
from tests.support.fake_llm import FakeLLM, json_reply, reset_connection, sse_reply
from tests.support.replies import chat_completion
from tests.support.servers import ServerThread
from tests.support.streams import openai_chat_events
from tests.support.team import start_team_proxy
from tests.support.wire import PATHS, WIRE_FORMATS, Reply, request_body, upstream

PROMPT = "PROMPT-TEXT-9f2c please write the billing job"
CLIENT_KEY = "sk-client-own-key-5d1e8a7c3b"
CODE_SECRET = "sk-live-CodeSecret0123456789"
CODE = f'import requests\nAPI_KEY = "{CODE_SECRET}"\nresp = requests.get(url)\n'
PROVIDER_KEYS = ("sk-payments-openai", "sk-ant-payments", "sk-search-openai", "sk-platform-openai", "sk-ant-platform")
DASHBOARD_TOKEN = "view-only-token"


def everything_logged(caplog: pytest.LogCaptureFixture) -> str:
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    return "\n".join(formatter.format(record) for record in caplog.records)


def with_prompt(fmt: str, stream: bool) -> dict:
    body = request_body(fmt, stream)
    if "messages" in body:
        body["messages"][0]["content"] = PROMPT
    elif "input" in body:
        body["input"] = PROMPT
    else:
        body["prompt"] = f"# Path: app/job.py\n# {PROMPT}\n"
    return body


def send(url: str, fmt: str, stream: bool, key: str) -> requests.Response:
    headers = {"x-api-key": key, "anthropic-version": "2023-06-01"} if fmt == "anthropic" else {
        "Authorization": f"Bearer {key}"}
    return requests.post(f"{url}{PATHS[fmt]}", json=with_prompt(fmt, stream), headers=headers, timeout=60)


def walk_away_mid_stream(url: str, key: str) -> None:
    """A client that sends a streamed request with a prompt, reads a little and closes the socket."""
    import json

    body = json.dumps(with_prompt("chat", True)).encode()
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     + f"Authorization: Bearer {key}\r\nContent-Length: {len(body)}\r\n\r\n".encode() + body)
        sock.recv(64)


def exercise(url: str, fake: FakeLLM, keys: list[str]) -> None:
    for key in keys:
        for fmt in WIRE_FORMATS:
            for stream in (False, True):
                fake.respond(upstream(fmt, stream, Reply(code=CODE)))
                assert send(url, fmt, stream, key).status_code == 200
        fake.respond(json_reply({"error": {"message": "boom", "type": "server_error"}}, status=500))
        assert send(url, "chat", False, key).status_code == 500
        fake.respond(reset_connection())
        assert send(url, "chat", False, key).status_code == 502
        fake.respond(sse_reply(openai_chat_events(["```python\n", CODE, "```\n"]), close_early=True))
        send(url, "chat", True, key)
        fake.respond(sse_reply(openai_chat_events(["```python\n", CODE] * 50), pause=0.05))
        walk_away_mid_stream(url, key)
        bad = requests.post(f"{url}/v1/chat/completions", data=b'{"messages": [' + PROMPT.encode(),
                            headers={"Authorization": f"Bearer {key}"}, timeout=10)
        assert bad.status_code == 400


def assert_clean(text: str, secrets: list[str]) -> None:
    assert "PROMPT-TEXT-9f2c" not in text
    for secret in secrets:
        assert secret not in text, f"a secret reached the log: {secret[:8]}…"
        assert secret[-16:] not in text


def test_team_mode_logs_no_keys_tokens_or_prompts(fake_server: tuple[FakeLLM, ServerThread], fake: FakeLLM,
                                                  tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    proxy = start_team_proxy(fake_server[1].url, tmp_path / "audit.sqlite3")
    try:
        exercise(proxy.url, fake, [proxy.keys["alice"], proxy.keys["root"]])
        for who in ("mallory", "alice"):  # a revoked key, and the unknown twin of a real one
            key = proxy.keys[who] if who == "mallory" else proxy.keys[who][:-4] + "beef"
            assert send(proxy.url, "chat", False, key).status_code == 401
        admin = {"Authorization": f"Bearer {proxy.keys['root']}"}
        requests.get(f"{proxy.url}/admin/api/stats", headers=admin, timeout=10)
        requests.get(f"{proxy.url}/admin/api/audit", headers={"Authorization": f"Bearer {DASHBOARD_TOKEN}"},
                     timeout=10)
        made = requests.post(f"{proxy.url}/admin/api/keys", headers=admin, json={"id": "newbie", "team": "search"},
                             timeout=10).json()["key"]
        requests.post(f"{proxy.url}/admin/api/waivers", headers={"x-api-key": made},
                      json={"rule": "x.y", "reason": "needed for the log test"}, timeout=10)
        proxy.flush()
    finally:
        proxy.server.stop()
    text = everything_logged(caplog)
    assert "decision=" in text  # the capture works: the proxy's own reply lines are in it
    assert_clean(text, [*proxy.keys.values(), made, *PROVIDER_KEYS, DASHBOARD_TOKEN, CODE_SECRET])


def test_pass_through_mode_logs_no_client_key_or_prompt(proxy_factory: ProxyFactory, fake: FakeLLM,
                                                        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    server = proxy_factory()
    exercise(server.url, fake, [CLIENT_KEY])
    timeouts = proxy_factory(scan_timeout_seconds=0.0001, engine_wait_budget_seconds=0.0001)  # engine errors
    fake.respond(upstream("chat", False, Reply(code=CODE)))
    assert send(timeouts.url, "chat", False, CLIENT_KEY).status_code == 200
    fake.respond(json_reply(chat_completion("fine")))
    text = everything_logged(caplog)
    assert "decision=" in text
    assert_clean(text, [CLIENT_KEY, CODE_SECRET])
