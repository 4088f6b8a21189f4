"""Property tests: re-chunking an upstream stream at random byte boundaries.

Enforce mode runs the in-process transformer (the same `ChatStream` the proxy uses) on the
exact byte pieces: over TCP the pieces could be coalesced, and these tests must control every
boundary, including inside UTF-8 sequences and CRLF pairs. The engine is the real one, its
results cached per (code, language) by the scanner's exact findings cache, so a few hundred
examples take seconds. Shadow mode runs against the real proxy over HTTP, since its promise
is about the bytes on the wire.
"""

from __future__ import annotations

import asyncio

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from proxy.config import StreamingConfig
from proxy.guard import Guard
from proxy.protocols.openai_stream import ChatStream
from proxy.render import BLOCK_MARKER, TAG_MARKER
from proxy.stream.context import StreamContext
from proxy.stream.tool_review import ToolReview
from tests.conftest import ProxyFactory
from tests.support.fake_llm import FakeLLM, sse_reply
from tests.support.streams import chat_text, openai_chat_events, rechunk
from tests.support.transform import cached_guard, run_stream

PARTS = [
    "Intro — café ✓\n\n",
    "```sql\nDROP TABLE orders;\n```\n",
    "```python\nimport requests\nresp = requests.get(url)\n```\n",
    "~~~bash\necho hello\n~~~\n",
    "Some prose with `inline` code.\n",
    "  ```js\n  const x = 1;\n  ```\n",
    "```sh\nrm -rf /\n",  # unterminated when last
    "\r\n",
]


@pytest.fixture(scope="module")
def guard() -> Guard:
    return cached_guard()


async def transform(guard: Guard, chunks: list[bytes]) -> bytes:
    ctx = StreamContext(guard, StreamingConfig(), ToolReview)
    return await run_stream(ctx, ChatStream(ctx), chunks)


texts = st.lists(st.sampled_from(PARTS), min_size=1, max_size=4).map("".join)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts.flatmap(lambda t: st.tuples(st.just(t), st.integers(1, 9), st.lists(st.integers(0, 4000), max_size=25))))
def test_enforce_stream_equals_non_streamed_and_never_leaks(guard: Guard, case: tuple[str, int, list[int]]) -> None:
    text, size, cuts = case
    pieces = [text[i:i + size] for i in range(0, len(text), size)]
    body = b"".join(openai_chat_events(pieces, newline="\r\n" if "\r\n" in text else "\n"))
    out = asyncio.run(transform(guard, rechunk(body, cuts)))
    review = asyncio.run(guard.review_texts([text], count=False))
    delivered = chat_text(out)
    # Absolute oracles first (not the guard compared with itself): destructive code never reaches the
    # client, whatever fence it ends up in, and a block note stands in its place; the risky Python
    # fetch, when it is a block of its own, is delivered with a tag note.
    # (An unterminated ```sh fence followed by more parts swallows them into a shell script that does
    # not parse; that case is tests/test_known_gaps.py, so the claim is made only without it.)
    swallowed = PARTS[6] in text and text.split(PARTS[6], 1)[1].strip() != ""
    if not swallowed:
        for destructive in ("DROP TABLE orders", "rm -rf /"):
            assert destructive not in delivered
        if "DROP TABLE orders" in text or "rm -rf /" in text:
            assert BLOCK_MARKER in delivered
    if PARTS[2] in text and "```sh" not in text:
        assert "resp = requests.get(url)" in delivered and TAG_MARKER in delivered
    assert delivered == review.texts[0]  # and the same notes as a non-streamed reply
    kept = [r.snippet.code for r in review.result.snippets if r.decision.value != "block"]
    for result in review.result.snippets:  # and no blocked block's code, in any chunking
        code = result.snippet.code
        if result.decision.value == "block" and code.strip() and not any(code in other for other in kept):
            assert code not in delivered


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts, st.lists(st.integers(0, 3000), max_size=20))
def test_shadow_stream_is_unchanged(proxy_factory: ProxyFactory, fake_server: tuple[FakeLLM, object], text: str,
                                    cuts: list[int]) -> None:
    import requests

    fake, _ = fake_server
    fake.reset()
    server = proxy_factory(mode="shadow")
    body = b"".join(openai_chat_events([text[i:i + 5] for i in range(0, len(text), 5)]))
    fake.respond(sse_reply(rechunk(body, cuts)))
    response = requests.post(f"{server.url}/v1/chat/completions", json={"stream": True}, timeout=30)
    assert response.content == body
    assert chat_text(response.content) == text
