"""Virtual keys end to end: the openai and anthropic SDKs → team-mode Breakwater → the fake LLM."""

from __future__ import annotations

import anthropic
import openai
import pytest
import requests

from proxy.team.keys import KeyRecord, KeyRing, Principal, hash_key, key_id_of, new_key, verify
from tests.support.fake_llm import FakeLLM, json_reply
from tests.support.replies import chat_completion
from tests.support.servers import ServerThread
from tests.support.team import TeamProxy

DROP = "Reset it:\n\n```sql\nDROP TABLE orders;\n```\n"
ANTHROPIC_REPLY = {"id": "msg_1", "type": "message", "role": "assistant", "model": "claude-test",
                   "content": [{"type": "text", "text": "hello"}], "stop_reason": "end_turn",
                   "stop_sequence": None, "usage": {"input_tokens": 1, "output_tokens": 1}}


def ask(url: str, key: str) -> openai.APIResponse:
    client = openai.OpenAI(base_url=f"{url}/v1", api_key=key, max_retries=0)
    return client.chat.completions.with_raw_response.create(model="gpt-test",
                                                            messages=[{"role": "user", "content": "x"}])


def test_key_hash_is_salted_peppered_and_checked(fake: FakeLLM) -> None:
    key = new_key("alice")
    assert key_id_of(key) == "alice" and key_id_of("sk-not-ours") is None
    first, second = hash_key(key, b"pepper"), hash_key(key, b"pepper")
    assert first != second  # a fresh salt each time
    assert verify(key, first, b"pepper") and verify(key, second, b"pepper")
    assert not verify(key, first, b"other pepper")
    assert not verify(key[:-1] + "0", first, b"pepper") or key.endswith("0")
    ring = KeyRing(b"pepper")
    ring.replace([KeyRecord(Principal("alice", "alice", "t", frozenset({"developer"})), first)])
    assert ring.authenticate(key) is not None
    assert ring.authenticate(new_key("alice")) is None and ring.authenticate(None) is None


def test_team_key_reaches_upstream_instead_of_the_virtual_key(team_proxy: TeamProxy, fake: FakeLLM) -> None:
    fake.respond(json_reply(chat_completion("hi")))
    raw = ask(team_proxy.url, team_proxy.keys["alice"])
    assert raw.http_response.status_code == 200
    sent = fake.requests[-1].headers
    assert sent["Authorization"] == "Bearer sk-payments-openai"
    assert all("bwk_" not in value for value in sent.values())


def test_anthropic_key_header_is_replaced_too(team_proxy: TeamProxy, fake: FakeLLM) -> None:
    fake.respond(json_reply(ANTHROPIC_REPLY))
    client = anthropic.Anthropic(base_url=team_proxy.url, api_key=team_proxy.keys["alice"], max_retries=0)
    reply = client.messages.create(model="claude-test", max_tokens=10, messages=[{"role": "user", "content": "x"}])
    assert reply.content[0].type == "text"
    sent = fake.requests[-1].headers
    assert sent["x-api-key"] == "sk-ant-payments"
    assert all("bwk_" not in value for value in sent.values())


@pytest.mark.parametrize("key", ["sk-someone-elses-provider-key", "bwk_alice_" + "0" * 64, "bwk_nobody_" + "1" * 64])
def test_unknown_key_is_401_in_openai_format(team_proxy: TeamProxy, fake: FakeLLM, key: str) -> None:
    with pytest.raises(openai.AuthenticationError) as caught:
        ask(team_proxy.url, key)
    assert caught.value.status_code == 401
    assert caught.value.body["type"] == "authentication_error"  # type: ignore[index]
    assert fake.requests == []


def test_missing_key_is_401(team_proxy: TeamProxy, fake: FakeLLM) -> None:
    response = requests.post(f"{team_proxy.url}/v1/chat/completions", json={"model": "m", "messages": []}, timeout=10)
    assert response.status_code == 401
    assert "key is required" in response.json()["error"]["message"]


