"""OpenAI chat completions (`POST /v1/chat/completions`), non-streaming replies.

The assistant text lives in `choices[i].message.content`: a string, or (some compatible
servers) a list of `{"type": "text", "text": ...}` parts. Tool calls live in
`message.tool_calls` (`{"type": "function", "function": {"name", "arguments"}}` or
`{"type": "custom", "custom": {"name", "input"}}`) and, in old replies, `message.function_call`.
Texts and tool calls of the whole reply are scanned in one engine call (proxy.agents).

A blocked tool call is removed and the message content says what was blocked and why; when
no call is left, `finish_reason` becomes "stop" so the client ends the turn instead of
waiting for a tool result. A tagged call stays as it was, and its note is added to the
content. Every other field, known or not, stays where it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from proxy.agents import ToolCall, ToolVerdict
from proxy.guard import Guard, Review
from proxy.protocols.shapes import TextSlot, review_in_place


@dataclass
class CallSlot:
    """Where one tool call sits: its choice, its message, and the call object (None: `function_call`)."""

    choice: dict[str, Any]
    message: dict[str, Any]
    item: dict[str, Any] | None
    call: ToolCall


def text_slots(payload: dict[str, Any]) -> list[TextSlot]:
    slots: list[TextSlot] = []
    for choice in payload.get("choices") or []:
        message = choice.get("message") if isinstance(choice, dict) else None
        if not isinstance(message, dict):
            continue
        content = message.get("content")
        if isinstance(content, str):
            slots.append((message, "content"))
        elif isinstance(content, list):
            slots.extend((part, "text") for part in content
                         if isinstance(part, dict) and isinstance(part.get("text"), str))
    return slots


def call_slots(payload: dict[str, Any]) -> list[CallSlot]:
    slots: list[CallSlot] = []
    for choice in payload.get("choices") or []:
        message = choice.get("message") if isinstance(choice, dict) else None
        if not isinstance(message, dict):
            continue
        for item in message.get("tool_calls") or []:
            call = tool_call_of(item)
            if call is not None:
                slots.append(CallSlot(choice, message, item, call))
        legacy = message.get("function_call")
        if isinstance(legacy, dict):
            slots.append(CallSlot(choice, message, None,
                                  ToolCall(_str(legacy.get("name")), legacy.get("arguments"))))
    return slots


def tool_call_of(item: object) -> ToolCall | None:
    """A chat `tool_calls[]` entry as a `ToolCall` (function or custom), else None."""
    if not isinstance(item, dict):
        return None
    call_id = _str(item.get("id"))
    if isinstance(item.get("function"), dict):
        function = item["function"]
        return ToolCall(_str(function.get("name")), function.get("arguments"), call_id)
    if isinstance(item.get("custom"), dict):
        custom = item["custom"]
        return ToolCall(_str(custom.get("name")), custom.get("input"), call_id)
    return None


def _str(value: object) -> str | None:
    return value if isinstance(value, str) else None


async def review_response(payload: dict[str, Any], guard: Guard) -> Review:
    """Scan and (unless shadow) rewrite the reply's assistant texts and tool calls in place."""
    calls = call_slots(payload)
    return await review_in_place(guard, text_slots(payload), [slot.call for slot in calls],
                                 lambda verdicts: _apply_verdicts(calls, verdicts))


def _apply_verdicts(calls: list[CallSlot], verdicts: list[ToolVerdict]) -> None:
    notes: dict[int, list[str]] = {}
    touched: dict[int, CallSlot] = {}
    for slot, verdict in zip(calls, verdicts, strict=True):
        if verdict.note is None and verdict.deliver:
            continue
        touched[id(slot.message)] = slot
        if verdict.note:
            notes.setdefault(id(slot.message), []).append(verdict.note)
        if not verdict.deliver:
            _remove_call(slot)
    for key, slot in touched.items():
        add_text(slot.message, "\n".join(notes.get(key, [])))
        if not slot.message.get("tool_calls") and "function_call" not in slot.message:
            slot.message.pop("tool_calls", None)
            if slot.choice.get("finish_reason") in ("tool_calls", "function_call"):
                slot.choice["finish_reason"] = "stop"


def _remove_call(slot: CallSlot) -> None:
    if slot.item is None:
        slot.message.pop("function_call", None)
        return
    remaining = [item for item in slot.message.get("tool_calls") or [] if item is not slot.item]
    slot.message["tool_calls"] = remaining


def add_text(message: dict[str, Any], note: str) -> None:
    """Append a note to the message's content, whatever shape the content has."""
    if not note:
        return
    content = message.get("content")
    if isinstance(content, list):
        content.append({"type": "text", "text": note})
    elif isinstance(content, str) and content.strip():
        message["content"] = content + ("\n" if content.endswith("\n") else "\n\n") + note
    elif isinstance(content, str):  # whitespace only: kept, as the stream has already sent it
        message["content"] = content + note
    else:
        message["content"] = note
