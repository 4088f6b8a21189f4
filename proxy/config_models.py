"""Configuration models shared by the core settings (proxy.config) and the team settings (proxy.team.config).

A leaf: both import it, neither imports the other back, so a team's `actions` is an `ActionsConfig`,
validated once, like the global one.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from proxy.models import Action, Category, Severity


class Strict(BaseModel):
    """Unknown keys are errors, so a typo never silently turns a guard off."""

    model_config = ConfigDict(extra="forbid")


def default_severity_actions() -> dict[Severity, Action]:
    return {
        Severity.CRITICAL: Action.BLOCK,
        Severity.HIGH: Action.BLOCK,
        Severity.MEDIUM: Action.TAG,
        Severity.LOW: Action.TAG,
    }


class ActionsConfig(Strict):
    """Which action a finding gets: by rule id, else by category, else by severity."""

    severity: dict[Severity, Action] = Field(default_factory=default_severity_actions)
    categories: dict[Category, Action] = Field(default_factory=dict)
    rules: dict[str, Action] = Field(default_factory=dict)
