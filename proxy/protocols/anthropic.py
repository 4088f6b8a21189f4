"""Anthropic messages (`POST /v1/messages`), non-streaming replies.

The assistant text lives in the `text` blocks of `content`, tool calls in its `tool_use`
blocks (`{"type": "tool_use", "id", "name", "input": {...}}`). Texts and tool calls of the
reply are scanned in one engine call (proxy.agents), as a reply is one decision.

A blocked `tool_use` block is replaced, in its place, by a `text` block saying what was
blocked and why; when no `tool_use` is left, `stop_reason` "tool_use" becomes "end_turn" so
the client ends the turn instead of running tools. A tagged block stays as it was and a
`text` block with the note follows it. Every other block and field stays where it was.
"""

from __future__ import annotations

from typing import Any

from proxy.agents import ToolCall, ToolVerdict
from proxy.guard import Guard, Review
from proxy.protocols.shapes import review_in_place, splice_notes


def text_blocks(payload: dict[str, Any]) -> list[dict[str, Any]]:
    return [block for block in payload.get("content") or []
            if isinstance(block, dict) and block.get("type") == "text" and isinstance(block.get("text"), str)]


def tool_blocks(payload: dict[str, Any]) -> list[dict[str, Any]]:
    return [block for block in payload.get("content") or []
            if isinstance(block, dict) and block.get("type") == "tool_use"]


def tool_call_of(block: dict[str, Any]) -> ToolCall:
    name, call_id = block.get("name"), block.get("id")
    return ToolCall(name if isinstance(name, str) else None, block.get("input"),
                    call_id if isinstance(call_id, str) else None)


async def review_response(payload: dict[str, Any], guard: Guard) -> Review:
    """Scan and (unless shadow) rewrite the reply's text and tool_use blocks in place."""
    tools = tool_blocks(payload)
    return await review_in_place(guard, [(block, "text") for block in text_blocks(payload)],
                                 [tool_call_of(b) for b in tools],
                                 lambda verdicts: _apply_verdicts(payload, tools, verdicts))


def _apply_verdicts(payload: dict[str, Any], tools: list[dict[str, Any]], verdicts: list[ToolVerdict]) -> None:
    content = payload.get("content")
    if not isinstance(content, list) or not tools:
        return
    outcome = {id(block): verdict for block, verdict in zip(tools, verdicts, strict=True)}
    content[:] = splice_notes(content, outcome, lambda note: {"type": "text", "text": note})
    if payload.get("stop_reason") == "tool_use" and not tool_blocks(payload):
        payload["stop_reason"] = "end_turn"
