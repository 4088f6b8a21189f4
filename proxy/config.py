"""Configuration: one YAML file validated by pydantic, overridable by environment and flags.

Precedence, highest first: command-line flags, `BREAKWATER_*` environment variables, the
`--config` YAML file, defaults. Unknown keys are errors, so a typo never silently turns a
guard off.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import Field, ValidationError
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from proxy.config_models import ActionsConfig, Strict
from proxy.models import Action, Category
from proxy.team.config import TeamConfig

__all__ = ["ActionsConfig", "ConfigError", "RepairConfig", "Settings", "StreamingConfig", "ToolsConfig",
           "load_settings"]


class ConfigError(Exception):
    """The configuration is unusable; the message names the bad key."""




def _default_stricter_paths() -> list[str]:
    return ["**/migrations/**", "*.tf"]


class ToolsConfig(Strict):
    """Per-tool policy for coding agents' tool calls and edits (applied by proxy.tool_policy).

    `block_destructive_commands`: a shell command the agent would run, with a
    destructive-operation finding, is blocked whatever its severity. `stricter_paths`:
    globs (`*.tf` matches the file name anywhere, `**/migrations/**` any path under a
    `migrations` directory); findings in writes and edits to matching files get one action
    stronger (allow → tag, tag → block). `on_unparsed`: the action for a
    `breakwater.unparsed` finding (code the guard could not read) in a command or file
    write. `on_engine_error`: what happens to a tool call the engine failed to judge; it
    fails closed by default, so overload never buys a pass.
    """

    block_destructive_commands: bool = True
    stricter_paths: list[str] = Field(default_factory=_default_stricter_paths)
    on_unparsed: Action = Action.BLOCK
    on_engine_error: Literal["fail_open", "fail_closed"] = "fail_closed"


class StreamingConfig(Strict):
    max_hold_bytes: int = Field(256 * 1024, gt=0)
    max_hold_seconds: float = Field(30.0, gt=0)
    on_hold_limit: Literal["release_with_warning", "block"] = "release_with_warning"
    # Held tool calls: a call that outgrows these is blocked (never released unscanned: it would run).
    max_tool_hold_bytes: int = Field(1024 * 1024, gt=0)
    max_tool_hold_seconds: float = Field(300.0, gt=0)


class RepairConfig(Strict):
    """The repair loop (proxy.repair): ask the same model once more, with the findings, before refusing.

    Off by default: each repair is one more upstream request, paid in the client's tokens. `on`:
    the actions that trigger it. `exclude_rules` / `exclude_categories`: findings never sent for
    repair (their original verdict stands)."""

    enabled: bool = False
    on: list[Action] = Field(default_factory=lambda: [Action.BLOCK])
    max_attempts: int = Field(1, ge=1, le=3)
    timeout_seconds: float = Field(20.0, gt=0)
    max_output_tokens: int | None = Field(None, gt=0)
    exclude_rules: list[str] = Field(default_factory=list)
    exclude_categories: list[Category] = Field(default_factory=list)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BREAKWATER_", extra="forbid")

    mode: Literal["enforce", "shadow"] = "enforce"
    on_engine_error: Literal["fail_open", "fail_closed"] = "fail_open"
    host: str = "127.0.0.1"
    port: int = Field(8787, ge=0, le=65535)
    openai_base_url: str = "https://api.openai.com/v1"
    anthropic_base_url: str = "https://api.anthropic.com"
    openai_api_key_env: str | None = Field(
        None, description="name of an environment variable whose value replaces the client's OpenAI key"
    )
    anthropic_api_key_env: str | None = None
    max_body_bytes: int = Field(10 * 1024 * 1024, gt=0)
    max_request_target_chars: int = Field(4096, ge=64, description="longer request targets (path + query) get 400")
    header_read_timeout_seconds: float = Field(
        15.0, gt=0, description="a connection must send a complete request head within this time (and is closed "
        "after this long idle between requests)")
    upstream_connect_timeout_seconds: float = Field(10.0, gt=0)
    upstream_read_timeout_seconds: float = Field(600.0, gt=0)
    scan_timeout_seconds: float = Field(10.0, gt=0)
    engine: Literal["fast", "reference"] = "fast"  # fast: prefilter + warm semgrep servers; reference: semgrep-core
    engine_processes: int = Field(0, ge=0, description="warm engine servers; 0 means one per CPU core")
    engine_wait_budget_seconds: float = Field(
        20.0, gt=0, description="longest a queued snippet waits while the engine finishes no scan (stuck or starved "
        "servers) before on_engine_error applies; while scans finish, a burst is slowed, not failed")
    engine_max_wait_seconds: float = Field(
        300.0, gt=0, description="longest a snippet waits for the engine in all, even while the queue moves")
    engine_snippet_timeout_seconds: float = Field(5.0, gt=0)
    engine_recycle_after_scans: int = Field(5000, ge=10)
    engine_recycle_rss_mb: int = Field(1024, gt=0)
    scan_cache_entries: int = Field(4096, ge=0, description="exact cache of engine results per snippet; 0: off")
    scan_max_snippets: int = Field(
        64, gt=0, description="snippets per reply sent to the engine (tool calls first); the rest: breakwater.unparsed")
    scan_max_snippet_bytes: int = Field(
        256 * 1024, gt=0, description="larger snippets are not sent to the engine: breakwater.unparsed")
    rules_dir: Path | None = None
    actions: ActionsConfig = Field(default_factory=ActionsConfig)
    streaming: StreamingConfig = Field(default_factory=StreamingConfig)
    tools: ToolsConfig = Field(default_factory=ToolsConfig)
    repair: RepairConfig = Field(default_factory=RepairConfig)
    log_level: Literal["debug", "info", "warning", "error"] = "info"
    team: TeamConfig = Field(default_factory=TeamConfig)  # keys, per-team policy, audit: docs/team.md

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings)


def load_settings(path: Path | None = None, **overrides: Any) -> Settings:
    """Settings from the YAML file at `path`, the environment, then non-None `overrides`.

    The file's values are passed below the environment by merging: file < env < flags.
    """
    file_values = _read_yaml(path) if path else {}
    flags = {key: value for key, value in overrides.items() if value is not None}
    try:
        from_env = Settings()
        env_values = from_env.model_dump(exclude_unset=True)
        return Settings(**{**file_values, **env_values, **flags})
    except ValidationError as exc:
        raise ConfigError(describe_validation_error(exc, path)) from exc


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read config {path}: {exc.strerror}") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"config {path} is not valid YAML: {exc}") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"config {path}: top level must be a mapping")
    return data


def describe_validation_error(exc: ValidationError, path: Path | None) -> str:
    where = f"config {path}" if path else "configuration"
    problems = []
    for error in exc.errors():
        key = ".".join(str(part) for part in error["loc"]) or "(top level)"
        problems.append(f"{key}: {error['msg']}")
    return f"{where}: " + "; ".join(problems)
