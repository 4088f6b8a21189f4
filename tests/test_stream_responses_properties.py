"""Property test: a Responses stream re-chunked at random byte boundaries (inside events, UTF-8
sequences and CRLF pairs) never leaks a blocked item or block, and always ends in the same response.

It runs the in-process transformer the proxy uses, on the exact pieces (over TCP they could be
coalesced), with the real engine behind the scanner's exact findings cache.
"""

from __future__ import annotations

import asyncio
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from proxy.config import StreamingConfig
from proxy.guard import Guard
from proxy.models import Decision
from proxy.protocols.openai_responses_stream import ResponsesStream
from proxy.render import BLOCK_MARKER, TAG_MARKER
from proxy.stream.context import StreamContext
from proxy.stream.tool_review import ToolReview
from tests.support.responses_streams import DROP_TEXT, MIGRATION_PATCH, RISKY_TEXT, ResponseStream, streamed_texts
from tests.support.streams import rechunk
from tests.support.transform import cached_guard, run_stream
from tests.test_stream_responses import check_consistent

NOTE_ID = re.compile(rb"msg_bw_[0-9a-f]{32}")


def upstream_body(newline: str) -> bytes:
    args = {"path": "app/fetch.py", "content": "import requests\nrequests.get(u)\n"}
    return (ResponseStream(newline=newline).reasoning().message([*RISKY_TEXT, "Also — café ✓\n", *DROP_TEXT])
            .custom_call("apply_patch", MIGRATION_PATCH, pieces=5)
            .function_call("shell", {"command": ["bash", "-lc", "ls"]})
            .function_call("write_file", args).message(["Done ✓"]).body())


@pytest.fixture(scope="module")
def guard() -> Guard:
    return cached_guard()


async def transform(guard: Guard, chunks: list[bytes]) -> tuple[bytes, Decision]:
    ctx = StreamContext(guard, StreamingConfig(), ToolReview)
    out = await run_stream(ctx, ResponsesStream(ctx), chunks)
    return out, ctx.result.decision


def normalised(body: bytes) -> bytes:
    return NOTE_ID.sub(b"msg_bw_X", body).replace(b"\r\n", b"\n")


@pytest.fixture(scope="module")
def reference(guard: Guard) -> bytes:
    body, decision = asyncio.run(transform(guard, [upstream_body("\n")]))
    assert decision is Decision.BLOCK
    final = check_consistent(body)
    assert [item["type"] for item in final["output"]] == [
        "reasoning", "message", "message", "function_call", "function_call", "message", "message"]
    return normalised(body)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(newline=st.sampled_from(["\n", "\r\n"]), data=st.data())
def test_rechunking_never_leaks_and_ends_the_same(guard: Guard, reference: bytes, newline: str,
                                                   data: st.DataObject) -> None:
    body = upstream_body(newline)
    cuts = data.draw(st.lists(st.integers(0, len(body)), max_size=40))
    out, _ = asyncio.run(transform(guard, rechunk(body, cuts)))
    assert b"DROP TABLE orders" not in out and b"Begin Patch" not in out and b"custom_tool_call" not in out
    texts = "".join(streamed_texts(out).values())  # absolute: the block notes are what the client reads
    assert texts.count(BLOCK_MARKER) >= 2 and "requests.get(url)" in texts and TAG_MARKER in texts
    assert normalised(out) == reference
