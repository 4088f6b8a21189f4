"""Two-person waivers: request, refusals, approval, effect on replies, expiry, revocation, CLI."""

from __future__ import annotations

import json
import sqlite3
import time

import openai
import pytest
import requests

from proxy.cli import main
from proxy.config import ActionsConfig
from proxy.models import Action, RawFinding, Severity
from proxy.team.enforce import CallerPolicy, WaivedFinding
from proxy.team.store import WaiverRow
from proxy.team.waivers import WaiverBook
from tests.support.fake_llm import FakeLLM, json_reply
from tests.support.replies import chat_completion
from tests.support.team import TeamProxy, request_waiver
from tests.support.team import admin_api as api
from tests.support.team import waiver_events as events

DROP = "Reset it:\n\n```sql\nDROP TABLE orders;\n```\n"


def ask(proxy: TeamProxy, who: str) -> openai.APIResponse:
    client = openai.OpenAI(base_url=f"{proxy.url}/v1", api_key=proxy.keys[who], max_retries=0)
    return client.chat.completions.with_raw_response.create(model="gpt-test",
                                                            messages=[{"role": "user", "content": "x"}])





def test_waiver_needs_a_second_person(team_proxy: TeamProxy, fake: FakeLLM) -> None:
    fake.respond(json_reply(chat_completion(DROP)))
    waiver = request_waiver(team_proxy)
    assert waiver["status"] == "pending"
    assert ask(team_proxy, "alice").headers["x-breakwater-decision"] == "block"  # pending: no effect

    own = api(team_proxy, "alice-approver", "POST", f"/waivers/{waiver['id']}/approve")
    assert own.status_code == 403 and "two-person" in own.json()["error"]["message"]
    assert api(team_proxy, "alice", "POST", f"/waivers/{waiver['id']}/approve").status_code == 403
    assert api(team_proxy, "dave", "POST", f"/waivers/{waiver['id']}/approve").status_code == 403  # other team

    approved = api(team_proxy, "bob", "POST", f"/waivers/{waiver['id']}/approve", {"note": "ok for this week"})
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    assert approved.json()["decided_by"] == "bob"
    assert api(team_proxy, "root", "POST", f"/waivers/{waiver['id']}/approve").status_code == 409  # not pending

    raw = ask(team_proxy, "alice")
    content = raw.parse().choices[0].message.content or ""
    assert raw.headers["x-breakwater-decision"] == "tag"
    assert "DROP TABLE orders" in content and f"waiver {waiver['id']}" in content
    assert ask(team_proxy, "bob").headers["x-breakwater-decision"] == "block"  # a key waiver: alice's key only

    team_proxy.flush()
    with sqlite3.connect(team_proxy.db) as conn:
        waived = conn.execute("SELECT f.action, f.waiver_id, d.key_id FROM findings f JOIN decisions d"
                              " ON d.id = f.decision_id WHERE f.waiver_id IS NOT NULL").fetchall()
    assert waived == [("tag", waiver["id"], "alice")]
    assert events(team_proxy, waiver["id"]) == [
        ("request", "alice"), ("approve-refused", "alice-approver"), ("approve-refused", "alice"),
        ("approve-refused", "dave"), ("approve", "bob")]


def test_team_waiver_covers_the_team_and_revocation_ends_it(team_proxy: TeamProxy, fake: FakeLLM) -> None:
    fake.respond(json_reply(chat_completion(DROP)))
    waiver = request_waiver(team_proxy, "carol", rule=None, category="destructive-operation", scope="team")
    assert api(team_proxy, "dave", "POST", f"/waivers/{waiver['id']}/approve").status_code == 200
    # search already tags destructive operations; the waiver still names itself in the note
    assert f"waiver {waiver['id']}" in (ask(team_proxy, "carol").parse().choices[0].message.content or "")
    other = request_waiver(team_proxy, "alice", scope="team")
    assert api(team_proxy, "root", "POST", f"/waivers/{other['id']}/approve").status_code == 200
    assert ask(team_proxy, "bob").headers["x-breakwater-decision"] == "tag"  # whole payments team
    assert api(team_proxy, "alice", "POST", f"/waivers/{other['id']}/revoke").status_code == 200
    assert ask(team_proxy, "bob").headers["x-breakwater-decision"] == "block"
    assert events(team_proxy, other["id"])[-1] == ("revoke", "alice")


