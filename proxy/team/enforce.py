"""Per-team policy and waivers, applied where policy is applied: inside the one scan path.

`TeamAwarePolicy` is a `Policy` (so `Scanner` needs no change): for each finding it uses
the calling team's `actions` when that team overrides them, then lets an approved waiver
soften a `tag`/`block` into `tag`, marking the finding with the waiver's id.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from proxy.models import Action, Finding, RawFinding, Snippet
from proxy.policy import Policy
from proxy.team.context import current
from proxy.team.waivers import WaiverBook


@dataclass(frozen=True)
class WaivedFinding(Finding):
    """A finding an approved waiver turned into a tag; the id lands in the note and the audit row."""

    waiver_id: str | None = None


@dataclass(frozen=True)
class TeamAwarePolicy(Policy):
    team_policies: Mapping[str, Policy] = field(default_factory=dict)
    waivers: WaiverBook = field(default_factory=WaiverBook)

    def _for_request(self) -> tuple[Policy | None, str | None, str | None]:
        ctx = current()
        if ctx is None:
            return None, None, None
        return self.team_policies.get(ctx.team or ""), ctx.key_id, ctx.team

    def action_for(self, finding: RawFinding) -> Action:
        team_policy, _, _ = self._for_request()
        return team_policy.action_for(finding) if team_policy else super().action_for(finding)

    def apply(self, raw: list[RawFinding], snippet: Snippet | None = None) -> list[Finding]:
        """The base policy's findings (team-aware through `action_for`), then the caller's waivers."""
        _, key_id, team = self._for_request()
        return [self._waived(f, key_id, team) for f in super().apply(raw, snippet)]

    def _waived(self, finding: Finding, key_id: str | None, team: str | None) -> Finding:
        if finding.action is Action.ALLOW:
            return finding
        waiver = self.waivers.match(finding.rule_id, finding.category, key_id, team)
        if waiver is None:
            return finding
        note = f"{finding.message} (Waived by waiver {waiver.id}, was {finding.action.value}: {waiver.reason})"
        return WaivedFinding(finding.rule_id, finding.category, finding.severity, Action.TAG, note, finding.line,
                             finding.end_line, waiver_id=waiver.id)
