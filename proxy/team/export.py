"""Audit export: every audit event also as JSON lines (stdout or a file) and to a webhook (a SIEM).

Both exporters get events that are already built and masked (the same excerpt as the audit
table), from the audit writer thread or a waiver action — never from a request's path.

Event schema `breakwater.audit/1` (documented in docs/team.md):

    {"schema": "breakwater.audit/1", "kind": "decision", "time": ISO-8601, "ts": unix, "replica": host,
     "request_id", "team", "key_id", "model", "endpoint", "language", "origin", "decision",
     "snippet_sha256", "excerpt", "client", "repair_part", "repair_outcome", "repair_delivered", "repair_reason",
     "findings": [{"rule_id", "category", "severity", "action", "line", "waiver_id"}]}
    {"schema": "breakwater.audit/1", "kind": "waiver", "time", "ts", "replica", "waiver_id", "action",
     "actor", "owner", "detail"}

The webhook gets batches: `POST {"schema": …, "events": [...]}` with
`X-Breakwater-Timestamp: <unix>` and `X-Breakwater-Signature: sha256=<hex HMAC-SHA256(secret,
"<timestamp>." + body)>` (the timestamp is signed too, so a captured batch cannot be replayed
later as new). Failed batches are retried with exponential backoff; the queue is bounded and
what does not fit is dropped and counted, so a dead receiver never holds memory or requests.
"""

from __future__ import annotations

import collections
import hashlib
import hmac
import json
import logging
import os
import socket
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, Protocol

from prometheus_client import CollectorRegistry, Counter

from proxy.team.config import ExportConfig, WebhookConfig
from proxy.team.store import DecisionRow

log = logging.getLogger("breakwater.audit.export")

SCHEMA = "breakwater.audit/1"
SIGNATURE_HEADER = "X-Breakwater-Signature"
TIMESTAMP_HEADER = "X-Breakwater-Timestamp"
_BACKOFF_MAX_SECONDS = 30.0


class ExportMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.sent = Counter("breakwater_audit_export_sent", "Audit events delivered by an exporter", ["sink"],
                            registry=registry)
        self.dropped = Counter("breakwater_audit_export_dropped", "Audit events an exporter could not deliver",
                               ["sink", "reason"], registry=registry)


class Exporter(Protocol):
    def publish(self, events: list[dict[str, Any]]) -> None: ...
    def close(self) -> None: ...


def replica_name() -> str:
    """The pod or host name: which replica wrote an event."""
    return os.environ.get("HOSTNAME") or socket.gethostname()


def decision_event(row: DecisionRow, replica: str) -> dict[str, Any]:
    body = asdict(row)
    return {"schema": SCHEMA, "kind": "decision", "time": _iso(row.ts), "replica": replica, **body}


def waiver_event(waiver_id: str, action: str, actor: str, owner: str, detail: str, replica: str) -> dict[str, Any]:
    now = time.time()
    return {"schema": SCHEMA, "kind": "waiver", "time": _iso(now), "ts": now, "replica": replica,
            "waiver_id": waiver_id, "action": action, "actor": actor, "owner": owner, "detail": detail}


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="milliseconds")


class JsonLinesExporter:
    """One JSON object per line, to stdout (`-`, for container log collectors) or appended to a file."""

    def __init__(self, path: str, metrics: ExportMetrics) -> None:
        self.path = path
        self.metrics = metrics
        self._lock = threading.Lock()
        self._file: IO[str] | None = None

    def publish(self, events: list[dict[str, Any]]) -> None:
        text = "".join(json.dumps(event, ensure_ascii=False, separators=(",", ":")) + "\n" for event in events)
        with self._lock:
            try:
                out = self._output()
                out.write(text)
                out.flush()
            except OSError as exc:
                self.metrics.dropped.labels(sink="jsonl", reason="unwritable").inc(len(events))
                log.warning("audit JSON lines export failed: %s", exc)
                return
        self.metrics.sent.labels(sink="jsonl").inc(len(events))

    def _output(self) -> IO[str]:
        if self.path == "-":
            return sys.stdout
        if self._file is None:
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            self._file = open(self.path, "a", encoding="utf-8")  # noqa: SIM115 - kept open across batches
        return self._file

    def close(self) -> None:
        with self._lock:
            if self._file is not None:
                self._file.close()
                self._file = None


