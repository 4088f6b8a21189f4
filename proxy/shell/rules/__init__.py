"""Every typed shell rule, by family. `RULES` is the catalog order (and the judging order)."""

from __future__ import annotations

from proxy.shell.rules import (
    cloud,
    containers,
    databases,
    download,
    filesystem,
    git,
    hygiene,
    infra,
    kubernetes,
    waits,
)
from proxy.shell.rules.base import CommandRule, ScriptRule, ShellRule

FAMILIES = (filesystem, git, databases, cloud, kubernetes, infra, containers, download, hygiene, waits)
RULES: tuple[ShellRule, ...] = tuple(rule for family in FAMILIES for rule in family.RULES)
AGENT_BLOCKING: frozenset[str] = frozenset(rule.id for rule in RULES if rule.blocks_agents)
# rule id -> the module that defines it (the catalog's `path`)
SOURCES: dict[str, str] = {rule.id: family.__file__ or "" for family in FAMILIES for rule in family.RULES}

__all__ = ["AGENT_BLOCKING", "RULES", "SOURCES", "CommandRule", "ScriptRule", "ShellRule"]
