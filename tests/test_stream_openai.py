"""End to end, streamed: the openai SDK (sync and async) → Breakwater → a fake upstream that streams
realistic chunking, with the real scan engine."""

from __future__ import annotations

import asyncio
import http.client
import json
import time

import openai
import pytest
import requests

from proxy.render import BLOCK_MARKER, TAG_MARKER
from tests.conftest import ProxyFactory
from tests.support.fake_llm import FakeLLM, Gate, gated_sse_reply, json_reply, sse_reply
from tests.support.replies import chat_completion
from tests.support.servers import ServerThread, metric_value
from tests.support.streams import _event, chat_chunk, chat_text, openai_chat_events, rechunk, sse_data

RISKY_PIECES = ["Use this:\n\n``", "`python\nimport requests\n\nx = 1\nresp = requests.get(url)\n",
                "try:\n    resp.raise_for_status()\nexcept:\n    pass\n``", "`\nThat's all.\n"]
DESTRUCTIVE_PIECES = ["Run this to reset:\n\n```sql\n", "DROP TABLE orders;\n", "```\n\nDone.\n"]


def client(server: ServerThread) -> openai.OpenAI:
    return openai.OpenAI(base_url=f"{server.url}/v1", api_key="sk-client-key", max_retries=0)


def stream_text(server: ServerThread, **extra: object) -> str:
    stream = client(server).chat.completions.create(model="gpt-test", messages=[{"role": "user", "content": "x"}],
                                                    stream=True, **extra)  # type: ignore[call-overload]
    return "".join(c.choices[0].delta.content or "" for c in stream if c.choices)


def post_stream(server: ServerThread, path: str = "/v1/chat/completions") -> requests.Response:
    return requests.post(f"{server.url}{path}", json={"model": "m", "messages": [], "stream": True}, timeout=30)


def test_streamed_notes_equal_non_streamed(proxy: ServerThread, fake: FakeLLM) -> None:
    for pieces in (RISKY_PIECES, DESTRUCTIVE_PIECES):
        text = "".join(pieces)
        fake.respond(json_reply(chat_completion(text)))
        whole = client(proxy).chat.completions.create(model="m", messages=[]).choices[0].message.content
        fake.respond(sse_reply(openai_chat_events(pieces)))
        assert stream_text(proxy) == whole
        assert whole != text


def test_tagged_code_is_released_with_the_note(proxy: ServerThread, fake: FakeLLM) -> None:
    fake.respond(sse_reply(openai_chat_events(RISKY_PIECES)))
    content = stream_text(proxy)
    assert "resp = requests.get(url)" in content
    note = content[content.index(TAG_MARKER):]
    assert "missing-timeout" in note and "python.requests-without-timeout" in note and "line 4" in note
    assert content.rstrip().endswith("That's all.")


def test_blocked_code_never_reaches_the_client(proxy: ServerThread, fake: FakeLLM) -> None:
    fake.respond(sse_reply(openai_chat_events(DESTRUCTIVE_PIECES)))
    response = post_stream(proxy)
    assert response.headers["X-Breakwater-Decision"] == "streaming"
    assert b"DROP TABLE orders" not in response.content
    content = chat_text(response.content)
    assert content.startswith("Run this to reset:\n\n" + BLOCK_MARKER)
    assert "sql.drop-table-or-database" in content and content.endswith("\nDone.\n")
    metrics = requests.get(f"{proxy.url}/metrics", timeout=10).text
    assert 'breakwater_decisions_total{decision="block"}' in metrics


async def test_async_client_several_blocks_crlf_and_split_utf8(proxy: ServerThread, fake: FakeLLM) -> None:
    text = "Two blocks — é:\n```sh\necho ok\n```\nand ✓\n~~~sql\nDROP TABLE t;\n~~~\nend ✓"
    body = b"".join(openai_chat_events([text[i:i + 7] for i in range(0, len(text), 7)], newline="\r\n"))
    cut = body.index("✓".encode()) + 1  # inside a multi-byte sequence
    fake.respond(sse_reply(rechunk(body, [cut, cut + 40, 100, 333])))
    async with openai.AsyncOpenAI(base_url=f"{proxy.url}/v1", api_key="k", max_retries=0) as aclient:
        stream = await aclient.chat.completions.create(model="m", messages=[], stream=True)
        content = "".join([c.choices[0].delta.content or "" async for c in stream if c.choices])
    assert "echo ok" in content and "DROP TABLE t;" not in content and BLOCK_MARKER in content
    assert content.startswith("Two blocks — é:\n```sh") and content.endswith("end ✓")


def test_prose_reaches_the_client_before_a_slow_code_block(proxy: ServerThread, fake: FakeLLM) -> None:
    """The upstream sends the code only once the client has the prose: a proxy holding prose would stall it."""
    events = openai_chat_events(["Here is the plan.\n", "```python\nprint(1)\n", "```\n"])
    gate = Gate()
    fake.respond(gated_sse_reply(events, {2: gate}))
    order: list[str] = []
    stream = client(proxy).chat.completions.create(model="m", messages=[], stream=True)
    for chunk in stream:
        piece = chunk.choices[0].delta.content or "" if chunk.choices else ""
        if "plan" in piece:
            order.append("prose" if not gate.passed.is_set() else "prose after the code was sent")
            gate.open()
        if "print(1)" in piece:
            order.append("code")
    assert order == ["prose", "code"] and gate.opened_in_time


