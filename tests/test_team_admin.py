"""Every admin API route and who may call it; waiver deny, revoke, refusals, windows and `max_waiver_days`;
the dashboard's security headers; `breakwater keys create` end to end.

One team proxy serves the module (each test uses its own rule, category or key id, so they
do not see each other's waivers); tests that need a differently configured proxy start one.
"""

from __future__ import annotations

import json
import re
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import openai
import pytest
import requests

from proxy.cli import main
from proxy.team.keys import hash_key
from proxy.team.store import WaiverRow
from proxy.team.waivers import WaiverBook, status_of
from tests.support.fake_llm import FakeLLM, json_reply
from tests.support.replies import chat_completion
from tests.support.servers import ServerThread
from tests.support.team import PEPPER, TeamProxy, request_waiver, start_team_proxy
from tests.support.team import admin_api as api
from tests.support.team import waiver_events as events

DROP = "Reset it:\n\n```sql\nDROP TABLE orders;\n```\n"
TRUNCATE = "Empty it:\n\n```sql\nTRUNCATE TABLE sessions;\n```\n"
TOKEN = "view-only-token"  # BREAKWATER_TEST_DASHBOARD_TOKEN, set in conftest


@pytest.fixture(scope="module")
def proxy(fake_server: tuple[FakeLLM, ServerThread], tmp_path_factory: pytest.TempPathFactory) -> Iterator[TeamProxy]:
    started = start_team_proxy(fake_server[1].url, tmp_path_factory.mktemp("admin") / "audit.sqlite3",
                               max_waiver_days=2)
    yield started
    started.server.stop()



def ask(proxy: TeamProxy, who: str, content: str = DROP) -> str:
    client = openai.OpenAI(base_url=f"{proxy.url}/v1", api_key=proxy.keys[who], max_retries=0)
    raw = client.chat.completions.with_raw_response.create(model="gpt-test",
                                                           messages=[{"role": "user", "content": "x"}])
    return raw.headers["x-breakwater-decision"]




# ------------------------------------------------------------------ waivers


def test_deny_leaves_the_finding_blocked_and_is_final(proxy: TeamProxy, fake: FakeLLM) -> None:
    fake.respond(json_reply(chat_completion(DROP)))
    asked = request_waiver(proxy)
    refused = api(proxy, "alice", "POST", f"/waivers/{asked['id']}/deny", {"note": "no"})
    assert refused.status_code == 403  # a developer key cannot decide
    denied = api(proxy, "bob", "POST", f"/waivers/{asked['id']}/deny", {"note": "not this week"})
    assert denied.status_code == 200 and denied.json()["status"] == "denied"
    assert denied.json()["decided_by"] == "bob"
    assert ask(proxy, "alice") == "block"
    assert api(proxy, "root", "POST", f"/waivers/{asked['id']}/approve").status_code == 409  # no longer pending
    assert ask(proxy, "alice") == "block"
    assert [w["status"] for w in api(proxy, "bob", "GET", "/waivers?status=denied").json()["waivers"]
            if w["id"] == asked["id"]] == ["denied"]
    assert events(proxy, asked["id"]) == [("request", "alice"), ("deny-refused", "alice"), ("deny", "bob")]


def test_the_requesters_own_approver_key_may_deny_but_not_approve(proxy: TeamProxy) -> None:
    asked = request_waiver(proxy, rule="sql.truncate-table")
    assert api(proxy, "alice-approver", "POST", f"/waivers/{asked['id']}/approve").status_code == 403
    assert api(proxy, "alice-approver", "POST", f"/waivers/{asked['id']}/deny").status_code == 200


def test_other_teams_cannot_decide_or_revoke(proxy: TeamProxy, fake: FakeLLM) -> None:
    fake.respond(json_reply(chat_completion(DROP)))
    asked = request_waiver(proxy, rule=None, category="destructive-operation", scope="team")
    assert api(proxy, "dave", "POST", f"/waivers/{asked['id']}/deny").status_code == 403
    assert api(proxy, "root", "POST", f"/waivers/{asked['id']}/approve").status_code == 200  # admin: any team
    assert ask(proxy, "bob") == "tag"
    refused = api(proxy, "carol", "POST", f"/waivers/{asked['id']}/revoke")
    assert refused.status_code == 403
    assert ask(proxy, "bob") == "tag"  # the refused revoke changed nothing
    assert ("revoke-refused", "carol") in events(proxy, asked["id"])  # refused attempts are audited (docs/team.md)
    assert api(proxy, "bob", "POST", f"/waivers/{asked['id']}/revoke").status_code == 200  # approver of the team
    assert ask(proxy, "bob") == "block"
    again = api(proxy, "bob", "POST", f"/waivers/{asked['id']}/revoke")
    assert again.status_code == 409
    assert api(proxy, "alice", "POST", "/waivers/wv-00000000/revoke").status_code == 404


