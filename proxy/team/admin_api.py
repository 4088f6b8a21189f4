"""The admin API (JSON): keys, waivers, audit and dashboard data.

Callers authenticate like API clients (`Authorization: Bearer <key>` or `x-api-key`).
Roles: `developer` requests waivers; `approver` approves or denies them for its team;
`admin` does everything for every team; the read-only dashboard token (`viewer`) reads.

Database work runs on executor threads, so a slow store slows only these routes, never
the proxied `/v1/*` traffic.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any, Literal, TypeVar

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from proxy.reload import RELOADER
from proxy.team.config import KEY_ID, Role, developer_only
from proxy.team.keys import KeyRecord, Principal, hash_key, new_key
from proxy.team.service import TEAM, TeamService, principal_of
from proxy.team.store import FILTER_COLUMNS, AuditFilter, DuplicateKey, StoredKey, StoreError
from proxy.team.waivers import WaiverError, WaiverRequest, WaiverService, status_of

PREFIX = "/admin/api"
T = TypeVar("T")
Route = Callable[[web.Request, TeamService, Principal], Awaitable[web.StreamResponse]]


class KeyCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=KEY_ID.pattern)
    team: str
    owner: str | None = None
    roles: list[Role] = Field(default_factory=developer_only)


class StatsQuery(BaseModel):
    """`?hours=&bucket=` of /stats: finite, positive, bounded (nan, inf or text is a 400, not a 500)."""

    model_config = ConfigDict(extra="ignore")

    hours: float = Field(24, gt=0, le=24 * 400, allow_inf_nan=False)
    bucket: int = Field(0, ge=0, le=86400 * 31)


class AuditQuery(BaseModel):
    """`/audit` filters: what a dashboard number counts (decision, team, rule, …) in a time window."""

    model_config = ConfigDict(extra="ignore")

    since: float = Field(0, ge=0, le=1e11, allow_inf_nan=False)
    until: float | None = Field(None, gt=0, le=1e11, allow_inf_nan=False)
    limit: int = Field(500, gt=0, le=5000)
    order: Literal["asc", "desc"] = "asc"
    decision: str | None = Field(None, max_length=200)
    team: str | None = Field(None, max_length=200)
    key_id: str | None = Field(None, max_length=200)
    model: str | None = Field(None, max_length=200)
    client: str | None = Field(None, max_length=200)
    replica: str | None = Field(None, max_length=200)
    language: str | None = Field(None, max_length=200)
    request_id: str | None = Field(None, max_length=200)
    repair_outcome: str | None = Field(None, max_length=200)
    rule: str | None = Field(None, max_length=200)
    category: str | None = Field(None, max_length=200)

    def to_filter(self) -> AuditFilter:
        equals = {c: v for c in FILTER_COLUMNS if (v := getattr(self, c, None)) is not None}
        return AuditFilter(self.since, self.until, self.limit, self.order == "desc", equals, self.rule, self.category)


class Decide(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: str = Field("", max_length=2000)


def add_routes(app: web.Application) -> None:
    r = app.router
    r.add_get(f"{PREFIX}/whoami", _guarded(whoami))
    r.add_get(f"{PREFIX}/stats", _guarded(stats, "admin", "approver", "viewer"))
    r.add_get(f"{PREFIX}/audit", _guarded(audit, "admin", "viewer"))
    r.add_get(f"{PREFIX}/waivers", _guarded(list_waivers))
    r.add_post(f"{PREFIX}/waivers", _guarded(request_waiver, "developer", "approver", "admin"))
    # Any key may try; WaiverService refuses non-approvers and records the refusal in the audit trail.
    r.add_post(f"{PREFIX}/waivers/{{id}}/approve", _guarded(approve_waiver, "developer", "approver", "admin"))
    r.add_post(f"{PREFIX}/waivers/{{id}}/deny", _guarded(deny_waiver, "developer", "approver", "admin"))
    r.add_post(f"{PREFIX}/waivers/{{id}}/revoke", _guarded(revoke_waiver, "developer", "approver", "admin"))
    r.add_get(f"{PREFIX}/keys", _guarded(list_keys, "admin"))
    r.add_post(f"{PREFIX}/keys", _guarded(create_key, "admin"))
    r.add_post(f"{PREFIX}/keys/{{id}}/revoke", _guarded(revoke_key, "admin"))
    r.add_post(f"{PREFIX}/reload", _guarded(reload_configuration, "admin", needs_store=False))


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"error": {"status": status, "message": message}}, status=status)


def _guarded(route: Route, *roles: str, needs_store: bool = True) -> Callable[[web.Request],
                                                                            Awaitable[web.StreamResponse]]:
    async def handle(request: web.Request) -> web.StreamResponse:
        service = request.app[TEAM]
        who = service.caller(request)
        if who is None:
            return _error(401, "an admin, approver or developer key (or the dashboard token) is required")
        if roles and not any(role in who.roles for role in roles):
            return _error(403, f"this needs one of the roles: {', '.join(roles)}")
        if needs_store and service.store is None:
            return _error(503, "the team store is disabled (team.audit.enabled: false)")
        try:
            return await route(request, service, who)
        except WaiverError as exc:
            return _error(exc.status, exc.message)
        except ValidationError as exc:
            return _error(400, "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()))
        except DuplicateKey as exc:
            return _error(409, str(exc))
        except StoreError as exc:
            return _error(503, f"the team store is unavailable ({exc.reason})")

    return handle


async def _off_loop(function: Callable[..., T], *args: Any) -> T:
    return await asyncio.get_running_loop().run_in_executor(None, function, *args)


async def _body(request: web.Request) -> Any:
    if not request.can_read_body:
        return {}
    try:
        return await request.json()
    except ValueError:
        raise WaiverError(400, "the body must be JSON") from None


def _waivers(service: TeamService) -> WaiverService:
    assert service.waivers is not None
    return service.waivers


def _waiver_json(row: Any) -> dict[str, Any]:
    return {**row.to_json(), "status": status_of(row)}


async def whoami(request: web.Request, service: TeamService, who: Principal) -> web.Response:
    return web.json_response({"key_id": who.key_id, "owner": who.owner, "team": who.team,
                              "roles": sorted(who.roles)})


async def stats(request: web.Request, service: TeamService, who: Principal) -> web.Response:
    query = StatsQuery.model_validate(dict(request.query))
    hours = query.hours
    bucket = query.bucket or max(60, int(hours * 3600 / 48))
    assert service.store is not None
    data = await _off_loop(service.store.stats, time.time() - hours * 3600, bucket)
    data["recent_blocked"] = await _off_loop(service.store.recent_blocked, 20)
    pending = await _off_loop(_waivers(service).visible, who, "pending")
    data["open_waivers"] = [_waiver_json(w) for w in pending]
    data["viewer"] = {"key_id": who.key_id, "roles": sorted(who.roles)}
    return web.json_response(data)


async def audit(request: web.Request, service: TeamService, who: Principal) -> web.Response:
    query = AuditQuery.model_validate(dict(request.query))
    assert service.store is not None
    return web.json_response({"decisions": await _off_loop(service.store.audit_rows, query.to_filter())})


async def list_waivers(request: web.Request, service: TeamService, who: Principal) -> web.Response:
    rows = await _off_loop(_waivers(service).visible, who, request.query.get("status"))
    return web.json_response({"waivers": [_waiver_json(w) for w in rows]})


async def request_waiver(request: web.Request, service: TeamService, who: Principal) -> web.Response:
    body = WaiverRequest.model_validate(await _body(request))
    row = await _off_loop(_waivers(service).request, who, body)
    return web.json_response(_waiver_json(row), status=201)


async def _decide(request: web.Request, service: TeamService, who: Principal, verb: str) -> web.Response:
    body = Decide.model_validate(await _body(request))
    action = getattr(_waivers(service), verb)
    row = await _off_loop(action, who, request.match_info["id"], body.note)
    await service.refresh()  # this worker applies the change at once; others within refresh_seconds
    return web.json_response(_waiver_json(row))


async def approve_waiver(request: web.Request, service: TeamService, who: Principal) -> web.Response:
    return await _decide(request, service, who, "approve")


async def deny_waiver(request: web.Request, service: TeamService, who: Principal) -> web.Response:
    return await _decide(request, service, who, "deny")


async def revoke_waiver(request: web.Request, service: TeamService, who: Principal) -> web.Response:
    return await _decide(request, service, who, "revoke")


async def list_keys(request: web.Request, service: TeamService, who: Principal) -> web.Response:
    return web.json_response({"keys": [
        {"id": p.key_id, "owner": p.owner, "team": p.team, "roles": sorted(p.roles), "revoked": p.revoked,
         "created_by": p.created_by, "created_at": p.created_at or None}
        for p in sorted(service.keyring.all(), key=lambda p: p.key_id)
    ]})


async def create_key(request: web.Request, service: TeamService, who: Principal) -> web.Response:
    body = KeyCreate.model_validate(await _body(request))
    if body.team not in service.config.teams:
        raise WaiverError(400, f"unknown team {body.team!r}")
    if service.keyring.get(body.id) is not None:
        raise WaiverError(409, f"key id {body.id!r} exists")
    key = new_key(body.id)
    stored = StoredKey(body.id, hash_key(key, service.keyring.pepper), body.team, body.owner or body.id,
                       list(body.roles), False, time.time(), created_by=who.owner, created_by_key=who.key_id)
    assert service.store is not None
    await _off_loop(service.store.insert_key, stored)
    service.keyring.put(KeyRecord(principal_of(stored), stored.hash))
    return web.json_response({"id": body.id, "team": body.team, "owner": stored.owner, "roles": stored.roles,
                              "created_by": stored.created_by, "created_at": stored.created_at,
                              "key": key, "note": "shown once; only its hash is stored"}, status=201)


async def reload_configuration(request: web.Request, service: TeamService, who: Principal) -> web.Response:
    """Like SIGHUP: re-read the configuration and rules, warm a new engine, swap (proxy/reload.py)."""
    outcome = await request.app[RELOADER].reload()
    if not outcome.ok:
        return _error(422, outcome.message)
    return web.json_response({"reloaded": True, "message": outcome.message})


async def revoke_key(request: web.Request, service: TeamService, who: Principal) -> web.Response:
    key_id = request.match_info["id"]
    if service.keyring.get(key_id) is None:
        raise WaiverError(404, f"no key {key_id!r}")
    assert service.store is not None
    await _off_loop(service.store.revoke_key, key_id)
    await service.refresh()
    return web.json_response({"id": key_id, "revoked": True})
