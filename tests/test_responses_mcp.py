"""Remote MCP items of the Responses API (`mcp_call`, `mcp_approval_request`) are judged like tool calls."""

from __future__ import annotations

import json
from typing import Any

import openai
import pytest

from proxy.render import BLOCK_MARKER
from tests.support.fake_llm import FakeLLM, json_reply, sse_reply
from tests.support.responses_streams import ResponseStream, streamed_output
from tests.support.servers import ServerThread

DESTRUCTIVE = {"sql": "DROP TABLE customers;"}
HARMLESS = {"sql": "SELECT id, email FROM customers WHERE id = $1"}


def mcp_item(kind: str, arguments: dict[str, Any]) -> dict[str, Any]:
    item = {"type": kind, "id": f"mcp_{kind}", "server_label": "postgres", "name": "query",
            "arguments": json.dumps(arguments)}
    return {**item, "output": "ok", "error": None} if kind == "mcp_call" else item


def reply(*items: dict[str, Any]) -> dict[str, Any]:
    return {"id": "resp_mcp", "object": "response", "created_at": 1, "status": "completed", "model": "gpt-test",
            "output": list(items), "usage": {"input_tokens": 1, "output_tokens": 1, "total_tokens": 2}}


def client(proxy: ServerThread) -> openai.OpenAI:
    return openai.OpenAI(base_url=f"{proxy.url}/v1", api_key="sk-client", max_retries=0)


@pytest.mark.parametrize("kind", ["mcp_call", "mcp_approval_request"])
def test_destructive_mcp_item_is_blocked(proxy: ServerThread, fake: FakeLLM, kind: str) -> None:
    fake.respond(json_reply(reply(mcp_item(kind, DESTRUCTIVE))))
    raw = client(proxy).responses.with_raw_response.create(model="gpt-test", input="clean the db")
    output = raw.parse().output
    assert raw.headers["x-breakwater-decision"] == "block"
    assert [item.type for item in output] == ["message"]
    text = output[0].content[0].text  # type: ignore[union-attr]
    assert text.startswith(BLOCK_MARKER) and "mcp__postgres__query" in text and "destructive-operation" in text


@pytest.mark.parametrize("kind", ["mcp_call", "mcp_approval_request"])
def test_harmless_mcp_item_is_delivered_unchanged(proxy: ServerThread, fake: FakeLLM, kind: str) -> None:
    item = mcp_item(kind, HARMLESS)
    fake.respond(json_reply(reply(item)))
    raw = client(proxy).responses.with_raw_response.create(model="gpt-test", input="look up a customer")
    assert raw.headers["x-breakwater-decision"] == "allow"
    assert raw.parse().output[0].type == kind


def test_streamed_mcp_approval_request_is_blocked(proxy: ServerThread, fake: FakeLLM) -> None:
    stream = ResponseStream()
    item = mcp_item("mcp_approval_request", DESTRUCTIVE)
    stream._emit({"type": "response.output_item.added", "output_index": 0, "item": item})
    stream._emit({"type": "response.output_item.done", "output_index": 0, "item": item})
    stream.output.append(item)
    fake.respond(sse_reply(stream.events()))
    with client(proxy).responses.with_streaming_response.create(model="gpt-test", input="clean", stream=True) as raw:
        body = raw.read()
    output = streamed_output(body)
    assert "DROP TABLE customers" not in json.dumps([i for i in output if i.get("type") != "message"])
    assert all(i.get("type") != "mcp_approval_request" for i in output)
    assert BLOCK_MARKER in body.decode()


def test_streamed_mcp_call_arguments_are_held_and_judged(proxy: ServerThread, fake: FakeLLM) -> None:
    stream = ResponseStream()
    item = {"type": "mcp_call", "id": "mcp_1", "server_label": "postgres", "name": "query", "arguments": ""}
    text = json.dumps(DESTRUCTIVE)
    where = {"item_id": "mcp_1", "output_index": 0}
    stream._emit({"type": "response.output_item.added", "output_index": 0, "item": item})
    for start in range(0, len(text), 7):
        stream._emit({"type": "response.mcp_call_arguments.delta", **where, "delta": text[start:start + 7]})
    stream._emit({"type": "response.mcp_call_arguments.done", **where, "arguments": text})
    done = {**item, "arguments": text, "output": "dropped", "error": None}
    stream._emit({"type": "response.output_item.done", "output_index": 0, "item": done})
    stream.output.append(done)
    fake.respond(sse_reply(stream.events()))
    with client(proxy).responses.with_streaming_response.create(model="gpt-test", input="clean", stream=True) as raw:
        body = raw.read().decode()
    assert "DROP TABLE customers" not in body.split(BLOCK_MARKER)[0]  # no argument delta reached the client
    assert BLOCK_MARKER in body and '"type":"mcp_call"' not in body.replace(" ", "")
