"""Live reload: POST /admin/api/reload and SIGHUP swap in new settings and rules; streams in flight finish
under the old policy; invalid configurations and rule packs are refused and the old ones stay."""

from __future__ import annotations

import asyncio
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import yaml
from aiohttp import web

from proxy.reload import SettingsSource
from proxy.server import create_app
from proxy.team.keys import hash_key, new_key
from tests.support.fake_llm import FakeLLM, json_reply
from tests.support.replicas import start_replica, write_team_config
from tests.support.replies import chat_completion
from tests.support.servers import ServerThread, wait_ready
from tests.support.streams import chat_text, openai_chat_events
from tests.support.team import PEPPER

DROP = "Reset it:\n\n```sql\nDROP TABLE orders;\n```\n"
TAG_DESTRUCTIVE = {"actions": {"categories": {"destructive-operation": "tag"}}}


class Proxy:
    def __init__(self, server: ServerThread, keys: dict[str, str], config: Path, upstream: str) -> None:
        self.server, self.keys, self.config, self.upstream = server, keys, config, upstream

    def rewrite(self, top: dict[str, Any] | None = None, **team: Any) -> None:
        write_team_config(self.config, self.upstream, None, keys=self.keys, top=top, **team)

    def reload(self) -> requests.Response:
        return requests.post(f"{self.server.url}/admin/api/reload", headers=self.auth("root"), timeout=120)

    def auth(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.keys[who]}"}

    def decision(self, who: str = "alice") -> str:
        response = requests.post(f"{self.server.url}/v1/chat/completions", headers=self.auth(who), timeout=30,
                                 json={"model": "m", "messages": []})
        return str(response.headers.get("X-Breakwater-Decision", response.status_code))

    def metric(self, text: str) -> str:
        return requests.get(f"{self.server.url}/metrics", timeout=10).text if text else ""


@pytest.fixture
def proxy(fake_server: tuple[FakeLLM, ServerThread], tmp_path: Path) -> Iterator[Proxy]:
    _, upstream = fake_server
    config = tmp_path / "breakwater.yaml"
    keys = write_team_config(config, upstream.url, None)
    source = SettingsSource(config, {"openai_base_url": f"{upstream.url}/v1", "anthropic_base_url": upstream.url})
    server = wait_ready(ServerThread(create_app(source(), reload_source=source)).start())
    yield Proxy(server, keys, config, upstream.url)
    server.stop()


