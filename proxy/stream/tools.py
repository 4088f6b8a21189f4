"""Tool calls held until they are whole, and the hook that decides what to deliver.

A tool call streams as fragments of its JSON arguments; an agent can act on it only once
it is complete, so holding it costs the client nothing. When a call is complete the
protocol adapter hands it to a `ToolCallReview`, which returns what to deliver: the call
itself, text in its place (blocked), or the call followed by text (tagged). The default
review scans the call (`proxy.stream.tool_review`); `pass_tool_call` delivers it unscanned.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass
class ToolCall:
    """One complete tool call. `extra` keeps fields of the wire format the guard does not know."""

    index: int
    id: str | None
    name: str
    arguments: str
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class ToolCallOutcome:
    """What the client gets for one tool call: the call (possibly changed), and/or text.

    With both, the call is delivered first and the text after it (a tag note follows the call).
    """

    call: ToolCall | None
    text: str | None = None


class ToolCallReview(Protocol):
    async def __call__(self, call: ToolCall) -> ToolCallOutcome: ...


async def pass_tool_call(call: ToolCall) -> ToolCallOutcome:
    """Deliver the call as it was, unscanned."""
    return ToolCallOutcome(call)