def test_max_waiver_days_bounds_the_window(proxy: TeamProxy) -> None:
    too_long = api(proxy, "alice", "POST", "/waivers", {"rule": "x.y", "hours": 48.5, "reason": "three days"})
    assert too_long.status_code == 400 and "2 days" in too_long.json()["error"]["message"]
    assert api(proxy, "alice", "POST", "/waivers", {"rule": "x.y", "hours": 48, "reason": "two days"}
               ).status_code == 201


def test_a_waiver_is_in_force_only_inside_its_window(proxy: TeamProxy, fake: FakeLLM) -> None:
    fake.respond(json_reply(chat_completion(TRUNCATE)))
    later = request_waiver(proxy, rule="sql.truncate-table", starts_at=time.time() + 3600, hours=1)
    assert api(proxy, "bob", "POST", f"/waivers/{later['id']}/approve").status_code == 200
    assert ask(proxy, "alice", TRUNCATE) == "block"  # approved, but not started yet
    past = request_waiver(proxy, rule="sql.truncate-table", starts_at=time.time() - 7200, hours=1)
    ended = api(proxy, "bob", "POST", f"/waivers/{past['id']}/approve")
    assert ended.status_code == 409 and "ended" in ended.json()["error"]["message"]


def book_with(starts: float, expires: float, subject: tuple[str, str] = ("key", "alice"),
              scope: tuple[str, str] = ("rule", "r.x"), status: str = "approved") -> WaiverBook:
    book = WaiverBook()
    book.replace([WaiverRow("wv-1", 0.0, scope[0], scope[1], subject[0], subject[1], "payments", starts, expires,
                            "because", "alice", "alice", status=status)])
    return book


def test_waiver_window_and_scope_matching() -> None:
    book = book_with(100.0, 200.0)
    assert book.match("r.x", "injection", "alice", "payments", now=99.9) is None
    assert book.match("r.x", "injection", "alice", "payments", now=100.0) is not None
    assert book.match("r.x", "injection", "alice", "payments", now=199.9) is not None
    assert book.match("r.x", "injection", "alice", "payments", now=200.0) is None  # expired
    assert book.match("r.y", "injection", "alice", "payments", now=150) is None  # another rule
    assert book.match("r.x", "injection", "bob", "payments", now=150) is None  # another key
    assert book.match("r.x", "injection", None, None, now=150) is None
    team = book_with(100.0, 200.0, subject=("team", "payments"), scope=("category", "injection"))
    assert team.match("any.rule", "injection", "bob", "payments", now=150) is not None
    assert team.match("any.rule", "injection", "carol", "search", now=150) is None
    assert team.match("any.rule", "time-handling", "bob", "payments", now=150) is None
    for status in ("pending", "denied", "revoked"):
        assert book_with(100.0, 200.0, status=status).match("r.x", "c", "alice", "payments", now=150) is None


def test_status_shows_expired_after_the_window() -> None:
    row = WaiverRow("wv-1", 0.0, "rule", "r.x", "key", "alice", "payments", 100.0, 200.0, "because", "alice",
                    "alice", status="approved")
    assert status_of(row, now=199.0) == "approved"
    assert status_of(row, now=200.0) == "expired"
    assert status_of(WaiverRow(**{**row.__dict__, "status": "denied"}), now=300.0) == "denied"


# ------------------------------------------------------------------ reads


def test_whoami_names_the_caller(proxy: TeamProxy) -> None:
    assert api(proxy, "bob", "GET", "/whoami").json() == {"key_id": "bob", "owner": "bob", "team": "payments",
                                                           "roles": ["approver"]}
    assert api(proxy, "alice-approver", "GET", "/whoami").json()["owner"] == "alice"
    assert api(proxy, None, "GET", "/whoami", token=TOKEN).json()["roles"] == ["viewer"]
    assert api(proxy, None, "GET", "/whoami").status_code == 401
    assert api(proxy, None, "GET", "/whoami", token="bwk_bob_" + "0" * 64).status_code == 401
    assert api(proxy, "mallory", "GET", "/whoami").status_code == 401  # revoked in the config


@pytest.mark.parametrize(("who", "status"), [("root", 200), ("bob", 200), ("alice", 403), (None, 200)])
def test_stats_roles(proxy: TeamProxy, who: str | None, status: int) -> None:
    response = api(proxy, who, "GET", "/stats?hours=1", token=None if who else TOKEN)
    assert response.status_code == status


