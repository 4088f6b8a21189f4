"""Every typed command rule, by family. `RULES` is the catalog order (and the judging order)."""

from __future__ import annotations

from proxy.shell.rules import cloud, containers, databases, download, filesystem, git, infra, kubernetes
from proxy.shell.rules.base import CommandRule

RULES: tuple[CommandRule, ...] = (
    *filesystem.RULES, *git.RULES, *databases.RULES, *cloud.RULES, *kubernetes.RULES, *infra.RULES,
    *containers.RULES, *download.RULES,
)
AGENT_BLOCKING: frozenset[str] = frozenset(rule.id for rule in RULES if rule.blocks_agents)

__all__ = ["AGENT_BLOCKING", "RULES", "CommandRule"]
