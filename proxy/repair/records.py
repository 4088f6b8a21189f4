"""The audit side of a repair: a reply's scans are recorded once the repair outcome is known.

A guarded reply is recorded by the guard as it is scanned (`Guard.record`: metrics, then the
audit observers). When the repair loop may ask the model again, the audit rows must say what
happened — the original findings, the repaired answer's findings, the outcome and why — but
the outcome is known only after the scans. So the reply is reviewed with a `HeldRecords.guard`:
the same guard (scanner, policy, metrics, mode), whose audit observers (`hooks.after_decision`) are replaced by a list
that holds the results. `release` hands each held result to the real observers, marked.

The order of the held results is the order of the scans: the original reply first, then one
per repair attempt (`Repairer.attempt` reviews each candidate once).
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass, field

from proxy.guard import Guard
from proxy.models import RepairMark, ScanResult

log = logging.getLogger("breakwater.repair")


@dataclass
class HeldRecords:
    """Holds a reply's scan records until `release`; `guard` is what the reply is reviewed with."""

    real: Guard
    held: list[ScanResult] = field(default_factory=list)
    guard: Guard = field(init=False)

    def __post_init__(self) -> None:
        hold = (lambda result, caller: self.held.append(result),)
        self.guard = dataclasses.replace(self.real, hooks=dataclasses.replace(self.real.hooks, after_decision=hold))

    def release(self, outcome: str | None, reason: str = "") -> None:
        """Record every held result with the real observers: unmarked when no repair was tried.

        With an outcome, the first result is the original reply and the rest are candidates; the
        client got the last candidate when the outcome is `repaired`, else the original."""
        for position, result in enumerate(self.held):
            if outcome is not None:
                result = marked(result, position, len(self.held), outcome, reason)
            for observer in self.real.hooks.after_decision:
                try:
                    observer(result, self.real.caller)
                except Exception:  # an audit problem must never fail a request (as Guard.record)
                    log.exception("scan observer failed")
        self.held.clear()


def marked(result: ScanResult, position: int, count: int, outcome: str, reason: str) -> ScanResult:
    part = "original" if position == 0 else "candidate"
    delivered = (position == count - 1) if outcome == "repaired" else position == 0
    return ScanResult(result.snippets, RepairMark(part, outcome, delivered, "" if outcome == "repaired" else reason))
