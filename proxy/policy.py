"""Policy: each finding gets an action, each snippet a decision.

A rule override beats a category override, which beats the severity default. In shadow
mode decisions are still computed (and counted) but renderers leave replies unchanged.

Agents' tool calls get two more rules here, whatever produced the finding (the engine,
the scanner's limits, or a command model): a `breakwater.unparsed` finding in a command
or a whole-file write takes `tools.on_unparsed` (block by default), and an engine
failure on a tool call follows `tools.on_engine_error` (fail closed by default).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from proxy import tool_policy
from proxy.config import ActionsConfig, Settings, ToolsConfig
from proxy.config_models import default_severity_actions
from proxy.engine.unparsed import UNPARSED_RULE_ID
from proxy.models import (
    ROLE_COMMAND,
    ROLE_FILE,
    Action,
    Category,
    Decision,
    Finding,
    Origin,
    RawFinding,
    Snippet,
    strongest,
)


def is_tool_snippet(snippet: Snippet) -> bool:
    """Code from an agent's tool call or edit: it runs or is written once delivered."""
    return snippet.origin in (Origin.TOOL_CALL, Origin.DIFF)


def runs_or_writes(snippet: Snippet) -> bool:
    """A shell command, or the whole content of a file write (not a fragment such as an edit's new lines)."""
    return (is_tool_snippet(snippet) and snippet.info in (ROLE_COMMAND, ROLE_FILE)
            and snippet.added_lines is None)


@dataclass(frozen=True)
class Policy:
    actions: ActionsConfig
    fail_closed: bool = False
    shadow: bool = False
    tools: ToolsConfig = field(default_factory=ToolsConfig)

    @classmethod
    def from_settings(cls, settings: Settings) -> Policy:
        return cls(settings.actions, fail_closed=settings.on_engine_error == "fail_closed",
                   shadow=settings.mode == "shadow", tools=settings.tools)

    @property
    def tools_fail_closed(self) -> bool:
        """Whether a tool call the engine failed to judge is withheld (`tools.on_engine_error`)."""
        return self.tools.on_engine_error == "fail_closed"

    def action_for(self, finding: RawFinding) -> Action:
        if finding.rule_id in self.actions.rules:
            return self.actions.rules[finding.rule_id]
        try:
            category = Category(finding.category)
        except ValueError:
            category = None
        if category is not None and category in self.actions.categories:
            return self.actions.categories[category]
        return self.actions.severity.get(finding.severity, _FALLBACK[finding.severity])

    def apply(self, raw: list[RawFinding], snippet: Snippet | None = None) -> list[Finding]:
        """Actions for one snippet's findings; `snippet` lets per-tool policy see what the code is."""
        findings = [
            Finding(f.rule_id, f.category, f.severity, self.action_for(f), f.message, f.line, f.end_line)
            for f in raw
        ]
        if snippet is None:
            return findings
        findings = tool_policy.adjust(self.tools, findings, snippet)
        if runs_or_writes(snippet):
            findings = [replace(f, action=self.tools.on_unparsed) if f.rule_id == UNPARSED_RULE_ID else f
                        for f in findings]
        return findings

    def decide(self, findings: list[Finding]) -> Decision:
        return Decision(strongest([f.action for f in findings]).value)


_FALLBACK = default_severity_actions()  # for a severity the configured map leaves out