@pytest.mark.parametrize(("who", "status"), [("root", 200), ("bob", 403), ("alice", 403), (None, 200)])
def test_audit_roles(proxy: TeamProxy, who: str | None, status: int) -> None:
    response = api(proxy, who, "GET", "/audit?since=0&limit=1", token=None if who else TOKEN)
    assert response.status_code == status


def test_stats_and_audit_report_real_traffic(proxy: TeamProxy, fake: FakeLLM) -> None:
    since = time.time() - 1
    fake.respond(json_reply(chat_completion("Here:\n\n```sql\nDROP DATABASE billing;\n```\n")))
    assert ask(proxy, "carol") == "tag"  # search tags destructive operations
    fake.respond(json_reply(chat_completion("Here:\n\n```sql\nDROP DATABASE billing;\n```\n")))
    assert ask(proxy, "bob") == "block"
    proxy.flush()
    rows = api(proxy, "root", "GET", f"/audit?since={since}").json()["decisions"]
    mine = [(r["key_id"], r["team"], r["decision"]) for r in rows if "billing" in r["excerpt"]]
    assert mine == [("carol", "search", "tag"), ("bob", "payments", "block")]
    assert all(f["rule_id"] == "sql.drop-table-or-database" for r in rows if "billing" in r["excerpt"]
               for f in r["findings"])
    assert len(api(proxy, "root", "GET", f"/audit?since={since}&limit=1").json()["decisions"]) == 1
    assert api(proxy, "root", "GET", f"/audit?since={time.time() + 60}").json()["decisions"] == []
    stats = api(proxy, "bob", "GET", "/stats?hours=1").json()
    blocked = [b for b in stats["recent_blocked"] if "billing" in json.dumps(b)]
    assert blocked and all("bob" in json.dumps(b) for b in blocked)
    assert stats["viewer"] == {"key_id": "bob", "roles": ["approver"]}
    assert "sql.drop-table-or-database" in {r["name"] for r in stats["top_rules"]}


def test_waiver_lists_are_per_team(proxy: TeamProxy) -> None:
    asked = request_waiver(proxy, "carol", rule="go.http-get-without-timeout", reason="search-only rule")
    seen_by = {who: {w["id"] for w in api(proxy, who, "GET", "/waivers").json()["waivers"]}
               for who in ("carol", "dave", "alice", "root")}
    seen_by["token"] = {w["id"] for w in api(proxy, None, "GET", "/waivers", token=TOKEN).json()["waivers"]}
    assert asked["id"] in seen_by["carol"] and asked["id"] in seen_by["dave"]
    assert asked["id"] in seen_by["root"] and asked["id"] in seen_by["token"]
    assert asked["id"] not in seen_by["alice"]
    assert api(proxy, None, "POST", "/waivers", {"rule": "x", "reason": "token"}, token=TOKEN).status_code == 403


# ------------------------------------------------------------------ keys


def test_keys_routes_are_admin_only_and_work(proxy: TeamProxy, fake: FakeLLM) -> None:
    for who in ("alice", "bob"):
        assert api(proxy, who, "GET", "/keys").status_code == 403
        assert api(proxy, who, "POST", "/keys", {"id": "x1", "team": "payments"}).status_code == 403
        assert api(proxy, who, "POST", "/keys/alice/revoke").status_code == 403
    assert api(proxy, None, "GET", "/keys", token=TOKEN).status_code == 403
    listed = {k["id"]: k for k in api(proxy, "root", "GET", "/keys").json()["keys"]}
    assert listed["mallory"]["revoked"] is True and listed["alice"]["revoked"] is False
    assert all("hash" not in k and "key" not in k for k in listed.values())

    made = api(proxy, "root", "POST", "/keys", {"id": "erin", "team": "search", "roles": ["approver"]})
    assert made.status_code == 201
    key = made.json()["key"]
    assert re.fullmatch(r"bwk_erin_[0-9a-f]{64}", key)
    assert api(proxy, "root", "POST", "/keys", {"id": "erin", "team": "search"}).status_code == 409
    assert api(proxy, "root", "POST", "/keys", {"id": "frank", "team": "nope"}).status_code == 400
    assert api(proxy, "root", "POST", "/keys", {"id": "Bad Id", "team": "search"}).status_code == 400
    who = requests.get(f"{proxy.url}/admin/api/whoami", headers={"x-api-key": key}, timeout=10).json()
    assert who == {"key_id": "erin", "owner": "erin", "team": "search", "roles": ["approver"]}
    with sqlite3.connect(proxy.db) as conn:
        stored = [r[0] for r in conn.execute("SELECT hash FROM api_keys WHERE id = 'erin'")]
    assert stored and key not in stored[0]

    fake.respond(json_reply(chat_completion("hi")))
    proxy.keys["erin"] = key
    assert ask(proxy, "erin", "hi") == "allow"
    assert api(proxy, "root", "POST", "/keys/erin/revoke").json() == {"id": "erin", "revoked": True}
    with pytest.raises(openai.AuthenticationError):
        ask(proxy, "erin", "hi")
    assert api(proxy, "root", "POST", "/keys/nobody/revoke").status_code == 404


