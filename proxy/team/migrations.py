"""Versioned, forward-only schema migrations for both stores.

Each migration has a version number and its SQL for SQLite and for PostgreSQL (types and
auto-increment differ; nothing else does). `schema_version` records what has been applied.
`SqlStore.open` runs the missing ones at start, inside the dialect's migration lock (SQLite:
the database write lock; PostgreSQL: a transaction-scoped advisory lock), so replicas that
start at once apply each migration exactly once. Never edit a released migration: add one.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    sqlite: str
    postgres: str

    def statements(self, dialect: str) -> list[str]:
        text = self.sqlite if dialect == "sqlite" else self.postgres
        return [statement.strip() for statement in text.split(";") if statement.strip()]


VERSION_TABLE = {
    "sqlite": "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, description TEXT NOT NULL,"
              " applied_at REAL NOT NULL)",
    "postgres": "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, description TEXT NOT NULL,"
                " applied_at DOUBLE PRECISION NOT NULL)",
}

_TABLES = """
CREATE TABLE IF NOT EXISTS decisions (
    id {serial},
    ts {real} NOT NULL, request_id TEXT NOT NULL, team TEXT, key_id TEXT, model TEXT, endpoint TEXT NOT NULL,
    language TEXT, origin TEXT NOT NULL, decision TEXT NOT NULL, snippet_sha256 TEXT NOT NULL, excerpt TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS decisions_ts ON decisions (ts);
CREATE TABLE IF NOT EXISTS findings (
    decision_id {bigint} NOT NULL REFERENCES decisions (id) ON DELETE CASCADE,
    ts {real} NOT NULL, rule_id TEXT NOT NULL, category TEXT NOT NULL, severity TEXT NOT NULL, action TEXT NOT NULL,
    line INTEGER NOT NULL, waiver_id TEXT
);
CREATE INDEX IF NOT EXISTS findings_decision ON findings (decision_id);
CREATE INDEX IF NOT EXISTS findings_ts ON findings (ts);
CREATE TABLE IF NOT EXISTS waivers (
    id TEXT PRIMARY KEY, created_at {real} NOT NULL, scope_kind TEXT NOT NULL, scope_value TEXT NOT NULL,
    subject_kind TEXT NOT NULL, subject_value TEXT NOT NULL, team TEXT NOT NULL, starts_at {real} NOT NULL,
    expires_at {real} NOT NULL, reason TEXT NOT NULL, requested_by TEXT NOT NULL, requested_owner TEXT NOT NULL,
    status TEXT NOT NULL, decided_by TEXT, decided_owner TEXT, decided_at {real}
);
CREATE TABLE IF NOT EXISTS waiver_events (
    id {serial}, ts {real} NOT NULL, waiver_id TEXT NOT NULL, action TEXT NOT NULL,
    actor TEXT NOT NULL, owner TEXT NOT NULL, detail TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS api_keys (
    id TEXT PRIMARY KEY, hash TEXT NOT NULL, team TEXT NOT NULL, owner TEXT NOT NULL, roles TEXT NOT NULL,
    revoked INTEGER NOT NULL DEFAULT 0, created_at {real} NOT NULL
)
"""

_KEY_LINEAGE = """
ALTER TABLE api_keys ADD COLUMN created_by TEXT;
ALTER TABLE api_keys ADD COLUMN created_by_key TEXT
"""

_ORIGIN_COLUMNS = """
ALTER TABLE decisions ADD COLUMN replica TEXT;
ALTER TABLE decisions ADD COLUMN client TEXT
"""

_REPAIR_COLUMNS = """
ALTER TABLE decisions ADD COLUMN repair_part TEXT;
ALTER TABLE decisions ADD COLUMN repair_outcome TEXT;
ALTER TABLE decisions ADD COLUMN repair_delivered {boolean};
ALTER TABLE decisions ADD COLUMN repair_reason TEXT
"""

MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1, "audit decisions and findings, waivers, waiver events, run-time keys",
        # IF NOT EXISTS: SQLite files made before versioning already hold these tables.
        _TABLES.format(serial="INTEGER PRIMARY KEY AUTOINCREMENT", real="REAL", bigint="INTEGER"),
        _TABLES.format(serial="BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY", real="DOUBLE PRECISION",
                       bigint="BIGINT"),
    ),
    Migration(2, "keys record who created them (two-person rule)", _KEY_LINEAGE, _KEY_LINEAGE),
    Migration(3, "decisions record the replica and the client (dashboard panels)", _ORIGIN_COLUMNS, _ORIGIN_COLUMNS),
    Migration(4, "decisions record what the repair loop made of them", _REPAIR_COLUMNS.format(boolean="INTEGER"),
              _REPAIR_COLUMNS.format(boolean="BOOLEAN")),
)

LATEST = MIGRATIONS[-1].version
