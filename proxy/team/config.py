"""The `team:` section of the configuration (pydantic at the edge; validated with the rest).

Kept in its own model so the core `Settings` only gains one field, and so a typo anywhere
under `team:` is an error like everywhere else.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator

from proxy.config_models import ActionsConfig, Strict

KEY_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
Role = Literal["developer", "approver", "admin"]


def developer_only() -> list[Role]:
    return ["developer"]




class UpstreamCredentials(Strict):
    """Names of environment variables holding this team's provider keys (never the keys themselves)."""

    openai_api_key_env: str | None = None
    anthropic_api_key_env: str | None = None


class TeamPolicy(Strict):
    mode: Literal["enforce", "shadow"] | None = Field(None, description="overrides the global mode for this team")
    actions: ActionsConfig | None = Field(None, description="replaces the global `actions` for this team")
    repair: bool | None = Field(None, description="repair loop on or off for this team (else `repair.enabled`)")
    upstream: UpstreamCredentials = Field(default_factory=UpstreamCredentials)

    def actions_config(self) -> ActionsConfig | None:
        return self.actions


class KeyConfig(Strict):
    """One virtual key. `hash` comes from `breakwater keys create`; the key itself is never stored."""

    id: str
    hash: str
    team: str
    owner: str | None = Field(None, description="the person holding the key (two-person rule); defaults to the id")
    roles: list[Role] = Field(default_factory=developer_only)
    revoked: bool = False
    created_by: str | None = Field(None, description="who made the key (two-person rule); from `keys create --by`")
    created_at: float | None = Field(None, description="unix time the key was made; unset: before any waiver")

    @field_validator("id")
    @classmethod
    def _id_shape(cls, value: str) -> str:
        if not KEY_ID.match(value):
            raise ValueError("key id must be lower-case letters, digits and dashes (max 63)")
        return value


class WebhookConfig(Strict):
    """POST batches of audit events to a SIEM or collector (signed; retried; bounded queue)."""

    url: str = Field(pattern=r"^https?://", description="where batches are POSTed")
    secret_env: str | None = Field("BREAKWATER_WEBHOOK_SECRET", description="env var with the HMAC secret")
    batch_size: int = Field(100, gt=0)
    flush_seconds: float = Field(1.0, gt=0, description="longest wait before a partial batch is sent")
    queue_max: int = Field(10_000, gt=0, description="events held while the receiver is down; older dropped")
    timeout_seconds: float = Field(5.0, gt=0)
    retry_initial_seconds: float = Field(0.5, gt=0, description="first retry delay; doubles up to 30 s")


class ExportConfig(Strict):
    jsonl: str | None = Field(None, description="'-' for stdout, or a file to append JSON lines to")
    webhook: WebhookConfig | None = None


class AuditConfig(Strict):
    enabled: bool = True
    path: Path = Path("breakwater-audit.sqlite3")
    retention_days: float = Field(90, gt=0)
    batch_size: int = Field(200, gt=0)
    flush_seconds: float = Field(0.5, gt=0)
    queue_max: int = Field(10_000, gt=0)
    excerpt_chars: int = Field(400, ge=0)
    busy_timeout_seconds: float = Field(0.2, ge=0, description="how long a write waits for a locked database")
    backlog_max_rows: int = Field(100_000, gt=0, description="rows kept for retry while the store is away")
    export: ExportConfig = Field(default_factory=ExportConfig)


class StoreConfig(Strict):
    """Where keys, waivers and the audit log live. Unset `url`: SQLite at `team.audit.path`."""

    url: str | None = Field(None, description="postgresql://user:password@host:5432/db (several replicas)")
    url_env: str | None = Field(None, description="env var holding the URL (keeps the password out of the file)")
    pool_size: int = Field(4, gt=0, description="PostgreSQL connections per process")
    connect_timeout_seconds: float = Field(2.0, gt=0)

    def resolved_url(self) -> str | None:
        return (os.environ.get(self.url_env) if self.url_env else None) or self.url

    @field_validator("url")
    @classmethod
    def _postgres_only(cls, value: str | None) -> str | None:
        if value is not None and value.split(":", 1)[0] not in ("postgresql", "postgres"):
            raise ValueError("must start with postgresql:// (leave it unset for SQLite)")
        return value


class TeamConfig(Strict):
    auth: Literal["passthrough", "virtual_keys"] = Field(
        "passthrough",
        description="passthrough: the client's own provider key is forwarded (single user). "
        "virtual_keys: every /v1/* request needs a Breakwater key; the team's provider key is sent instead.",
    )
    pepper_env: str | None = Field(
        "BREAKWATER_KEY_PEPPER", description="env var holding a server-side secret mixed into every key hash"
    )
    teams: dict[str, TeamPolicy] = Field(default_factory=dict)
    keys: list[KeyConfig] = Field(default_factory=list)
    dashboard_token_env: str | None = Field(
        None, description="env var holding a read-only token for /dashboard and the stats API"
    )
    refresh_seconds: float = Field(1.0, gt=0, description="how often keys and waivers are re-read from the store")
    max_waiver_days: float = Field(30, gt=0)
    audit: AuditConfig = Field(default_factory=AuditConfig)
    store: StoreConfig = Field(default_factory=StoreConfig)

    @model_validator(mode="after")
    def _keys_name_known_teams(self) -> TeamConfig:
        ids = [key.id for key in self.keys]
        if len(ids) != len(set(ids)):
            raise ValueError("team.keys: key ids must be unique")
        for key in self.keys:
            if key.team not in self.teams:
                raise ValueError(f"team.keys: key {key.id!r} names unknown team {key.team!r}")
        return self
