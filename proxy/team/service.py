"""Wiring the team service into the proxy: one middleware, one policy, one guard hook.

`install(app, settings, guard, registry)` is the only call the core server makes. With no
`team:` configuration it still installs, and behaves as a pass-through: the client's own
provider key goes upstream, nothing is audited, and no `/v1/*` request is refused.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import hmac
import json
import logging
import os
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from aiohttp import web
from prometheus_client import CollectorRegistry

from proxy.credentials import presented_key
from proxy.forward import ApiError
from proxy.guard import GuardHooks
from proxy.http_target import GUARDED_PATHS, SCAN_PATH, api_of, target_of
from proxy.models import ScanResult
from proxy.policy import Policy
from proxy.request_context import REQUEST_CONTEXT, RequestContext, client_of, request_id_for, unknown_caller
from proxy.team.audit import AuditMetrics, AuditSink
from proxy.team.config import TeamConfig
from proxy.team.enforce import CallerPolicy
from proxy.team.export import AuditExport
from proxy.team.keys import KEY_PREFIX, KeyRecord, KeyRing, Principal
from proxy.team.sql_store import make_store
from proxy.team.store import Store, StoredKey, StoreError
from proxy.team.waivers import WaiverBook, WaiverService
from proxy.upstream import UPSTREAM_AUTH, UpstreamAuth

if TYPE_CHECKING:
    from proxy.config import Settings
    from proxy.guard import Guard

log = logging.getLogger("breakwater.team")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class TeamService:
    def __init__(self, settings: Settings, registry: CollectorRegistry) -> None:
        self.settings = settings
        self.config: TeamConfig = settings.team
        self.keyring = KeyRing(pepper_from_env(self.config))
        self.waiver_book = WaiverBook()
        self.team_policies: dict[str, Policy] = {}  # team → its policy, for teams that override the actions
        self.store: Store | None = None
        self.sink: AuditSink | None = None
        self.waivers: WaiverService | None = None
        if self.config.audit.enabled:
            self.store = store_for(self.config)
            export = AuditExport(self.config.audit.export, registry)
            self.sink = AuditSink(self.store, self.config.audit, AuditMetrics(registry), export)
            self.waivers = WaiverService(self.store, set(self.config.teams), self.config.max_waiver_days,
                                         self.keyring.lineage, export.waiver)
        self._refresher: asyncio.Task[None] | None = None
        self._stored_keys: list[StoredKey] = []  # the last read of run-time keys, kept across a reload
        self.keyring.replace(self._config_keys())

    # -- installation -------------------------------------------------------------------------------
    def attach(self, settings: Settings, guard: Guard) -> None:
        """Take (new) settings and hook a guard: team policy, audit observer, per-team mode.

        Called at start and on every live reload (proxy/reload.py), which has already refused
        changes to the store, the audit settings and the pepper; keys from the file and teams
        change here, run-time keys from the store are kept.
        """
        self.settings, self.config = settings, settings.team
        self.keyring.replace(merged_keys(self._config_keys(), self._stored_keys))
        if self.waivers is not None:
            self.waivers.known_teams = set(self.config.teams)
            self.waivers.max_days = self.config.max_waiver_days
        self.team_policies = self._team_policies(guard.scanner.policy)
        guard.hooks = GuardHooks(policy_for=self.policy_for, mode_for=self.mode_for, repair_for=self.repair_for,
                                 after_decision=(self.observe,))

    def _team_policies(self, base: Policy) -> dict[str, Policy]:
        per_team: dict[str, Policy] = {}
        for name, team in self.config.teams.items():
            actions = team.actions_config()
            if actions is not None:
                per_team[name] = Policy(actions, fail_closed=base.fail_closed, shadow=base.shadow, tools=base.tools)
        return per_team

    def policy_for(self, base: Policy, caller: RequestContext | None) -> Policy:
        """The `policy_for` hook: the calling team's actions when it overrides them, and the caller's waivers."""
        chosen = self.team_policies.get(caller.team or "", base) if caller else base
        return CallerPolicy(chosen.actions, chosen.fail_closed, chosen.shadow, chosen.tools, waivers=self.waiver_book,
                            key_id=caller.key_id if caller else None, team=caller.team if caller else None)

    def mode_for(self, caller: RequestContext | None) -> bool | None:
        """The `mode_for` hook: the calling team's mode (shadow: True), when it overrides the global one."""
        team = self.config.teams.get(caller.team or "") if caller else None
        return None if team is None or team.mode is None else team.mode == "shadow"

    def repair_for(self, caller: RequestContext | None) -> bool | None:
        """The `repair_for` hook: the calling team's repair switch, when it overrides `repair.enabled`."""
        team = self.config.teams.get(caller.team or "") if caller else None
        return None if team is None else team.repair

    def observe(self, result: ScanResult, caller: RequestContext | None) -> None:
        """The audit hook: called by the guard for every scan, whichever path made it."""
        if self.sink is not None:
            self.sink.record(result, caller or unknown_caller())

    # -- lifecycle ----------------------------------------------------------------------------------
    async def start(self, app: web.Application) -> None:
        if self.sink is not None:
            await self.refresh()  # opens the store (schema, WAL) before the audit writer starts
            self.sink.start()
            self._refresher = asyncio.create_task(self._refresh_forever())

    async def stop(self, app: web.Application) -> None:
        if self._refresher is not None:
            self._refresher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._refresher
        if self.sink is not None:
            await asyncio.get_running_loop().run_in_executor(None, self.sink.close)
        if self.store is not None:
            await asyncio.get_running_loop().run_in_executor(None, self.store.close)

    async def refresh(self) -> None:
        """Re-read keys and waivers made by any worker or replica (they share the store)."""
        if self.store is None:
            return
        store = self.store
        try:
            await asyncio.get_running_loop().run_in_executor(None, store.open)
            stored_keys = await asyncio.get_running_loop().run_in_executor(None, store.keys)
            approved = await asyncio.get_running_loop().run_in_executor(None, store.waivers, "approved")
        except StoreError as exc:
            log.debug("team store refresh failed (keeping the cached keys and waivers): %s", exc)
            return
        self._stored_keys = stored_keys
        self.keyring.replace(merged_keys(self._config_keys(), stored_keys))
        self.waiver_book.replace(approved)

    async def _refresh_forever(self) -> None:
        while True:
            await asyncio.sleep(self.config.refresh_seconds)
            await self.refresh()

    def _config_keys(self) -> list[KeyRecord]:
        return [KeyRecord(Principal(k.id, k.owner or k.id, k.team, frozenset(k.roles), k.revoked,
                                    created_by=k.created_by, created_at=k.created_at or 0.0), k.hash)
                for k in self.config.keys]

    # -- the /v1/* middleware -----------------------------------------------------------------------
    @web.middleware
    async def middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        if not target_of(request).is_api and request.path != SCAN_PATH:  # every upstream route, and the scan API
            return await handler(request)
        ctx = RequestContext(request_id_for(request), endpoint=request.path,
                             client=client_of(request.headers.get("User-Agent")))
        credentials: dict[str, str] | None = None
        presented = presented_key(request.headers)
        if self.config.auth == "virtual_keys" or (presented or "").startswith(KEY_PREFIX):
            principal = self.keyring.authenticate(presented)
            if principal is None:
                raise ApiError(401, "invalid, unknown or revoked Breakwater key" if presented
                               else "a Breakwater key is required (Authorization: Bearer, or x-api-key)",
                               "invalid_api_key")
            ctx.team, ctx.key_id, ctx.owner = principal.team, principal.key_id, principal.owner
            if request.path != SCAN_PATH:  # the scan API never goes upstream
                credentials = self._credentials(principal.team, request.path)
        guarded = request.method == "POST" and request.path in GUARDED_PATHS
        if self.sink is not None and guarded and request.body_exists:
            ctx.model = _model_of(await request.read())  # aiohttp caches the body; the handler reads it again free
        request[REQUEST_CONTEXT] = ctx  # handed to the guard by the server (Guard.for_caller)
        request[UPSTREAM_AUTH] = UpstreamAuth(credentials)  # read by proxy.forward for the upstream request
        return await handler(request)

    def _credentials(self, team_name: str, path: str) -> dict[str, str]:
        """The team's provider keys; the virtual key itself is never sent upstream."""
        team = self.config.teams[team_name].upstream if team_name in self.config.teams else None
        found = {}
        for upstream, env_name, fallback in (
            ("openai", team.openai_api_key_env if team else None, self.settings.openai_api_key_env),
            ("anthropic", team.anthropic_api_key_env if team else None, self.settings.anthropic_api_key_env),
        ):
            value = os.environ.get(env_name or fallback or "") if (env_name or fallback) else None
            if value:
                found[upstream] = value
        needed = api_of(path)
        if needed not in found:  # a configuration error: 403 + x-should-retry: false, so SDKs do not retry it
            raise ApiError(403, f"team {team_name!r} has no {needed} provider key configured "
                           f"(team.teams.{team_name}.upstream.{needed}_api_key_env)", "no_upstream_credential")
        return found

    # -- admin and dashboard callers ----------------------------------------------------------------
    def caller(self, request: web.Request) -> Principal | None:
        """An admin-API caller: a virtual key, or the read-only dashboard token (role `viewer`)."""
        presented = presented_key(request.headers)
        if not presented:
            return None
        if presented.startswith(KEY_PREFIX):
            return self.keyring.authenticate(presented)
        token = os.environ.get(self.config.dashboard_token_env or "") if self.config.dashboard_token_env else None
        if token and hmac.compare_digest(presented.encode(), token.encode()):
            return Principal("dashboard-token", "dashboard-token", "", frozenset({"viewer"}))
        return None