def test_waiver_expires(team_proxy: TeamProxy, fake: FakeLLM) -> None:
    """An approved waiver whose window has passed no longer applies and lists as `expired`; one approved for a
    window still to come does not apply yet. Windows are set in the past or future, not waited for."""
    fake.respond(json_reply(chat_completion(DROP)))
    now = time.time()
    store = team_proxy.service.store
    assert store is not None
    for waiver_id, starts, expires in (("wv-0ldf0r3v", now - 7200, now - 3600), ("wv-1at3r000", now + 3600,
                                                                                   now + 7200)):
        store.insert_waiver(WaiverRow(waiver_id, now - 7200, "rule", "sql.drop-table-or-database", "key", "alice",
                                      "payments", starts, expires, "seeded window", "alice", "alice"))
        assert store.decide_waiver(waiver_id, ("pending",), "approved", "bob", "bob")
    team_proxy.server.call(team_proxy.service.refresh())
    assert ask(team_proxy, "alice").headers["x-breakwater-decision"] == "block"
    listed = {w["id"]: w["status"] for w in api(team_proxy, "alice", "GET", "/waivers").json()["waivers"]}
    assert listed["wv-0ldf0r3v"] == "expired" and listed["wv-1at3r000"] == "approved"
    current = request_waiver(team_proxy, hours=1)
    assert api(team_proxy, "bob", "POST", f"/waivers/{current['id']}/approve").status_code == 200
    assert ask(team_proxy, "alice").headers["x-breakwater-decision"] == "tag"  # the control: a window now applies


def test_bad_requests_are_refused(team_proxy: TeamProxy) -> None:
    both = api(team_proxy, "alice", "POST", "/waivers",
               {"rule": "x", "category": "injection", "reason": "because"})
    assert both.status_code == 400
    assert api(team_proxy, "alice", "POST", "/waivers",
               {"rule": "x", "scope": "team", "team": "search", "reason": "because"}).status_code == 403
    assert api(team_proxy, "alice", "POST", "/waivers",
               {"rule": "x", "hours": 24 * 365, "reason": "because"}).status_code == 400
    assert api(team_proxy, "alice", "POST", "/waivers", {"category": "not-a-category", "reason": "x y z"}
               ).status_code == 400
    assert requests.get(f"{team_proxy.url}/admin/api/waivers", timeout=10).status_code == 401


def test_cli_round_trip(team_proxy: TeamProxy, capsys: pytest.CaptureFixture[str]) -> None:
    base = ["waivers", "--url", team_proxy.url]
    assert main([*base, "--key", team_proxy.keys["alice"], "request", "--category", "injection",
                 "--hours", "2", "--reason", "generated fixtures"]) == 0
    waiver_id = json.loads(capsys.readouterr().out)["id"]
    assert main([*base, "--key", team_proxy.keys["alice-approver"], "approve", waiver_id]) == 1
    assert "two-person" in capsys.readouterr().out
    assert main([*base, "--key", team_proxy.keys["bob"], "approve", waiver_id]) == 0
    capsys.readouterr()
    assert main([*base, "--key", team_proxy.keys["bob"], "list", "--status", "approved"]) == 0
    listed = capsys.readouterr().out
    assert waiver_id in listed and "approved" in listed
    assert main([*base, "--key", team_proxy.keys["alice"], "revoke", waiver_id]) == 0
    assert json.loads(capsys.readouterr().out)["status"] == "revoked"
    assert main(["waivers", "--url", "http://127.0.0.1:9", "--key", "k", "list"]) == 2


def make_key(proxy: TeamProxy, creator: str, key_id: str, team: str, owner: str, roles: list[str]) -> str:
    made = api(proxy, creator, "POST", "/keys", {"id": key_id, "team": team, "owner": owner, "roles": roles})
    assert made.status_code == 201, made.text
    assert made.json()["created_by"] == proxy.service.keyring.get(creator).owner  # type: ignore[union-attr]
    proxy.keys[key_id] = made.json()["key"]
    return str(made.json()["key"])


