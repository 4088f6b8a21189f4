"""Tool calls held until they are whole, and the hook that decides what to deliver.

A tool call streams as fragments of its JSON arguments; an agent can act on it only once
it is complete, so holding it costs the client nothing. When a call is complete the
protocol adapter hands it to a `ToolCallReview`, which returns what to deliver: the call
itself (today: `pass_tool_call`), or — once tool calls are scanned — text in its place.
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
    """What the client gets for one tool call: the call (possibly changed), and/or text."""

    call: ToolCall | None
    text: str | None = None


class ToolCallReview(Protocol):
    async def __call__(self, call: ToolCall) -> ToolCallOutcome: ...


async def pass_tool_call(call: ToolCall) -> ToolCallOutcome:
    """Deliver the call as it was (tool calls are not scanned yet)."""
    return ToolCallOutcome(call)
