"""Realistic upstream SSE bodies (OpenAI chat/completions chunks, Anthropic events), and re-chunking."""

from __future__ import annotations

import json
from typing import Any

CREATED = 1_700_000_000


def _event(payload: Any, event: str | None = None, newline: str = "\n") -> bytes:
    data = payload if isinstance(payload, str) else json.dumps(payload, separators=(",", ":"), ensure_ascii=False)
    head = f"event: {event}{newline}" if event else ""
    return f"{head}data: {data}{newline}{newline}".encode()


def chat_chunk(delta: dict[str, Any], index: int = 0, finish: str | None = None, **top: Any) -> dict[str, Any]:
    return {"id": "chatcmpl-stream1", "object": "chat.completion.chunk", "created": CREATED, "model": "gpt-test",
            "system_fingerprint": "fp_stream", **top,
            "choices": [{"index": index, "delta": delta, "logprobs": None, "finish_reason": finish}]}


def openai_chat_events(pieces: list[str], *, choices: int = 1, usage: bool = True, done: bool = True,
                       newline: str = "\n", finish: str = "stop") -> list[bytes]:
    """One event per piece (for every choice, interleaved), like the OpenAI API streams."""
    extra = {"usage": None} if usage else {}
    events = [_event(chat_chunk({"role": "assistant", "content": "", "refusal": None}, i, **extra), newline=newline)
              for i in range(choices)]
    for piece in pieces:
        events += [_event(chat_chunk({"content": piece}, i, **extra), newline=newline) for i in range(choices)]
    events += [_event(chat_chunk({}, i, finish, **extra), newline=newline) for i in range(choices)]
    if usage:
        events.append(_event({**chat_chunk({}), "choices": [],
                              "usage": {"prompt_tokens": 5, "completion_tokens": 7, "total_tokens": 12}},
                             newline=newline))
    if done:
        events.append(_event("[DONE]", newline=newline))
    return events


def completion_events(pieces: list[str], done: bool = True) -> list[bytes]:
    def chunk(text: str, finish: str | None = None) -> dict[str, Any]:
        return {"id": "cmpl-1", "object": "text_completion", "created": CREATED, "model": "gpt-3.5-turbo-instruct",
                "choices": [{"text": text, "index": 0, "logprobs": None, "finish_reason": finish}]}

    events = [_event(chunk(piece)) for piece in pieces] + [_event(chunk("", "stop"))]
    return events + ([_event("[DONE]")] if done else [])


def anthropic_events(pieces: list[str], *, tool: tuple[str, list[str]] | None = None, newline: str = "\n",
                     stop: bool = True) -> list[bytes]:
    def ev(payload: dict[str, Any]) -> bytes:
        return _event(payload, payload["type"], newline)

    message = {"id": "msg_1", "type": "message", "role": "assistant", "model": "claude-test", "content": [],
               "stop_reason": None, "stop_sequence": None, "usage": {"input_tokens": 5, "output_tokens": 1}}
    events = [ev({"type": "message_start", "message": message}),
              ev({"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}),
              ev({"type": "ping"})]
    events += [ev({"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": p}})
               for p in pieces]
    events.append(ev({"type": "content_block_stop", "index": 0}))
    if tool is not None:
        name, parts = tool
        events.append(ev({"type": "content_block_start", "index": 1,
                          "content_block": {"type": "tool_use", "id": "toolu_1", "name": name, "input": {}}}))
        events += [ev({"type": "content_block_delta", "index": 1,
                       "delta": {"type": "input_json_delta", "partial_json": part}}) for part in parts]
        events.append(ev({"type": "content_block_stop", "index": 1}))
    if stop:
        events.append(ev({"type": "message_delta", "delta": {"stop_reason": "tool_use" if tool else "end_turn",
                                                              "stop_sequence": None}, "usage": {"output_tokens": 20}}))
        events.append(ev({"type": "message_stop"}))
    return events


def rechunk(body: bytes, cuts: list[int]) -> list[bytes]:
    """The body split at these byte offsets (any order, duplicates ignored)."""
    points = sorted({c for c in cuts if 0 < c < len(body)})
    return [body[a:b] for a, b in zip([0, *points], [*points, len(body)], strict=True)]


def sse_data(body: bytes) -> list[str]:
    """The data fields of an SSE body, in order (for assertions on what a client received)."""
    text = body.decode().replace("\r\n", "\n")
    out = []
    for block in text.split("\n\n"):
        data = [line[6:] if line.startswith("data: ") else line[5:] for line in block.split("\n")
                if line.startswith("data:")]
        if data:
            out.append("\n".join(data))
    return out


def chat_text(body: bytes, index: int = 0) -> str:
    parts = []
    for data in sse_data(body):
        if data == "[DONE]":
            continue
        for choice in json.loads(data).get("choices", []):
            if choice["index"] == index and isinstance(choice["delta"].get("content"), str):
                parts.append(choice["delta"]["content"])
    return "".join(parts)
