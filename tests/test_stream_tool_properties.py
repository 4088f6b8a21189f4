"""Property test: streamed OpenAI tool calls, re-chunked at random byte boundaries.

Like tests/test_stream_properties.py, the in-process `ChatStream` is fed the exact byte
pieces (over TCP they could be coalesced) with the real engine, memoised. Whatever the
chunking and the delta sizes, a blocked command's text is never in a tool-call arguments
delta, and what a client assembles equals the non-streamed review of the same reply.
"""

from __future__ import annotations

import asyncio
import copy

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
from tests.support.streams import rechunk
from tests.support.tool_streams import Call, chat_tool_events, chat_tool_reply, read_chat
from tests.support.transform import cached_guard, run_stream

BLOCKED = ["rm -rf / --no-preserve-root", "git push --force origin main"]
CALLS = [
    Call("c_push", "Bash", {"command": BLOCKED[1], "description": 'publish "main"\n\tnow \\ ok'}),
    Call("c_wipe", "run_shell_command", {"command": BLOCKED[0]}),
    Call("c_test", "Bash", {"command": "npm test"}),
    Call("c_write", "Write", {"file_path": "app/client.py", "content": "import requests\nrequests.get(url)\n"}),
    Call("c_clean", "Write", {"file_path": "app/été.py", "content": "x = 1  # ✓\n"}),
]
CONTENT = [None, "Doing it.", "Doing it:\n"]


@pytest.fixture(scope="module")
def guard() -> Guard:
    return cached_guard()


async def transform(guard: Guard, chunks: list[bytes]) -> bytes:
    ctx = StreamContext(guard, StreamingConfig(), ToolReview)
    return await run_stream(ctx, ChatStream(ctx), chunks)


replies = st.tuples(
    st.lists(st.sampled_from(CALLS), min_size=1, max_size=3, unique_by=lambda c: c.id),
    st.sampled_from(CONTENT),
    st.integers(1, 12),
    st.lists(st.integers(0, 6000), max_size=30),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(replies)
def test_streamed_tool_calls_equal_non_streamed_and_never_leak(guard: Guard, case: tuple) -> None:
    calls, content, size, cuts = case
    body = b"".join(chat_tool_events(calls, size=size, content=[content] if content else None))
    out = read_chat(asyncio.run(transform(guard, rechunk(body, cuts))))

    # Absolute oracles (independent of the guard): a blocked command is in no delivered call, whole or in
    # its deltas put together; a block note says so; every other call is delivered.
    delivered = "".join(out.argument_deltas) + "".join(c["arguments"] for c in out.calls.values())
    assert not any(command in delivered for command in BLOCKED)
    wanted = [c for c in calls if c.arguments.get("command") not in BLOCKED]
    assert [c["id"] for _, c in sorted(out.calls.items())] == [c.id for c in wanted]
    assert (BLOCK_MARKER in out.content) == (len(wanted) < len(calls))
    reply = copy.deepcopy(chat_tool_reply(calls, content))
    asyncio.run(openai_chat.review_response(reply, guard))
    choice = reply["choices"][0]
    expected_calls = [(c["id"], c["function"]["name"], c["function"]["arguments"])
                      for c in choice["message"].get("tool_calls") or []]
    assert [(c["id"], c["name"], c["arguments"]) for _, c in sorted(out.calls.items())] == expected_calls
    assert sorted(out.calls) == list(range(len(expected_calls)))
    assert out.content == (choice["message"]["content"] or "")
    assert out.finish == choice["finish_reason"]