def test_other_events_pass_through_in_order(proxy: ServerThread, fake: FakeLLM) -> None:
    events = openai_chat_events(["Hi\n```python\nprint(1)\n```\n", "bye"])
    events.insert(2, b": keep-alive\n\n")
    logprob = chat_chunk({"content": "!"}, zz_vendor=1)
    logprob["choices"][0]["logprobs"] = {"content": [{"token": "!", "logprob": -0.1}]}
    events.insert(-3, _event(logprob))
    fake.respond(sse_reply(events))
    body = post_stream(proxy).content
    assert b": keep-alive\n\n" in body
    data = sse_data(body)
    assert data[-1] == "[DONE]"
    usage = json.loads(data[-2])
    assert usage["choices"] == [] and usage["usage"]["total_tokens"] == 12
    finish = json.loads(data[-3])
    assert finish["choices"][0]["finish_reason"] == "stop"
    assert json.loads(data[-4]) == logprob  # unknown fields and logprobs unchanged
    assert chat_text(body) == "Hi\n```python\nprint(1)\n```\nbye!"
    for chunk in map(json.loads, data[:-1]):
        assert (chunk["id"], chunk["model"], chunk["created"], chunk["system_fingerprint"]) == (
            "chatcmpl-stream1", "gpt-test", 1_700_000_000, "fp_stream")


def test_n_choices_are_guarded_independently(proxy: ServerThread, fake: FakeLLM) -> None:
    fake.respond(sse_reply(openai_chat_events(DESTRUCTIVE_PIECES, choices=2)))
    stream = client(proxy).chat.completions.create(model="m", messages=[], stream=True, n=2)
    texts = ["", ""]
    for chunk in stream:
        for choice in chunk.choices:
            texts[choice.index] += choice.delta.content or ""
    assert texts[0] == texts[1] and "DROP TABLE orders" not in texts[0] and BLOCK_MARKER in texts[0]


def test_tool_calls_are_held_and_reassembled(proxy: ServerThread, fake: FakeLLM) -> None:
    first = {"index": 0, "id": "call_1", "type": "function", "function": {"name": "write_file", "arguments": ""}}
    events = [_event(chat_chunk({"role": "assistant", "content": None, "tool_calls": [first]}))]
    events += [_event(chat_chunk({"tool_calls": [{"index": 0, "function": {"arguments": part}}]}))
               for part in ['{"path": "a.py", ', '"content": "x = 1\\n"}']]
    second = {"index": 1, "id": "call_2", "type": "function", "function": {"name": "run", "arguments": '{"c'}}
    events.append(_event(chat_chunk({"tool_calls": [second]})))
    events.append(_event(chat_chunk({"tool_calls": [{"index": 1, "function": {"arguments": 'md": "ls"}'}}]})))
    events += [_event(chat_chunk({}, finish="tool_calls")), b"data: [DONE]\n\n"]
    fake.respond(sse_reply(events))
    with client(proxy).chat.completions.stream(model="m", messages=[]) as stream:
        final = stream.get_final_completion()
    calls = final.choices[0].message.tool_calls or []
    assert [(c.id, c.function.name, json.loads(c.function.arguments)) for c in calls] == [  # type: ignore[union-attr]
        ("call_1", "write_file", {"path": "a.py", "content": "x = 1\n"}), ("call_2", "run", {"cmd": "ls"})]
    assert final.choices[0].finish_reason == "tool_calls"


def test_missing_done_and_unterminated_fence(proxy: ServerThread, fake: FakeLLM) -> None:
    fake.respond(sse_reply(openai_chat_events(["Reset:\n```sql\nDROP TABLE x;\n"], done=False, usage=False)))
    body = post_stream(proxy).content
    assert b"DROP TABLE x;" not in body and b"[DONE]" not in body
    assert BLOCK_MARKER in chat_text(body)


def test_upstream_breaking_off_mid_block_ends_with_an_error_event(proxy: ServerThread, fake: FakeLLM) -> None:
    events = openai_chat_events(["Reset:\n```sql\n", "DROP TABLE x;\n"])[:3]
    fake.respond(sse_reply(events, close_early=True))
    body = post_stream(proxy).content
    data = sse_data(body)
    assert b"DROP TABLE x;" not in body and BLOCK_MARKER in chat_text(body)
    assert json.loads(data[-2])["error"]["code"] == "upstream_broken" and data[-1] == "[DONE]"
    fake.respond(sse_reply(events, close_early=True))
    with pytest.raises(openai.APIError):
        stream_text(proxy)


def test_malformed_upstream_event_gets_an_error_event(proxy: ServerThread, fake: FakeLLM) -> None:
    events = openai_chat_events(["ok ", "fine"])
    fake.respond(sse_reply([*events[:2], b"data: {not json\n\n", *events[2:]]))
    data = sse_data(post_stream(proxy).content)
    assert "malformed" in json.loads(data[-2])["error"]["message"] and data[-1] == "[DONE]"


