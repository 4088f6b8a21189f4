"""The audit writer on a real SQLite store: retention, and every way a row can be dropped.

A full queue, a full disk and a locked database must drop rows, count them under their
reason and never raise into the request path. The disk really fills: a child process caps
its file size (RLIMIT_FSIZE) below what the next batch needs, so SQLite gets EFBIG and
reports SQLITE_FULL, as on a full volume.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from prometheus_client import CollectorRegistry

from proxy.models import Action, Decision, Finding, Origin, ScanResult, Severity, Snippet, SnippetResult
from proxy.request_context import RequestContext
from proxy.team.audit import AuditMetrics, AuditSink
from proxy.team.config import AuditConfig
from proxy.team.sql_store import SqlStore, make_store
from proxy.team.store import DecisionRow, FindingRow

DAY = 86400.0


def scan(code: str = "DROP TABLE orders;\n") -> ScanResult:
    finding = Finding("sql.drop-table-or-database", "destructive-operation", Severity.HIGH, Action.BLOCK, "m", 1, 1)
    return ScanResult([SnippetResult(Snippet(code, "sql", Origin.MARKDOWN), "sql", 0, [finding], Decision.BLOCK)])


def context(request_id: str = "req-1") -> RequestContext:
    return RequestContext(request_id, "/v1/chat/completions", "gpt-test", "payments", "alice", "alice")


def sink_for(path: Path, **config: object) -> tuple[AuditSink, SqlStore, CollectorRegistry]:
    registry = CollectorRegistry()
    store = make_store(None, path, busy_timeout_seconds=float(config.get("busy_timeout_seconds", 0.2)))  # type: ignore[arg-type]
    settings = AuditConfig(path=path, flush_seconds=0.01, **config)  # type: ignore[arg-type]
    return AuditSink(store, settings, AuditMetrics(registry)), store, registry


def counted(registry: CollectorRegistry, name: str, **labels: str) -> float:
    return registry.get_sample_value(name, labels) or 0.0


def request_ids(path: Path) -> list[str]:
    with sqlite3.connect(path) as conn:
        return [r[0] for r in conn.execute("SELECT request_id FROM decisions ORDER BY id")]


def old_row(request_id: str, age_days: float) -> DecisionRow:
    return DecisionRow(time.time() - age_days * DAY, request_id, "payments", "alice", "m", "/v1/chat/completions",
                       "sql", "markdown", "block", "h", "x",
                       [FindingRow("sql.drop-table-or-database", "destructive-operation", "high", "block", 1)])


def test_the_writer_prunes_rows_past_retention(tmp_path: Path) -> None:
    path = tmp_path / "audit.db"
    seed = make_store(None, path)
    seed.open()
    seed.write_decisions([old_row("ancient", 40), old_row("recent", 20)])
    sink, _, _ = sink_for(path, retention_days=30)
    sink.start()
    try:
        sink.record(scan(), context("new"))
        assert sink.flush(10)
    finally:
        sink.close()
    assert request_ids(path) == ["recent", "new"]
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM findings").fetchone()[0] == 2  # the old row's findings went too


def test_rows_are_written_with_their_context(tmp_path: Path) -> None:
    sink, _, registry = sink_for(tmp_path / "audit.db")
    sink.start()
    try:
        sink.record(scan(), context("req-9"))
        sink.record(ScanResult([]), context("nothing-scanned"))  # no snippet: no row
        assert sink.flush(10)
    finally:
        sink.close()
    assert request_ids(tmp_path / "audit.db") == ["req-9"]
    assert counted(registry, "breakwater_audit_written_total") == 1


def test_a_full_queue_drops_and_counts_without_blocking(tmp_path: Path) -> None:
    sink, _, registry = sink_for(tmp_path / "audit.db", queue_max=2)  # writer not started: nothing drains
    for number in range(5):
        sink.record(scan(), context(f"r{number}"))
    assert counted(registry, "breakwater_audit_dropped_total", reason="queue_full") == 3
    sink.start()
    try:
        assert sink.flush(10)
    finally:
        sink.close()
    assert request_ids(tmp_path / "audit.db") == ["r0", "r1"]


def test_a_full_disk_drops_and_counts(tmp_path: Path) -> None:
    """A real full volume: a 320 KiB tmpfs in a private mount namespace (`unshare`), so nothing leaks out."""
    volume = tmp_path / "volume"
    volume.mkdir()
    script = textwrap.dedent(f"""
        import json, sys
        sys.path.insert(0, {str(Path(__file__).resolve().parent.parent)!r})
        from pathlib import Path
        from tests.test_audit_sink import counted, request_ids, scan, context, sink_for
        path = Path({str(volume / "audit.db")!r})
        sink, store, registry = sink_for(path)
        sink.start()
        sink.record(scan(), context("fits"))
        assert sink.flush(10)
        for number in range(1000):  # 1000 rows of 400-character excerpts: more than the volume holds
            sink.record(scan(f"DROP TABLE t{{number}}; -- " + "x" * 500), context(f"big{{number}}"))
        assert sink.flush(30)
        sink.close()
        print(json.dumps({{"disk_full": counted(registry, "breakwater_audit_dropped_total", reason="disk_full"),
                          "written": counted(registry, "breakwater_audit_written_total"),
                          "first": request_ids(path)[:1]}}))
    """)
    mounted = f"mount -t tmpfs -o size=320k breakwater-test {volume} && exec \"$0\" -c \"$1\""
    done = subprocess.run(["unshare", "--map-root-user", "--mount", "sh", "-c", mounted, sys.executable, script],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    outcome = json.loads(done.stdout.splitlines()[-1])
    assert outcome["disk_full"] > 0, done.stderr
    assert outcome["first"] == ["fits"]
    assert outcome["disk_full"] + outcome["written"] == 1001  # every row written or counted as dropped


def test_a_locked_database_keeps_rows_for_a_retry(tmp_path: Path) -> None:
    """A lock is transient: the rows wait in the bounded backlog and are written once it is released."""
    path = tmp_path / "audit.db"
    sink, _, registry = sink_for(path, busy_timeout_seconds=0.01)
    sink.start()
    try:
        sink.record(scan(), context("before"))
        assert sink.flush(10)
        holder = sqlite3.connect(path, isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")
        try:
            sink.record(scan(), context("while-locked"))
            deadline = time.monotonic() + 10
            while counted(registry, "breakwater_audit_backlog_rows") < 1 and time.monotonic() < deadline:
                time.sleep(0.02)
            assert counted(registry, "breakwater_audit_backlog_rows") == 1
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        sink.record(scan(), context("after"))
        assert sink.flush(10)
    finally:
        sink.close()
    assert counted(registry, "breakwater_audit_dropped_total", reason="locked") == 0
    assert request_ids(path) == ["before", "while-locked", "after"]


def test_an_unopenable_store_drops_as_unwritable(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    sink, _, registry = sink_for(blocker / "audit.db")
    sink.start()
    try:
        sink.record(scan(), context())
        sink.record(scan(), context())
        assert sink.flush(10)
    finally:
        sink.close()
    assert counted(registry, "breakwater_audit_dropped_total", reason="unwritable") == 2


def test_a_read_only_volume_drops_as_unwritable(tmp_path: Path) -> None:
    """The volume turns read-only under a running writer (a read-only bind mount in a private namespace)."""
    volume = tmp_path / "volume"
    volume.mkdir()
    script = textwrap.dedent(f"""
        import json, subprocess, sys
        sys.path.insert(0, {str(Path(__file__).resolve().parent.parent)!r})
        from pathlib import Path
        from tests.test_audit_sink import counted, scan, context, sink_for
        sink, store, registry = sink_for(Path({str(volume / "audit.db")!r}))
        sink.start()
        sink.record(scan(), context("fits"))
        assert sink.flush(10)
        subprocess.run(["mount", "--bind", "-o", "ro", {str(volume)!r}, {str(volume)!r}], check=True)
        sink.record(scan(), context("read-only"))
        assert sink.flush(10)
        sink.close()
        print(json.dumps({{"unwritable": counted(registry, "breakwater_audit_dropped_total", reason="unwritable"),
                          "written": counted(registry, "breakwater_audit_written_total")}}))
    """)
    done = subprocess.run(["unshare", "--map-root-user", "--mount", sys.executable, "-c", script],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.splitlines()[-1]) == {"unwritable": 1.0, "written": 1.0}, done.stderr


def test_a_corrupt_database_drops_as_error(tmp_path: Path) -> None:
    path = tmp_path / "audit.db"
    sink, _, registry = sink_for(path)
    sink.start()
    try:
        sink.record(scan(), context("fits"))
        assert sink.flush(10)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        path.write_bytes(b"this is not a database file at all " * 200)
        sink.record(scan(), context("corrupt"))
        assert sink.flush(10)
    finally:
        sink.close()
    assert counted(registry, "breakwater_audit_dropped_total", reason="error") == 1
