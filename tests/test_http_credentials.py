"""Credentials: a `bwk_` virtual key never reaches the upstream, whatever headers carry it, in either API.

Every copy of every credential header is dropped before the upstream credential is set; the
upstream client refuses (500, in the API's format, logged without the key) anything that would
still send one. A team without a provider key gets an error the SDKs do not retry.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import re
from collections.abc import Iterator

import anthropic
import openai
import pytest
from aiohttp import web
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from proxy.config import Settings
from proxy.errors import ApiError
from proxy.http_target import canonical_target
from proxy.upstream import UpstreamAuth, Upstreams
from tests.support.fake_llm import FakeLLM
from tests.support.raw_http import anthropic_error, openai_error, send
from tests.support.replies import chat_completion
from tests.support.servers import ServerThread
from tests.support.team import TeamProxy, start_team_proxy

ANTHROPIC_REPLY = {
    "id": "msg_1", "type": "message", "role": "assistant", "model": "claude-test",
    "content": [{"type": "text", "text": "hello"}], "stop_reason": "end_turn", "stop_sequence": None,
    "usage": {"input_tokens": 1, "output_tokens": 1},
}
ENDPOINTS = [("POST", "/v1/chat/completions"), ("POST", "/v1/messages"), ("POST", "/v1/messages/count_tokens"),
             ("GET", "/v1/models"), ("HEAD", "/"), ("POST", "/v1/responses/./x")]
CREDENTIAL_NAMES = ["Authorization", "authorization", "AUTHORIZATION", "x-api-key", "X-Api-Key", "X-API-KEY",
                    "api-key", "anthropic-api-key", "openai-api-key", "x-goog-api-key", "Proxy-Authorization",
                    "X-Auth-Token", "Cookie"]
FOREIGN_KEY = "bwk_nobody_" + "0" * 64


async def by_path(request: web.Request) -> web.StreamResponse:
    if request.path == "/v1/messages":
        return web.json_response(ANTHROPIC_REPLY)
    return web.json_response(chat_completion("hello"))


@pytest.fixture(scope="module")
def team(fake_server: tuple[FakeLLM, ServerThread], tmp_path_factory: pytest.TempPathFactory) -> Iterator[TeamProxy]:
    proxy = start_team_proxy(fake_server[1].url, tmp_path_factory.mktemp("creds") / "audit.sqlite3")
    yield proxy
    proxy.server.stop()


def header_values(key: str, credential: bool) -> st.SearchStrategy[str]:
    """A key as clients (and attackers) spell it; in a credential header also wrapped as the APIs would not take it."""
    plain = [f"Bearer {key}", key, f"bearer  {key}", f"BEARER {key}", f" {key} ", f"sk-own, {key}", key.upper()]
    basic = base64.b64encode(f"user:{key}".encode()).decode()
    return st.sampled_from(plain + ([f"Basic {basic}", f"session={key}"] if credential else []))


def combos(virtual_key: str) -> st.SearchStrategy[list[tuple[str, str]]]:
    keys = st.sampled_from([virtual_key, FOREIGN_KEY, "sk-own-one", "sk-own-two"])
    names = st.sampled_from([*CREDENTIAL_NAMES, "X-Trace", "OpenAI-Organization"])
    header = st.tuples(names, keys).flatmap(
        lambda pair: st.tuples(st.just(pair[0]), header_values(pair[1], pair[0] in CREDENTIAL_NAMES)))
    return st.lists(header, min_size=0, max_size=5)


def forwarded_text(fake: FakeLLM) -> str:
    return "\n".join(f"{r.raw_path} " + " ".join(f"{k}: {v}" for k, v in r.header_list) for r in fake.requests)


def contains_virtual_key(text: str, virtual_key: str) -> bool:
    """Any trace of a virtual key: its prefix in any case, its secret part, also inside a Basic credential."""
    decoded = [base64.b64decode(token + "==").decode("latin-1") for token in re.findall(r"Basic (\S+)", text)]
    lowered = "\n".join([text, *decoded]).lower()
    return "bwk_" in lowered or virtual_key.rsplit("_", 1)[1] in lowered


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(headers=st.data(), endpoint=st.sampled_from(ENDPOINTS))
def test_no_header_combination_gets_a_virtual_key_upstream_in_team_mode(
        team: TeamProxy, fake: FakeLLM, headers: st.DataObject, endpoint: tuple[str, str]) -> None:
    fake.reset()
    fake.respond(by_path)
    alice = team.keys["alice"]
    sent = headers.draw(combos(alice))
    method, target = endpoint
    reply = send(team.url, method, target, sent, b'{"model": "m", "max_tokens": 1, "messages": []}'
                 if method == "POST" else None)
    assert not contains_virtual_key(forwarded_text(fake), alice), (sent, forwarded_text(fake))
    if fake.requests:
        assert reply.status == 200
        credentials = [(k.lower(), v) for k, v in fake.requests[0].header_list
                       if k.lower() in ("authorization", "x-api-key", "api-key", "cookie") or "key" in k.lower()]
        assert credentials in ([("x-api-key", "sk-ant-payments")], [("authorization", "Bearer sk-payments-openai")])
    else:
        assert reply.status in (400, 401, 500), reply.body


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(headers=st.data(), endpoint=st.sampled_from(ENDPOINTS))
def test_no_header_combination_gets_a_virtual_key_upstream_in_pass_through_mode(
        proxy: ServerThread, fake: FakeLLM, headers: st.DataObject, endpoint: tuple[str, str]) -> None:
    """Without team keys configured (auth: passthrough), a presented `bwk_` key is still never forwarded."""
    fake.reset()
    fake.respond(by_path)
    some_key = "bwk_alice_" + "ab" * 32
    sent = headers.draw(combos(some_key))
    method, target = endpoint
    send(proxy.url, method, target, sent, b'{"model": "m", "max_tokens": 1, "messages": []}'
         if method == "POST" else None)
    assert not contains_virtual_key(forwarded_text(fake), some_key), (sent, forwarded_text(fake))
    for recorded in fake.requests:  # what was forwarded is the client's own key, under its own header, once
        own = [(k.lower(), v) for k, v in recorded.header_list if k.lower() in ("authorization", "x-api-key")]
        assert set(own) <= {(k.lower(), v.strip()) for k, v in sent}
        assert len(own) == len({k for k, _ in own})


@pytest.mark.parametrize("headers", [
    [("Authorization", "Bearer {alice}"), ("Authorization", "Bearer sk-other")],
    [("Authorization", "Bearer sk-other"), ("Authorization", "Bearer {alice}")],
    [("x-api-key", "{alice}"), ("x-api-key", "sk-other")],
    [("x-api-key", "sk-other"), ("X-API-Key", "{alice}")],
    [("Authorization", "Bearer {alice}"), ("x-api-key", "{alice}"), ("api-key", "{alice}")],
    [("authorization", "Bearer {alice}"), ("Proxy-Authorization", "Bearer {alice}")],
])
@pytest.mark.parametrize("target", ["/v1/chat/completions", "/v1/messages"])
def test_repeated_credentials_in_team_mode_send_only_the_team_key(team: TeamProxy, fake: FakeLLM,
                                                                 headers: list[tuple[str, str]], target: str) -> None:
    """The reported case: a second Authorization / x-api-key next to the virtual key reached the upstream."""
    fake.respond(by_path)
    sent = [(k, v.format(alice=team.keys["alice"])) for k, v in headers]
    reply = send(team.url, "POST", target, sent, b'{"model": "m", "max_tokens": 1, "messages": []}')
    assert reply.status == 200, reply.body
    [seen] = fake.requests
    credentials = [(k.lower(), v) for k, v in seen.header_list if k.lower() in ("authorization", "x-api-key",
                                                                                 "api-key", "proxy-authorization")]
    expected = ("x-api-key", "sk-ant-payments") if "messages" in target else ("authorization",
                                                                               "Bearer sk-payments-openai")
    assert credentials == [expected]


def test_two_different_virtual_keys_are_refused(team: TeamProxy, fake: FakeLLM) -> None:
    sent = [("Authorization", f"Bearer {team.keys['alice']}"), ("x-api-key", team.keys["carol"])]
    reply = send(team.url, "POST", "/v1/chat/completions", sent, b'{"model": "m", "messages": []}')
    assert reply.status == 401
    assert openai_error(reply)["code"] == "invalid_api_key"
    assert fake.requests == []


def test_pass_through_forwards_the_clients_own_key_once(proxy: ServerThread, fake: FakeLLM) -> None:
    fake.respond(by_path)
    same = [("Authorization", "Bearer sk-own"), ("authorization", "Bearer sk-own"), ("X-Auth-Token", "t"),
            ("x-api-key", "sk-ant-own"), ("anthropic-api-key", "sk-other")]
    assert send(proxy.url, "GET", "/v1/models", same).status == 200
    [seen] = fake.requests
    assert [(k.lower(), v) for k, v in seen.header_list if "auth" in k.lower() or "key" in k.lower()] == [
        ("authorization", "Bearer sk-own"), ("x-api-key", "sk-ant-own")]


@pytest.mark.parametrize(("target", "error_of"), [("/v1/chat/completions", openai_error),
                                                   ("/v1/messages", anthropic_error)])
def test_pass_through_refuses_a_credential_repeated_with_different_values(proxy: ServerThread, fake: FakeLLM,
                                                                          target: str, error_of: object) -> None:
    for sent in ([("Authorization", "Bearer sk-one"), ("Authorization", "Bearer sk-two")],
                 [("x-api-key", "sk-one"), ("X-Api-Key", "sk-two")]):
        reply = send(proxy.url, "POST", target, sent, b'{"model": "m", "max_tokens": 1, "messages": []}')
        assert reply.status == 400
        assert callable(error_of) and error_of(reply)["message"].endswith("repeated with different values")
    assert fake.requests == []


@pytest.mark.parametrize(("target", "error_of"), [("/v1/chat/completions", openai_error),
                                                   ("/v1/messages", anthropic_error), ("/v1/models", openai_error)])
def test_upstream_client_refuses_to_send_a_virtual_key(proxy: ServerThread, fake: FakeLLM, target: str,
                                                       error_of: object, caplog: pytest.LogCaptureFixture) -> None:
    """A key in a header no rule names a credential still cannot leave: 500 in the API's format, key not logged."""
    key = "bwk_alice_" + "cd" * 32
    caplog.set_level(logging.INFO)
    for sent in ([("X-Trace", key)], [("X-Trace", f"id={key.upper()}")], [(f"X-{key}", "1")]):
        method = "GET" if target == "/v1/models" else "POST"
        reply = send(proxy.url, method, target, sent, b'{"model": "m", "messages": []}' if method == "POST" else None)
        assert reply.status == 500
        assert callable(error_of) and "Breakwater key may not leave" in error_of(reply)["message"]
    assert fake.requests == []
    assert "refused to send a Breakwater key upstream" in caplog.text
    assert "cd" * 32 not in caplog.text.lower()


