"""Upstream bodies with tool calls, as the OpenAI and Anthropic APIs stream them, and readers of what came out."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from tests.support.streams import CREATED, _event, chat_chunk, sse_data


@dataclass(frozen=True)
class Call:
    """One tool call: its id, tool name and arguments (an object, sent as JSON text)."""

    id: str
    name: str
    arguments: dict[str, Any]

    @property
    def text(self) -> str:
        return json.dumps(self.arguments)


def pieces(text: str, size: int) -> list[str]:
    return [text[i:i + size] for i in range(0, len(text), size)] or [""]


def chat_tool_events(calls: list[Call], *, size: int = 4, content: list[str] | None = None,
                     newline: str = "\n") -> list[bytes]:
    """A chat stream: optional content pieces, then each call (id/name first, arguments in `size`-char deltas)."""
    extra = {"usage": None}
    events = [_event(chat_chunk({"role": "assistant", "content": "" if content else None, "refusal": None}, **extra),
                     newline=newline)]
    for piece in content or []:
        events.append(_event(chat_chunk({"content": piece}, **extra), newline=newline))
    for number, call in enumerate(calls):
        head = {"index": number, "id": call.id, "type": "function", "function": {"name": call.name, "arguments": ""}}
        events.append(_event(chat_chunk({"tool_calls": [head]}, **extra), newline=newline))
        events += [_event(chat_chunk({"tool_calls": [{"index": number, "function": {"arguments": part}}]}, **extra),
                          newline=newline) for part in pieces(call.text, size)]
    events.append(_event(chat_chunk({}, finish="tool_calls" if calls else "stop", **extra), newline=newline))
    events.append(_event({**chat_chunk({}), "choices": [],
                          "usage": {"prompt_tokens": 5, "completion_tokens": 7, "total_tokens": 12}}, newline=newline))
    events.append(_event("[DONE]", newline=newline))
    return events


def chat_tool_reply(calls: list[Call], content: str | None = None) -> dict[str, Any]:
    """The same reply, non-streamed."""
    message: dict[str, Any] = {"role": "assistant", "content": content, "refusal": None}
    if calls:
        message["tool_calls"] = [{"id": c.id, "type": "function", "function": {"name": c.name, "arguments": c.text}}
                                 for c in calls]
    return {"id": "chatcmpl-stream1", "object": "chat.completion", "created": CREATED, "model": "gpt-test",
            "system_fingerprint": "fp_stream",
            "choices": [{"index": 0, "message": message, "logprobs": None,
                         "finish_reason": "tool_calls" if calls else "stop"}],
            "usage": {"prompt_tokens": 5, "completion_tokens": 7, "total_tokens": 12}}


@dataclass
class ChatOut:
    """What a client assembles from a chat stream, and every tool-call arguments delta it saw."""

    content: str
    calls: dict[int, dict[str, str]]
    finish: str | None
    argument_deltas: list[str]


def read_chat(body: bytes) -> ChatOut:
    content, calls, finish, deltas = [], {}, None, []
    for data in sse_data(body):
        if data == "[DONE]":
            continue
        for choice in json.loads(data).get("choices", []):
            delta = choice.get("delta") or {}
            if isinstance(delta.get("content"), str):
                content.append(delta["content"])
            for entry in delta.get("tool_calls") or []:
                call = calls.setdefault(entry["index"], {"id": "", "name": "", "arguments": ""})
                call["id"] = call["id"] or entry.get("id") or ""
                function = entry.get("function") or {}
                call["name"] += function.get("name") or ""
                call["arguments"] += function.get("arguments") or ""
                deltas.append(function.get("arguments") or "")
            finish = choice.get("finish_reason") or finish
    return ChatOut("".join(content), calls, finish, deltas)


def anthropic_message(blocks: list[dict[str, Any]], stop_reason: str = "tool_use") -> dict[str, Any]:
    return {"id": "msg_1", "type": "message", "role": "assistant", "model": "claude-test", "content": blocks,
            "stop_reason": stop_reason, "stop_sequence": None, "usage": {"input_tokens": 5, "output_tokens": 9}}


def text_block(text: str) -> dict[str, Any]:
    return {"type": "text", "text": text}


def tool_use(call: Call) -> dict[str, Any]:
    return {"type": "tool_use", "id": call.id, "name": call.name, "input": call.arguments}


def anthropic_block_events(blocks: list[dict[str, Any]], stop_reason: str = "tool_use", size: int = 5) -> list[bytes]:
    """A message stream with these content blocks: text in `size`-char text_deltas, tool input in input_json_deltas."""
    def ev(payload: dict[str, Any]) -> bytes:
        return _event(payload, payload["type"])

    message = {**anthropic_message([], None), "stop_reason": None}  # type: ignore[arg-type]
    events = [ev({"type": "message_start", "message": message}), ev({"type": "ping"})]
    for index, block in enumerate(blocks):
        if block["type"] == "text":
            events.append(ev({"type": "content_block_start", "index": index,
                              "content_block": {"type": "text", "text": ""}}))
            events += [ev({"type": "content_block_delta", "index": index, "delta": {"type": "text_delta", "text": p}})
                       for p in pieces(block["text"], size)]
        else:
            events.append(ev({"type": "content_block_start", "index": index,
                              "content_block": {**block, "input": {}}}))
            events += [ev({"type": "content_block_delta", "index": index,
                           "delta": {"type": "input_json_delta", "partial_json": p}})
                       for p in pieces(json.dumps(block["input"]), size)]
        events.append(ev({"type": "content_block_stop", "index": index}))
    events.append(ev({"type": "message_delta", "delta": {"stop_reason": stop_reason, "stop_sequence": None},
                      "usage": {"output_tokens": 20}}))
    events.append(ev({"type": "message_stop"}))
    return events


def block_indexes(body: bytes) -> list[tuple[str, int]]:
    """(event type, index) of every content block event, in order."""
    out = []
    for data in sse_data(body):
        payload = json.loads(data)
        if payload["type"].startswith("content_block"):
            out.append((payload["type"], payload["index"]))
    return out


def consistent_indexes(pairs: list[tuple[str, int]]) -> bool:
    """Blocks 0..n-1 in order, each start → deltas → stop with one index."""
    expected, current = 0, None
    for kind, index in pairs:
        if kind == "content_block_start":
            if current is not None or index != expected:
                return False
            current = index
        elif index != current:
            return False
        elif kind == "content_block_stop":
            current, expected = None, expected + 1
    return current is None
