"""Policy: each finding gets an action, each snippet a decision.

A rule override beats a category override, which beats the severity default. In shadow
mode decisions are still computed (and counted) but renderers leave replies unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from proxy import tool_policy
from proxy.config import ActionsConfig, Settings, ToolsConfig
from proxy.models import Action, Category, Decision, Finding, RawFinding, Severity, Snippet, strongest


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
        return tool_policy.adjust(self.tools, findings, snippet) if snippet is not None else findings

    def decide(self, findings: list[Finding]) -> Decision:
        return Decision(strongest([f.action for f in findings]).value)


_FALLBACK = {
    Severity.CRITICAL: Action.BLOCK,
    Severity.HIGH: Action.BLOCK,
    Severity.MEDIUM: Action.TAG,
    Severity.LOW: Action.TAG,
}
