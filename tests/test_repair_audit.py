"""The repair loop in the audit log (team mode): the original findings, the repaired answer's findings,
the outcome and why a repair was not used — recorded once each, with no secret in any column."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openai
import pytest

from proxy.config import RepairConfig
from tests.support.fake_llm import FakeLLM, json_reply, sse_reply
from tests.support.replies import chat_completion
from tests.support.servers import ServerThread
from tests.support.streams import openai_chat_events
from tests.support.team import TeamProxy, admin_api, start_team_proxy, team_settings

DESTRUCTIVE = "Reset it like this:\n\n```sql\nDROP TABLE orders;\n```\n"
SAFE = "Archive instead:\n\n```sql\nALTER TABLE orders RENAME TO orders_archived_2026;\n```\n"
SECRET = "sk-live-abcdefghijklmnop1234"
REPAIRING = {"repair": RepairConfig(enabled=True, timeout_seconds=5)}
LEAKY = f'Use this:\n\n```python\nAPI_KEY = "{SECRET}"\n```\n'


@pytest.fixture
def repairing_team(fake_server: tuple[FakeLLM, ServerThread], tmp_path: Path) -> Iterator[TeamProxy]:
    _, upstream = fake_server
    proxy = start_team_proxy(upstream.url, tmp_path / "audit.sqlite3", top=REPAIRING)
    yield proxy
    proxy.server.stop()


def ask(proxy: TeamProxy) -> openai.APIResponse:
    client = openai.OpenAI(base_url=f"{proxy.url}/v1", api_key=proxy.keys["alice"], max_retries=0, timeout=30)
    return client.chat.completions.with_raw_response.create(model="gpt-audit",
                                                            messages=[{"role": "user", "content": "reset it"}])


def audit(proxy: TeamProxy) -> list[dict[str, Any]]:
    proxy.flush()
    conn = sqlite3.connect(proxy.db)
    conn.row_factory = sqlite3.Row
    try:
        rows = [dict(r) for r in conn.execute("SELECT * FROM decisions ORDER BY id")]
        for row in rows:
            row["rules"] = {r[0] for r in conn.execute("SELECT rule_id FROM findings WHERE decision_id = ?",
                                                       (row["id"],))}
        return rows
    finally:
        conn.close()


def test_a_repaired_reply_records_both_parts_and_the_outcome(repairing_team: TeamProxy, fake: FakeLLM) -> None:
    fake.respond(json_reply(chat_completion(DESTRUCTIVE)), json_reply(chat_completion(SAFE)))
    raw = ask(repairing_team)
    assert raw.headers["x-breakwater-repair"] == "repaired"
    original, candidate = audit(repairing_team)
    assert {original["request_id"], candidate["request_id"]} == {raw.headers["x-breakwater-request-id"]}
    assert (original["repair_part"], original["repair_outcome"], original["repair_delivered"]) == (
        "original", "repaired", 0)
    assert original["decision"] == "block" and "sql.drop-table-or-database" in original["rules"]
    assert (candidate["repair_part"], candidate["repair_outcome"], candidate["repair_delivered"]) == (
        "candidate", "repaired", 1)
    assert candidate["decision"] == "allow" and "RENAME TO orders_archived_2026" in candidate["excerpt"]
    assert original["repair_reason"] is None and candidate["repair_reason"] is None

    # the dashboard's numbers and the rows behind them
    stats = admin_api(repairing_team, "root", "GET", "/stats").json()
    assert stats["repairs"] == [{"name": "repaired", "count": 1}]
    behind = admin_api(repairing_team, "root", "GET", "/audit?repair_outcome=repaired").json()["decisions"]
    assert [(r["repair_part"], r["repair_delivered"]) for r in behind] == [("original", False), ("candidate", True)]


def test_a_repair_not_used_records_why_and_no_secret(repairing_team: TeamProxy, fake: FakeLLM) -> None:
    fake.respond(json_reply(chat_completion(DESTRUCTIVE)), json_reply(chat_completion(LEAKY)))
    raw = ask(repairing_team)
    assert raw.headers["x-breakwater-repair"] == "kept_original"
    original, candidate = audit(repairing_team)
    assert (original["repair_part"], original["repair_delivered"]) == ("original", 1)
    assert (candidate["repair_part"], candidate["repair_delivered"]) == ("candidate", 0)
    assert {original["repair_outcome"], candidate["repair_outcome"]} == {"kept_original"}
    assert "blocking finding" in original["repair_reason"] and candidate["repair_reason"] == original["repair_reason"]
    assert candidate["decision"] == "block"
    for row in (original, candidate):
        assert not any(SECRET in str(value) for value in row.values())


def test_an_upstream_error_on_the_repair_records_the_original_once(repairing_team: TeamProxy,
                                                                   fake: FakeLLM) -> None:
    fake.respond(json_reply(chat_completion(DESTRUCTIVE)),
                 json_reply({"error": {"message": "overloaded", "type": "server_error"}}, status=500))
    raw = ask(repairing_team)
    assert raw.headers["x-breakwater-repair"] == "error"
    [original] = audit(repairing_team)
    assert (original["repair_part"], original["repair_outcome"], original["repair_delivered"]) == (
        "original", "error", 1)
    assert "status 500" in original["repair_reason"]


def test_a_reply_that_needs_no_repair_has_empty_repair_columns(repairing_team: TeamProxy, fake: FakeLLM) -> None:
    fake.respond(json_reply(chat_completion(SAFE)))
    raw = ask(repairing_team)
    assert "x-breakwater-repair" not in raw.headers and len(fake.requests) == 1
    [row] = audit(repairing_team)
    assert row["decision"] == "allow"
    assert (row["repair_part"], row["repair_outcome"], row["repair_delivered"], row["repair_reason"]) == (
        None, None, None, None)


def test_a_team_may_turn_the_repair_loop_off(fake_server: tuple[FakeLLM, ServerThread], fake: FakeLLM,
                                             tmp_path: Path) -> None:
    # Repair on for block and tag; the search team (which tags DROP TABLE) turns it off for itself.
    settings, _ = team_settings(fake_server[1].url, tmp_path / "audit.sqlite3")
    teams = {name: team.model_dump() for name, team in settings.team.teams.items()}
    teams["search"]["repair"] = False
    proxy = start_team_proxy(fake_server[1].url, tmp_path / "audit.sqlite3", teams=teams,
                             top={"repair": RepairConfig(enabled=True, on=["block", "tag"], timeout_seconds=5)})
    try:
        client = openai.OpenAI(base_url=f"{proxy.url}/v1", api_key=proxy.keys["carol"], max_retries=0, timeout=30)
        fake.respond(json_reply(chat_completion(DESTRUCTIVE)))
        raw = client.chat.completions.with_raw_response.create(model="m", messages=[])
        assert raw.headers["x-breakwater-decision"] == "tag" and "x-breakwater-repair" not in raw.headers
        assert len(fake.requests) == 1  # the search team is never asked again
        fake.respond(json_reply(chat_completion(DESTRUCTIVE)), json_reply(chat_completion(SAFE)))
        assert ask(proxy).headers["x-breakwater-repair"] == "repaired"  # alice's team follows `repair.enabled`
        assert len(fake.requests) == 3
    finally:
        proxy.server.stop()


def test_a_streamed_repair_is_audited_like_a_non_streamed_one(repairing_team: TeamProxy, fake: FakeLLM) -> None:
    fake.respond(sse_reply(openai_chat_events([DESTRUCTIVE[:20], DESTRUCTIVE[20:]])),
                 json_reply(chat_completion(SAFE)))
    client = openai.OpenAI(base_url=f"{repairing_team.url}/v1", api_key=repairing_team.keys["alice"],
                           max_retries=0, timeout=30)
    with client.chat.completions.with_streaming_response.create(model="m", messages=[], stream=True) as response:
        request_id = response.headers["x-breakwater-request-id"]
        body = response.read().decode()
    assert "orders_archived_2026" in body
    original, candidate = audit(repairing_team)
    assert {original["request_id"], candidate["request_id"]} == {request_id}
    assert (original["repair_part"], original["repair_outcome"], original["repair_delivered"]) == (
        "original", "repaired", 0)
    assert original["decision"] == "block" and "sql.drop-table-or-database" in original["rules"]
    assert (candidate["repair_part"], candidate["repair_delivered"], candidate["decision"]) == (
        "candidate", 1, "allow")
