"""The repair loop: a reply the guard would refuse goes back to the same model once, with the findings.

The model gets its own answer and a user turn that names each finding (category, rule id,
line, the rule's advice) and asks for the same answer with those problems fixed. Its new
answer goes through the full guard. It replaces the original only when it is better: nothing
blocking, no scan error, fewer findings at the repair level — and, where the original was a
destructive tool call, no destructive operation at all (a repair may turn `git push --force`
into text or into `--force-with-lease`, never into another destructive command). Otherwise the
original verdict stands, with a note saying a repair was tried and why it was not used.

Shadow mode, `X-Breakwater-Repair: off` and excluded rules or categories never repair.
"""

from __future__ import annotations

import asyncio
import copy
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from proxy.config import RepairConfig
from proxy.guard import Guard, Review
from proxy.metrics import Metrics
from proxy.models import Action, Category, Decision, Finding, Origin, ScanResult
from proxy.render import repair_kept_note as kept_note
from proxy.render import repaired_note
from proxy.repair.formats import Payload, RepairFormat

log = logging.getLogger("breakwater.repair")
OPT_OUT_HEADER = "X-Breakwater-Repair"
Send = Callable[[Payload], Awaitable[Payload]]


class RepairFailed(Exception):
    """The follow-up request did not produce a reply to judge (upstream error, not JSON)."""


@dataclass
class Outcome:
    """What the client gets: `reply` and `review` are the repaired ones, or the original ones."""

    name: str  # repaired | kept_original | error | timeout
    reply: Payload
    review: Review
    reason: str = ""  # why the original verdict stands (empty when repaired)


@dataclass
class Repairer:
    config: RepairConfig
    metrics: Metrics

    def enabled_for(self, guard: Guard) -> bool:
        """`repair.enabled`, unless the calling team turns it on or off (team mode: `teams.<name>.repair`)."""
        return self.config.enabled if guard.repair is None else guard.repair

    def findings_to_fix(self, review: Review, guard: Guard, opt_out: str | None) -> list[Finding]:
        """The findings a repair would ask the model to fix; [] when no repair applies.

        In shadow mode nothing is repaired, but what would have been is counted (`would_repair`)."""
        if not self.enabled_for(guard) or (opt_out or "").strip().lower() == "off":
            return []
        excluded = {c.value for c in self.config.exclude_categories}
        findings = [f for f in review.result.findings if f.action in self.config.on
                    and f.rule_id not in self.config.exclude_rules and f.category not in excluded]
        if findings and guard.in_shadow:
            self.metrics.repairs.labels(outcome="would_repair").inc()
            return []
        return findings

    async def attempt(self, fmt: RepairFormat, request: Payload, original: Payload, delivered: Payload,
                      review: Review, findings: list[Finding], guard: Guard, send: Send) -> Outcome:
        """Try up to `max_attempts` follow-ups. `original` is the reply as the model sent it (what the
        follow-up replays); `delivered` is the same reply as the guard rewrote it (what the client
        gets when no repair is used)."""
        started = time.perf_counter()
        asked, name, reason = original, "kept_original", "no attempt"
        for _ in range(self.config.max_attempts):
            body = fmt.follow_up(request, asked, instruction(findings), self.config.max_output_tokens)
            try:
                candidate_reply = await asyncio.wait_for(send(body), self.config.timeout_seconds)
            except TimeoutError:
                name, reason = "timeout", f"the model did not answer within {self.config.timeout_seconds:g} s"
                break
            except RepairFailed as exc:
                name, reason = "error", str(exc)
                break
            except Exception as exc:  # never fail the request over its repair: the original verdict stands
                log.warning("repair request failed: %s", type(exc).__name__)
                name, reason = "error", f"the repair request failed ({type(exc).__name__})"
                break
            self._count_tokens(fmt, candidate_reply)
            untouched = copy.deepcopy(candidate_reply)
            candidate = await fmt.review(candidate_reply, guard)
            problem = worse_than_needed(review.result, candidate.result, self.config.on)
            if problem is None:
                fmt.add_note(candidate_reply, repaired_note(findings))
                return self._done("repaired", candidate_reply, candidate, started, "")
            name, reason = "kept_original", problem
            asked, findings = untouched, [f for f in candidate.result.findings if f.action in self.config.on]
        fmt.add_note(delivered, kept_note(reason))
        return self._done(name, delivered, review, started, reason)

    def _done(self, name: str, reply: Payload, review: Review, started: float, reason: str) -> Outcome:
        self.metrics.repairs.labels(outcome=name).inc()
        self.metrics.repair_seconds.observe(time.perf_counter() - started)
        return Outcome(name, reply, review, reason)

    def _count_tokens(self, fmt: RepairFormat, reply: Payload) -> None:
        spent_in, spent_out = fmt.usage(reply)
        self.metrics.repair_tokens.labels(direction="input").inc(spent_in)
        self.metrics.repair_tokens.labels(direction="output").inc(spent_out)


def worse_than_needed(before: ScanResult, after: ScanResult, on: list[Action]) -> str | None:
    """Why the repaired reply may not replace the original, or None when it may."""
    if after.decision is Decision.ERROR:
        return "its scan failed"
    blocking = [f for f in after.findings if f.action is Action.BLOCK]
    if blocking:
        return f"it still has a blocking finding ({blocking[0].rule_id})"
    if _destructive_calls(before) and _destructive_calls(after):
        return "it proposes another destructive command"
    level = sum(f.action in on for f in after.findings)
    if level >= sum(f.action in on for f in before.findings):
        return "it does not have fewer findings than the original"
    return None


def _destructive_calls(result: ScanResult) -> list[Finding]:
    return [f for r in result.snippets if r.snippet.origin in (Origin.TOOL_CALL, Origin.DIFF)
            for f in r.findings if f.category == Category.DESTRUCTIVE_OPERATION.value]


def instruction(findings: list[Finding]) -> str:
    """The user turn of the follow-up: each finding with the rule's advice, and what to do."""
    listed = "\n".join(f"- {f.category} `{f.rule_id}` at line {f.line} ({f.severity.value}): {f.message}"
                       for f in findings)
    return ("Breakwater, the deterministic code guard between you and the user, stopped your previous answer "
            "before it reached them, because of these findings:\n"
            f"{listed}\n\n"
            "Give the same answer again with these problems fixed, keeping everything else as it was. "
            "If what was asked cannot be done safely, say so in text and ask the user to confirm, "
            "instead of calling a tool.")
