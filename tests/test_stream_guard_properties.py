"""Property test: no re-chunking and no shape variant delivers, streamed, a command the guard blocks.

A chat reply is built from random parts: prose, the destructive command in fences of every
CommonMark shape (CRLF, CR, blockquote, list item, tildes, tabs, a line separator before the
fence, unclosed at the end), and tool calls in every wire shape (function, custom, legacy
`function_call`; parallel calls interleaved). It is streamed with random delta sizes, cut at
random byte offsets and fed to the in-process `ChatStream` with the real engine.

Oracles, beyond "equals the non-streamed review": the non-streamed path blocks every
command variant here (checked, so the test cannot pass vacuously), and in what the streamed
client receives the command is in no delivered call and on no line except a Breakwater note's
header, and a block note is present.
"""

from __future__ import annotations

import asyncio
import copy
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from proxy.config import StreamingConfig
from proxy.guard import Guard
from proxy.protocols import openai_chat
from proxy.protocols.openai_stream import ChatStream
from proxy.render import BLOCK_MARKER
from proxy.stream.context import StreamContext
from proxy.stream.tool_review import ToolReview
from tests.support.streams import _event, chat_chunk, rechunk, sse_data
from tests.support.transform import cached_guard, run_stream

COMMAND = "rm -rf /*"
FENCES = [
    "```bash\nrm -rf /*\n```\n",
    "```bash\r\nrm -rf /*\r\n```\r\n",
    "```bash\rrm -rf /*\r```\r",
    "> ```bash\n> rm -rf /*\n> ```\n",
    "1. Run:\n   ```bash\n   rm -rf /*\n   ```\n",
    "~~~sh\nrm -rf /*\n~~~\n",
    "- Run:\n\t```bash\n\trm -rf /*\n\t```\n",
    "echo hi\u2028```bash\nrm -rf /*\n```\n",
    "~~~~bash\nls\n    ~~~~\nrm -rf /*\n~~~~\n",  # a closer indented 4 columns does not close
]
UNCLOSED = "```bash\nrm -rf /*\n"
PROSE = ["Sure.\n\n", "Some `inline` text.\n", "- a list item\n", "\n", "Done — café ✓\n"]
SAFE_COMMAND = json.dumps({"command": "ls -la"})
BAD_ARGUMENTS = json.dumps({"command": COMMAND})


@pytest.fixture(scope="module")
def guard() -> Guard:
    return cached_guard()


def pieces(text: str, size: int) -> list[str]:
    return [text[i:i + size] for i in range(0, len(text), size)] or [""]


def call_deltas(shape: str, number: int, arguments: str, size: int) -> list[list[dict[str, Any]]]:
    """The deltas of one call, each a list of fragments (one per chunk)."""
    call_id = f"call_{number}"
    if shape == "legacy":
        head = [{"function_call": {"name": "shell", "arguments": ""}}]
        return [head, *([{"function_call": {"arguments": part}}] for part in pieces(arguments, size))]
    if shape == "custom":
        command = json.loads(arguments)["command"]
        head = {"index": number, "id": call_id, "type": "custom", "custom": {"name": "shell", "input": ""}}
        return [[head], *([{"index": number, "type": "custom", "custom": {"input": part}}]
                          for part in pieces(command, size))]
    head = {"index": number, "id": call_id, "type": "function", "function": {"name": "shell", "arguments": ""}}
    return [[head], *([{"index": number, "function": {"arguments": part}}] for part in pieces(arguments, size))]


def interleave(calls: list[list[list[dict[str, Any]]]]) -> list[list[dict[str, Any]]]:
    out: list[list[dict[str, Any]]] = []
    for row in range(max((len(c) for c in calls), default=0)):
        out.extend(call[row] for call in calls if row < len(call))
    return out


