"""One reply in every wire format the proxy guards, streamed and not, and what a client can read of it.

Tests that state a promise "in every wire format" (fail_closed, a team's shadow mode, …) use
`WIRE_FORMATS` × streamed/not: `upstream(fmt, stream, reply)` is what the fake upstream sends,
`post(...)` sends the client's request, and `visible_strings(body)` is every string a client
could read in the answer (every JSON string of a JSON body or of each SSE `data:` field), so
an oracle like "the blocked code is nowhere in what the client got" does not depend on how
each format splits or escapes text.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import requests

from tests.support.fake_llm import Behaviour, raw_reply, sse_reply
from tests.support.replies import chat_completion
from tests.support.responses_streams import ResponseStream
from tests.support.streams import anthropic_events, completion_events, openai_chat_events, sse_data
from tests.support.tool_streams import (
    Call,
    anthropic_block_events,
    anthropic_message,
    chat_tool_events,
    chat_tool_reply,
    text_block,
    tool_use,
)

WIRE_FORMATS = ("chat", "completions", "responses", "anthropic")
PATHS = {"chat": "/v1/chat/completions", "completions": "/v1/completions", "responses": "/v1/responses",
         "anthropic": "/v1/messages"}


@dataclass(frozen=True)
class Reply:
    """What the model answers: prose around a fenced code block, or one tool call (not for completions)."""

    text: str | None = None
    code: str | None = None  # for completions: the raw completion; else wrapped into a fenced `language` block
    language: str = "python"
    call: Call | None = None

    def message_text(self) -> str:
        assert self.code is not None
        return f"Here you go:\n\n```{self.language}\n{self.code}```\n\nThat is all.\n"


def chunks_of(text: str, size: int = 7) -> list[str]:
    return [text[i:i + size] for i in range(0, len(text), size)]


def upstream(fmt: str, stream: bool, reply: Reply) -> Behaviour:
    """The fake upstream's answer carrying `reply` in wire format `fmt`."""
    return serve(upstream_body(fmt, stream, reply), stream)


def serve(body: bytes, stream: bool) -> Behaviour:
    """The fake upstream sending exactly these bytes: an SSE body in 97-byte chunks, or a JSON body."""
    if stream:
        return sse_reply([body[i:i + 97] for i in range(0, len(body), 97)])
    return raw_reply(body)


def upstream_body(fmt: str, stream: bool, reply: Reply) -> bytes:
    """The exact bytes the fake upstream sends for `reply` (a JSON body, or an SSE body)."""
    if stream:
        return b"".join(_events(fmt, reply))
    return json.dumps(_payload(fmt, reply), separators=(",", ":")).encode()


def _events(fmt: str, reply: Reply) -> list[bytes]:
    if fmt == "completions":
        assert reply.code is not None and reply.call is None
        return completion_events(chunks_of(reply.code))
    if fmt == "chat":
        return chat_tool_events([reply.call]) if reply.call else openai_chat_events(chunks_of(reply.message_text()))
    if fmt == "anthropic":
        if reply.call is not None:
            return anthropic_block_events([tool_use(reply.call)])
        return anthropic_events(chunks_of(reply.message_text()))
    return _responses(reply).events()