class WebhookExporter:
    """Batches to an HTTP endpoint from its own thread; bounded queue, retry with backoff, HMAC-signed."""

    def __init__(self, config: WebhookConfig, metrics: ExportMetrics) -> None:
        self.config = config
        self.metrics = metrics
        self.secret = (os.environ.get(config.secret_env, "") if config.secret_env else "").encode()
        self._queue: collections.deque[dict[str, Any]] = collections.deque()
        self._lock = threading.Condition()
        self._stopping = False
        self._in_flight = 0
        self._thread = threading.Thread(target=self._run, name="breakwater-audit-webhook", daemon=True)
        self._thread.start()

    def publish(self, events: list[dict[str, Any]]) -> None:
        """Queue events; never blocks. Past `queue_max`, the oldest are dropped and counted."""
        with self._lock:
            self._queue.extend(events)
            overflow = len(self._queue) - self.config.queue_max
            for _ in range(max(overflow, 0)):
                self._queue.popleft()
            self._lock.notify()
        if overflow > 0:
            self.metrics.dropped.labels(sink="webhook", reason="queue_full").inc(overflow)

    def pending(self) -> int:
        with self._lock:
            return len(self._queue) + self._in_flight

    def close(self, timeout: float = 5.0) -> None:
        with self._lock:
            self._stopping = True
            self._lock.notify()
        self._thread.join(timeout)

    def _run(self) -> None:
        delay = 0.0
        while True:
            batch = self._next_batch()
            if batch is None:
                return
            status = self._post(batch)
            if status == "sent":
                self.metrics.sent.labels(sink="webhook").inc(len(batch))
                delay = 0.0
                self._done(batch)
            elif status == "rejected":
                self.metrics.dropped.labels(sink="webhook", reason="rejected").inc(len(batch))
                self._done(batch)
            else:
                delay = min(delay * 2 if delay else self.config.retry_initial_seconds, _BACKOFF_MAX_SECONDS)
                self._requeue(batch)
                with self._lock:
                    if self._lock.wait_for(lambda: self._stopping, timeout=delay):
                        self._drop_rest("shutdown")
                        return

    def _next_batch(self) -> list[dict[str, Any]] | None:
        with self._lock:
            self._lock.wait_for(lambda: self._queue or self._stopping, timeout=None)
            if not self._queue:
                return None
            if len(self._queue) < self.config.batch_size and not self._stopping:
                self._lock.wait_for(lambda: len(self._queue) >= self.config.batch_size or self._stopping,
                                    timeout=self.config.flush_seconds)
            batch = [self._queue.popleft() for _ in range(min(self.config.batch_size, len(self._queue)))]
            self._in_flight = len(batch)
            return batch

    def _requeue(self, batch: list[dict[str, Any]]) -> None:
        with self._lock:
            self._queue.extendleft(reversed(batch))
            self._in_flight = 0
            overflow = len(self._queue) - self.config.queue_max
            for _ in range(max(overflow, 0)):
                self._queue.pop()  # the newest go: the batch being retried keeps its order
        if overflow > 0:
            self.metrics.dropped.labels(sink="webhook", reason="queue_full").inc(overflow)

    def _done(self, batch: list[dict[str, Any]]) -> None:
        with self._lock:
            self._in_flight = 0

    def _drop_rest(self, reason: str) -> None:
        count = len(self._queue)
        self._queue.clear()
        self._in_flight = 0
        if count:
            self.metrics.dropped.labels(sink="webhook", reason=reason).inc(count)

    def _post(self, batch: list[dict[str, Any]]) -> str:
        body = json.dumps({"schema": SCHEMA, "events": batch}, ensure_ascii=False).encode()
        timestamp = str(int(time.time()))
        headers = {"Content-Type": "application/json", TIMESTAMP_HEADER: timestamp,
                   SIGNATURE_HEADER: "sha256=" + sign(self.secret, timestamp, body)}
        request = urllib.request.Request(self.config.url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.config.timeout_seconds) as response:
                response.read()
            return "sent"
        except urllib.error.HTTPError as exc:
            if 400 <= exc.code < 500 and exc.code not in (408, 409, 425, 429):
                log.warning("audit webhook rejected a batch of %d events: HTTP %d", len(batch), exc.code)
                return "rejected"
            return "retry"
        except (urllib.error.URLError, OSError) as exc:
            log.debug("audit webhook unreachable: %s", exc)
            return "retry"


def sign(secret: bytes, timestamp: str, body: bytes) -> str:
    return hmac.new(secret, timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


class AuditExport:
    """The configured exporters behind one `publish`; each swallows its own failures."""

    def __init__(self, config: ExportConfig, registry: CollectorRegistry) -> None:
        metrics = ExportMetrics(registry)
        self.replica = replica_name()
        self.exporters: list[Exporter] = []
        if config.jsonl is not None:
            self.exporters.append(JsonLinesExporter(config.jsonl, metrics))
        if config.webhook is not None:
            self.exporters.append(WebhookExporter(config.webhook, metrics))

    def decisions(self, rows: list[DecisionRow]) -> None:
        if self.exporters and rows:
            self._publish([decision_event(row, self.replica) for row in rows])

    def waiver(self, waiver_id: str, action: str, actor: str, owner: str, detail: str) -> None:
        if self.exporters:
            self._publish([waiver_event(waiver_id, action, actor, owner, detail, self.replica)])

    def _publish(self, events: list[dict[str, Any]]) -> None:
        for exporter in self.exporters:
            try:
                exporter.publish(events)
            except Exception:  # an exporter bug must not stop the audit writer
                log.exception("audit exporter %s failed", type(exporter).__name__)

    def close(self) -> None:
        for exporter in self.exporters:
            exporter.close()