def build(text: str, shape: str, bad: list[bool], size: int, interleaved: bool) -> tuple[list[bytes], dict]:
    """The stream, and the same reply non-streamed."""
    events = [_event(chat_chunk({"role": "assistant", "content": ""}))]
    events += [_event(chat_chunk({"content": part})) for part in pieces(text, size)]
    arguments = [BAD_ARGUMENTS if b else SAFE_COMMAND for b in bad]
    calls = [call_deltas(shape, n, a, size) for n, a in enumerate(arguments)]
    ordered = interleave(calls) if interleaved else [d for call in calls for d in call]
    for fragments in ordered:
        key = "function_call" if shape == "legacy" else "tool_calls"
        delta = fragments[0] if shape == "legacy" else {key: fragments}
        events.append(_event(chat_chunk(delta)))
    finish = ("function_call" if shape == "legacy" else "tool_calls") if bad else "stop"
    events += [_event(chat_chunk({}, finish=finish)), _event("[DONE]")]
    message: dict[str, Any] = {"role": "assistant", "content": text}
    if shape == "legacy" and bad:
        message["function_call"] = {"name": "shell", "arguments": arguments[0]}
    elif bad:
        message["tool_calls"] = [
            {"id": f"call_{n}", "type": "custom", "custom": {"name": "shell", "input": json.loads(a)["command"]}}
            if shape == "custom" else
            {"id": f"call_{n}", "type": "function", "function": {"name": "shell", "arguments": a}}
            for n, a in enumerate(arguments)]
    reply = {"id": "c", "object": "chat.completion", "created": 1, "model": "m",
             "choices": [{"index": 0, "message": message, "finish_reason": finish}]}
    return events, reply


def delivered(body: bytes) -> tuple[str, list[str]]:
    content: list[str] = []
    calls: dict[object, list[str]] = {}
    for data in sse_data(body):
        if data == "[DONE]":
            continue
        for choice in json.loads(data).get("choices", []):
            delta = choice.get("delta") or {}
            content.append(delta.get("content") or "")
            for entry in delta.get("tool_calls") or []:
                inner = entry.get("function") or entry.get("custom") or {}
                calls.setdefault(entry["index"], []).append(inner.get("arguments") or inner.get("input") or "")
            if isinstance(delta.get("function_call"), dict):
                calls.setdefault("legacy", []).append(delta["function_call"].get("arguments") or "")
    return "".join(content), ["".join(parts) for parts in calls.values()]


def assert_command_absent(content: str, calls: list[str]) -> None:
    assert not any(COMMAND in call for call in calls), calls
    for line in content.replace("\r", "\n").replace("\u2028", "\n").split("\n"):
        assert COMMAND not in line or "Breakwater" in line, content
    assert BLOCK_MARKER in content


replies = st.tuples(
    st.lists(st.one_of(st.sampled_from(FENCES), st.sampled_from(PROSE)), min_size=1, max_size=5),
    st.booleans(),  # end with an unclosed fence
    st.sampled_from(["function", "custom", "legacy"]),
    st.lists(st.booleans(), max_size=3),  # the calls: destructive or not
    st.integers(1, 9),  # delta size
    st.booleans(),  # interleave parallel calls
    st.lists(st.integers(0, 4000), max_size=25),  # byte cuts
)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(replies)
def test_streamed_reply_never_delivers_a_blocked_command(guard: Guard, case: tuple) -> None:
    parts, unclosed, shape, bad, size, interleaved, cuts = case
    bad = bad[:1] if shape == "legacy" else bad  # one legacy call at most
    text = "".join(parts) + (UNCLOSED if unclosed else "")
    events, reply = build(text, shape, bad, size, interleaved)
    ctx = StreamContext(guard, StreamingConfig(), ToolReview)
    content, calls = delivered(asyncio.run(run_stream(ctx, ChatStream(ctx), rechunk(b"".join(events), cuts))))

    whole = copy.deepcopy(reply)
    asyncio.run(openai_chat.review_response(whole, guard))
    message = whole["choices"][0]["message"]
    if COMMAND in text or any(bad):  # the non-streamed path blocks every variant here ...
        assert_command_absent(message.get("content") or "", [json.dumps(message.get("tool_calls") or []),
                                                             json.dumps(message.get("function_call") or {})])
        assert_command_absent(content, calls)  # ... and so does the stream, whatever the chunking
    assert content == (message.get("content") or "")
    assert len(calls) == sum(1 for b in bad if not b)


# ---------------------------------------------------------------- Anthropic messages