def held_stream(release: threading.Event) -> Any:
    """An upstream stream that sends its first events, then waits for `release` before the risky fence."""
    events = openai_chat_events(["Reset it:\n\n", "```sql\nDROP TABLE orders;\n```\n"])

    async def behave(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await response.prepare(request)
        await response.write(b"".join(events[:2]))
        while not release.is_set():
            await asyncio.sleep(0.02)
        await response.write(b"".join(events[2:]))
        await response.write_eof()
        return response

    return behave


def test_reload_applies_to_new_requests_and_streams_finish_under_the_old_policy(proxy: Proxy, fake: FakeLLM) -> None:
    release = threading.Event()
    fake.respond(held_stream(release))
    stream_body: list[bytes] = []
    stream = threading.Thread(target=lambda: stream_body.append(requests.post(
        f"{proxy.server.url}/v1/chat/completions", headers=proxy.auth("alice"), timeout=120,
        json={"model": "m", "messages": [], "stream": True}).content))
    stream.start()
    deadline = time.monotonic() + 10
    while not fake.requests and time.monotonic() < deadline:
        time.sleep(0.02)
    assert fake.requests  # the stream has started under the enforce/block policy

    readiness: list[int] = []
    stop_polling = threading.Event()

    def poll_ready() -> None:
        while not stop_polling.is_set():
            readiness.append(requests.get(f"{proxy.server.url}/readyz", timeout=10).status_code)
            time.sleep(0.05)

    poller = threading.Thread(target=poll_ready)
    poller.start()
    proxy.config.write_text("mode: sometimes\n")  # an invalid configuration first: refused, the stream goes on
    refused = proxy.reload()
    assert refused.status_code == 422 and "configuration invalid" in refused.json()["error"]["message"]
    assert stream.is_alive() and not stream_body
    proxy.rewrite(top=TAG_DESTRUCTIVE)
    reloaded = proxy.reload()
    stop_polling.set()
    poller.join(10)
    assert reloaded.status_code == 200, reloaded.text
    assert readiness and set(readiness) == {200}  # ready throughout the warm-up and the swap

    fake.respond(json_reply(chat_completion(DROP)))
    assert proxy.decision("alice") == "tag"  # a new request: the new policy
    release.set()
    stream.join(60)
    text = chat_text(stream_body[0])
    assert "DROP TABLE orders" not in text and "⛔ Breakwater blocked" in text  # the stream kept the old policy
    assert 'breakwater_reloads_total{result="ok"} 1.0' in proxy.metric("x")
    assert 'breakwater_reloads_total{result="refused"} 1.0' in proxy.metric("x")


def held_reply(release: threading.Event) -> Any:
    """A non-streamed upstream reply (a DROP TABLE block) that waits for `release` before it answers."""

    async def behave(request: web.Request) -> web.Response:
        while not release.is_set():
            await asyncio.sleep(0.02)
        return web.json_response(chat_completion(DROP))

    return behave


def test_a_non_streamed_request_in_flight_during_a_reload_is_judged_by_the_policy_it_started_with(
        proxy: Proxy, fake: FakeLLM) -> None:
    release = threading.Event()
    fake.respond(held_reply(release))
    answer: list[requests.Response] = []
    waiting = threading.Thread(target=lambda: answer.append(requests.post(
        f"{proxy.server.url}/v1/chat/completions", headers=proxy.auth("alice"), timeout=120,
        json={"model": "m", "messages": []})))
    waiting.start()
    deadline = time.monotonic() + 10
    while not fake.requests and time.monotonic() < deadline:
        time.sleep(0.02)
    assert fake.requests  # the request is with the upstream, under the enforce/block policy

    proxy.rewrite(top=TAG_DESTRUCTIVE)
    reloaded = proxy.reload()
    assert reloaded.status_code == 200, reloaded.text
    release.set()
    waiting.join(60)
    old = answer[0]
    assert old.headers["X-Breakwater-Decision"] == "block"  # judged by the policy in effect at its start
    assert "DROP TABLE orders" not in old.text and "⛔ Breakwater blocked" in old.text

    fake.respond(json_reply(chat_completion(DROP)))
    assert proxy.decision("alice") == "tag"  # a request started after the reload: the new policy


def test_invalid_configuration_rules_or_restart_only_changes_are_refused(proxy: Proxy, fake: FakeLLM,
                                                                         tmp_path: Path) -> None:
    fake.respond(json_reply(chat_completion(DROP)))
    assert proxy.decision() == "block"
    proxy.config.write_text("mode: sometimes\n")  # fails validation
    refused = proxy.reload()
    assert refused.status_code == 422 and "configuration invalid" in refused.json()["error"]["message"]

    broken_rules = tmp_path / "rules"
    broken_rules.mkdir()
    (broken_rules / "bad.yaml").write_text("rules:\n  - id: x\n    pattern: [unclosed\n")
    proxy.rewrite(top={"rules_dir": str(broken_rules), **TAG_DESTRUCTIVE})
    refused = proxy.reload()
    assert refused.status_code == 422 and "rules invalid" in refused.json()["error"]["message"]

    proxy.rewrite(top={"port": 1, **TAG_DESTRUCTIVE})
    refused = proxy.reload()
    assert refused.status_code == 422 and "port" in refused.json()["error"]["message"]

    assert proxy.decision() == "block"  # the old configuration is still in force
    assert 'breakwater_reloads_total{result="refused"} 3.0' in proxy.metric("x")
    assert requests.post(f"{proxy.server.url}/admin/api/reload", headers=proxy.auth("bob"),
                         timeout=10).status_code == 403  # admin only


def test_reload_picks_up_keys_from_the_file_and_keeps_run_time_keys(proxy: Proxy, fake: FakeLLM) -> None:
    fake.respond(json_reply(chat_completion("hello")))
    made = requests.post(f"{proxy.server.url}/admin/api/keys", headers=proxy.auth("root"), timeout=10,
                         json={"id": "runtime", "team": "payments"}).json()["key"]
    values = yaml.safe_load(proxy.config.read_text())
    newcomer = new_key("newcomer")
    values["team"]["keys"].append({"id": "newcomer", "hash": hash_key(newcomer, PEPPER.encode()),
                                   "team": "search", "roles": ["developer"]})
    proxy.config.write_text(yaml.safe_dump(values))
    headers = {"Authorization": f"Bearer {newcomer}"}
    url = f"{proxy.server.url}/v1/chat/completions"
    assert requests.post(url, headers=headers, json={"model": "m", "messages": []}, timeout=10).status_code == 401
    assert proxy.reload().status_code == 200
    assert requests.post(url, headers=headers, json={"model": "m", "messages": []}, timeout=10).status_code == 200
    assert requests.post(url, headers={"Authorization": f"Bearer {made}"}, json={"model": "m", "messages": []},
                         timeout=10).status_code == 200


def test_sighup_reloads_a_serve_process(fake_server: tuple[FakeLLM, ServerThread], fake: FakeLLM,
                                        tmp_path: Path) -> None:
    _, upstream = fake_server
    config = tmp_path / "breakwater.yaml"
    keys = write_team_config(config, upstream.url, None)
    replica = start_replica(config, upstream.url, tmp_path)
    try:
        fake.respond(json_reply(chat_completion(DROP)))

        def decision() -> str:
            return str(requests.post(f"{replica.url}/v1/chat/completions", timeout=30,
                                     headers={"Authorization": f"Bearer {keys['alice']}"},
                                     json={"model": "m", "messages": []}).headers["X-Breakwater-Decision"])

        assert decision() == "block"
        write_team_config(config, upstream.url, None, keys=keys, top={"mode": "shadow"})
        replica.process.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + 90
        while decision() != "allow" and time.monotonic() < deadline:  # shadow: nothing changed, decision counted
            time.sleep(0.2)
        assert requests.get(f"{replica.url}/metrics", timeout=10).text.count(
            'breakwater_reloads_total{result="ok"} 1.0') == 1
    finally:
        replica.stop()
