"""`SqlStore`: the team store's queries, written once for SQLite and PostgreSQL.

The SQL is portable (`?` placeholders, which the PostgreSQL dialect rewrites to `%s`;
`CASE` instead of boolean sums; `RETURNING id`). What differs between the databases —
connecting, transactions, the migration lock, and which driver error means what — lives in
a `Dialect` (proxy/team/dialects.py). Every method takes its own connection (SQLite: a new
one; PostgreSQL: one from a pool), so callers on any thread never share one.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from typing import Any

from proxy.team.dialects import Connection, Dialect, PostgresDialect, SqliteDialect
from proxy.team.migrations import MIGRATIONS, VERSION_TABLE
from proxy.team.store import (
    FILTER_COLUMNS,
    UNKNOWN_VALUES,
    AuditFilter,
    DecisionRow,
    DuplicateKey,
    StoredKey,
    WaiverRow,
)

_WAIVER_COLUMNS = [
    "id", "created_at", "scope_kind", "scope_value", "subject_kind", "subject_value", "team", "starts_at",
    "expires_at", "reason", "requested_by", "requested_owner", "status", "decided_by", "decided_owner",
    "decided_at",
]
_KEY_COLUMNS = ["id", "hash", "team", "owner", "roles", "revoked", "created_at", "created_by", "created_by_key"]
_FINDING_COLUMNS = "rule_id, category, severity, action, line, waiver_id"


class SqlStore:
    def __init__(self, dialect: Dialect) -> None:
        self.dialect = dialect
        self._migrated = False
        self._open_lock = threading.Lock()

    @property
    def name(self) -> str:
        return self.dialect.name

    # -- lifecycle ---------------------------------------------------------------------------------
    def open(self) -> None:
        """Connect and apply missing migrations (once per process; replicas serialise on a lock)."""
        with self._open_lock:
            if not self._migrated:
                self._migrate()
                self._migrated = True

    def _migrate(self) -> None:
        self.dialect.open()
        with self.dialect.connection() as conn, self.dialect.migration_lock(conn):
            conn.execute(VERSION_TABLE[self.dialect.name])
            applied = {row["version"] for row in conn.execute("SELECT version FROM schema_version").fetchall()}
            for migration in MIGRATIONS:
                if migration.version in applied:
                    continue
                for statement in migration.statements(self.dialect.name):
                    conn.execute(statement)
                conn.execute(self.dialect.sql("INSERT INTO schema_version (version, description, applied_at)"
                                              " VALUES (?, ?, ?)"),
                             (migration.version, migration.description, time.time()))

    def close(self) -> None:
        self.dialect.close()

    def schema_version(self) -> int:
        with self.dialect.connection() as conn:
            row = conn.execute("SELECT MAX(version) AS version FROM schema_version").fetchone()
            return int(row["version"] or 0) if row else 0

    def _execute(self, conn: Connection, sql: str, args: tuple[Any, ...] | list[Any] = ()) -> Any:
        return conn.execute(self.dialect.sql(sql), args)

    # -- audit -------------------------------------------------------------------------------------
    def write_decisions(self, rows: list[DecisionRow]) -> None:
        """One transaction per batch; decisions and findings each sent as one (pipelined) batch."""
        if not rows:
            return
        with self.dialect.connection() as conn, self.dialect.transaction(conn):
            ids = self.dialect.insert_returning_ids(
                conn,
                self.dialect.sql("INSERT INTO decisions (ts, request_id, team, key_id, model, endpoint, language,"
                                 " origin, decision, snippet_sha256, excerpt, replica, client, repair_part,"
                                 " repair_outcome, repair_delivered, repair_reason)"
                                 " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) RETURNING id"),
                [(row.ts, row.request_id, row.team, row.key_id, row.model, row.endpoint, row.language, row.origin,
                  row.decision, row.snippet_sha256, row.excerpt, row.replica, row.client, row.repair_part,
                  row.repair_outcome, row.repair_delivered, row.repair_reason) for row in rows],
            )
            findings = [(decision_id, row.ts, f.rule_id, f.category, f.severity, f.action, f.line, f.waiver_id)
                        for decision_id, row in zip(ids, rows, strict=True) for f in row.findings]
            if findings:
                self.dialect.executemany(conn, self.dialect.sql(
                    f"INSERT INTO findings (decision_id, ts, {_FINDING_COLUMNS}) VALUES (?,?,?,?,?,?,?,?)"), findings)

    def prune(self, before: float) -> int:
        with self.dialect.connection() as conn, self.dialect.transaction(conn):
            self._execute(conn, "DELETE FROM findings WHERE ts < ?", (before,))
            count = int(self._execute(conn, "DELETE FROM decisions WHERE ts < ?", (before,)).rowcount)
            self._execute(conn, "DELETE FROM waiver_events WHERE ts < ?", (before,))
            return count

    def export_decisions(self, since: float, until: float | None = None) -> Iterator[dict[str, Any]]:
        with self.dialect.connection() as conn:
            rows = self._execute(conn, "SELECT * FROM decisions WHERE ts >= ? AND ts < ? ORDER BY ts, id",
                                 (since, until or 1e12)).fetchall()
            for row in rows:
                yield self._decision_json(conn, row)

    def audit_rows(self, wanted: AuditFilter) -> list[dict[str, Any]]:
        """The rows behind a dashboard number (or an admin query), with their findings."""
        where: list[str] = ["ts >= ?", "ts < ?"]
        args: list[Any] = [wanted.since, wanted.until or 1e12]
        for column, value in wanted.equals.items():
            if column not in FILTER_COLUMNS:
                raise ValueError(f"cannot filter on {column!r}")
            if value in UNKNOWN_VALUES:
                where.append(f"{column} IS NULL")
            else:
                where.append(f"{column} = ?")
                args.append(value)
        for finding_column, wanted_value in (("rule_id", wanted.rule), ("category", wanted.category)):
            if wanted_value is not None:
                where.append(f"EXISTS (SELECT 1 FROM findings f WHERE f.decision_id = decisions.id"
                             f" AND f.{finding_column} = ?)")
                args.append(wanted_value)
        order = "DESC" if wanted.newest_first else "ASC"
        with self.dialect.connection() as conn:
            rows = self._execute(conn, f"SELECT * FROM decisions WHERE {' AND '.join(where)}"
                                       f" ORDER BY ts {order}, id {order} LIMIT ?", (*args, wanted.limit)).fetchall()
            return [self._decision_json(conn, row) for row in rows]

    def export_waiver_events(self, since: float) -> Iterator[dict[str, Any]]:
        with self.dialect.connection() as conn:
            yield from (dict(row) for row in self._execute(
                conn, "SELECT * FROM waiver_events WHERE ts >= ? ORDER BY ts, id", (since,)).fetchall())

    def stats(self, since: float, bucket_seconds: int) -> dict[str, Any]:
        """Everything the dashboard draws, in one read."""
        with self.dialect.connection() as conn:
            def q(sql: str, *args: Any) -> list[dict[str, Any]]:
                return [dict(r) for r in self._execute(conn, sql, args).fetchall()]

            return {
                "since": since,
                "bucket_seconds": bucket_seconds,
                "timeline": q(
                    f"SELECT {self.dialect.bucket('ts')} AS bucket, decision, COUNT(*) AS count FROM decisions"
                    " WHERE ts >= ? GROUP BY bucket, decision ORDER BY bucket", bucket_seconds, bucket_seconds, since),
                "totals": q("SELECT decision, COUNT(*) AS count FROM decisions WHERE ts >= ? GROUP BY decision",
                            since),
                "top_rules": q(
                    "SELECT rule_id AS name, COUNT(*) AS count FROM findings WHERE ts >= ? GROUP BY rule_id"
                    " ORDER BY count DESC, name LIMIT 10", since),
                "top_categories": q(
                    "SELECT category AS name, COUNT(*) AS count FROM findings WHERE ts >= ? GROUP BY category"
                    " ORDER BY count DESC, name LIMIT 10", since),
                "by_team": self._rates_by(q, "team", since, unknown="(pass-through)"),
                "by_model": self._rates_by(q, "model", since),
                "by_client": self._rates_by(q, "client", since),
                "by_replica": self._rates_by(q, "replica", since),
                # Replies the repair loop asked again, per outcome (one per request: its original part).
                "repairs": q("SELECT repair_outcome AS name, COUNT(DISTINCT request_id) AS count FROM decisions"
                             " WHERE ts >= ? AND repair_part = 'original' GROUP BY repair_outcome"
                             " ORDER BY count DESC, name", since),
            }

    @staticmethod
    def _rates_by(q: Any, column: str, since: float, unknown: str = "(unknown)") -> list[dict[str, Any]]:
        """Block rate per value of `column` (team, model, client, replica); the 20 busiest."""
        name = f"COALESCE({column}, '{unknown}')"
        return _rates(q(f"SELECT {name} AS name, SUM(CASE WHEN decision = 'block' THEN 1 ELSE 0 END) AS blocked,"
                        f" COUNT(*) AS total FROM decisions WHERE ts >= ? GROUP BY {name}"
                        " ORDER BY total DESC, name LIMIT 20", since))

    def recent_blocked(self, limit: int) -> list[dict[str, Any]]:
        with self.dialect.connection() as conn:
            rows = self._execute(conn, "SELECT * FROM decisions WHERE decision = 'block' ORDER BY ts DESC, id DESC"
                                 " LIMIT ?", (limit,)).fetchall()
            return [self._decision_json(conn, row) for row in rows]

    def _decision_json(self, conn: Connection, row: dict[str, Any]) -> dict[str, Any]:
        out = dict(row)
        if out.get("repair_delivered") is not None:  # SQLite keeps a boolean as 0/1
            out["repair_delivered"] = bool(out["repair_delivered"])
        out["findings"] = [dict(f) for f in self._execute(
            conn, f"SELECT {_FINDING_COLUMNS} FROM findings WHERE decision_id = ?", (row["id"],)).fetchall()]
        return out

    # -- waivers -----------------------------------------------------------------------------------
    def insert_waiver(self, waiver: WaiverRow) -> None:
        with self.dialect.connection() as conn:
            self._execute(conn, f"INSERT INTO waivers ({', '.join(_WAIVER_COLUMNS)}) VALUES "
                                f"({', '.join('?' * len(_WAIVER_COLUMNS))})",
                          [getattr(waiver, c) for c in _WAIVER_COLUMNS])

    def decide_waiver(self, waiver_id: str, from_status: tuple[str, ...], to_status: str, actor: str,
                      owner: str) -> bool:
        """Move a waiver between states atomically; False when it was not in `from_status` any more."""
        marks = ", ".join("?" * len(from_status))
        with self.dialect.connection() as conn:
            cursor = self._execute(
                conn, f"UPDATE waivers SET status = ?, decided_by = ?, decided_owner = ?, decided_at = ?"
                      f" WHERE id = ? AND status IN ({marks})",
                (to_status, actor, owner, time.time(), waiver_id, *from_status))
            return int(cursor.rowcount) == 1

    def waivers(self, status: str | None = None) -> list[WaiverRow]:
        with self.dialect.connection() as conn:
            if status:
                rows = self._execute(conn, "SELECT * FROM waivers WHERE status = ? ORDER BY created_at DESC",
                                     (status,)).fetchall()
            else:
                rows = self._execute(conn, "SELECT * FROM waivers ORDER BY created_at DESC").fetchall()
            return [WaiverRow(**dict(r)) for r in rows]

    def waiver(self, waiver_id: str) -> WaiverRow | None:
        with self.dialect.connection() as conn:
            row = self._execute(conn, "SELECT * FROM waivers WHERE id = ?", (waiver_id,)).fetchone()
            return WaiverRow(**dict(row)) if row else None

    def add_waiver_event(self, waiver_id: str, action: str, actor: str, owner: str, detail: str) -> None:
        with self.dialect.connection() as conn:
            self._execute(conn, "INSERT INTO waiver_events (ts, waiver_id, action, actor, owner, detail)"
                                " VALUES (?,?,?,?,?,?)", (time.time(), waiver_id, action, actor, owner, detail))

    # -- keys made at run time ---------------------------------------------------------------------
    def insert_key(self, key: StoredKey) -> None:
        values = [key.id, key.hash, key.team, key.owner, json.dumps(key.roles), int(key.revoked), key.created_at,
                  key.created_by, key.created_by_key]
        with self.dialect.connection() as conn:
            if self._execute(conn, "SELECT 1 FROM api_keys WHERE id = ?", (key.id,)).fetchone():
                raise DuplicateKey(key.id)
            try:
                self._execute(conn, f"INSERT INTO api_keys ({', '.join(_KEY_COLUMNS)}) VALUES "
                                    f"({', '.join('?' * len(_KEY_COLUMNS))})", values)
            except self.dialect.integrity_errors:
                raise DuplicateKey(key.id) from None

    def revoke_key(self, key_id: str) -> bool:
        """Mark a key revoked; for keys from the config file this inserts a revocation marker."""
        with self.dialect.connection() as conn:
            if self._execute(conn, "UPDATE api_keys SET revoked = 1 WHERE id = ?", (key_id,)).rowcount:
                return True
            self._execute(conn, "INSERT INTO api_keys (id, hash, team, owner, roles, revoked, created_at)"
                                " VALUES (?, '', '', '', '[]', 1, ?)", (key_id, time.time()))
            return True

    def keys(self) -> list[StoredKey]:
        with self.dialect.connection() as conn:
            return [StoredKey(r["id"], r["hash"], r["team"], r["owner"], json.loads(r["roles"]), bool(r["revoked"]),
                              r["created_at"], r["created_by"], r["created_by_key"])
                    for r in self._execute(conn, "SELECT * FROM api_keys ORDER BY id").fetchall()]


def make_store(url: str | None, sqlite_path: Any, busy_timeout_seconds: float = 0.2, pool_size: int = 4,
               connect_timeout_seconds: float = 2.0) -> SqlStore:
    """The store for `team.store.url`: PostgreSQL for `postgresql://…`, else SQLite at `sqlite_path`."""
    if url and url.split(":", 1)[0] in ("postgresql", "postgres"):
        return SqlStore(PostgresDialect(url, pool_size, connect_timeout_seconds))
    if url:
        raise ValueError("team.store.url must start with postgresql:// (leave it unset for SQLite)")
    return SqlStore(SqliteDialect(sqlite_path, busy_timeout_seconds))


def _rates(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for row in rows:
        row["blocked"] = int(row["blocked"] or 0)
        row["block_rate"] = row["blocked"] / row["total"] if row["total"] else 0.0
    return rows
