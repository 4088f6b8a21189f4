"""The audit sink: every scanned suggestion becomes a row, written off the request path.

`AuditSink.record(result, context)` only puts the scan on a bounded queue (no I/O, no
hashing on the event loop). A writer thread drains it in batches, turns snippets into
rows (hash, masked excerpt) and writes them in one transaction. While the database is
unreachable or locked, rows wait in a bounded backlog and are retried with backoff (up to
5 s apart), so a PostgreSQL restart loses nothing. Rows are dropped only when the queue or
the backlog is full, or the database refuses them for good (read-only, out of space): counted
in `breakwater_audit_dropped_total{reason}` and logged (at most once a minute per reason).
A request never waits for, or fails because of, the audit log.
"""

from __future__ import annotations

import hashlib
import itertools
import logging
import queue
import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge

from proxy.models import RepairMark, ScanResult
from proxy.request_context import RequestContext
from proxy.team.config import AuditConfig
from proxy.team.export import AuditExport, replica_name
from proxy.team.redact import SECRET_CATEGORY, SecretMasker
from proxy.team.store import DecisionRow, FindingRow, Store, StoreError

log = logging.getLogger("breakwater.audit")

_RETRY_MAX_SECONDS = 5.0
_TRANSIENT = {"unavailable", "locked"}  # worth keeping rows for: the database comes back
_PRUNE_EVERY_SECONDS = 3600.0


@dataclass(frozen=True)
class _Pending:
    result: ScanResult
    context: RequestContext
    at: float


class AuditMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.written = Counter("breakwater_audit_written", "Audit rows written", registry=registry)
        self.dropped = Counter("breakwater_audit_dropped", "Audit rows dropped (never a failed request)",
                               ["reason"], registry=registry)
        self.backlog = Gauge("breakwater_audit_backlog_rows", "Audit rows waiting for the store to come back",
                             registry=registry, multiprocess_mode="livesum")