def anthropic_build(text: str, bad: list[bool], size: int, float_index: bool) -> tuple[list[bytes], dict]:
    def ev(payload: dict[str, Any]) -> bytes:
        return _event(payload, payload["type"])

    def at(number: int) -> float | int:
        return float(number) if float_index else number

    blocks: list[dict[str, Any]] = [{"type": "text", "text": text}]
    blocks += [{"type": "tool_use", "id": f"toolu_{n}", "name": "Bash", "input": json.loads(BAD_ARGUMENTS if b
                                                                                            else SAFE_COMMAND)}
               for n, b in enumerate(bad)]
    message = {"id": "msg_1", "type": "message", "role": "assistant", "model": "c", "content": [],
               "stop_reason": None, "stop_sequence": None, "usage": {"input_tokens": 1, "output_tokens": 1}}
    events = [ev({"type": "message_start", "message": message})]
    for number, block in enumerate(blocks):
        if block["type"] == "text":
            events.append(ev({"type": "content_block_start", "index": at(number),
                              "content_block": {"type": "text", "text": ""}}))
            events += [ev({"type": "content_block_delta", "index": at(number),
                           "delta": {"type": "text_delta", "text": part}}) for part in pieces(text, size)]
        else:
            events.append(ev({"type": "content_block_start", "index": at(number),
                              "content_block": {**block, "input": {}}}))
            events += [ev({"type": "content_block_delta", "index": at(number),
                           "delta": {"type": "input_json_delta", "partial_json": part}})
                       for part in pieces(json.dumps(block["input"]), size)]
        events.append(ev({"type": "content_block_stop", "index": at(number)}))
    stop = "tool_use" if bad else "end_turn"
    events += [ev({"type": "message_delta", "delta": {"stop_reason": stop, "stop_sequence": None},
                   "usage": {"output_tokens": 9}}), ev({"type": "message_stop"})]
    reply = {**message, "content": blocks, "stop_reason": stop}
    return events, reply


def anthropic_delivered(body: bytes) -> tuple[str, list[str]]:
    texts: dict[int, str] = {}
    tools: dict[int, str] = {}
    for data in sse_data(body):
        payload = json.loads(data)
        index = payload.get("index")
        if payload["type"] == "content_block_start" and payload["content_block"]["type"] == "tool_use":
            tools[index] = ""
        elif payload["type"] == "content_block_delta" and payload["delta"]["type"] == "text_delta":
            texts[index] = texts.get(index, "") + payload["delta"]["text"]
        elif payload["type"] == "content_block_delta" and payload["delta"]["type"] == "input_json_delta":
            tools[index] += payload["delta"]["partial_json"]
    return "\n".join(texts[i] for i in sorted(texts)), [tools[i] for i in sorted(tools)]


anthropic_replies = st.tuples(
    st.lists(st.one_of(st.sampled_from(FENCES), st.sampled_from(PROSE)), min_size=1, max_size=4),
    st.booleans(),
    st.lists(st.booleans(), max_size=2),
    st.integers(1, 9),
    st.booleans(),  # float indexes
    st.lists(st.integers(0, 5000), max_size=25),
)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(anthropic_replies)
def test_anthropic_stream_never_delivers_a_blocked_command(guard: Guard, case: tuple) -> None:
    from proxy.protocols import anthropic
    from proxy.protocols.anthropic_stream import MessagesStream

    parts, unclosed, bad, size, float_index, cuts = case
    text = "".join(parts) + (UNCLOSED if unclosed else "")
    events, reply = anthropic_build(text, bad, size, float_index)
    ctx = StreamContext(guard, StreamingConfig(), ToolReview)
    body = asyncio.run(run_stream(ctx, MessagesStream(ctx), rechunk(b"".join(events), cuts)))
    content, calls = anthropic_delivered(body)

    whole = copy.deepcopy(reply)
    asyncio.run(anthropic.review_response(whole, guard))
    whole_text = "\n".join(b["text"] for b in whole["content"] if b["type"] == "text")
    if COMMAND in text or any(bad):
        assert_command_absent(whole_text, [json.dumps(b) for b in whole["content"] if b["type"] == "tool_use"])
        assert_command_absent(content, calls)
    assert len(calls) == sum(1 for b in bad if not b)
