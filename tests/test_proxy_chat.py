"""End to end: the official openai SDK → Breakwater → a fake OpenAI upstream, non-streaming."""

from __future__ import annotations

import json
import os
import signal

import openai
import pytest
import requests

from proxy.engine import FastEngine
from proxy.render import BLOCK_MARKER, TAG_MARKER
from proxy.server import STATE
from tests.conftest import ProxyFactory
from tests.support.fake_llm import FakeLLM, hang, json_reply, raw_reply, reset_connection
from tests.support.replies import chat_completion
from tests.support.servers import ServerThread, metric_value, run_in

RISKY = """Use this:

```python
import requests

x = 1
resp = requests.get(url)
try:
    resp.raise_for_status()
except:
    pass
```
"""

DESTRUCTIVE = "Run this to reset:\n\n```sql\nDROP TABLE orders;\n```\n\nDone.\n"


def client(server: ServerThread) -> openai.OpenAI:
    return openai.OpenAI(base_url=f"{server.url}/v1", api_key="sk-client-key", max_retries=0)


def ask(server: ServerThread) -> openai.APIResponse:
    return client(server).chat.completions.with_raw_response.create(
        model="gpt-test", messages=[{"role": "user", "content": "write code"}]
    )


def test_risky_code_is_tagged_and_kept(proxy: ServerThread, fake: FakeLLM) -> None:
    fake.respond(json_reply(chat_completion(RISKY)))
    raw = ask(proxy)
    content = raw.parse().choices[0].message.content or ""
    assert raw.headers["x-breakwater-decision"] == "tag"
    assert raw.headers["x-breakwater-findings"] == "2"
    assert "resp = requests.get(url)" in content  # the code still reaches the editor
    note = content[content.index(TAG_MARKER):]
    assert note.splitlines()[0].startswith("> ⚠️ Breakwater")
    assert "missing-timeout" in note and "python.requests-without-timeout" in note and "line 4" in note
    assert "swallowed-error" in note and "python.broad-except-pass" in note


def test_destructive_sql_is_blocked_and_absent(proxy: ServerThread, fake: FakeLLM) -> None:
    fake.respond(json_reply(chat_completion(DESTRUCTIVE)))
    raw = ask(proxy)
    content = raw.parse().choices[0].message.content or ""
    assert raw.headers["x-breakwater-decision"] == "block"
    assert "DROP TABLE orders" not in content
    assert BLOCK_MARKER in content
    assert "destructive-operation" in content and "sql.drop-table-or-database" in content and "line 1" in content
    assert content.startswith("Run this to reset:") and content.rstrip().endswith("Done.")


def test_clean_reply_is_returned_byte_for_byte(proxy: ServerThread, fake: FakeLLM) -> None:
    upstream_body = json.dumps(
        chat_completion("```python\nprint('hi')\n```\n", zz_unknown={"b": 1, "a": 2}), separators=(",", ":")
    ).encode()
    fake.respond(raw_reply(upstream_body))
    response = requests.post(f"{proxy.url}/v1/chat/completions", json={"model": "m", "messages": []}, timeout=30)
    assert response.status_code == 200
    assert response.content == upstream_body
    assert response.headers["X-Breakwater-Decision"] == "allow"
    assert response.headers["X-Breakwater-Findings"] == "0"


def test_rewrite_keeps_unknown_fields_and_their_order(proxy: ServerThread, fake: FakeLLM) -> None:
    payload = chat_completion(DESTRUCTIVE, zz_vendor={"trace": [1, 2]})
    payload["choices"][0]["message"]["zz_extra"] = "kept"
    fake.respond(json_reply(payload))
    response = requests.post(f"{proxy.url}/v1/chat/completions", json={"model": "m", "messages": []}, timeout=30)
    body = response.json()
    assert list(body) == list(payload)
    assert list(body["choices"][0]["message"]) == list(payload["choices"][0]["message"])
    assert body["zz_vendor"] == {"trace": [1, 2]}
    assert body["choices"][0]["message"]["zz_extra"] == "kept"
    assert body["usage"] == payload["usage"]