def test_unknown_key_is_401_in_anthropic_format(team_proxy: TeamProxy, fake: FakeLLM) -> None:
    client = anthropic.Anthropic(base_url=team_proxy.url, api_key="bwk_zed_" + "2" * 64, max_retries=0)
    with pytest.raises(anthropic.AuthenticationError) as caught:
        client.messages.create(model="c", max_tokens=5, messages=[{"role": "user", "content": "x"}])
    assert caught.value.body == {"type": "error", "error": {  # type: ignore[comparison-overlap]
        "type": "authentication_error", "message": "invalid, unknown or revoked Breakwater key"}}
    assert fake.requests == []


def test_revoked_keys_are_refused(team_proxy: TeamProxy, fake: FakeLLM) -> None:
    fake.respond(json_reply(chat_completion("hi")))
    with pytest.raises(openai.AuthenticationError):
        ask(team_proxy.url, team_proxy.keys["mallory"])  # revoked in the config
    assert ask(team_proxy.url, team_proxy.keys["carol"]).http_response.status_code == 200
    revoked = requests.post(f"{team_proxy.url}/admin/api/keys/carol/revoke", headers=team_proxy.headers("root"),
                            timeout=10)
    assert revoked.status_code == 200
    with pytest.raises(openai.AuthenticationError):
        ask(team_proxy.url, team_proxy.keys["carol"])


def test_admin_api_makes_keys_that_work_at_once(team_proxy: TeamProxy, fake: FakeLLM) -> None:
    fake.respond(json_reply(chat_completion("hi")))
    made = requests.post(f"{team_proxy.url}/admin/api/keys", headers=team_proxy.headers("root"), timeout=10,
                         json={"id": "erin", "team": "search"})
    assert made.status_code == 201
    key = made.json()["key"]
    assert ask(team_proxy.url, key).http_response.status_code == 200
    assert fake.requests[-1].headers["Authorization"] == "Bearer sk-search-openai"
    listing = requests.get(f"{team_proxy.url}/admin/api/keys", headers=team_proxy.headers("root"), timeout=10).json()
    assert "erin" in [k["id"] for k in listing["keys"]] and key not in str(listing)
    refused = requests.post(f"{team_proxy.url}/admin/api/keys", headers=team_proxy.headers("alice"), timeout=10,
                            json={"id": "eve", "team": "payments"})
    assert refused.status_code == 403


def test_per_team_policy_and_mode(team_proxy: TeamProxy, fake: FakeLLM) -> None:
    fake.respond(json_reply(chat_completion(DROP)))
    assert ask(team_proxy.url, team_proxy.keys["alice"]).headers["x-breakwater-decision"] == "block"
    search = ask(team_proxy.url, team_proxy.keys["carol"])  # search tags destructive operations
    assert search.headers["x-breakwater-decision"] == "tag"
    assert "DROP TABLE" in (search.parse().choices[0].message.content or "")
    platform = ask(team_proxy.url, team_proxy.keys["root"])  # platform runs in shadow mode
    assert platform.headers["x-breakwater-decision"] == "block"
    assert platform.parse().choices[0].message.content == DROP


def test_pass_through_stays_the_default(proxy: ServerThread, fake: FakeLLM) -> None:
    fake.respond(json_reply(chat_completion("hi")))
    assert ask(proxy.url, "sk-my-own-key").http_response.status_code == 200
    assert fake.requests[-1].headers["Authorization"] == "Bearer sk-my-own-key"


def test_example_team_config_loads() -> None:
    from pathlib import Path

    from proxy.config import load_settings

    settings = load_settings(Path(__file__).parent.parent / "docs" / "team" / "breakwater.example.yaml")
    assert settings.team.auth == "virtual_keys" and settings.team.teams["data"].mode == "shadow"


@pytest.mark.parametrize("stored", ["", "sha256", "sha256$abcd", "sha256$zz$00", "sha256$abc$00", "a$b$c$d",
                                    "sha256$$", "md5$00$00"])
def test_a_malformed_stored_hash_matches_no_key(stored: str) -> None:
    """A key record whose hash cannot be read (hand-edited config, truncated row) refuses every key:
    fail safe, never open (mutation testing: `return False` → `True` on a parse error survived)."""
    key = new_key("alice")
    assert verify(key, stored, b"pepper") is False
    assert verify(key, hash_key(key, b"pepper"), b"pepper") is True  # the well-formed hash still matches
