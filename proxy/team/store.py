"""The team store: audit rows, waivers and API-made keys, behind one small interface.

`Store` is the interface the rest of the team service uses; `SqliteStore` is the default.
A PostgreSQL store implements the same methods (the SQL here is plain and portable apart
from the `?` placeholders and the pragmas in `_connect`).

Every method opens its own short-lived connection, so callers on any thread (the audit
writer thread, executor threads serving the admin API) never share one.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol


@dataclass(frozen=True)
class FindingRow:
    rule_id: str
    category: str
    severity: str
    action: str
    line: int
    waiver_id: str | None = None


@dataclass(frozen=True)
class DecisionRow:
    """One scanned suggestion (snippet) and what was decided about it."""

    ts: float
    request_id: str
    team: str | None
    key_id: str | None
    model: str | None
    endpoint: str
    language: str | None
    origin: str
    decision: str
    snippet_sha256: str
    excerpt: str
    findings: list[FindingRow] = field(default_factory=list)


@dataclass
class WaiverRow:
    id: str
    created_at: float
    scope_kind: str  # "rule" | "category"
    scope_value: str
    subject_kind: str  # "key" | "team"
    subject_value: str
    team: str
    starts_at: float
    expires_at: float
    reason: str
    requested_by: str
    requested_owner: str
    status: str = "pending"  # pending | approved | denied | revoked
    decided_by: str | None = None
    decided_owner: str | None = None
    decided_at: float | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class StoredKey:
    id: str
    hash: str
    team: str
    owner: str
    roles: list[str]
    revoked: bool
    created_at: float


class Store(Protocol):
    def open(self) -> None: ...
    def write_decisions(self, rows: list[DecisionRow]) -> None: ...
    def prune(self, before: float) -> int: ...
    def export_decisions(self, since: float, until: float | None = None) -> Iterator[dict[str, Any]]: ...
    def export_waiver_events(self, since: float) -> Iterator[dict[str, Any]]: ...
    def stats(self, since: float, bucket_seconds: int) -> dict[str, Any]: ...
    def recent_blocked(self, limit: int) -> list[dict[str, Any]]: ...
    def insert_waiver(self, waiver: WaiverRow) -> None: ...
    def decide_waiver(self, waiver_id: str, from_status: tuple[str, ...], to_status: str, actor: str,
                      owner: str) -> bool: ...
    def waivers(self, status: str | None = None) -> list[WaiverRow]: ...
    def waiver(self, waiver_id: str) -> WaiverRow | None: ...
    def add_waiver_event(self, waiver_id: str, action: str, actor: str, owner: str, detail: str) -> None: ...
    def insert_key(self, key: StoredKey) -> None: ...
    def revoke_key(self, key_id: str) -> bool: ...
    def keys(self) -> list[StoredKey]: ...


_SCHEMA = """
CREATE TABLE IF NOT EXISTS decisions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ts REAL NOT NULL, request_id TEXT NOT NULL, team TEXT, key_id TEXT, model TEXT, endpoint TEXT NOT NULL,
    language TEXT, origin TEXT NOT NULL, decision TEXT NOT NULL, snippet_sha256 TEXT NOT NULL, excerpt TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS decisions_ts ON decisions (ts);