def test_upstream_client_refuses_a_request_that_skipped_the_team_layer(fake_server: tuple[FakeLLM, ServerThread],
                                                                       fake: FakeLLM) -> None:
    upstreams = Upstreams(Settings(openai_base_url=f"{fake_server[1].url}/v1", anthropic_base_url=fake_server[1].url))
    target = canonical_target("/v1/models", 4096)

    async def attempt(auth: UpstreamAuth | None) -> int:
        await upstreams.start()
        try:
            response = await upstreams.send("GET", target, {"Authorization": "Bearer sk-own"}, None, auth)
            response.release()
            return response.status
        except ApiError as exc:
            return exc.status
        finally:
            await upstreams.close()

    assert asyncio.run(attempt(None)) == 500
    assert fake.requests == []
    assert asyncio.run(attempt(UpstreamAuth())) == 200
    assert len(fake.requests) == 1


class RequestCounter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, request: object) -> None:
        self.count += 1


def test_missing_anthropic_team_key_is_not_retried_by_the_sdk(team: TeamProxy, fake: FakeLLM) -> None:
    counter = RequestCounter()
    client = anthropic.Anthropic(base_url=team.url, api_key=team.keys["carol"], max_retries=4,
                                 http_client=anthropic.DefaultHttpxClient(event_hooks={"request": [counter]}))
    with pytest.raises(anthropic.PermissionDeniedError) as raised:
        client.messages.create(model="c", max_tokens=8, messages=[{"role": "user", "content": "x"}])
    assert counter.count == 1
    assert "no anthropic provider key" in str(raised.value)
    assert raised.value.body["error"]["type"] == "permission_error"  # type: ignore[index, call-overload]
    assert fake.requests == []