def test_every_choice_is_scanned(proxy: ServerThread, fake: FakeLLM) -> None:
    payload = chat_completion("no code here")
    payload["choices"].append({**payload["choices"][0], "index": 1,
                               "message": {"role": "assistant", "content": DESTRUCTIVE}})
    fake.respond(json_reply(payload))
    choices = ask(proxy).parse().choices
    assert choices[0].message.content == "no code here"
    assert "DROP TABLE orders" not in (choices[1].message.content or "")


def test_request_is_forwarded_unchanged_with_client_key(proxy: ServerThread, fake: FakeLLM) -> None:
    fake.respond(json_reply(chat_completion("hello")))
    body = {"model": "gpt-test", "messages": [{"role": "user", "content": "hi"}], "vendor_knob": {"x": 1}}
    requests.post(f"{proxy.url}/v1/chat/completions?api-version=2", json=body, timeout=30,
                  headers={"Authorization": "Bearer sk-client", "Accept-Encoding": "gzip, br, zstd"})
    seen = fake.requests[-1]
    assert seen.path == "/v1/chat/completions" and seen.query == "api-version=2"
    assert seen.json() == body
    assert seen.headers["Authorization"] == "Bearer sk-client"
    assert seen.headers["Accept-Encoding"] == "identity"


def test_configured_upstream_key_replaces_client_key(
    proxy_factory: ProxyFactory, fake: FakeLLM, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BW_TEST_OPENAI_KEY", "sk-from-proxy")
    server = proxy_factory(openai_api_key_env="BW_TEST_OPENAI_KEY")
    fake.respond(json_reply(chat_completion("hello")))
    ask(server)
    assert fake.requests[-1].headers["Authorization"] == "Bearer sk-from-proxy"


def test_malformed_json_gets_openai_style_400(proxy: ServerThread, fake: FakeLLM) -> None:
    response = requests.post(f"{proxy.url}/v1/chat/completions", data=b"{not json", timeout=30,
                             headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["type"] == "invalid_request_error" and "not valid JSON" in error["message"]
    assert fake.requests == []  # nothing reached the upstream


def test_oversized_body_gets_413(proxy_factory: ProxyFactory, fake: FakeLLM) -> None:
    server = proxy_factory(max_body_bytes=1024)
    with pytest.raises(openai.APIStatusError) as caught:
        client(server).chat.completions.create(
            model="m", messages=[{"role": "user", "content": "x" * 4096}]
        )
    assert caught.value.status_code == 413
    assert "larger than the limit" in caught.value.message
    assert fake.requests == []


def test_unreachable_upstream_gets_502(proxy_factory: ProxyFactory) -> None:
    server = proxy_factory(openai_base_url="http://127.0.0.1:9/v1")  # discard port: nothing listens
    with pytest.raises(openai.APIStatusError) as caught:
        ask(server)
    assert caught.value.status_code == 502
    assert isinstance(caught.value.body, dict) and caught.value.body["code"] == "upstream_unreachable"


def test_hanging_upstream_gets_504(proxy_factory: ProxyFactory, fake: FakeLLM) -> None:
    server = proxy_factory(upstream_read_timeout_seconds=0.5)
    fake.respond(hang(5))
    with pytest.raises(openai.APIStatusError) as caught:
        ask(server)
    assert caught.value.status_code == 504


def test_upstream_reset_gets_502(proxy: ServerThread, fake: FakeLLM) -> None:
    fake.respond(reset_connection())
    with pytest.raises(openai.APIStatusError) as caught:
        ask(proxy)
    assert caught.value.status_code == 502


def test_upstream_error_passes_through_unchanged(proxy: ServerThread, fake: FakeLLM) -> None:
    error = {"error": {"message": "Rate limit reached", "type": "requests", "param": None, "code": "rate_limit"}}
    fake.respond(json_reply(error, status=429, headers={"Retry-After": "7"}))
    response = requests.post(f"{proxy.url}/v1/chat/completions", json={"model": "m", "messages": []}, timeout=30)
    assert response.status_code == 429
    assert response.json() == error
    assert response.headers["Retry-After"] == "7"


@pytest.mark.parametrize(("policy", "blocked"), [("fail_open", False), ("fail_closed", True)])
def test_engine_timeout_follows_failure_policy(
    proxy_factory: ProxyFactory, fake: FakeLLM, policy: str, blocked: bool
) -> None:
    server = proxy_factory(on_engine_error=policy, scan_timeout_seconds=0.0001, engine_wait_budget_seconds=0.0001)
    fake.respond(json_reply(chat_completion(RISKY)))
    raw = ask(server)
    content = raw.parse().choices[0].message.content or ""
    assert raw.headers["x-breakwater-decision"] == "error"
    assert ("requests.get(url)" in content) is not blocked
    assert (BLOCK_MARKER in content) is blocked
    assert "could not scan" in content or "scanner failed" in content
    metrics = requests.get(f"{server.url}/metrics", timeout=10).text
    assert 'breakwater_engine_errors_total{kind="timeout"}' in metrics


def test_shadow_mode_changes_nothing_but_counts(proxy_factory: ProxyFactory, fake: FakeLLM) -> None:
    server = proxy_factory(mode="shadow")
    blocks = 'breakwater_decisions_total{decision="block"}'
    before = metric_value(server, blocks)
    payload = chat_completion(DESTRUCTIVE)
    fake.respond(json_reply(payload))
    raw = ask(server)
    assert raw.parse().choices[0].message.content == DESTRUCTIVE
    assert raw.headers["x-breakwater-decision"] == "block"
    assert metric_value(server, blocks) == before + 1


def test_other_v1_paths_and_head_pass_through(proxy: ServerThread, fake: FakeLLM) -> None:
    models = client(proxy).models.list()
    assert [m.id for m in models.data] == ["fake-model"]
    assert fake.requests[-1].path == "/v1/models"
    fake.respond(json_reply({"object": "list", "data": [{"embedding": [0.1]}]}))
    response = requests.post(f"{proxy.url}/v1/embeddings", json={"input": "x"}, timeout=30)
    assert response.json()["data"][0]["embedding"] == [0.1]
    assert fake.requests[-1].path == "/v1/embeddings"
    assert requests.head(f"{proxy.url}/", timeout=10).status_code == 200


def test_health_ready_and_metrics(proxy: ServerThread, fake: FakeLLM) -> None:
    assert requests.get(f"{proxy.url}/healthz", timeout=10).json() == {"status": "ok"}
    assert requests.get(f"{proxy.url}/readyz", timeout=10).status_code == 200
    fake.respond(json_reply(chat_completion(RISKY)))
    ask(proxy)
    text = requests.get(f"{proxy.url}/metrics", timeout=10).text
    for name in ("breakwater_requests_total", "breakwater_suggestions_scanned_total", "breakwater_findings_total",
                 "breakwater_decisions_total", "breakwater_scan_seconds_bucket", "breakwater_upstream_seconds_bucket"):
        assert name in text
    assert 'breakwater_findings_total{action="tag",category="missing-timeout",severity="medium"}' in text
    assert 'breakwater_suggestions_scanned_total{language="python",origin="markdown"}' in text


def test_a_killed_engine_server_is_replaced_counted_and_the_reply_still_scanned(
    proxy_factory: ProxyFactory, fake: FakeLLM
) -> None:
    server = proxy_factory(engine_processes=1)
    engine = server.app[STATE].engine
    assert isinstance(engine, FastEngine)
    for pid in run_in(server, engine.server_pids):
        os.kill(pid, signal.SIGKILL)
    fake.respond(json_reply(chat_completion(RISKY)))
    raw = ask(server)
    assert raw.headers["x-breakwater-decision"] == "tag"  # retried on a fresh process, same findings
    assert "python.requests-without-timeout" in (raw.parse().choices[0].message.content or "")
    faults = [line for line in requests.get(f"{server.url}/metrics", timeout=10).text.splitlines()
              if line.startswith('breakwater_engine_errors_total{kind="server-')]
    assert faults and float(faults[0].rsplit(" ", 1)[1]) >= 1
