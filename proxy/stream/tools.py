"""Tool calls held until they are whole, and the hook that decides what to deliver.

A tool call streams as fragments of its JSON arguments; an agent can act on it only once
it is complete, so holding it costs the client nothing. When a call is complete the
protocol adapter hands it to a `ToolCallReview`, which returns what to deliver: the call
itself, text in its place (blocked), or the call followed by text (tagged). The default
review scans the call (`proxy.stream.tool_review`); `pass_tool_call` delivers it unscanned.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from proxy.config import StreamingConfig
from proxy.models import Decision, Origin, Snippet, SnippetResult
from proxy.render import call_hold_limit_note
from proxy.stream.calls import ToolCall, ToolCallOutcome, ToolCallReview, pass_tool_call
from proxy.stream.context import StreamContext

__all__ = ["ToolCall", "ToolCallOutcome", "ToolCallReview", "ToolHold", "over_limit", "pass_tool_call"]


class ToolHold:
    """The size and time bounds of one held tool call (`streaming.max_tool_hold_*`).

    A call is held until it is whole; one that grows past `max_tool_hold_bytes`, or is not
    whole within `max_tool_hold_seconds` of its first fragment, is given up on: `on_over`
    is called once with the reason, and the adapter blocks the call (`over_limit`). Unlike
    held text there is no "release" option: a call released unscanned would run.
    """

    def __init__(self, limits: StreamingConfig, on_over: Callable[[str], None]) -> None:
        self.limits = limits
        self.on_over = on_over
        self.reason: str | None = None
        self._timer: asyncio.TimerHandle | None = None

    @classmethod
    def start(cls, ctx: StreamContext, on_over: Callable[[str], None]) -> ToolHold:
        """Bounds from now on; the reply's context stops them if the stream is aborted."""
        hold = cls(ctx.limits, on_over)
        seconds = ctx.limits.max_tool_hold_seconds
        hold._timer = asyncio.get_running_loop().call_later(seconds, hold._over, f"held longer than {seconds:g} s")
        ctx.timers.add(hold._timer)
        return hold

    def check(self, size: int) -> None:
        """The call now holds `size` bytes."""
        if size > self.limits.max_tool_hold_bytes:
            self._over(f"larger than {self.limits.max_tool_hold_bytes} bytes")

    def stop(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _over(self, reason: str) -> None:
        if self.reason is not None:
            return
        self.reason = reason
        self.stop()
        self.on_over(reason)


def over_limit(ctx: StreamContext, call: ToolCall, reason: str) -> ToolCallOutcome:
    """A tool call blocked at the hold bounds: counted as a blocked snippet, a block note instead of the call."""
    snippet = Snippet(call.arguments, None, Origin.TOOL_CALL, ctx.number(), start=0, end=len(call.arguments))
    ctx.results.append(SnippetResult(snippet, None, 0, decision=Decision.BLOCK, error=reason))
    return ToolCallOutcome(None, call_hold_limit_note(call.name or None, reason))
