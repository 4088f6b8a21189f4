"""The audit log: rows after real requests, masking, export, retention, and a broken database."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import sqlite3
import time
from pathlib import Path

import openai
import pytest
import requests

from proxy.cli import main
from proxy.team.sql_store import make_store
from proxy.team.store import DecisionRow, FindingRow
from tests.support.fake_llm import FakeLLM, json_reply, sse_reply
from tests.support.replies import chat_completion
from tests.support.servers import ServerThread
from tests.support.team import TeamProxy, start_team_proxy

CODE = 'import requests\n\nAPI_KEY = "sk-live-abcdefghijklmnop1234"\nresp = requests.get(url)\n'
RISKY = f"Try:\n\n```python\n{CODE}```\n"  # a hard-coded key (block) and a missing timeout (tag)


def ask(url: str, key: str) -> openai.APIResponse:
    client = openai.OpenAI(base_url=f"{url}/v1", api_key=key, max_retries=0, timeout=10)
    return client.chat.completions.with_raw_response.create(model="gpt-audit",
                                                            messages=[{"role": "user", "content": "x"}])


def rows(db: Path) -> list[dict]:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute("SELECT * FROM decisions ORDER BY id")]
    finally:
        conn.close()


def dropped(proxy: TeamProxy, reason: str) -> float:
    match = re.search(rf'breakwater_audit_dropped_total\{{reason="{reason}"\}} (\S+)', proxy.metrics())
    return float(match.group(1)) if match else 0.0


def metric(proxy: TeamProxy, name: str) -> float:
    match = re.search(rf"^{name} (\S+)$", proxy.metrics(), re.MULTILINE)
    return float(match.group(1)) if match else -1.0


def test_non_streamed_reply_is_audited(team_proxy: TeamProxy, fake: FakeLLM) -> None:
    fake.respond(json_reply(chat_completion(RISKY)))
    raw = ask(team_proxy.url, team_proxy.keys["alice"])
    team_proxy.flush()
    [row] = rows(team_proxy.db)
    assert row["request_id"] == raw.headers["x-breakwater-request-id"]
    assert (row["team"], row["key_id"], row["model"], row["endpoint"]) == (
        "payments", "alice", "gpt-audit", "/v1/chat/completions")
    assert (row["language"], row["origin"], row["decision"]) == ("python", "markdown", "block")
    assert row["snippet_sha256"] == hashlib.sha256(CODE.encode()).hexdigest()
    assert "sk-live-abcdefghijklmnop1234" not in row["excerpt"] and 'API_KEY = ****' in row["excerpt"]
    with sqlite3.connect(team_proxy.db) as conn:
        findings = conn.execute("SELECT rule_id, category, action, line FROM findings").fetchall()
    assert ("python.requests-without-timeout", "missing-timeout", "tag", 4) in findings


def test_streamed_reply_is_audited(team_proxy: TeamProxy, fake: FakeLLM) -> None:
    chunk = {"id": "c1", "object": "chat.completion.chunk", "created": 1, "model": "gpt-audit",
             "choices": [{"index": 0, "delta": {"content": RISKY}, "finish_reason": None}]}
    fake.respond(sse_reply([f"data: {json.dumps(chunk)}\n\n".encode(), b"data: [DONE]\n\n"]))
    response = requests.post(f"{team_proxy.url}/v1/chat/completions", headers=team_proxy.headers("alice"),
                             json={"model": "gpt-audit", "stream": True, "messages": []}, timeout=10)
    assert response.status_code == 200 and response.headers["X-Breakwater-Decision"] == "streaming"
    assert "sk-live-abcdefghijklmnop1234" not in response.text  # blocked in the stream itself
    for _ in range(500):  # a stream is recorded as it ends, which may be just after the client's last read
        team_proxy.flush()
        if rows(team_proxy.db):
            break
        time.sleep(0.01)
    [row] = rows(team_proxy.db)
    assert (row["key_id"], row["model"], row["decision"]) == ("alice", "gpt-audit", "block")


def test_pass_through_requests_are_audited_without_a_team(fake_server: tuple[FakeLLM, ServerThread],
                                                           fake: FakeLLM, tmp_path: Path) -> None:
    _, upstream = fake_server
    proxy = start_team_proxy(upstream.url, tmp_path / "a.db", auth="passthrough")
    try:
        fake.respond(json_reply(chat_completion(RISKY)))
        ask(proxy.url, "sk-own-provider-key")
        proxy.flush()
        [row] = rows(proxy.db)
        assert row["team"] is None and row["key_id"] is None
        assert fake.requests[-1].headers["Authorization"] == "Bearer sk-own-provider-key"
    finally:
        proxy.server.stop()


def test_export_jsonl_and_csv(team_proxy: TeamProxy, fake: FakeLLM, capsys: pytest.CaptureFixture[str],
                              tmp_path: Path) -> None:
    fake.respond(json_reply(chat_completion(RISKY)))
    ask(team_proxy.url, team_proxy.keys["alice"])
    team_proxy.flush()
    assert main(["audit", "export", "--db", str(team_proxy.db), "--since", "1h", "--format", "jsonl"]) == 0
    [line] = capsys.readouterr().out.splitlines()
    record = json.loads(line)
    assert record["key_id"] == "alice"
    assert "python.requests-without-timeout" in {f["rule_id"] for f in record["findings"]}
    assert record["time"].endswith("+00:00")
    out = tmp_path / "audit.csv"
    assert main(["audit", "export", "--db", str(team_proxy.db), "--since", "2020-01-01", "--format", "csv",
                 "--output", str(out)]) == 0
    [row] = list(csv.DictReader(io.StringIO(out.read_text())))
    assert row["team"] == "payments" and "python.requests-without-timeout|missing-timeout|" in row["findings"]
    assert "|tag|4" in row["findings"]
    assert main(["audit", "export", "--db", str(team_proxy.db), "--since", "2999-01-01"]) == 0
    assert capsys.readouterr().out == ""
    assert main(["audit", "export", "--db", str(team_proxy.db), "--since", "yesterday"]) == 2


def test_retention_prunes_old_rows(tmp_path: Path) -> None:
    store = make_store(None, tmp_path / "r.db")
    store.open()
    old, new = time.time() - 100 * 86400, time.time()
    store.write_decisions([
        DecisionRow(ts, f"r{n}", "t", "k", "m", "/v1/chat/completions", "sql", "markdown", "block", "h", "x",
                    [FindingRow("sql.drop-table-or-database", "destructive-operation", "high", "block", 1)])
        for n, ts in enumerate([old, new])
    ])
    assert store.prune(time.time() - 90 * 86400) == 1
    assert [r["request_id"] for r in store.export_decisions(0)] == ["r1"]
    assert store.stats(0, 60)["top_rules"] == [{"name": "sql.drop-table-or-database", "count": 1}]


def test_unwritable_database_never_fails_a_request(fake_server: tuple[FakeLLM, ServerThread], fake: FakeLLM,
                                                   tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the database directory should be")
    _, upstream = fake_server
    proxy = start_team_proxy(upstream.url, blocker / "audit.db")
    try:
        fake.respond(json_reply(chat_completion(RISKY)))
        for _ in range(3):
            assert ask(proxy.url, proxy.keys["alice"]).headers["x-breakwater-decision"] == "block"
        proxy.flush()
        assert dropped(proxy, "unwritable") == 3
        denied = requests.get(f"{proxy.url}/admin/api/waivers", headers=proxy.headers("root"), timeout=10)
        assert denied.status_code == 503
    finally:
        proxy.server.stop()


def test_locked_database_never_delays_a_request(team_proxy: TeamProxy, fake: FakeLLM) -> None:
    fake.respond(json_reply(chat_completion(RISKY)))
    ask(team_proxy.url, team_proxy.keys["alice"])  # warm up: store open, one row written
    team_proxy.flush()
    holder = sqlite3.connect(team_proxy.db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        # The lock is held until `finally`, so these replies (and the drops) happen while the database is
        # locked: a request that waited for the audit write would never return (the client gives up at 10 s).
        for _ in range(3):
            ask(team_proxy.url, team_proxy.keys["alice"])
        deadline = time.monotonic() + 10
        while metric(team_proxy, "breakwater_audit_backlog_rows") < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert metric(team_proxy, "breakwater_audit_backlog_rows") == 3  # kept for a retry, not dropped
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    ask(team_proxy.url, team_proxy.keys["alice"])
    team_proxy.flush()
    assert len(rows(team_proxy.db)) == 5  # the warm-up row, the three held back, the one after the lock
    assert dropped(team_proxy, "locked") == 0 and metric(team_proxy, "breakwater_audit_backlog_rows") == 0