def test_admin_cannot_approve_with_a_key_they_made_for_someone_else(team_proxy: TeamProxy) -> None:
    waiver = request_waiver(team_proxy, "root", scope="team", team="payments")
    make_key(team_proxy, "root", "sock-puppet", "payments", "someone-else", ["approver"])
    refused = api(team_proxy, "sock-puppet", "POST", f"/waivers/{waiver['id']}/approve")
    assert refused.status_code == 403 and "two-person" in refused.json()["error"]["message"]
    assert ("approve-refused", "sock-puppet") in events(team_proxy, waiver["id"])
    assert api(team_proxy, "bob", "POST", f"/waivers/{waiver['id']}/approve").status_code == 200


def test_a_chain_of_keys_made_by_the_requester_cannot_approve(team_proxy: TeamProxy) -> None:
    make_key(team_proxy, "root", "helper-admin", "platform", "helper", ["admin"])
    make_key(team_proxy, "helper-admin", "grandchild", "payments", "gina", ["approver"])
    waiver = request_waiver(team_proxy, "root", scope="team", team="payments")  # after both keys exist
    refused = api(team_proxy, "grandchild", "POST", f"/waivers/{waiver['id']}/approve")
    assert refused.status_code == 403 and "created by the requester" in refused.json()["error"]["message"]


def test_a_key_made_after_the_request_cannot_approve_it(team_proxy: TeamProxy) -> None:
    before = make_key(team_proxy, "root", "erin", "payments", "erin", ["approver"])
    assert before
    waiver = request_waiver(team_proxy, "alice")
    make_key(team_proxy, "root", "frank", "payments", "frank", ["approver"])
    late = api(team_proxy, "frank", "POST", f"/waivers/{waiver['id']}/approve")
    assert late.status_code == 403 and "created after" in late.json()["error"]["message"]
    # made by someone else before the request: a real second person
    assert api(team_proxy, "erin", "POST", f"/waivers/{waiver['id']}/approve").status_code == 200


BAD_QUERIES = [
    *(f"/stats?{q}" for q in ["hours=abc", "hours=nan", "hours=inf", "hours=-1", "hours=0", "hours=1e300",
                              "bucket=x", "bucket=-5", "hours=NaN&bucket=60"]),
    *(f"/audit?{q}" for q in ["limit=x", "limit=-1", "limit=0", "limit=1e9", "since=nan", "since=inf", "since=abc",
                              "since=-1"]),
]


def test_bad_admin_parameters_are_400_not_500(team_proxy: TeamProxy) -> None:
    for path in BAD_QUERIES:  # one proxy for all: each start warms an engine
        response = api(team_proxy, "root", "GET", path)
        assert response.status_code == 400 and response.json()["error"]["status"] == 400, path
    assert api(team_proxy, "root", "GET", "/stats?hours=1.5&bucket=60").status_code == 200
    assert api(team_proxy, "root", "GET", "/audit?limit=5&since=0").status_code == 200


def test_a_waiver_never_turns_an_allowed_finding_into_a_tag() -> None:
    """A waiver softens tag/block; a finding policy allows stays allowed (silent), waiver or not.
    (Mutation testing: `action is ALLOW` → `action < ALLOW` survived every end-to-end test.)"""
    actions = ActionsConfig(rules={"r.allowed": Action.ALLOW, "r.blocked": Action.BLOCK})
    book = WaiverBook()
    book.replace([WaiverRow(f"wv-{rule}", 0.0, "rule", rule, "key", "alice", "payments", 0.0, time.time() + 3600,
                            "because", "alice", "bob", status="approved") for rule in ("r.allowed", "r.blocked")])
    policy = CallerPolicy(actions, waivers=book, key_id="alice", team="payments")
    raw = [RawFinding(rule, "injection", Severity.HIGH, "m", 1, 1) for rule in ("r.allowed", "r.blocked")]
    allowed, blocked = policy.apply(raw)
    assert allowed.action is Action.ALLOW and not isinstance(allowed, WaivedFinding)
    assert blocked.action is Action.TAG and isinstance(blocked, WaivedFinding) and blocked.waiver_id == "wv-r.blocked"
