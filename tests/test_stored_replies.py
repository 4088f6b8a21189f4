"""Stored model output read back with GET (`/v1/responses/{id}`, `/v1/chat/completions/{id}`) is judged
like the reply it was: a stored reply is no way around the guard."""

from __future__ import annotations

import json

import openai
import pytest
import requests

from proxy.render import BLOCK_MARKER
from tests.support.fake_llm import FakeLLM, json_reply
from tests.support.replies import chat_completion
from tests.support.servers import ServerThread

DESTRUCTIVE = "Run this:\n\n```sql\nDROP TABLE orders;\n```\n"


def stored_response(text: str) -> dict:
    return {"id": "resp_stored", "object": "response", "created_at": 1, "status": "completed", "model": "m",
            "output": [{"id": "msg_1", "type": "message", "status": "completed", "role": "assistant",
                        "content": [{"type": "output_text", "text": text, "annotations": []}]}]}


def test_a_stored_response_is_scanned(proxy: ServerThread, fake: FakeLLM) -> None:
    fake.respond(json_reply(stored_response(DESTRUCTIVE)))
    client = openai.OpenAI(base_url=f"{proxy.url}/v1", api_key="sk-client", max_retries=0)
    raw = client.responses.with_raw_response.retrieve("resp_stored")
    text = raw.parse().output[0].content[0].text  # type: ignore[union-attr]
    assert raw.headers["x-breakwater-decision"] == "block"
    assert "DROP TABLE orders;" not in text and BLOCK_MARKER in text
    assert fake.requests[-1].method == "GET" and fake.requests[-1].path.endswith("/responses/resp_stored")


def test_a_stored_chat_completion_is_scanned(proxy: ServerThread, fake: FakeLLM) -> None:
    fake.respond(json_reply(chat_completion(DESTRUCTIVE, id="chatcmpl-stored")))
    client = openai.OpenAI(base_url=f"{proxy.url}/v1", api_key="sk-client", max_retries=0)
    raw = client.chat.completions.with_raw_response.retrieve("chatcmpl-stored")
    text = raw.parse().choices[0].message.content or ""
    assert raw.headers["x-breakwater-decision"] == "block" and "DROP TABLE orders;" not in text


@pytest.mark.parametrize("query", ["stream=true", "stream=1", "stream=TRUE"])
def test_a_stored_response_is_not_streamed_unscanned(proxy: ServerThread, fake: FakeLLM, query: str) -> None:
    before = len(fake.requests)
    response = requests.get(f"{proxy.url}/v1/responses/resp_stored?{query}", timeout=10)
    assert response.status_code == 400 and json.loads(response.text)["error"]["code"] == "stream_not_supported"
    assert len(fake.requests) == before  # never asked upstream


def test_other_gets_still_pass_through(proxy: ServerThread, fake: FakeLLM) -> None:
    fake.respond(json_reply({"object": "list", "data": [{"id": "m", "object": "model"}]}))
    response = requests.get(f"{proxy.url}/v1/models", timeout=10)
    assert response.status_code == 200 and "X-Breakwater-Decision" not in response.headers
