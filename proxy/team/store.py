"""The team store: audit rows, waivers and run-time keys, behind one small interface.

`Store` is the interface the rest of the team service uses. `open_store` picks the
implementation from `team.store.url`: SQLite (the default, one machine) or PostgreSQL
(several replicas). Both are `SqlStore` (proxy/team/sql_store.py) with a different
`Dialect`, so every query is written once. Every failure of the database surfaces as a
`StoreError` with a reason (`locked`, `disk_full`, `unwritable`, `unavailable`, `error`),
so callers never catch a driver's exceptions.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
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
    replica: str | None = None  # which proxy process wrote it (pod or host name)
    client: str | None = None  # the calling tool, from its User-Agent (e.g. "OpenAI/Python")
    # The repair loop (proxy.repair), when it asked the model again: `original` or `candidate`, the outcome
    # (repaired | kept_original | error | timeout), whether the client got this part, and why not.
    repair_part: str | None = None
    repair_outcome: str | None = None
    repair_delivered: bool | None = None
    repair_reason: str | None = None


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
    created_by: str | None = None  # the owner of the key (or "cli") that made this one
    created_by_key: str | None = None  # that key's id, so a chain of keys can be followed


FILTER_COLUMNS = ("decision", "team", "key_id", "model", "client", "replica", "language", "origin", "request_id",
                  "repair_outcome")
UNKNOWN_VALUES = ("(unknown)", "(pass-through)")  # how the dashboard shows an empty column; matches NULL


@dataclass(frozen=True)
class AuditFilter:
    """Which audit rows to read: a time window, equal columns, and a rule or category among the findings."""

    since: float = 0.0
    until: float | None = None
    limit: int = 500
    newest_first: bool = False
    equals: dict[str, str] = field(default_factory=dict)  # keys from FILTER_COLUMNS
    rule: str | None = None
    category: str | None = None


class StoreError(Exception):
    """The database failed; `reason` is the label of `breakwater_audit_dropped_total`."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


class DuplicateKey(StoreError):
    def __init__(self, key_id: str) -> None:
        super().__init__("error", f"key id {key_id!r} exists")


class Store(Protocol):
    @property
    def name(self) -> str:
        """The dialect: sqlite or postgres."""

    def open(self) -> None:
        """Connect and bring the schema to the newest version (idempotent)."""

    def close(self) -> None: ...
    def write_decisions(self, rows: list[DecisionRow]) -> None: ...
    def prune(self, before: float) -> int: ...
    def export_decisions(self, since: float, until: float | None = None) -> Iterator[dict[str, Any]]: ...
    def export_waiver_events(self, since: float) -> Iterator[dict[str, Any]]: ...
    def audit_rows(self, wanted: AuditFilter) -> list[dict[str, Any]]: ...
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