def test_a_config_key_can_be_revoked_at_runtime(fake_server: tuple[FakeLLM, ServerThread], fake: FakeLLM,
                                                tmp_path: Path) -> None:
    proxy = start_team_proxy(fake_server[1].url, tmp_path / "audit.sqlite3")
    try:
        fake.respond(json_reply(chat_completion("hi")))
        assert ask(proxy, "carol", "hi") == "allow"
        assert api(proxy, "root", "POST", "/keys/carol/revoke").status_code == 200
        with pytest.raises(openai.AuthenticationError):
            ask(proxy, "carol", "hi")
        assert api(proxy, "carol", "GET", "/whoami").status_code == 401
    finally:
        proxy.server.stop()


def test_keys_create_prints_a_key_the_proxy_accepts(fake_server: tuple[FakeLLM, ServerThread], fake: FakeLLM,
                                                    tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BREAKWATER_KEY_PEPPER", PEPPER)
    assert main(["keys", "create", "--id", "zed", "--team", "payments", "--role", "approver",
                 "--owner", "zoe"]) == 0
    printed = capsys.readouterr()
    key = re.search(r"\bbwk_zed_[0-9a-f]{64}\b", printed.out)
    entry_line = next(line for line in printed.out.splitlines() if line.strip().startswith("- {"))
    assert key is not None and "warning" not in printed.err
    entry = json.loads(entry_line.strip()[2:])
    assert entry["id"] == "zed" and entry["team"] == "payments" and entry["owner"] == "zoe"
    assert entry["roles"] == ["approver"] and key.group(0) not in entry["hash"]
    assert entry["hash"] != hash_key(key.group(0), PEPPER.encode())  # salted: a fresh salt per hash

    proxy = start_team_proxy(fake_server[1].url, tmp_path / "audit.sqlite3", keys=[entry])
    try:
        who = requests.get(f"{proxy.url}/admin/api/whoami", headers={"Authorization": f"Bearer {key.group(0)}"},
                           timeout=10)
        assert who.json() == {"key_id": "zed", "owner": "zoe", "team": "payments", "roles": ["approver"]}
        wrong = key.group(0)[:-1] + ("0" if key.group(0)[-1] != "0" else "1")
        assert requests.get(f"{proxy.url}/admin/api/whoami", headers={"Authorization": f"Bearer {wrong}"},
                            timeout=10).status_code == 401
    finally:
        proxy.server.stop()


def test_keys_create_warns_without_a_pepper(capsys: pytest.CaptureFixture[str],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BREAKWATER_KEY_PEPPER", raising=False)
    assert main(["keys", "create", "--id", "yan", "--team", "payments"]) == 0
    assert "BREAKWATER_KEY_PEPPER" in capsys.readouterr().err


# ------------------------------------------------------------------ dashboard


@pytest.mark.parametrize("path", ["/dashboard", "/dashboard/static/dashboard.js", "/dashboard/static/dashboard.css"])
def test_dashboard_is_served_with_a_strict_csp(proxy: TeamProxy, path: str) -> None:
    response = requests.get(f"{proxy.url}{path}", timeout=10)
    assert response.status_code == 200
    policy = {d.split()[0]: d.split()[1:] for d in response.headers["Content-Security-Policy"].split(";") if d.strip()}
    assert policy["script-src"] == ["'self'"] and policy["default-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert not any("unsafe" in value for values in policy.values() for value in values)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"


@pytest.mark.parametrize("name", ["../config.py", ".hidden.js", "missing.js", "dashboard.py", "%2e%2e%2fservice.py"])
def test_dashboard_serves_only_its_own_assets(proxy: TeamProxy, name: str) -> None:
    response = requests.get(f"{proxy.url}/dashboard/static/{name}", timeout=10)
    assert response.status_code == (400 if "%" in name else 404)  # an encoded path is refused before routing
