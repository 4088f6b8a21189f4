"""Markdown a CommonMark renderer shows as a bash block is scanned, streamed and not (issue 10, item 4).

Through the openai and anthropic SDKs against the fake upstream: each shape of a block holding
`rm -rf /*` comes back with the command gone from every code block and a block note in its place;
the prose around it is kept, and the streamed text equals the non-streamed one.
"""

from __future__ import annotations

import anthropic
import openai
import pytest

from proxy.extract.markdown import find_fences
from proxy.render import BLOCK_MARKER
from tests.support.fake_llm import FakeLLM, json_reply, sse_reply
from tests.support.servers import ServerThread
from tests.support.streams import anthropic_events, openai_chat_events
from tests.support.tool_streams import chat_tool_reply

SHAPES = {
    "crlf": "Run this:\r\n\r\n```bash\r\nrm -rf /*\r\n```\r\n\r\nDone.\r\n",
    "blockquote": "Quoted:\n\n> ```bash\n> rm -rf /*\n> ```\n\nDone.\n",
    "list item": "Steps:\n\n1. Clean up:\n   ```bash\n   rm -rf /*\n   ```\n2. Done.\n",
    "line separator": "echo hi\u2028```bash\nrm -rf /*\n```\nDone.\n",
    "indented closer": "~~~~bash\nls\n    ~~~~\nrm -rf /*\n~~~~\nDone.\n",
    "tilde": "Run:\n\n~~~sh\nrm -rf /*\n~~~\n\nDone.\n",
    "unclosed": "Run:\n\n```bash\nrm -rf /*\n",
}


def pieces(text: str, size: int = 3) -> list[str]:
    return [text[i:i + size] for i in range(0, len(text), size)]


def assert_blocked(text: str) -> None:
    assert not any("rm -rf /*" in fence.code for fence in find_fences(text)), text
    for line in text.replace("\r", "\n").replace("\u2028", "\n").split("\n"):
        assert "rm -rf /*" not in line, text
    assert BLOCK_MARKER in text


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_chat_blocks_every_shape_streamed_and_not(proxy: ServerThread, fake: FakeLLM, shape: str) -> None:
    text = SHAPES[shape]
    client = openai.OpenAI(base_url=f"{proxy.url}/v1", api_key="sk-client-key", max_retries=0)
    fake.respond(json_reply(chat_tool_reply([], content=text)))
    whole = client.chat.completions.create(model="m", messages=[]).choices[0].message.content or ""
    assert_blocked(whole)
    if shape in ("crlf", "blockquote", "list item", "tilde", "indented closer"):  # the prose after it is kept
        assert whole.endswith("Done.\n" if shape != "crlf" else "Done.\r\n")
    fake.respond(sse_reply(openai_chat_events(pieces(text))))
    stream = client.chat.completions.create(model="m", messages=[], stream=True)
    streamed = "".join(chunk.choices[0].delta.content or "" for chunk in stream if chunk.choices)
    assert streamed == whole


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_anthropic_blocks_every_shape_streamed_and_not(proxy: ServerThread, fake: FakeLLM, shape: str) -> None:
    text = SHAPES[shape]
    client = anthropic.Anthropic(base_url=proxy.url, api_key="sk-ant-client", max_retries=0)
    message = {"id": "msg_1", "type": "message", "role": "assistant", "model": "c",
               "content": [{"type": "text", "text": text}], "stop_reason": "end_turn", "stop_sequence": None,
               "usage": {"input_tokens": 1, "output_tokens": 1}}
    fake.respond(json_reply(message))
    reply = client.messages.create(model="c", max_tokens=5, messages=[])
    whole = "".join(block.text for block in reply.content if block.type == "text")
    assert_blocked(whole)
    fake.respond(sse_reply(anthropic_events(pieces(text, 4))))
    with client.messages.stream(model="c", max_tokens=5, messages=[]) as stream:
        streamed = "".join(block.text for block in stream.get_final_message().content if block.type == "text")
    assert streamed == whole


def test_safe_code_in_the_same_shapes_is_delivered_unchanged(proxy: ServerThread, fake: FakeLLM) -> None:
    client = openai.OpenAI(base_url=f"{proxy.url}/v1", api_key="sk-client-key", max_retries=0)
    for shape in ("crlf", "blockquote", "list item", "tilde"):
        text = SHAPES[shape].replace("rm -rf /*", "ls -la")
        fake.respond(sse_reply(openai_chat_events(pieces(text))))
        stream = client.chat.completions.create(model="m", messages=[], stream=True)
        assert "".join(c.choices[0].delta.content or "" for c in stream if c.choices) == text


