"""The guard stage: scan the texts of one reply, count what was found, and rewrite them.

Protocol modules hand over the assistant texts of a reply; the guard gives back the texts
the editor should see (with tag and block notes) and the combined `ScanResult`. In shadow
mode it counts and logs but returns the texts unchanged.

The app holds one guard; each request is judged by `guard.for_caller(context)`, a copy bound to
who is calling. Extensions (the team layer) register at the named `GuardHooks`: the policy and the
mode for a caller, and observers told of every decision with its caller. No ambient state.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from proxy.metrics import Metrics
from proxy.models import Decision, Origin, ScanResult, Snippet
from proxy.policy import Policy
from proxy.render import rewrite_text
from proxy.request_context import RequestContext
from proxy.scan import Scanner, raw_snippet

log = logging.getLogger("breakwater.guard")


@dataclass
class Review:
    texts: list[str]
    result: ScanResult
    changed: bool


Caller = RequestContext | None  # None: no request context came with the scan (it is judged by the base policy)


@dataclass(frozen=True)
class GuardHooks:
    """The named points where the team layer (and later the repair loop) plug into the guard.

    `policy_for(base, caller)`: the policy this caller's code is judged by (team actions, waivers);
    `mode_for(caller)`: shadow (True) or enforce (False) for this caller, None for the global mode;
    `repair_for(caller)`: the repair loop on (True) or off (False) for this caller, None for `repair.enabled`;
    `after_decision`: told of every recorded scan and its caller (the audit log). Observers must not
    raise or block; every scan path records, so they see streamed and non-streamed replies alike.
    """

    policy_for: Callable[[Policy, Caller], Policy] | None = None
    mode_for: Callable[[Caller], bool | None] | None = None
    repair_for: Callable[[Caller], bool | None] | None = None
    after_decision: tuple[Callable[[ScanResult, Caller], None], ...] = ()


@dataclass
class Guard:
    scanner: Scanner
    metrics: Metrics
    shadow: bool = False
    hooks: GuardHooks = field(default_factory=GuardHooks)
    caller: Caller = None
    # The caller's repair switch from `hooks.repair_for` (team `teams.<name>.repair`); None: `repair.enabled`.
    repair: bool | None = None
    # A bound guard holds the app's guard it came from, so that a live reload retires the old engine
    # only once no request judged by it is still running (proxy.reload watches the app's guard).
    bound_from: Guard | None = field(default=None, repr=False, compare=False)

    def for_caller(self, caller: Caller) -> Guard:
        """This guard as it judges one caller's request: the caller's policy and mode, observers told who."""
        policy = self.hooks.policy_for(self.scanner.policy, caller) if self.hooks.policy_for else self.scanner.policy
        mode = self.hooks.mode_for(caller) if self.hooks.mode_for else None
        repair = self.hooks.repair_for(caller) if self.hooks.repair_for else None
        return replace(self, scanner=self.scanner.with_policy(policy), caller=caller,
                       shadow=self.shadow if mode is None else mode, repair=repair, bound_from=self)

    @property
    def fail_closed(self) -> bool:
        return self.scanner.policy.fail_closed

    @property
    def tools_fail_closed(self) -> bool:
        """`tools.on_engine_error`: agents' tool calls fail closed unless configured otherwise."""
        return self.scanner.policy.tools_fail_closed

    @property
    def in_shadow(self) -> bool:
        return self.shadow

    def record(self, result: ScanResult) -> None:
        """Count one reply's scan and hand it to the observers (audit). Observers must not raise or block."""
        self.metrics.observe_result(result)
        for observer in self.hooks.after_decision:
            try:
                observer(result, self.caller)
            except Exception:  # an audit problem must never fail a request
                log.exception("scan observer failed")

    async def review_texts(self, texts: Sequence[str], count: bool = True) -> Review:
        """Scan every text (one per choice or content block) in one engine call.

        `count=False` leaves the recording to the caller: a streamed reply is scanned block by
        block but recorded once, like a non-streamed one (see `record`).
        """
        per_text: list[list[Snippet]] = []
        flat: list[Snippet] = []
        for found in await self.scanner.extract(texts):
            snippets = [replace(s, index=len(flat) + i) for i, s in enumerate(found)]
            per_text.append(snippets)
            flat.extend(snippets)
        result = await self.scanner.scan(flat)
        if count:
            self.record(result)
        if self.in_shadow:
            return Review(list(texts), result, changed=False)
        rewritten: list[str] = []
        position = 0
        for text, snippets in zip(texts, per_text, strict=True):
            own = ScanResult(result.snippets[position:position + len(snippets)])
            position += len(snippets)
            rewritten.append(rewrite_text(text, own, self.fail_closed))
        return Review(rewritten, result, changed=rewritten != list(texts))

    async def review_completions(self, texts: Sequence[str], language: str | None, count: bool = True) -> Review:
        """Autocomplete texts (`/v1/completions`): each whole text is one raw snippet.

        A blocked completion becomes empty: a note would be inserted into the user's file.
        A tagged one is unchanged (the decision is only counted).
        """
        snippets = [replace(raw_snippet(text, language, Origin.COMPLETION), index=i) for i, text in enumerate(texts)]
        result = await self.scanner.scan(snippets)
        if count:
            self.record(result)
        if self.in_shadow:
            return Review(list(texts), result, changed=False)
        withheld = {Decision.BLOCK} | ({Decision.ERROR} if self.fail_closed else set())
        rewritten = ["" if r.decision in withheld else text for r, text in zip(result.snippets, texts, strict=True)]
        return Review(rewritten, result, changed=rewritten != list(texts))

