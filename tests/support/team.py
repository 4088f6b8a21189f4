"""A team-mode proxy for tests: teams, keys (made with the real hashing), its own SQLite store."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from proxy.config import Settings
from proxy.server import STATE, create_app
from proxy.team.keys import hash_key, new_key
from proxy.team.service import TEAM, TeamService
from tests.support.servers import ServerThread, wait_ready

PEPPER_ENV = "BREAKWATER_TEST_PEPPER"
PEPPER = "test-pepper"

# key id → (team, owner, roles)
PEOPLE: dict[str, tuple[str, str, list[str]]] = {
    "alice": ("payments", "alice", ["developer"]),
    "alice-approver": ("payments", "alice", ["approver"]),  # same person as `alice`: may not approve her waivers
    "bob": ("payments", "bob", ["approver"]),
    "carol": ("search", "carol", ["developer"]),
    "dave": ("search", "dave", ["approver"]),
    "root": ("platform", "root", ["admin"]),
    "mallory": ("payments", "mallory", ["developer"]),  # revoked in the config
}


@dataclass
class TeamProxy:
    server: ServerThread
    keys: dict[str, str]
    db: Path
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def service(self) -> TeamService:
        return self.server.app[TEAM]

    def flush(self) -> None:
        assert self.service.sink is not None
        assert self.service.sink.flush(10)

    def metrics(self) -> str:
        return self.server.app[STATE].metrics.render().decode()

    def headers(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.keys[who]}"}


def team_settings(upstream_url: str, db: Path, plaintext_keys: dict[str, str] | None = None,
                  **team_overrides: Any) -> tuple[Settings, dict[str, str]]:
    """`plaintext_keys`: the people's keys to use (default: new ones); `team_overrides` replace
    `team:` entries, `keys` included (a test's own key records)."""
    keys = plaintext_keys or {key_id: new_key(key_id) for key_id in PEOPLE}
    team: dict[str, Any] = {
        "auth": "virtual_keys",
        "pepper_env": PEPPER_ENV,
        "dashboard_token_env": "BREAKWATER_TEST_DASHBOARD_TOKEN",
        "refresh_seconds": 0.2,
        "teams": {
            "payments": {"upstream": {"openai_api_key_env": "PAYMENTS_OPENAI_KEY",
                                      "anthropic_api_key_env": "PAYMENTS_ANTHROPIC_KEY"}},
            "search": {"upstream": {"openai_api_key_env": "SEARCH_OPENAI_KEY"},
                       "actions": {"categories": {"destructive-operation": "tag"}}},
            "platform": {"upstream": {"openai_api_key_env": "PLATFORM_OPENAI_KEY",
                                      "anthropic_api_key_env": "PLATFORM_ANTHROPIC_KEY"}, "mode": "shadow"},
        },
        "keys": [
            {"id": key_id, "hash": hash_key(keys[key_id], PEPPER.encode()), "team": t, "owner": owner,
             "roles": roles, "revoked": key_id == "mallory"}
            for key_id, (t, owner, roles) in PEOPLE.items()
        ],
        "audit": {"enabled": True, "path": str(db), "flush_seconds": 0.05},
    }
    team.update(team_overrides)
    settings = Settings(openai_base_url=f"{upstream_url}/v1", anthropic_base_url=upstream_url, team=team)
    return settings, keys


def start_team_proxy(upstream_url: str, db: Path, top: dict[str, Any] | None = None,
                     **team_overrides: Any) -> TeamProxy:
    """`top`: top-level settings besides `team:` (e.g. `{"repair": RepairConfig(...)}`)."""
    settings, keys = team_settings(upstream_url, db, **team_overrides)
    if top:
        settings = settings.model_copy(update=top)
    return TeamProxy(wait_ready(ServerThread(create_app(settings)).start()), keys, db)


def admin_api(proxy: TeamProxy, who: str | None, method: str, path: str, body: dict | None = None,
              token: str | None = None) -> requests.Response:
    """A call to the admin API as person `who` (their key), or with a bearer `token`, or with no credential."""
    headers = proxy.headers(who) if who else ({"Authorization": f"Bearer {token}"} if token else {})
    return requests.request(method, f"{proxy.url}/admin/api{path}", headers=headers, json=body, timeout=10)


def request_waiver(proxy: TeamProxy, who: str = "alice", **body: object) -> dict:
    payload = {"rule": "sql.drop-table-or-database", "reason": "migrating the orders schema", **body}
    response = admin_api(proxy, who, "POST", "/waivers", payload)
    assert response.status_code == 201, response.text
    return response.json()


def waiver_events(proxy: TeamProxy, waiver_id: str) -> list[tuple[str, str]]:
    with sqlite3.connect(proxy.db) as conn:
        return list(conn.execute("SELECT action, actor FROM waiver_events WHERE waiver_id = ? ORDER BY id",
                                 (waiver_id,)))