def test_client_disconnect_cancels_the_upstream(proxy: ServerThread, fake: FakeLLM) -> None:
    fake.respond(sse_reply(openai_chat_events(["word "] * 400), pause=0.01))
    connection = http.client.HTTPConnection("127.0.0.1", proxy.port, timeout=10)
    connection.request("POST", "/v1/chat/completions", body=json.dumps({"model": "m", "stream": True}),
                       headers={"Content-Type": "application/json"})
    response = connection.getresponse()
    received = b""
    while b"word" not in received:
        received += response.read1(4096)
    response.close()
    connection.close()
    closed = time.perf_counter()
    while not fake.disconnects and time.perf_counter() - closed < 2:
        time.sleep(0.005)
    assert fake.disconnects == ["/v1/chat/completions"]  # before the 4-second reply could finish on its own


def test_client_connection_is_reusable_after_a_stream(proxy: ServerThread, fake: FakeLLM) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", proxy.port, timeout=10)
    sockets = []
    for reply in (DESTRUCTIVE_PIECES, ["plain"]):
        fake.respond(sse_reply(openai_chat_events(reply)))
        connection.request("POST", "/v1/chat/completions", body=json.dumps({"model": "m", "stream": True}),
                           headers={"Content-Type": "application/json"})
        response = connection.getresponse()
        assert response.status == 200 and b"[DONE]" in response.read()
        assert not response.will_close
        sockets.append(connection.sock)
    assert sockets[0] is sockets[1] and sockets[0] is not None
    connection.close()


@pytest.mark.parametrize(("policy", "delivered"), [("release_with_warning", True), ("block", False)])
def test_hold_limit_bytes(proxy_factory: ProxyFactory, fake: FakeLLM, policy: str, delivered: bool) -> None:
    server = proxy_factory(streaming={"max_hold_bytes": 64, "on_hold_limit": policy})
    code = "".join(f"print('line {n}')\n" for n in range(20))
    fake.respond(sse_reply(openai_chat_events(["Big:\n```python\n", code[:200], code[200:], "```\nafter\n"])))
    content = stream_text(server)
    assert ("print('line 19')" in content) is delivered
    assert "hold limit" in content or "could not hold" in content
    assert content.endswith("after\n")


@pytest.mark.parametrize(("policy", "delivered"), [("release_with_warning", True), ("block", False)])
def test_hold_limit_seconds(proxy_factory: ProxyFactory, fake: FakeLLM, policy: str, delivered: bool) -> None:
    """The rest of the block is sent only once the client has seen the held part (or its block note): the
    hold limit, not the end of the block, released it."""
    server = proxy_factory(streaming={"max_hold_seconds": 0.3, "on_hold_limit": policy})
    gate = Gate()
    fake.respond(gated_sse_reply(openai_chat_events(["Slow:\n```python\nx = 1\n", "y = 2\n```\nafter\n"]),
                                 {2: gate}))
    content = ""
    for chunk in client(server).chat.completions.create(model="m", messages=[], stream=True):
        piece = chunk.choices[0].delta.content or "" if chunk.choices else ""
        if "x = 1" in piece or BLOCK_MARKER in piece:
            gate.open()
        content += piece
    assert gate.opened_in_time  # released (or blocked) at the limit, before the upstream sent the rest
    assert ("x = 1" in content and "y = 2" in content) is delivered
    assert content.endswith("after\n")


def test_shadow_mode_streams_byte_for_byte_and_counts(proxy_factory: ProxyFactory, fake: FakeLLM) -> None:
    server = proxy_factory(mode="shadow")
    blocks = 'breakwater_decisions_total{decision="block"}'
    before = metric_value(server, blocks)
    body = b"".join(openai_chat_events(DESTRUCTIVE_PIECES))
    fake.respond(sse_reply(rechunk(body, [10, 200, 201, 450])))
    assert post_stream(server).content == body
    deadline = time.perf_counter() + 5
    while time.perf_counter() < deadline and metric_value(server, blocks) == before:  # counted after the end
        time.sleep(0.05)
    assert metric_value(server, blocks) == before + 1


def test_upstream_error_status_is_passed_on(proxy: ServerThread, fake: FakeLLM) -> None:
    error = {"error": {"message": "Rate limit reached", "type": "requests", "param": None, "code": "rate_limit"}}
    fake.respond(json_reply(error, status=429))
    with pytest.raises(openai.RateLimitError):
        stream_text(proxy)


async def test_concurrent_streams(proxy: ServerThread, fake: FakeLLM) -> None:
    fake.respond(sse_reply(openai_chat_events(RISKY_PIECES), pause=0.01))
    async with openai.AsyncOpenAI(base_url=f"{proxy.url}/v1", api_key="k", max_retries=0) as aclient:
        async def one() -> str:
            stream = await aclient.chat.completions.create(model="m", messages=[], stream=True)
            return "".join([c.choices[0].delta.content or "" async for c in stream if c.choices])

        results = await asyncio.gather(*(one() for _ in range(4)))
    assert all(TAG_MARKER in r and r == results[0] for r in results)
