"""The team store, the same contract on SQLite and on a real PostgreSQL server; migrations on both."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import openai
import psycopg
import pytest
import requests

from proxy.team.migrations import LATEST, MIGRATIONS
from proxy.team.sql_store import SqlStore, make_store
from proxy.team.store import AuditFilter, DecisionRow, DuplicateKey, FindingRow, StoredKey, StoreError, WaiverRow
from tests.support.fake_llm import FakeLLM, json_reply
from tests.support.postgres import PostgresServer
from tests.support.replies import chat_completion
from tests.support.servers import ServerThread
from tests.support.team import start_team_proxy

DROP = "Reset it:\n\n```sql\nDROP TABLE orders;\n```\n"


@pytest.fixture(scope="module")
def postgres() -> Iterator[PostgresServer]:
    server = PostgresServer().start()  # fails (does not skip) when PostgreSQL is not installed
    yield server
    server.destroy()


@pytest.fixture(params=["sqlite", "postgres"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SqlStore]:
    if request.param == "sqlite":
        made = make_store(None, tmp_path / "team.sqlite3")
    else:
        made = make_store(request.getfixturevalue("postgres").create_database(), None)
    made.open()
    yield made
    made.close()


def decision(ts: float, request_id: str, team: str, verdict: str, *rules: str, replica: str = "pod-a",
             client: str | None = "OpenAI/Python 1") -> DecisionRow:
    return DecisionRow(ts, request_id, team, "k", "m", "/v1/chat/completions", "sql", "markdown", verdict, "h", "x",
                       [FindingRow(rule, "destructive-operation", "high", verdict, 1) for rule in rules],
                       replica=replica, client=client)


def waiver_row(waiver_id: str, created: float) -> WaiverRow:
    return WaiverRow(waiver_id, created, "rule", "sql.drop", "key", "alice", "payments", created, created + 3600,
                     "migration", "alice", "alice")


def test_audit_rows_stats_and_retention(store: SqlStore) -> None:
    now = time.time()
    store.write_decisions([
        decision(now - 100 * 86400, "old", "payments", "block", "sql.drop"),
        decision(now - 30, "a", "payments", "block", "sql.drop", "sql.truncate"),
        decision(now - 20, "b", "payments", "allow"),
        decision(now - 10, "c", "search", "tag", "sql.drop", replica="pod-b", client=None),
    ])
    stats = store.stats(now - 3600, 60)
    assert {(r["decision"], r["count"]) for r in stats["totals"]} == {("block", 1), ("allow", 1), ("tag", 1)}
    assert sum(r["count"] for r in stats["timeline"]) == 3
    assert all(r["bucket"] % 60 == 0 and r["bucket"] <= now for r in stats["timeline"])
    assert stats["top_rules"] == [{"name": "sql.drop", "count": 2}, {"name": "sql.truncate", "count": 1}]
    assert {r["name"]: (r["blocked"], r["total"], r["block_rate"]) for r in stats["by_team"]} == {
        "payments": (1, 2, 0.5), "search": (0, 1, 0.0)}
    assert {r["name"]: (r["blocked"], r["total"]) for r in stats["by_replica"]} == {"pod-a": (1, 2), "pod-b": (0, 1)}
    assert {r["name"]: r["total"] for r in stats["by_client"]} == {"OpenAI/Python 1": 2, "(unknown)": 1}
    [blocked, old] = store.recent_blocked(5)
    assert blocked["request_id"] == "a" and [f["rule_id"] for f in blocked["findings"]] == ["sql.drop", "sql.truncate"]
    assert old["request_id"] == "old"
    assert [r["request_id"] for r in store.audit_rows(AuditFilter(rule="sql.truncate"))] == ["a"]
    assert [r["request_id"] for r in store.audit_rows(AuditFilter(newest_first=True, equals={"team": "payments"}))] \
        == ["b", "a", "old"]
    assert [r["request_id"] for r in store.audit_rows(AuditFilter(equals={"client": "(unknown)"}))] == ["c"]
    assert [r["request_id"] for r in store.audit_rows(AuditFilter(since=now - 25, until=now - 15))] == ["b"]
    assert len(store.audit_rows(AuditFilter(limit=2))) == 2
    with pytest.raises(ValueError):
        store.audit_rows(AuditFilter(equals={"excerpt; DROP TABLE x": "1"}))
    assert store.prune(now - 90 * 86400) == 1
    assert [r["request_id"] for r in store.export_decisions(0)] == ["a", "b", "c"]


def test_waivers_move_between_states_once(store: SqlStore) -> None:
    created = time.time()
    store.insert_waiver(waiver_row("wv-1", created))
    assert store.decide_waiver("wv-1", ("pending",), "approved", "bob", "bob")
    assert not store.decide_waiver("wv-1", ("pending",), "denied", "carol", "carol")  # no longer pending
    row = store.waiver("wv-1")
    assert row is not None and (row.status, row.decided_by) == ("approved", "bob")
    assert [w.id for w in store.waivers("approved")] == ["wv-1"] and store.waivers("pending") == []
    store.add_waiver_event("wv-1", "approve", "bob", "bob", "ok")
    assert [(e["action"], e["actor"]) for e in store.export_waiver_events(0)] == [("approve", "bob")]
    assert store.waiver("wv-missing") is None


def test_keys_with_lineage_duplicates_and_revocation(store: SqlStore) -> None:
    made = StoredKey("erin", "sha256$aa$bb", "payments", "erin", ["approver"], False, 123.5, "root", "root-key")
    store.insert_key(made)
    with pytest.raises(DuplicateKey):
        store.insert_key(made)
    assert store.keys() == [made]
    assert store.revoke_key("erin") and store.keys()[0].revoked
    assert store.revoke_key("from-config")  # a config key: a revocation marker
    listed = store.keys()
    assert {k.id: k.revoked for k in listed} == {"erin": True, "from-config": True}


def test_migrations_are_recorded_and_idempotent(store: SqlStore) -> None:
    assert store.schema_version() == LATEST
    store._migrated = False  # a second start of the same process image
    store.open()
    assert store.schema_version() == LATEST


def test_replicas_starting_together_migrate_once(postgres: PostgresServer) -> None:
    url = postgres.create_database()
    stores = [make_store(url, None) for _ in range(6)]
    errors: list[BaseException] = []

    def start(s: SqlStore) -> None:
        try:
            s.open()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=start, args=(s,)) for s in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    with psycopg.connect(url) as conn:
        versions = [row[0] for row in conn.execute("SELECT version FROM schema_version ORDER BY version")]
    assert versions == [m.version for m in MIGRATIONS]
    for s in stores:
        s.close()


def test_sqlite_file_from_before_versioning_is_migrated(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as conn:  # the schema before migrations existed, with a key in it
        conn.executescript(
            "CREATE TABLE api_keys (id TEXT PRIMARY KEY, hash TEXT NOT NULL, team TEXT NOT NULL, owner TEXT NOT NULL,"
            " roles TEXT NOT NULL, revoked INTEGER NOT NULL DEFAULT 0, created_at REAL NOT NULL);"
            "INSERT INTO api_keys VALUES ('old', 'sha256$aa$bb', 'payments', 'olga', '[\"developer\"]', 0, 5.0);")
    store = make_store(None, path)
    store.open()
    assert store.schema_version() == LATEST
    [old] = store.keys()
    assert (old.id, old.owner, old.created_by) == ("old", "olga", None)


def test_unreachable_postgres_is_a_store_error(postgres: PostgresServer) -> None:
    store = make_store(f"postgresql://postgres@127.0.0.1:{postgres.port + 1}/none", None,
                       connect_timeout_seconds=1)
    with pytest.raises(StoreError) as caught:
        store.open()
    assert caught.value.reason == "unavailable"
    store.close()


def test_team_proxy_on_postgres(postgres: PostgresServer, fake_server: tuple[FakeLLM, ServerThread],
                                fake: FakeLLM, tmp_path: Path) -> None:
    url = postgres.create_database()
    _, upstream = fake_server
    proxy = start_team_proxy(upstream.url, tmp_path / "unused.sqlite3", store={"url": url})
    try:
        fake.respond(json_reply(chat_completion(DROP)))
        client = openai.OpenAI(base_url=f"{proxy.url}/v1", api_key=proxy.keys["alice"], max_retries=0)
        raw = client.chat.completions.with_raw_response.create(model="gpt-pg", messages=[])
        assert raw.headers["x-breakwater-decision"] == "block"
        proxy.flush()
        with psycopg.connect(url) as conn:
            rows = conn.execute("SELECT request_id, team, model, decision FROM decisions").fetchall()
        assert rows == [(raw.headers["x-breakwater-request-id"], "payments", "gpt-pg", "block")]
        assert not (tmp_path / "unused.sqlite3").exists()
        stats = requests.get(f"{proxy.url}/admin/api/stats", headers=proxy.headers("root"), timeout=10).json()
        assert stats["top_rules"] == [{"name": "sql.drop-table-or-database", "count": 1}]
    finally:
        proxy.server.stop()