def test_missing_openai_team_key_is_not_retried_by_the_sdk(team: TeamProxy, fake: FakeLLM,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SEARCH_OPENAI_KEY")
    counter = RequestCounter()
    client = openai.OpenAI(base_url=f"{team.url}/v1", api_key=team.keys["carol"], max_retries=4,
                           http_client=openai.DefaultHttpxClient(event_hooks={"request": [counter]}))
    with pytest.raises(openai.PermissionDeniedError) as raised:
        client.chat.completions.create(model="m", messages=[{"role": "user", "content": "x"}])
    assert counter.count == 1
    assert raised.value.code == "no_upstream_credential"
    assert fake.requests == []


def test_sdk_clients_with_extra_key_headers_send_only_the_team_key(team: TeamProxy, fake: FakeLLM) -> None:
    """The real SDKs, configured the way users do when they mix keys: both credentials, extra key headers."""
    fake.respond(by_path)
    alice = team.keys["alice"]
    chat = openai.OpenAI(base_url=f"{team.url}/v1", api_key=alice, max_retries=0,
                         default_headers={"x-api-key": alice, "api-key": "sk-other", "X-Goog-Api-Key": alice})
    chat.chat.completions.create(model="m", messages=[{"role": "user", "content": "x"}])
    claude = anthropic.Anthropic(base_url=team.url, api_key=alice, max_retries=0,
                                 default_headers={"Authorization": f"Bearer {alice}", "anthropic-api-key": alice})
    claude.messages.create(model="c", max_tokens=8, messages=[{"role": "user", "content": "x"}])
    assert [r.raw_path for r in fake.requests] == ["/v1/chat/completions", "/v1/messages"]
    assert not contains_virtual_key(forwarded_text(fake), alice)
    chat_headers = {k.lower() for k, _ in fake.requests[0].header_list}
    assert fake.requests[0].headers["Authorization"] == "Bearer sk-payments-openai"
    assert not chat_headers & {"x-api-key", "api-key", "x-goog-api-key"}
    assert fake.requests[1].headers["x-api-key"] == "sk-ant-payments"
    assert not {k.lower() for k, _ in fake.requests[1].header_list} & {"authorization", "anthropic-api-key"}
