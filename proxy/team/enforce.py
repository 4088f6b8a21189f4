"""Per-team policy and waivers, applied where policy is applied: inside the one scan path.

`CallerPolicy` is a `Policy` (so `Scanner` needs no change) built for one caller by the team
layer's `policy_for` hook (`proxy.guard.GuardHooks`): the calling team's `actions` when that team
overrides them, then an approved waiver of the caller softens a `tag`/`block` into `tag`, marking
the finding with the waiver's id.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from proxy.models import Action, Finding, RawFinding, Snippet
from proxy.policy import Policy
from proxy.team.waivers import WaiverBook


@dataclass(frozen=True)
class WaivedFinding(Finding):
    """A finding an approved waiver turned into a tag; the id lands in the note and the audit row."""

    waiver_id: str | None = None


@dataclass(frozen=True)
class CallerPolicy(Policy):
    """One caller's policy: their team's actions (or the base ones), then the waivers that apply to them."""

    waivers: WaiverBook = field(default_factory=WaiverBook)
    key_id: str | None = None
    team: str | None = None

    def apply(self, raw: list[RawFinding], snippet: Snippet | None = None) -> list[Finding]:
        """The policy's findings, then the caller's waivers."""
        return [self._waived(f) for f in super().apply(raw, snippet)]

    def _waived(self, finding: Finding) -> Finding:
        if finding.action is Action.ALLOW:
            return finding
        waiver = self.waivers.match(finding.rule_id, finding.category, self.key_id, self.team)
        if waiver is None:
            return finding
        note = f"{finding.message} (Waived by waiver {waiver.id}, was {finding.action.value}: {waiver.reason})"
        return WaivedFinding(finding.rule_id, finding.category, finding.severity, Action.TAG, note, finding.line,
                             finding.end_line, waiver_id=waiver.id)
