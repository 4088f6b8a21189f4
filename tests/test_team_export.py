"""Audit export: JSON lines to a file, and a signed webhook against a receiver that fails, then recovers."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from aiohttp import web
from prometheus_client import CollectorRegistry

from proxy.team.config import WebhookConfig
from proxy.team.export import ExportMetrics, WebhookExporter
from tests.support.fake_llm import FakeLLM, json_reply
from tests.support.postgres import free_port
from tests.support.replies import chat_completion
from tests.support.servers import ServerThread
from tests.support.team import TeamProxy, start_team_proxy

DROP = "Reset it:\n\n```sql\nDROP TABLE orders;\n```\n"
SECRET_KEY = "sk-live-abcdefghijklmnop1234"
LEAKY = f"Config:\n\n```python\nimport requests\nAPI_KEY = \"{SECRET_KEY}\"\nrequests.get(u)\n```\n"
WEBHOOK_SECRET = "webhook-test-secret"


class Receiver:
    """A SIEM stand-in: answers 503 to the first `failures` batches, then 200; records what it accepted."""

    def __init__(self, failures: int = 0, status_after: int = 200) -> None:
        self.failures = failures
        self.status_after = status_after
        self.attempts = 0
        self.accepted: list[dict[str, Any]] = []
        self.bad_signatures = 0

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/hook", self._handle)
        return app

    async def _handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        self.attempts += 1
        timestamp = request.headers["X-Breakwater-Timestamp"]
        expected = hmac.new(WEBHOOK_SECRET.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
        if request.headers["X-Breakwater-Signature"] != f"sha256={expected}":
            self.bad_signatures += 1
            return web.Response(status=401)
        if self.attempts <= self.failures:
            return web.Response(status=503)
        if self.status_after != 200:
            return web.Response(status=self.status_after)
        payload = json.loads(body)
        assert payload["schema"] == "breakwater.audit/1"
        self.accepted.extend(payload["events"])
        return web.json_response({"ok": True})


@pytest.fixture
def receiver_factory() -> Iterator[Any]:
    started: list[ServerThread] = []

    def make(receiver: Receiver) -> str:
        server = ServerThread(receiver.app()).start()
        started.append(server)
        return f"{server.url}/hook"

    yield make
    for server in started:
        server.stop()


def wait_until(check: Any, seconds: float = 20) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return bool(check())


def counter(proxy: TeamProxy, name: str, **labels: str) -> float:
    wanted = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
    for line in proxy.metrics().splitlines():
        match = re.match(rf"^{name}\{{(.*)\}} (\S+)$", line)
        if match and ",".join(sorted(match.group(1).split(","))) == wanted:
            return float(match.group(2))
    return 0.0


def test_json_lines_file_and_webhook_that_fails_then_recovers(
        fake_server: tuple[FakeLLM, ServerThread], fake: FakeLLM, tmp_path: Path, receiver_factory: Any,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BREAKWATER_WEBHOOK_SECRET", WEBHOOK_SECRET)
    receiver = Receiver(failures=3)
    hook = receiver_factory(receiver)
    lines = tmp_path / "export" / "audit.jsonl"
    _, upstream = fake_server
    proxy = start_team_proxy(upstream.url, tmp_path / "audit.sqlite3", audit={
        "enabled": True, "path": str(tmp_path / "audit.sqlite3"), "flush_seconds": 0.05,
        "export": {"jsonl": str(lines), "webhook": {"url": hook, "batch_size": 5, "flush_seconds": 0.05,
                                                     "retry_initial_seconds": 0.05}}})
    try:
        fake.respond(json_reply(chat_completion(LEAKY)))
        request_ids = []
        for _ in range(7):
            raw = requests.post(f"{proxy.url}/v1/chat/completions", headers=proxy.headers("alice"), timeout=30,
                                json={"model": "gpt-export", "messages": []})
            assert raw.status_code == 200
            request_ids.append(raw.headers["X-Breakwater-Request-Id"])
        waiver = requests.post(f"{proxy.url}/admin/api/waivers", headers=proxy.headers("alice"), timeout=10,
                               json={"category": "hardcoded-secret", "reason": "test fixtures"}).json()
        proxy.flush()

        events = [json.loads(line) for line in lines.read_text().splitlines()]
        decisions = [e for e in events if e["kind"] == "decision"]
        assert [e["request_id"] for e in decisions] == request_ids
        first = decisions[0]
        assert first["schema"] == "breakwater.audit/1" and first["replica"]
        assert (first["team"], first["key_id"], first["model"], first["decision"]) == (
            "payments", "alice", "gpt-export", "block")
        assert {f["category"] for f in first["findings"]} >= {"hardcoded-secret"}
        assert SECRET_KEY not in lines.read_text() and "API_KEY = ****" in first["excerpt"]
        assert [(e["waiver_id"], e["action"], e["actor"]) for e in events if e["kind"] == "waiver"] == [
            (waiver["id"], "request", "alice")]

        assert wait_until(lambda: len(receiver.accepted) == 8)  # 7 decisions + 1 waiver event, after 3 failures
        assert receiver.attempts > 3 and receiver.bad_signatures == 0
        delivered = [e["request_id"] for e in receiver.accepted if e["kind"] == "decision"]
        assert sorted(delivered) == sorted(request_ids)  # each exactly once, none lost to the failures
        assert SECRET_KEY not in json.dumps(receiver.accepted)
        # counted once the receiver's answer is back, which can be after it recorded the batch: wait for it
        assert wait_until(lambda: counter(proxy, "breakwater_audit_export_sent_total", sink="webhook") == 8)
        assert counter(proxy, "breakwater_audit_export_sent_total", sink="jsonl") == 8
    finally:
        proxy.server.stop()


def webhook(url: str, **overrides: Any) -> tuple[WebhookExporter, ExportMetrics, CollectorRegistry]:
    registry = CollectorRegistry()
    metrics = ExportMetrics(registry)
    config = WebhookConfig(url=url, secret_env="BREAKWATER_WEBHOOK_SECRET", **overrides)
    return WebhookExporter(config, metrics), metrics, registry


def sample(registry: CollectorRegistry, name: str, **labels: str) -> float:
    return registry.get_sample_value(name, labels) or 0.0


def test_queue_is_bounded_and_overflow_counted_while_the_receiver_is_down(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BREAKWATER_WEBHOOK_SECRET", WEBHOOK_SECRET)
    exporter, _, registry = webhook(f"http://127.0.0.1:{free_port()}/hook", queue_max=10, batch_size=4,
                                    flush_seconds=0.01, retry_initial_seconds=0.05, timeout_seconds=1)
    try:
        for n in range(50):
            exporter.publish([{"n": n}])  # returns at once: nothing listens on that port
        assert wait_until(lambda: exporter.pending() <= 10)
        dropped = sample(registry, "breakwater_audit_export_dropped_total", sink="webhook", reason="queue_full")
        assert dropped >= 40 and dropped + exporter.pending() == 50
    finally:
        exporter.close(timeout=2)


def test_receiver_that_rejects_the_batch_is_not_retried(receiver_factory: Any,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BREAKWATER_WEBHOOK_SECRET", WEBHOOK_SECRET)
    receiver = Receiver(status_after=400)
    exporter, _, registry = webhook(receiver_factory(receiver), batch_size=3, flush_seconds=0.01)
    try:
        exporter.publish([{"n": n} for n in range(3)])
        assert wait_until(lambda: sample(registry, "breakwater_audit_export_dropped_total", sink="webhook",
                                         reason="rejected") == 3)
        assert receiver.attempts == 1
    finally:
        exporter.close(timeout=2)