TEAM = web.AppKey("team", TeamService)


def pepper_from_env(config: TeamConfig) -> bytes:
    return os.environ.get(config.pepper_env or "", "").encode() if config.pepper_env else b""


def store_for(config: TeamConfig) -> Store:
    return make_store(config.store.resolved_url(), config.audit.path, config.audit.busy_timeout_seconds,
                      config.store.pool_size, config.store.connect_timeout_seconds)


def merged_keys(config_keys: list[KeyRecord], stored_keys: list[StoredKey]) -> list[KeyRecord]:
    """Config-file keys (seeded, never replaced by the store) plus run-time keys; the store may revoke either."""
    records = {r.principal.key_id: r for r in config_keys}
    for key in stored_keys:
        if key.id in records:
            if key.revoked:
                old = records[key.id]
                records[key.id] = KeyRecord(dataclasses.replace(old.principal, revoked=True), old.hash)
        elif key.hash:
            records[key.id] = KeyRecord(principal_of(key), key.hash)
    return list(records.values())


def principal_of(key: StoredKey) -> Principal:
    return Principal(key.id, key.owner, key.team, frozenset(key.roles), key.revoked, created_by=key.created_by,
                     created_by_key=key.created_by_key, created_at=key.created_at)


def _model_of(body: bytes) -> str | None:
    try:
        payload: Any = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None
    model = payload.get("model") if isinstance(payload, dict) else None
    return model if isinstance(model, str) else None