CREATE TABLE IF NOT EXISTS findings (
    decision_id INTEGER NOT NULL REFERENCES decisions (id) ON DELETE CASCADE,
    ts REAL NOT NULL, rule_id TEXT NOT NULL, category TEXT NOT NULL, severity TEXT NOT NULL, action TEXT NOT NULL,
    line INTEGER NOT NULL, waiver_id TEXT
);
CREATE INDEX IF NOT EXISTS findings_decision ON findings (decision_id);
CREATE INDEX IF NOT EXISTS findings_ts ON findings (ts);
CREATE TABLE IF NOT EXISTS waivers (
    id TEXT PRIMARY KEY, created_at REAL NOT NULL, scope_kind TEXT NOT NULL, scope_value TEXT NOT NULL,
    subject_kind TEXT NOT NULL, subject_value TEXT NOT NULL, team TEXT NOT NULL, starts_at REAL NOT NULL,
    expires_at REAL NOT NULL, reason TEXT NOT NULL, requested_by TEXT NOT NULL, requested_owner TEXT NOT NULL,
    status TEXT NOT NULL, decided_by TEXT, decided_owner TEXT, decided_at REAL
);
CREATE TABLE IF NOT EXISTS waiver_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT, ts REAL NOT NULL, waiver_id TEXT NOT NULL, action TEXT NOT NULL,
    actor TEXT NOT NULL, owner TEXT NOT NULL, detail TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS api_keys (
    id TEXT PRIMARY KEY, hash TEXT NOT NULL, team TEXT NOT NULL, owner TEXT NOT NULL, roles TEXT NOT NULL,
    revoked INTEGER NOT NULL DEFAULT 0, created_at REAL NOT NULL
);
"""

_WAIVER_COLUMNS = [
    "id", "created_at", "scope_kind", "scope_value", "subject_kind", "subject_value", "team", "starts_at",
    "expires_at", "reason", "requested_by", "requested_owner", "status", "decided_by", "decided_owner",
    "decided_at",
]


class SqliteStore:
    def __init__(self, path: Path, busy_timeout_seconds: float = 0.2) -> None:
        self.path = path
        self.busy_timeout = busy_timeout_seconds
        self._schema_ready = False
        self._open_lock = threading.Lock()

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=self.busy_timeout, isolation_level=None, check_same_thread=False)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout * 1000)}")
        return conn

    def open(self) -> None:
        """Create the file and schema once; WAL lets readers (dashboard, export) run beside the writer.

        Idempotent: the audit writer and the key/waiver refresher both call it, and repeating the
        schema script would take the write lock again and again, competing with audit writes.
        """
        with self._open_lock:
            if self._schema_ready:
                return
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with _closing(self._connect()) as conn:
                conn.execute("PRAGMA journal_mode = WAL")
                conn.execute("PRAGMA synchronous = NORMAL")
                conn.executescript(_SCHEMA)
            self._schema_ready = True

    # -- audit -------------------------------------------------------------------------------------
    def write_decisions(self, rows: list[DecisionRow]) -> None:
        with _closing(self._connect()) as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                for row in rows:
                    cursor = conn.execute(
                        "INSERT INTO decisions (ts, request_id, team, key_id, model, endpoint, language, origin,"
                        " decision, snippet_sha256, excerpt) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                        (row.ts, row.request_id, row.team, row.key_id, row.model, row.endpoint, row.language,
                         row.origin, row.decision, row.snippet_sha256, row.excerpt),
                    )
                    conn.executemany(
                        "INSERT INTO findings (decision_id, ts, rule_id, category, severity, action, line, waiver_id)"
                        " VALUES (?,?,?,?,?,?,?,?)",
                        [(cursor.lastrowid, row.ts, f.rule_id, f.category, f.severity, f.action, f.line, f.waiver_id)
                         for f in row.findings],
                    )
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:  # SQLite already rolled back on SQLITE_FULL; a second ROLLBACK hides why
                    conn.execute("ROLLBACK")
                raise

    def prune(self, before: float) -> int:
        with _closing(self._connect()) as conn:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("DELETE FROM findings WHERE ts < ?", (before,))
            count = conn.execute("DELETE FROM decisions WHERE ts < ?", (before,)).rowcount
            conn.execute("DELETE FROM waiver_events WHERE ts < ?", (before,))
            conn.execute("COMMIT")
            return count

    def export_decisions(self, since: float, until: float | None = None) -> Iterator[dict[str, Any]]:
        with _closing(self._connect()) as conn:
            rows = conn.execute(
                "SELECT * FROM decisions WHERE ts >= ? AND ts < ? ORDER BY ts, id", (since, until or 1e12)
            )
            for row in rows:
                yield _decision_json(conn, row)

    def export_waiver_events(self, since: float) -> Iterator[dict[str, Any]]:
        with _closing(self._connect()) as conn:
            for row in conn.execute("SELECT * FROM waiver_events WHERE ts >= ? ORDER BY ts, id", (since,)):
                yield dict(row)

    def stats(self, since: float, bucket_seconds: int) -> dict[str, Any]:
        """Everything the dashboard draws, in one read."""
        with _closing(self._connect()) as conn:
            def q(sql: str, *args: Any) -> list[dict[str, Any]]:
                return [dict(r) for r in conn.execute(sql, args)]

            return {
                "since": since,
                "bucket_seconds": bucket_seconds,
                "timeline": q(
                    "SELECT CAST(ts / ? AS INTEGER) * ? AS bucket, decision, COUNT(*) AS count FROM decisions"
                    " WHERE ts >= ? GROUP BY bucket, decision ORDER BY bucket", bucket_seconds, bucket_seconds, since),
                "totals": q("SELECT decision, COUNT(*) AS count FROM decisions WHERE ts >= ? GROUP BY decision",
                            since),
                "top_rules": q(
                    "SELECT rule_id AS name, COUNT(*) AS count FROM findings WHERE ts >= ? GROUP BY rule_id"
                    " ORDER BY count DESC, name LIMIT 10", since),
                "top_categories": q(
                    "SELECT category AS name, COUNT(*) AS count FROM findings WHERE ts >= ? GROUP BY category"
                    " ORDER BY count DESC, name LIMIT 10", since),
                "by_team": _rates(q(
                    "SELECT COALESCE(team, '(pass-through)') AS name, SUM(decision = 'block') AS blocked,"
                    " COUNT(*) AS total FROM decisions WHERE ts >= ? GROUP BY name ORDER BY total DESC", since)),
                "by_model": _rates(q(
                    "SELECT COALESCE(model, '(unknown)') AS name, SUM(decision = 'block') AS blocked,"
                    " COUNT(*) AS total FROM decisions WHERE ts >= ? GROUP BY name ORDER BY total DESC", since)),
            }

    def recent_blocked(self, limit: int) -> list[dict[str, Any]]:
        with _closing(self._connect()) as conn:
            rows = conn.execute(
                "SELECT * FROM decisions WHERE decision = 'block' ORDER BY ts DESC, id DESC LIMIT ?", (limit,)
            ).fetchall()
            return [_decision_json(conn, row) for row in rows]

    # -- waivers -----------------------------------------------------------------------------------
    def insert_waiver(self, waiver: WaiverRow) -> None:
        values = [getattr(waiver, c) for c in _WAIVER_COLUMNS]
        with _closing(self._connect()) as conn:
            conn.execute(f"INSERT INTO waivers ({', '.join(_WAIVER_COLUMNS)}) VALUES "
                         f"({', '.join('?' * len(_WAIVER_COLUMNS))})", values)

    def decide_waiver(self, waiver_id: str, from_status: tuple[str, ...], to_status: str, actor: str,
                      owner: str) -> bool:
        """Move a waiver between states atomically; False when it was not in `from_status` any more."""
        marks = ", ".join("?" * len(from_status))
        with _closing(self._connect()) as conn:
            cursor = conn.execute(
                f"UPDATE waivers SET status = ?, decided_by = ?, decided_owner = ?, decided_at = ?"
                f" WHERE id = ? AND status IN ({marks})",
                (to_status, actor, owner, time.time(), waiver_id, *from_status),
            )
            return cursor.rowcount == 1

    def waivers(self, status: str | None = None) -> list[WaiverRow]:
        with _closing(self._connect()) as conn:
            if status:
                rows = conn.execute("SELECT * FROM waivers WHERE status = ? ORDER BY created_at DESC", (status,))
            else:
                rows = conn.execute("SELECT * FROM waivers ORDER BY created_at DESC")
            return [WaiverRow(**dict(r)) for r in rows]

    def waiver(self, waiver_id: str) -> WaiverRow | None:
        with _closing(self._connect()) as conn:
            row = conn.execute("SELECT * FROM waivers WHERE id = ?", (waiver_id,)).fetchone()
            return WaiverRow(**dict(row)) if row else None

    def add_waiver_event(self, waiver_id: str, action: str, actor: str, owner: str, detail: str) -> None:
        with _closing(self._connect()) as conn:
            conn.execute("INSERT INTO waiver_events (ts, waiver_id, action, actor, owner, detail) VALUES (?,?,?,?,?,?)",
                         (time.time(), waiver_id, action, actor, owner, detail))

    # -- keys made through the admin API -----------------------------------------------------------
    def insert_key(self, key: StoredKey) -> None:
        with _closing(self._connect()) as conn:
            conn.execute("INSERT INTO api_keys (id, hash, team, owner, roles, revoked, created_at)"
                         " VALUES (?,?,?,?,?,?,?)",
                         (key.id, key.hash, key.team, key.owner, json.dumps(key.roles), int(key.revoked),
                          key.created_at))

    def revoke_key(self, key_id: str) -> bool:
        """Mark a key revoked; for keys from the config file this inserts a revocation marker."""
        with _closing(self._connect()) as conn:
            cursor = conn.execute("UPDATE api_keys SET revoked = 1 WHERE id = ?", (key_id,))
            if cursor.rowcount:
                return True
            conn.execute("INSERT INTO api_keys (id, hash, team, owner, roles, revoked, created_at)"
                         " VALUES (?, '', '', '', '[]', 1, ?)", (key_id, time.time()))
            return True

    def keys(self) -> list[StoredKey]:
        with _closing(self._connect()) as conn:
            return [StoredKey(r["id"], r["hash"], r["team"], r["owner"], json.loads(r["roles"]), bool(r["revoked"]),
                              r["created_at"]) for r in conn.execute("SELECT * FROM api_keys ORDER BY id")]


class _closing:
    """`with` for a connection that also closes it (sqlite3's own context manager only commits)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def __enter__(self) -> sqlite3.Connection:
        return self.conn

    def __exit__(self, *exc: object) -> None:
        self.conn.close()


def _decision_json(conn: sqlite3.Connection, row: sqlite3.Row) -> dict[str, Any]:
    out = dict(row)
    out["findings"] = [
        dict(f) for f in conn.execute(
            "SELECT rule_id, category, severity, action, line, waiver_id FROM findings WHERE decision_id = ?",
            (row["id"],))
    ]
    return out


def _rates(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for row in rows:
        row["block_rate"] = (row["blocked"] or 0) / row["total"] if row["total"] else 0.0
    return rows
