"""End to end with the anthropic SDK (sync and async): /v1/messages streamed and not."""

from __future__ import annotations

import json

import anthropic
import pytest
import requests

from proxy.render import BLOCK_MARKER, TAG_MARKER
from tests.support.fake_llm import FakeLLM, json_reply, sse_reply
from tests.support.servers import ServerThread
from tests.support.streams import anthropic_events, rechunk

RISKY = ["Use this:\n``", "`python\nimport requests\nresp = requests.get(url)\n``", "`\nok"]
DESTRUCTIVE = ["Reset:\n```sql\nDROP TA", "BLE orders;\n```\nDone."]


def client(server: ServerThread) -> anthropic.Anthropic:
    return anthropic.Anthropic(base_url=server.url, api_key="sk-ant-client", max_retries=0)


def message(text: str) -> dict:
    return {"id": "msg_1", "type": "message", "role": "assistant", "model": "claude-test",
            "content": [{"type": "text", "text": text}], "stop_reason": "end_turn", "stop_sequence": None,
            "usage": {"input_tokens": 5, "output_tokens": 9}}


def ask(server: ServerThread, **extra: object) -> anthropic.types.Message:
    return client(server).messages.create(model="claude-test", max_tokens=100,
                                          messages=[{"role": "user", "content": "x"}], **extra)  # type: ignore


def test_streamed_notes_equal_non_streamed(proxy: ServerThread, fake: FakeLLM) -> None:
    for pieces in (RISKY, DESTRUCTIVE):
        fake.respond(json_reply(message("".join(pieces))))
        raw = client(proxy).messages.with_raw_response.create(model="m", max_tokens=10,
                                                              messages=[{"role": "user", "content": "x"}])
        whole = raw.parse().content[0].text  # type: ignore[union-attr]
        assert raw.headers["x-breakwater-decision"] in ("tag", "block")
        fake.respond(sse_reply(anthropic_events(pieces)))
        with client(proxy).messages.stream(model="m", max_tokens=10, messages=[{"role": "user", "content": "x"}]) as s:
            streamed = s.get_final_text()
        assert streamed == whole and (TAG_MARKER in whole or BLOCK_MARKER in whole)
        assert "BLE orders" not in streamed


async def test_async_stream_with_tool_use_and_crlf(proxy: ServerThread, fake: FakeLLM) -> None:
    body = b"".join(anthropic_events(DESTRUCTIVE, tool=("write_file", ['{"path": "a.py", ', '"content": "x"}']),
                                     newline="\r\n"))
    fake.respond(sse_reply(rechunk(body, list(range(0, len(body), 37)))))
    aclient = anthropic.AsyncAnthropic(base_url=proxy.url, api_key="k", max_retries=0)
    async with aclient.messages.stream(model="m", max_tokens=10, messages=[{"role": "user", "content": "x"}]) as s:
        final = await s.get_final_message()
    await aclient.close()
    text, tool = final.content
    assert text.type == "text" and "BLE orders" not in text.text and BLOCK_MARKER in text.text
    assert tool.type == "tool_use" and tool.input == {"path": "a.py", "content": "x"} and tool.name == "write_file"
    assert final.stop_reason == "tool_use"


def test_every_event_keeps_its_event_line(proxy: ServerThread, fake: FakeLLM) -> None:
    fake.respond(sse_reply(anthropic_events(RISKY, tool=("run", ['{"c":', '1}']))))
    response = requests.post(f"{proxy.url}/v1/messages", json={"model": "m", "stream": True}, timeout=30)
    blocks = [b for b in response.content.decode().split("\n\n") if b.strip()]
    assert all(b.startswith("event: ") for b in blocks)
    names = [b.split("\n")[0][7:] for b in blocks]
    assert names[:3] == ["message_start", "content_block_start", "ping"]
    assert names[-2:] == ["message_delta", "message_stop"]
    for block in blocks:
        assert json.loads(block.split("data: ", 1)[1])["type"] == block.split("\n")[0][7:]


def test_broken_upstream_gets_an_anthropic_error_event(proxy: ServerThread, fake: FakeLLM) -> None:
    fake.respond(sse_reply(anthropic_events(DESTRUCTIVE, stop=False)[:4], close_early=True))
    response = requests.post(f"{proxy.url}/v1/messages", json={"model": "m", "stream": True}, timeout=30)
    last = response.content.decode().strip().split("\n\n")[-1]
    assert last.startswith("event: error\n")
    assert json.loads(last.split("data: ", 1)[1])["error"]["type"] == "api_error"
    assert b"BLE orders" not in response.content
    fake.respond(sse_reply(anthropic_events(DESTRUCTIVE, stop=False)[:4], close_early=True))
    with pytest.raises(anthropic.APIError), client(proxy).messages.stream(
            model="m", max_tokens=10, messages=[{"role": "user", "content": "x"}]) as s:
        s.get_final_text()


def test_non_streaming_messages_block_and_headers(proxy: ServerThread, fake: FakeLLM) -> None:
    fake.respond(json_reply(message("".join(DESTRUCTIVE))))
    raw = client(proxy).messages.with_raw_response.create(model="m", max_tokens=10,
                                                          messages=[{"role": "user", "content": "x"}])
    assert raw.headers["x-breakwater-decision"] == "block" and int(raw.headers["x-breakwater-findings"]) >= 1
    text = raw.parse().content[0].text  # type: ignore[union-attr]
    assert "BLE orders" not in text and text.startswith("Reset:\n" + BLOCK_MARKER)
    assert fake.requests[-1].path == "/v1/messages"


def test_messages_errors_are_in_anthropic_format(proxy: ServerThread, fake: FakeLLM) -> None:
    response = requests.post(f"{proxy.url}/v1/messages", data=b"{nope", timeout=10)
    assert response.status_code == 400
    assert response.json()["type"] == "error" and response.json()["error"]["type"] == "invalid_request_error"
