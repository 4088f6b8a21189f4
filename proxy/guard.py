"""The guard stage: scan the texts of one reply, count what was found, and rewrite them.

Protocol modules hand over the assistant texts of a reply; the guard gives back the texts
the editor should see (with tag and block notes) and the combined `ScanResult`. In shadow
mode it counts and logs but returns the texts unchanged.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from proxy.metrics import Metrics
from proxy.models import Decision, Origin, ScanResult, Snippet
from proxy.render import rewrite_text
from proxy.scan import Scanner, raw_snippet

log = logging.getLogger("breakwater.guard")


@dataclass
class Review:
    texts: list[str]
    result: ScanResult
    changed: bool


@dataclass
class Guard:
    scanner: Scanner
    metrics: Metrics
    shadow: bool = False
    # Hooks for the team layer (proxy/team): `observers` see every scan result (the audit log);
    # `shadow_override` may return the calling team's mode. Every scan path calls `record()`
    # and reads `in_shadow`, so both hooks apply to streaming and non-streaming replies alike.
    observers: list[Callable[[ScanResult], None]] = field(default_factory=list)
    shadow_override: Callable[[], bool | None] | None = None
    # `repair_override` may return whether the calling team has the repair loop on (proxy.repair.loop).
    repair_override: Callable[[], bool | None] | None = None

    @property
    def fail_closed(self) -> bool:
        return self.scanner.policy.fail_closed

    @property
    def tools_fail_closed(self) -> bool:
        """`tools.on_engine_error`: agents' tool calls fail closed unless configured otherwise."""
        return self.scanner.policy.tools_fail_closed

    @property
    def in_shadow(self) -> bool:
        override = self.shadow_override() if self.shadow_override is not None else None
        return self.shadow if override is None else override

    def record(self, result: ScanResult) -> None:
        """Count one reply's scan and hand it to the observers (audit). Observers must not raise or block."""
        self.metrics.observe_result(result)
        for observer in self.observers:
            try:
                observer(result)
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

