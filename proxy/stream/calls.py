"""A streamed tool call, what to deliver for it, and the hook that decides (the stream context's tool reviewer).

A leaf: `proxy.stream.context` holds a `ToolCallReview`, `proxy.stream.tool_review` implements the
scanning one, and the protocol adapters build `ToolCall`s; none of them import each other for these.
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
