"""Per-team policy and waivers, applied where policy is applied: inside the one scan path.

`TeamAwarePolicy` is a `Policy` (so `Scanner` needs no change): for each finding it uses
the calling team's `actions` when that team overrides them, then lets an approved waiver
soften a `tag`/`block` into `tag`, marking the finding with the waiver's id.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from proxy.models import Action, Finding, RawFinding
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

    def apply(self, raw: list[RawFinding]) -> list[Finding]:
        team_policy, key_id, team = self._for_request()
        out: list[Finding] = []
        for f in raw:
            action = team_policy.action_for(f) if team_policy else super().action_for(f)
            waiver = self.waivers.match(f.rule_id, f.category, key_id, team) if action is not Action.ALLOW else None
            if waiver is None:
                out.append(Finding(f.rule_id, f.category, f.severity, action, f.message, f.line, f.end_line))
                continue
            note = f"{f.message} (Waived by waiver {waiver.id}, was {action.value}: {waiver.reason})"
            out.append(WaivedFinding(f.rule_id, f.category, f.severity, Action.TAG, note, f.line, f.end_line,
                                     waiver_id=waiver.id))
        return out