def _payload(fmt: str, reply: Reply) -> dict[str, Any]:
    if fmt == "completions":
        assert reply.code is not None and reply.call is None
        return {"id": "cmpl-1", "object": "text_completion", "created": 1, "model": "m",
                "choices": [{"text": reply.code, "index": 0, "logprobs": None, "finish_reason": "stop"}],
                "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}
    if fmt == "chat":
        return chat_tool_reply([reply.call]) if reply.call else chat_completion(reply.message_text())
    if fmt == "anthropic":
        if reply.call is not None:
            return anthropic_message([tool_use(reply.call)])
        return anthropic_message([text_block(reply.message_text())], "end_turn")
    built = _responses(reply)
    return {**built.response("completed", built.output), "created_at": int(time.time())}


def _responses(reply: Reply) -> ResponseStream:
    built = ResponseStream()
    if reply.call is not None:
        built.function_call(reply.call.name, reply.call.arguments)
    else:
        built.message(chunks_of(reply.message_text()))
    return built


def request_body(fmt: str, stream: bool) -> dict[str, Any]:
    body: dict[str, Any]
    if fmt == "completions":
        body = {"model": "m", "prompt": "# Path: app/client.py\nimport requests\n"}
    elif fmt == "responses":
        body = {"model": "gpt-5-codex", "input": "write it"}
    elif fmt == "anthropic":
        body = {"model": "claude-test", "max_tokens": 100, "messages": [{"role": "user", "content": "write it"}]}
    else:
        body = {"model": "gpt-test", "messages": [{"role": "user", "content": "write it"}]}
    return {**body, "stream": True} if stream else body


def post(base_url: str, fmt: str, stream: bool, key: str = "sk-client-key") -> requests.Response:
    headers = {"x-api-key": key, "anthropic-version": "2023-06-01"} if fmt == "anthropic" else {
        "Authorization": f"Bearer {key}"}
    response = requests.post(f"{base_url}{PATHS[fmt]}", json=request_body(fmt, stream), headers=headers, timeout=60)
    assert response.status_code == 200, response.text
    if stream:
        assert response.headers["Content-Type"].startswith("text/event-stream")
    return response


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def visible_strings(body: bytes) -> list[str]:
    """Every JSON string in the answer: a JSON body, or each SSE event's data (`[DONE]` included as is)."""
    stripped = body.lstrip()
    if stripped.startswith((b"{", b"[")):
        return list(_strings(json.loads(body)))
    out: list[str] = []
    for data in sse_data(body):
        try:
            out.extend(_strings(json.loads(data)))
        except json.JSONDecodeError:
            out.append(data)
    return out


def delivered_text(fmt: str, stream: bool, body: bytes) -> str:
    """The assistant text a client assembles (deltas for streams, the final fields otherwise)."""
    if not stream:
        reply = json.loads(body)
        if fmt == "completions":
            return "".join(c["text"] for c in reply["choices"])
        if fmt == "chat":
            return "".join(c["message"].get("content") or "" for c in reply["choices"])
        if fmt == "anthropic":
            return "".join(b.get("text", "") for b in reply["content"] if b["type"] == "text")
        return "".join(part.get("text", "") for item in reply["output"] if item["type"] == "message"
                       for part in item["content"])
    parts: list[str] = []
    for data in sse_data(body):
        if data == "[DONE]":
            continue
        event = json.loads(data)
        if fmt in ("chat", "completions"):
            for choice in event.get("choices", []):
                piece = choice.get("text") if fmt == "completions" else (choice.get("delta") or {}).get("content")
                parts.append(piece if isinstance(piece, str) else "")
        elif fmt == "anthropic":
            if event.get("type") == "content_block_delta" and event["delta"].get("type") == "text_delta":
                parts.append(event["delta"]["text"])
            if event.get("type") == "content_block_start" and event["content_block"].get("type") == "text":
                parts.append(event["content_block"].get("text", ""))
        elif event.get("type") == "response.output_text.delta":
            parts.append(event["delta"])
    return "".join(parts)


def delivered_calls(fmt: str, stream: bool, body: bytes) -> list[str]:
    """Names of the tool calls a client would run (streamed: those whose start was delivered)."""
    names: list[str] = []
    if not stream:
        reply = json.loads(body)
        if fmt == "chat":
            for choice in reply["choices"]:
                names += [c["function"]["name"] for c in choice["message"].get("tool_calls") or []]
        elif fmt == "anthropic":
            names += [b["name"] for b in reply["content"] if b["type"] == "tool_use"]
        elif fmt == "responses":
            names += [i["name"] for i in reply["output"] if i["type"] in ("function_call", "custom_tool_call")]
        return names
    for data in sse_data(body):
        if data == "[DONE]":
            continue
        event = json.loads(data)
        if fmt == "chat":
            for choice in event.get("choices", []):
                for entry in (choice.get("delta") or {}).get("tool_calls") or []:
                    name = (entry.get("function") or {}).get("name")
                    names += [name] if name else []
        elif fmt == "anthropic":
            if event.get("type") == "content_block_start" and event["content_block"].get("type") == "tool_use":
                names.append(event["content_block"]["name"])
        elif event.get("type") == "response.output_item.added" and event["item"]["type"] in (
                "function_call", "custom_tool_call"):
            names.append(event["item"]["name"])
    return names
