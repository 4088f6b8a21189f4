"""`POST /scan`: reply, code, command, file write and tool call in; the finding JSON and a verdict out."""

from __future__ import annotations

import sqlite3

import pytest
import requests

from tests.support.servers import ServerThread
from tests.support.team import TeamProxy

PROSE = "Nothing to run here, just prose."


def scan(url: str, body: object, **headers: str) -> requests.Response:
    return requests.post(f"{url}/scan", json=body, headers=headers, timeout=60)


@pytest.mark.parametrize(("body", "decision", "deliver", "category"), [
    ({"kind": "command", "content": "git push --force origin main"}, "block", False, "destructive-operation"),
    ({"kind": "command", "content": "git status && npm test"}, "allow", True, None),
    ({"kind": "file_write", "path": "app/fetch.py", "content": "import requests\nrequests.get(u)\n"},
     "tag", True, "missing-timeout"),
    ({"kind": "code", "language": "sql", "content": "DROP TABLE orders;"}, "block", False, "destructive-operation"),
    ({"kind": "code", "path": "db/cleanup.sql", "content": "DROP TABLE orders;"}, "block", False,
     "destructive-operation"),
    ({"kind": "reply", "content": "Run this:\n\n```bash\nrm -rf / --no-preserve-root\n```\n"}, "block", False,
     "destructive-operation"),
    ({"kind": "reply", "content": PROSE}, "allow", True, None),
    ({"kind": "tool_call", "tool": "mcp__postgres__query", "arguments": {"sql": "TRUNCATE TABLE payments;"}},
     "block", False, "destructive-operation"),
])
def test_scan_api_judges_each_kind(proxy: ServerThread, body: dict, decision: str, deliver: bool,
                                   category: str | None) -> None:
    response = scan(proxy.url, body)
    assert response.status_code == 200, response.text
    answer = response.json()
    assert (answer["decision"], answer["deliver"], answer["kind"]) == (decision, deliver, body["kind"])
    assert response.headers["X-Breakwater-Decision"] == decision
    categories = {f["category"] for s in answer["snippets"] for f in s["findings"]}
    assert (category in categories) if category else not categories
    for snippet in answer["snippets"]:  # prose has none; everything else has the CONTRACT.md snippet shape
        assert set(snippet) >= {"index", "language", "origin", "parse_errors", "decision", "findings"}
    assert answer["snippets"] or body.get("content") == PROSE


@pytest.mark.parametrize("body", [
    {"kind": "shell", "content": "ls"},
    {"content": "ls"},
    {"kind": "file_write", "content": "x = 1"},
    {"kind": "code", "language": "cobol", "content": "DISPLAY 'HI'."},
    {"kind": "tool_call", "tool": "Bash"},
    {"kind": "command", "content": "ls", "surprise": True},
    ["not", "an", "object"],
])
def test_scan_api_refuses_what_it_cannot_judge(proxy: ServerThread, body: object) -> None:
    response = scan(proxy.url, body)
    assert response.status_code == 400
    assert response.json()["error"]["type"] == "invalid_request_error"


def test_scan_api_refuses_non_json_and_deep_json(proxy: ServerThread) -> None:
    for raw in (b"{oops", b"[" * 5000 + b"]" * 5000, b"\xff\xfe"):
        response = requests.post(f"{proxy.url}/scan", data=raw, timeout=30)
        assert response.status_code == 400, raw[:10]


def test_scan_api_in_team_mode_needs_a_key_uses_the_team_policy_and_is_audited(team_proxy: TeamProxy) -> None:
    body = {"kind": "command", "content": "git push --force origin main"}
    assert scan(team_proxy.url, body).status_code == 401
    assert scan(team_proxy.url, body, Authorization="Bearer bwk_nobody_0000").status_code == 401
    payments = scan(team_proxy.url, body, **team_proxy.headers("alice")).json()
    assert (payments["decision"], payments["deliver"]) == ("block", False)
    sql = {"kind": "code", "language": "sql", "content": "DROP TABLE search_index;"}
    search = scan(team_proxy.url, sql, **team_proxy.headers("carol")).json()  # search tags destructive ops
    assert (search["decision"], search["deliver"]) == ("tag", True)
    team_proxy.flush()
    with sqlite3.connect(team_proxy.db) as conn:
        audited = conn.execute("SELECT team, key_id, endpoint, decision FROM decisions ORDER BY id").fetchall()
    assert ("payments", "alice", "/scan", "block") in audited
    assert ("search", "carol", "/scan", "tag") in audited
