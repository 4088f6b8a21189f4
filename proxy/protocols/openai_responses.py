"""OpenAI Responses API (`POST /v1/responses`), non-streaming replies.

The reply's `output` is a list of items. Scanned: `message` items (their `output_text`
parts), `function_call` (`arguments` JSON), `custom_tool_call` (free-text `input`: a raw
`*** Begin Patch` for `apply_patch`, a JavaScript program for Codex code-mode `exec`),
`local_shell_call` (`action.command` argv), `shell_call` (`action.commands`) and
`apply_patch_call` (`operation` with `path` and `diff`), and remote MCP `mcp_call` /
`mcp_approval_request` (`arguments`, named `mcp__<server_label>__<name>`). Reasoning and other items pass.

A blocked call item is replaced, in place, by an assistant `message` item holding the
block note, so the client (Codex, the SDK) shows text and has nothing to run. A tagged
call item is kept and followed by a `message` item with the tag note. Everything else in
the reply is left as it was.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from proxy.agents import ToolCall, ToolVerdict
from proxy.guard import Guard, Review
from proxy.protocols.shapes import TextSlot, review_in_place, splice_notes


@dataclass
class ItemCall:
    item: dict[str, Any]
    call: ToolCall


def text_slots(payload: dict[str, Any]) -> list[TextSlot]:
    slots: list[TextSlot] = []
    for item in _items(payload):
        if item.get("type") == "message" and isinstance(item.get("content"), list):
            slots.extend((part, "text") for part in item["content"]
                         if isinstance(part, dict) and part.get("type") in ("output_text", "text")
                         and isinstance(part.get("text"), str))
    return slots


def item_calls(payload: dict[str, Any]) -> list[ItemCall]:
    return [ItemCall(item, call) for item in _items(payload) if (call := tool_call_of(item)) is not None]


def tool_call_of(item: dict[str, Any]) -> ToolCall | None:
    """A Responses output item as a `ToolCall`, or None when it is not a tool call we read."""
    kind = item.get("type")
    call_id = item.get("call_id") if isinstance(item.get("call_id"), str) else None
    name = item.get("name") if isinstance(item.get("name"), str) else None
    action: dict[str, Any] = item["action"] if isinstance(item.get("action"), dict) else {}
    if kind == "function_call":
        return ToolCall(name, item.get("arguments"), call_id)
    if kind == "custom_tool_call":
        return ToolCall(name, item.get("input"), call_id)
    if kind == "local_shell_call":
        return ToolCall("local_shell", action.get("command"), call_id)
    if kind == "shell_call":
        return ToolCall("shell", {"commands": action.get("commands")}, call_id)
    if kind == "apply_patch_call" and isinstance(item.get("operation"), dict):
        return ToolCall("apply_patch", item["operation"], call_id)
    if kind in ("mcp_call", "mcp_approval_request"):  # remote MCP tools; named as MCP clients name them
        server = item.get("server_label") if isinstance(item.get("server_label"), str) else "mcp"
        return ToolCall(f"mcp__{server}__{name or 'tool'}", item.get("arguments"),
                        item.get("id") if isinstance(item.get("id"), str) else None)
    return None


def _items(payload: dict[str, Any]) -> list[dict[str, Any]]:
    output = payload.get("output")
    return [item for item in output if isinstance(item, dict)] if isinstance(output, list) else []


async def review_response(payload: dict[str, Any], guard: Guard) -> Review:
    """Scan and (unless shadow) rewrite the reply's messages and tool call items in place."""
    calls = item_calls(payload)
    return await review_in_place(guard, text_slots(payload), [c.call for c in calls],
                                 lambda verdicts: _apply_verdicts(payload, calls, verdicts))


def _apply_verdicts(payload: dict[str, Any], calls: list[ItemCall], verdicts: list[ToolVerdict]) -> None:
    by_item = {id(c.item): v for c, v in zip(calls, verdicts, strict=True)}
    payload["output"] = splice_notes(payload.get("output") or [], by_item, message_item)
    if isinstance(payload.get("output_text"), str):  # some servers add the SDK's convenience field
        payload["output_text"] = "".join(holder[key] for holder, key in text_slots(payload))


def message_item(text: str) -> dict[str, Any]:
    """An assistant message output item, shaped as the API sends one."""
    return {
        "id": f"msg_bw_{uuid.uuid4().hex}",
        "type": "message",
        "status": "completed",
        "role": "assistant",
        "content": [{"type": "output_text", "text": text, "annotations": [], "logprobs": []}],
    }
