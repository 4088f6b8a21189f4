"""Two-person waivers: a developer asks, a different person with an approver key approves.

A waiver names one rule id or one category, applies to one key or one whole team, and is
in force only while approved and inside its time window. In force, it turns a matching
finding's action into `tag` and the note names the waiver. Every step (request, approve,
deny, revoke) is written to `waiver_events`.

The proxy consults `WaiverBook`, an in-memory copy of the approved waivers refreshed from
the store every few seconds, so matching never touches the database on the request path.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from proxy.models import Category
from proxy.team.keys import Principal
from proxy.team.store import Store, WaiverRow


class WaiverError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class WaiverRequest(BaseModel):
    """The JSON body of `POST /admin/api/waivers` (and what `breakwater waivers request` sends)."""

    model_config = ConfigDict(extra="forbid")

    rule: str | None = None
    category: Category | None = None
    scope: Literal["key", "team"] = "key"
    team: str | None = Field(None, description="for scope=team; defaults to the requester's team")
    key_id: str | None = Field(None, description="for scope=key; defaults to the requester's key")
    hours: float = Field(24, gt=0)
    starts_at: float | None = None
    reason: str = Field(min_length=3, max_length=2000)


@dataclass(frozen=True)
class ActiveWaiver:
    id: str
    scope_kind: str
    scope_value: str
    subject_kind: str
    subject_value: str
    starts_at: float
    expires_at: float
    reason: str

    def covers(self, rule_id: str, category: str, key_id: str | None, team: str | None, now: float) -> bool:
        if not self.starts_at <= now < self.expires_at:
            return False
        target = rule_id if self.scope_kind == "rule" else category
        if target != self.scope_value:
            return False
        subject = key_id if self.subject_kind == "key" else team
        return subject is not None and subject == self.subject_value


class WaiverBook:
    def __init__(self) -> None:
        self._active: tuple[ActiveWaiver, ...] = ()

    def replace(self, rows: list[WaiverRow]) -> None:
        self._active = tuple(
            ActiveWaiver(r.id, r.scope_kind, r.scope_value, r.subject_kind, r.subject_value, r.starts_at,
                         r.expires_at, r.reason)
            for r in rows if r.status == "approved"
        )

    def match(self, rule_id: str, category: str, key_id: str | None, team: str | None,
              now: float | None = None) -> ActiveWaiver | None:
        now = time.time() if now is None else now
        for waiver in self._active:
            if waiver.covers(rule_id, category, key_id, team, now):
                return waiver
        return None


class WaiverService:
    """The rules of the flow; the caller runs these on a worker thread (they do database I/O)."""

    def __init__(self, store: Store, known_teams: set[str], max_days: float,
                 lineage: Callable[[Principal], list[Principal]],
                 on_event: Callable[[str, str, str, str, str], None] | None = None) -> None:
        self.store = store
        self.known_teams = known_teams
        self.max_days = max_days
        self.lineage = lineage  # a key and the keys that made it (KeyRing.lineage)
        self.on_event = on_event  # audit export of each step (waiver id, action, actor, owner, detail)

    def request(self, who: Principal, body: WaiverRequest) -> WaiverRow:
        if (body.rule is None) == (body.category is None):
            raise WaiverError(400, "name exactly one of `rule` or `category`")
        if body.hours > self.max_days * 24:
            raise WaiverError(400, f"a waiver lasts at most {self.max_days:g} days")
        if body.scope == "team":
            team = body.team or who.team
            if team != who.team and not who.is_admin:
                raise WaiverError(403, "you can request waivers only for your own team")
            if team not in self.known_teams:
                raise WaiverError(400, f"unknown team {team!r}")
            subject = team
        else:
            subject = body.key_id or who.key_id
            if subject != who.key_id and not who.is_admin:
                raise WaiverError(403, "you can request key waivers only for your own key")
            team = who.team
        now = time.time()
        starts = body.starts_at or now
        row = WaiverRow(
            id=f"wv-{secrets.token_hex(4)}", created_at=now,
            scope_kind="rule" if body.rule else "category", scope_value=body.rule or str(body.category),
            subject_kind=body.scope, subject_value=subject, team=team, starts_at=starts,
            expires_at=starts + body.hours * 3600, reason=body.reason, requested_by=who.key_id,
            requested_owner=who.owner,
        )
        self.store.insert_waiver(row)
        self._event(row.id, "request", who,
                    f"{row.scope_kind}={row.scope_value} {row.subject_kind}={subject}: {body.reason}")
        return row

    def approve(self, who: Principal, waiver_id: str, note: str = "") -> WaiverRow:
        return self._decide(who, waiver_id, "approved", note)

    def deny(self, who: Principal, waiver_id: str, note: str = "") -> WaiverRow:
        return self._decide(who, waiver_id, "denied", note)

    def _decide(self, who: Principal, waiver_id: str, to_status: str, note: str) -> WaiverRow:
        waiver = self._get(waiver_id)
        action = "approve" if to_status == "approved" else "deny"
        if not who.has("approver"):
            self._refuse(waiver_id, who, action, "not an approver key")
            raise WaiverError(403, "only an approver or admin key can approve or deny waivers")
        if not who.is_admin and who.team != waiver.team:
            self._refuse(waiver_id, who, action, "approver of another team")
            raise WaiverError(403, f"this waiver belongs to team {waiver.team!r}")
        if to_status == "approved" and (why := self._not_independent(who, waiver)):
            self._refuse(waiver_id, who, action, why)
            raise WaiverError(403, f"two-person rule: {why}")
        if to_status == "approved" and waiver.expires_at <= time.time():
            raise WaiverError(409, "this waiver's time window has already ended")
        if not self.store.decide_waiver(waiver_id, ("pending",), to_status, who.key_id, who.owner):
            raise WaiverError(409, f"waiver {waiver_id} is {self._get(waiver_id).status}, not pending")
        self._event(waiver_id, action, who, note)
        return self._get(waiver_id)

    def _not_independent(self, who: Principal, waiver: WaiverRow) -> str | None:
        """Why `who` is not a second person for this waiver, or None.

        The approving key must not be the requester's key, nor held by the requester, nor made
        (directly or through a chain of keys) by the requester, nor made after the request:
        otherwise one person could mint a second identity and approve their own waiver.
        """
        if who.key_id == waiver.requested_by or who.owner == waiver.requested_owner:
            return "the requester cannot approve their own waiver"
        for key in self.lineage(who):
            if key.created_by == waiver.requested_owner or key.key_id == waiver.requested_by \
                    or key.owner == waiver.requested_owner:
                return f"key {who.key_id!r} was created by the requester ({waiver.requested_owner})"
        if who.created_at > waiver.created_at:
            return f"key {who.key_id!r} was created after the waiver was requested"
        return None

    def revoke(self, who: Principal, waiver_id: str, note: str = "") -> WaiverRow:
        waiver = self._get(waiver_id)
        allowed = who.is_admin or who.key_id == waiver.requested_by or (
            who.has("approver") and who.team == waiver.team)
        if not allowed:
            self._refuse(waiver_id, who, "revoke", "not the requester, an approver of the team or an admin")
            raise WaiverError(403, "only the requester, an approver of the team or an admin can revoke")
        if not self.store.decide_waiver(waiver_id, ("pending", "approved"), "revoked", who.key_id, who.owner):
            raise WaiverError(409, f"waiver {waiver_id} is {waiver.status}; nothing to revoke")
        self._event(waiver_id, "revoke", who, note)
        return self._get(waiver_id)

    def visible(self, who: Principal, status: str | None) -> list[WaiverRow]:
        rows = self.store.waivers(status)
        if who.is_admin or "viewer" in who.roles:
            return rows
        return [r for r in rows if r.team == who.team]

    def _get(self, waiver_id: str) -> WaiverRow:
        waiver = self.store.waiver(waiver_id)
        if waiver is None:
            raise WaiverError(404, f"no waiver {waiver_id}")
        return waiver

    def _refuse(self, waiver_id: str, who: Principal, action: str, why: str) -> None:
        self._event(waiver_id, f"{action}-refused", who, why)

    def _event(self, waiver_id: str, action: str, who: Principal, detail: str) -> None:
        self.store.add_waiver_event(waiver_id, action, who.key_id, who.owner, detail)
        if self.on_event is not None:
            self.on_event(waiver_id, action, who.key_id, who.owner, detail)


def status_of(row: WaiverRow, now: float | None = None) -> str:
    """The status as a person reads it: an approved waiver past its window shows as `expired`."""
    now = time.time() if now is None else now
    if row.status == "approved" and row.expires_at <= now:
        return "expired"
    return row.status