class AuditSink:
    def __init__(self, store: Store, config: AuditConfig, metrics: AuditMetrics,
                 export: AuditExport | None = None) -> None:
        self.store = store
        self.export = export
        self.config = config
        self.metrics = metrics
        self._queue: queue.Queue[_Pending | None] = queue.Queue(maxsize=config.queue_max)
        self._thread: threading.Thread | None = None
        self._opened = False
        self._backlog: deque[DecisionRow] = deque()  # rows the store could not take yet (writer thread only)
        self._retry_at = 0.0
        self._retry_delay = 0.0
        self._last_prune = 0.0
        self._last_warning: dict[str, float] = {}
        self._idle = threading.Event()
        self._idle.set()
        self._masker = SecretMasker()  # used by the writer thread only
        self._replica = replica_name()

    # -- request side (event loop) ------------------------------------------------------------------
    def record(self, result: ScanResult, context: RequestContext) -> None:
        """Queue one scan's snippets for the audit log. Never blocks, never raises."""
        if not result.snippets:
            return
        try:
            self._idle.clear()
            self._queue.put_nowait(_Pending(result, context, time.time()))
        except queue.Full:
            self._drop("queue_full", len(result.snippets), "audit queue is full")

    # -- lifecycle ----------------------------------------------------------------------------------
    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="breakwater-audit", daemon=True)
        self._thread.start()

    def close(self, timeout: float = 5.0) -> None:
        if self._thread is None:
            return
        self._queue.put(None)
        self._thread.join(timeout)
        self._thread = None
        if self.export is not None:
            self.export.close()

    def flush(self, timeout: float = 5.0) -> bool:
        """Wait until everything queued so far is written or dropped (tests and shutdown)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._queue.empty() and self._idle.wait(0.01) and self._queue.empty():
                return True
            time.sleep(0.01)
        return False

    # -- writer thread ------------------------------------------------------------------------------
    def _run(self) -> None:
        while True:
            batch, stop = self._next_batch()
            if batch or self._backlog:
                self._write(batch)
            self._maybe_prune()
            if self._queue.empty() and not self._backlog:
                self._idle.set()
            if stop:
                if self._backlog:
                    self._drop("shutdown", len(self._backlog), "audit store unavailable at shutdown")
                return

    def _next_batch(self) -> tuple[list[_Pending], bool]:
        batch: list[_Pending] = []
        deadline = time.monotonic() + self.config.flush_seconds
        while len(batch) < self.config.batch_size:
            idle_wait = max(self._retry_at - time.monotonic(), 0.05) if self._backlog else 1.0
            timeout = deadline - time.monotonic() if batch else idle_wait
            try:
                item = self._queue.get(timeout=max(timeout, 0.0))
            except queue.Empty:
                break
            if item is None:
                return batch + self._drain(), True
            batch.append(item)
        return batch, False

    def _drain(self) -> list[_Pending]:
        rest: list[_Pending] = []
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                return rest
            if item is not None:
                rest.append(item)

    def _ensure_open(self) -> None:
        if not self._opened:
            self.store.open()
            self._opened = True

    def _write(self, batch: list[_Pending]) -> None:
        """Write the backlog and this batch; keep them for a retry when the database is briefly away."""
        rows = [row for pending in batch for row in self._rows(pending)]
        if self.export is not None:
            self.export.decisions(rows)  # independent of the database: a SIEM still hears during an outage
        self._hold(rows)
        if not self._backlog or time.monotonic() < self._retry_at:
            return
        try:
            self._ensure_open()
            while self._backlog:
                chunk = list(itertools.islice(self._backlog, self.config.batch_size))
                self.store.write_decisions(chunk)
                for _ in chunk:
                    self._backlog.popleft()
                self.metrics.written.inc(len(chunk))
        except StoreError as exc:
            if exc.reason in _TRANSIENT:
                self._retry_delay = min(self._retry_delay * 2, _RETRY_MAX_SECONDS) if self._retry_delay else 0.2
                self._retry_at = time.monotonic() + self._retry_delay
                self._warn(exc.reason, f"audit store unavailable, {len(self._backlog)} rows kept for retry: {exc}")
            else:
                count = len(self._backlog)
                self._backlog.clear()
                self._drop(exc.reason, count, f"audit write failed: {exc}")
        else:
            self._retry_delay = 0.0
        finally:
            self.metrics.backlog.set(len(self._backlog))

    def _hold(self, rows: list[DecisionRow]) -> None:
        """Add rows to the bounded backlog; the oldest are dropped (and counted) past its bound."""
        self._backlog.extend(rows)
        overflow = len(self._backlog) - self.config.backlog_max_rows
        if overflow > 0:
            for _ in range(overflow):
                self._backlog.popleft()
            self._drop("backlog_full", overflow, "audit backlog is full while the store is away")
        self.metrics.backlog.set(len(self._backlog))

    def _rows(self, pending: _Pending) -> list[DecisionRow]:
        ctx = pending.context
        rows = []
        for snippet in pending.result.snippets:
            code = snippet.snippet.code
            secret_lines = [(f.line, f.end_line) for f in snippet.findings if f.category == SECRET_CATEGORY]
            rows.append(DecisionRow(
                ts=pending.at, request_id=ctx.request_id, team=ctx.team, key_id=ctx.key_id, model=ctx.model,
                endpoint=ctx.endpoint, language=snippet.language, origin=snippet.snippet.origin.value,
                decision=snippet.decision.value, snippet_sha256=hashlib.sha256(code.encode()).hexdigest(),
                excerpt=self._masker.excerpt(code, self.config.excerpt_chars, secret_lines),
                findings=[FindingRow(f.rule_id, f.category, f.severity.value, f.action.value, f.line,
                                     getattr(f, "waiver_id", None)) for f in snippet.findings],
                replica=self._replica, client=ctx.client, **_repair_columns(pending.result.repair),
            ))
        return rows

    def _maybe_prune(self) -> None:
        now = time.monotonic()
        if not self._opened or self._backlog or (self._last_prune and now - self._last_prune < _PRUNE_EVERY_SECONDS):
            return
        self._last_prune = now
        try:
            removed = self.store.prune(time.time() - self.config.retention_days * 86400)
        except StoreError as exc:
            self._warn("prune", f"audit retention prune failed: {exc}")
            return
        if removed:
            log.info("audit retention: removed %d rows older than %s days", removed, self.config.retention_days)

    def _drop(self, reason: str, count: int, message: str) -> None:
        self.metrics.dropped.labels(reason=reason).inc(count)
        self._warn(reason, f"{message}; dropped {count} audit rows")

    def _warn(self, reason: str, message: str) -> None:
        now = time.monotonic()
        if now - self._last_warning.get(reason, -1e9) >= 60:
            self._last_warning[reason] = now
            log.warning("%s", message)


def _repair_columns(mark: RepairMark | None) -> dict[str, Any]:
    """The audit row's repair columns (all empty when the repair loop did not ask the model again)."""
    if mark is None:
        return {}
    return {"repair_part": mark.part, "repair_outcome": mark.outcome, "repair_delivered": mark.delivered,
            "repair_reason": mark.reason or None}
