"""Complete mediation, end to end: every spelling of a guarded path is guarded or refused, nothing leaves /v1/,
and every API route (any method, `HEAD /` too) passes the team layer.

A real team-mode proxy on 127.0.0.1, a fake upstream that records exactly what it received
(target, every header), raw requests that keep the attacker's spelling, and the admin API for
the audit rows.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import anthropic
import openai
import pytest
import requests

from tests.support.fake_llm import FakeLLM, json_reply
from tests.support.raw_http import RawReply, anthropic_error, openai_error, send
from tests.support.replies import chat_completion
from tests.support.servers import ServerThread
from tests.support.team import TeamProxy, start_team_proxy

DESTRUCTIVE = "Run this to reset:\n\n```sql\nDROP TABLE orders;\n```\n\nDone.\n"
ANTHROPIC_REPLY = {
    "id": "msg_1", "type": "message", "role": "assistant", "model": "claude-test",
    "content": [{"type": "text", "text": DESTRUCTIVE}], "stop_reason": "end_turn", "stop_sequence": None,
    "usage": {"input_tokens": 1, "output_tokens": 1},
}
CHAT_BODY = json.dumps({"model": "gpt-test", "messages": [{"role": "user", "content": "reset"}]}).encode()
MESSAGES_BODY = json.dumps({"model": "claude-test", "max_tokens": 64,
                            "messages": [{"role": "user", "content": "reset"}]}).encode()

# (raw target, canonical path it is guarded as, or None when it must be refused)
CHAT_VARIANTS = [
    ("/v1/chat/./completions", "/v1/chat/completions"),
    ("/v1/chat/completions/", "/v1/chat/completions"),
    ("/v1//chat/completions", "/v1/chat/completions"),
    ("//v1/chat/completions", "/v1/chat/completions"),
    ("/v1/x/../chat/completions", "/v1/chat/completions"),
    ("/v1/chat/complet%69ons", "/v1/chat/completions"),
    ("/v1/chat/completions?x=1", "/v1/chat/completions"),
    ("/v1/chat/completions%23", None),
    ("/v1/chat/completions#frag", None),
    ("/v1/x/..%2fchat/completions", None),
    ("/v1/x/..%2Fchat/completions", None),
    ("/v1/chat%2fcompletions", None),
    ("/v1/chat/%2e/completions", None),
    ("/v1/chat%252fcompletions", None),
    ("/v1/chat/completions;x=1", None),
    ("/v1/chat\\completions", None),
    ("/v1/chat/completions%00", None),
    ("/v1/chat/completions%3F", None),
    ("/v1/Chat/Completions", None),
    ("/v1/chat/COMPLETIONS/", None),
]
MESSAGES_VARIANTS = [
    ("/v1/./messages", "/v1/messages"),
    ("/v1/messages/", "/v1/messages"),
    ("/v1//messages", "/v1/messages"),
    ("/v1/x/../messages", "/v1/messages"),
    ("/v1/messag%65s", "/v1/messages"),
    ("/v1/messages%23", None),
    ("/v1/x/..%2fmessages", None),
    ("/v1/messages;v=2", None),
    ("/v1/%2e/messages", None),
]


@pytest.fixture(scope="module")
def shared_team_proxy(fake_server: tuple[FakeLLM, ServerThread],
                      tmp_path_factory: pytest.TempPathFactory) -> Iterator[TeamProxy]:
    """One team-mode proxy for the module (starting one warms an engine; the tests only read its replies)."""
    proxy = start_team_proxy(fake_server[1].url, tmp_path_factory.mktemp("routes") / "audit.sqlite3")
    yield proxy
    proxy.server.stop()


@pytest.fixture
def team_proxy(shared_team_proxy: TeamProxy) -> TeamProxy:
    return shared_team_proxy


def audited_request_ids(proxy: TeamProxy) -> set[str]:
    proxy.flush()
    reply = requests.get(f"{proxy.url}/admin/api/audit", headers=proxy.headers("root"), timeout=10)
    assert reply.status_code == 200, reply.text
    return {row["request_id"] for row in reply.json()["decisions"]}


def assert_guarded(reply: RawReply, fake: FakeLLM, path: str, provider_header: tuple[str, str]) -> str:
    """The reply was scanned and blocked, and the upstream saw the canonical path with the team key only."""
    assert reply.status == 200, reply.body
    assert reply.headers["X-Breakwater-Decision"] == "block"
    assert b"DROP TABLE orders" not in reply.body
    [seen] = fake.requests
    assert seen.raw_path == path
    assert [(k.lower(), v) for k, v in seen.header_list if k.lower() in ("authorization", "x-api-key")] == [
        provider_header]
    return reply.headers["X-Breakwater-Request-Id"]


@pytest.mark.parametrize(("raw", "canonical"), CHAT_VARIANTS)
def test_chat_path_variants_are_guarded_or_refused(team_proxy: TeamProxy, fake: FakeLLM, raw: str,
                                                   canonical: str | None) -> None:
    fake.respond(json_reply(chat_completion(DESTRUCTIVE)))
    reply = send(team_proxy.url, "POST", raw, list(team_proxy.headers("alice").items()), CHAT_BODY)
    if canonical is None:
        assert reply.status == 400, reply.body
        assert openai_error(reply)["code"] == "invalid_request_target"
        assert reply.headers["x-should-retry"] == "false"
        assert fake.requests == []
        return
    request_id = assert_guarded(reply, fake, canonical + ("?x=1" if "?x=1" in raw else ""),
                                ("authorization", "Bearer sk-payments-openai"))
    assert request_id in audited_request_ids(team_proxy)


@pytest.mark.parametrize(("raw", "canonical"), MESSAGES_VARIANTS)
def test_messages_path_variants_are_guarded_or_refused(team_proxy: TeamProxy, fake: FakeLLM, raw: str,
                                                       canonical: str | None) -> None:
    fake.respond(json_reply(ANTHROPIC_REPLY))
    headers = [("x-api-key", team_proxy.keys["alice"]), ("anthropic-version", "2023-06-01")]
    reply = send(team_proxy.url, "POST", raw, headers, MESSAGES_BODY)
    if canonical is None:
        assert reply.status == 400, reply.body
        assert anthropic_error(reply)["type"] == "invalid_request_error"
        assert fake.requests == []
        return
    request_id = assert_guarded(reply, fake, canonical, ("x-api-key", "sk-ant-payments"))
    assert request_id in audited_request_ids(team_proxy)


@pytest.mark.parametrize("raw", [
    "/v1/..%2f..%2finternal-admin", "/v1/../internal-admin", "/v1/../../internal-admin", "/v1/%2e%2e/internal-admin",
    "/v1/..%5c..%5cinternal-admin", "/v1/x/../../internal-admin", "/v1/..", "/v1/%2e%2e%2finternal-admin",
])
@pytest.mark.parametrize("method", ["GET", "POST", "DELETE"])
def test_nothing_leaves_v1_to_reach_the_upstream(team_proxy: TeamProxy, fake: FakeLLM, raw: str,
                                                 method: str) -> None:
    reply = send(team_proxy.url, method, raw, list(team_proxy.headers("alice").items()),
                 b"{}" if method == "POST" else None)
    assert reply.status == 400, reply.body
    assert openai_error(reply)["code"] == "invalid_request_target"
    assert fake.requests == []


def test_passthrough_gets_exactly_the_canonical_path_and_the_query_unchanged(proxy: ServerThread,
                                                                             fake: FakeLLM) -> None:
    reply = send(proxy.url, "GET", "/v1/models/./ft%3Agpt-4o%3Aorg//x?limit=2&after=a%2Fb&q=%20c",
                 [("Authorization", "Bearer sk-own")])
    assert reply.status == 200
    [seen] = fake.requests
    assert seen.raw_path == "/v1/models/ft:gpt-4o:org/x?limit=2&after=a%2Fb&q=%20c"
    assert seen.headers["Authorization"] == "Bearer sk-own"


def test_non_api_paths_must_be_canonical(proxy: ServerThread, fake: FakeLLM) -> None:
    assert send(proxy.url, "GET", "/healthz").status == 200
    assert send(proxy.url, "GET", "/health%7a").status == 200  # an unreserved character, decoded: the same path
    for raw in ("/healthz/", "/healthz/.", "/x/../healthz", "/healthz%2f", "/healthz;x"):
        reply = send(proxy.url, "GET", raw)
        assert reply.status in (400, 404), (raw, reply.body)
        assert openai_error(reply)
    assert fake.requests == []


@pytest.mark.parametrize(("method", "target"), [
    ("HEAD", "/"), ("GET", "/v1/models"), ("DELETE", "/v1/files/file-1"), ("PATCH", "/v1/x"), ("OPTIONS", "/v1/models"),
    ("PUT", "/v1/chat/completions"), ("GET", "/v1/chat/completions"), ("POST", "/v1/files"), ("HEAD", "/v1/models"),
    ("GET", "/v1"), ("POST", "/v1/./messages/count_tokens"),
])
def test_every_api_route_passes_the_team_layer(team_proxy: TeamProxy, fake: FakeLLM, method: str,
                                               target: str) -> None:
    body = b"{}" if method in ("POST", "PUT", "PATCH") else None
    anonymous = send(team_proxy.url, method, target, [], body)
    assert anonymous.status == 401
    assert fake.requests == []
    key = team_proxy.keys["alice"]
    for headers in ([("Authorization", f"Bearer {key}")], [("x-api-key", key)]):
        fake.reset()
        reply = send(team_proxy.url, method, target, headers, body)
        assert reply.status == 200, (headers, reply.body)
        [seen] = fake.requests
        sent = " ".join(f"{k}: {v}" for k, v in seen.header_list)
        assert "bwk_" not in sent.lower()
        assert ("sk-ant-payments" if "messages" in target else "Bearer sk-payments-openai") in sent


def test_head_root_without_team_forwards_the_clients_own_key(proxy: ServerThread, fake: FakeLLM) -> None:
    reply = send(proxy.url, "HEAD", "/", [("Authorization", "Bearer sk-own")])
    assert reply.status == 200
    [seen] = fake.requests
    assert (seen.method, seen.raw_path, seen.headers["Authorization"]) == ("HEAD", "/v1/", "Bearer sk-own")
    assert send(proxy.url, "GET", "/").status == 405


def test_sdks_still_reach_guarded_endpoints(team_proxy: TeamProxy, fake: FakeLLM) -> None:
    """The canonical spelling the SDKs use is unchanged: guarded, with the team key upstream."""
    fake.respond(json_reply(chat_completion(DESTRUCTIVE)))
    chat = openai.OpenAI(base_url=f"{team_proxy.url}/v1/", api_key=team_proxy.keys["alice"], max_retries=0)
    raw = chat.chat.completions.with_raw_response.create(model="m", messages=[{"role": "user", "content": "x"}])
    assert raw.headers["x-breakwater-decision"] == "block"
    fake.respond(json_reply(ANTHROPIC_REPLY))
    claude = anthropic.Anthropic(base_url=team_proxy.url, api_key=team_proxy.keys["alice"], max_retries=0)
    raw_msg = claude.messages.with_raw_response.create(model="c", max_tokens=8,
                                                      messages=[{"role": "user", "content": "x"}])
    assert raw_msg.headers["x-breakwater-decision"] == "block"
    assert [r.raw_path for r in fake.requests] == ["/v1/chat/completions", "/v1/messages"]


OVERRIDE_HEADERS = [("X-HTTP-Method-Override", "POST"), ("X-HTTP-Method", "POST"), ("X-Method-Override", "POST"),
                    ("X-Original-URL", "/v1/chat/completions"), ("X-Rewrite-URL", "/v1/chat/completions"),
                    ("X-Original-URI", "/v1/chat/completions"), ("X-Forwarded-Path", "/v1/chat/completions"),
                    ("X-Forwarded-Prefix", "/v1/chat"), ("x-envoy-original-path", "/v1/chat/completions")]


@pytest.mark.parametrize(("method", "target"), [("GET", "/v1/chat/completions"), ("POST", "/v1/files"),
                                                ("PUT", "/v1/responses")])
def test_method_and_path_override_headers_never_reach_the_upstream(proxy: ServerThread, fake: FakeLLM, method: str,
                                                                   target: str) -> None:
    """A passed-through request cannot ask a framework upstream to treat it as a guarded POST."""
    reply = send(proxy.url, method, target, [("Authorization", "Bearer sk-own"), *OVERRIDE_HEADERS],
                 CHAT_BODY if method != "GET" else None)
    assert reply.status == 200
    [seen] = fake.requests
    assert not {k.lower() for k, _ in seen.header_list} & {k.lower() for k, _ in OVERRIDE_HEADERS}
    assert seen.headers["Authorization"] == "Bearer sk-own"
