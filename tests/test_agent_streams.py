"""Agents' tool calls end to end, streamed and not: the openai and anthropic SDKs → Breakwater → a fake upstream.

Streamed OpenAI `tool_calls` deltas, Anthropic `tool_use` blocks (with and without
streaming): blocked calls become assistant text, tagged calls are followed by their note,
clean calls arrive as the upstream sent them; what the SDKs assemble is checked, and the
wire where renumbering matters.
"""

from __future__ import annotations

import json
import re
from typing import Any

import anthropic
import openai
import requests

from proxy.render import BLOCK_MARKER, TAG_MARKER
from tests.conftest import ProxyFactory
from tests.support.fake_llm import FakeLLM, json_reply, sse_reply
from tests.support.servers import ServerThread
from tests.support.streams import chat_text, rechunk, sse_data
from tests.support.tool_streams import (
    Call,
    anthropic_block_events,
    anthropic_message,
    block_indexes,
    chat_tool_events,
    consistent_indexes,
    read_chat,
    text_block,
    tool_use,
)

COMMAND = "rm -rf ~/project && git push --force origin main"
# a description with quotes, a newline and a tab: small deltas cut its JSON escapes in two
PUSH = Call("call_0", "Bash", {"command": COMMAND, "description": 'Clean "project" up,\n\tthen publish'})
TESTS = Call("call_1", "Bash", {"command": "npm test"})
LINT = Call("call_2", "Bash", {"command": "ruff check ."})
CLIENT_CODE = "import requests\n\n\ndef fetch(url):\n    return requests.get(url)\n"
WRITE = Call("toolu_w", "Write", {"file_path": "app/client.py", "content": CLIENT_CODE})
WIPE = Call("toolu_b", "Bash", {"command": "rm -rf /"})
PYTEST = Call("toolu_t", "Bash", {"command": "pytest -q"})
TOOLS: list[Any] = [
    {"type": "function", "function": {"name": "Bash", "parameters": {
        "type": "object", "properties": {"command": {"type": "string"}, "description": {"type": "string"}}}}},
    {"type": "function", "function": {"name": "Write", "parameters": {
        "type": "object", "properties": {"file_path": {"type": "string"}, "content": {"type": "string"}}}}},
]
MESSAGES: list[Any] = [{"role": "user", "content": "clean up and publish"}]


def oai(server: ServerThread) -> openai.OpenAI:
    return openai.OpenAI(base_url=f"{server.url}/v1", api_key="sk-client-key", max_retries=0)


def claude(server: ServerThread) -> anthropic.Anthropic:
    return anthropic.Anthropic(base_url=server.url, api_key="sk-ant-client", max_retries=0)


def final_completion(server: ServerThread) -> Any:
    with oai(server).chat.completions.stream(model="gpt-test", messages=MESSAGES, tools=TOOLS) as stream:
        return stream.get_final_completion()


def iterated(server: ServerThread) -> tuple[str, dict[int, dict[str, str]], str | None]:
    """Plain iteration over `create(stream=True)`, assembling content, calls and finish_reason by hand."""
    content, calls, finish = "", {}, None
    for chunk in oai(server).chat.completions.create(model="gpt-test", messages=MESSAGES, tools=TOOLS, stream=True):
        for choice in chunk.choices:
            content += choice.delta.content or ""
            for delta in choice.delta.tool_calls or []:
                call = calls.setdefault(delta.index, {"id": "", "arguments": ""})
                call["id"] = call["id"] or delta.id or ""
                call["arguments"] += (delta.function.arguments if delta.function else None) or ""
            finish = choice.finish_reason or finish
    return content, calls, finish


def post(server: ServerThread, path: str) -> requests.Response:
    return requests.post(f"{server.url}{path}", json={"model": "m", "messages": [], "stream": True}, timeout=60)


def assert_block_note(text: str, *rules: str) -> None:
    assert text.splitlines()[0].startswith(BLOCK_MARKER), text
    assert "destructive-operation" in text and "line 1" in text
    for rule in rules:
        assert rule in text


# ---------------------------------------------------------------- OpenAI chat, streamed


def test_streamed_destructive_call_is_blocked_for_the_stream_helper(proxy: ServerThread, fake: FakeLLM) -> None:
    for size in (1, 2, 7):  # mid-string and mid-escape splits
        fake.respond(sse_reply(chat_tool_events([PUSH], size=size)))
        choice = final_completion(proxy).choices[0]
        assert not choice.message.tool_calls
        assert choice.finish_reason == "stop"
        content = choice.message.content or ""
        assert_block_note(content, "bash.git-force-push", COMMAND)


def test_streamed_destructive_call_is_blocked_for_plain_iteration(proxy: ServerThread, fake: FakeLLM) -> None:
    body = b"".join(chat_tool_events([PUSH], size=3))
    fake.respond(sse_reply(rechunk(body, list(range(0, len(body), 13)))))
    content, calls, finish = iterated(proxy)
    assert calls == {} and finish == "stop"
    assert_block_note(content, "bash.git-force-push")


def test_no_argument_delta_carries_the_blocked_command(proxy: ServerThread, fake: FakeLLM) -> None:
    fake.respond(sse_reply(chat_tool_events([PUSH], size=2)))
    out = read_chat(post(proxy, "/v1/chat/completions").content)
    assert out.calls == {} and out.argument_deltas == [] and out.finish == "stop"
    assert COMMAND in out.content  # said in text, as what was blocked


async def test_async_stream_helper_blocks_too(proxy: ServerThread, fake: FakeLLM) -> None:
    fake.respond(sse_reply(chat_tool_events([PUSH], size=5, newline="\r\n")))
    client = openai.AsyncOpenAI(base_url=f"{proxy.url}/v1", api_key="k", max_retries=0)
    async with client.chat.completions.stream(model="m", messages=MESSAGES, tools=TOOLS) as stream:
        final = await stream.get_final_completion()
    await client.close()
    assert not final.choices[0].message.tool_calls and final.choices[0].finish_reason == "stop"
    assert_block_note(final.choices[0].message.content or "", "bash.git-force-push")


def test_the_call_after_a_blocked_one_becomes_index_0(proxy: ServerThread, fake: FakeLLM) -> None:
    fake.respond(sse_reply(chat_tool_events([PUSH, TESTS], size=6)))
    body = post(proxy, "/v1/chat/completions").content
    out = read_chat(body)
    assert out.calls == {0: {"id": "call_1", "name": "Bash", "arguments": TESTS.text}}
    assert out.finish == "tool_calls" and out.content.startswith(BLOCK_MARKER)
    indexes = [entry["index"] for data in sse_data(body) if data != "[DONE]"
               for choice in json.loads(data)["choices"] for entry in choice["delta"].get("tool_calls") or []]
    assert indexes == [0]  # no dangling delta for the dropped call
    fake.respond(sse_reply(chat_tool_events([PUSH, TESTS], size=6)))
    final = final_completion(proxy).choices[0]
    assert [(c.id, c.function.arguments) for c in final.message.tool_calls or []] == [  # type: ignore[union-attr]
        ("call_1", TESTS.text)]


def test_calls_around_a_blocked_one_are_renumbered_in_order(proxy: ServerThread, fake: FakeLLM) -> None:
    fake.respond(sse_reply(chat_tool_events([TESTS, PUSH, LINT], size=4, content=["Testing, then ", "publishing."])))
    content, calls, finish = iterated(proxy)
    assert [(i, c["id"], c["arguments"]) for i, c in sorted(calls.items())] == [
        (0, "call_1", TESTS.text), (1, "call_2", LINT.text)]
    assert finish == "tool_calls"
    assert content.startswith("Testing, then publishing.\n\n" + BLOCK_MARKER)


def test_streamed_risky_write_is_delivered_then_tagged(proxy: ServerThread, fake: FakeLLM) -> None:
    write = Call("call_w", "Write", WRITE.arguments)
    fake.respond(sse_reply(chat_tool_events([write], size=9)))
    body = post(proxy, "/v1/chat/completions").content
    out = read_chat(body)
    assert out.calls == {0: {"id": "call_w", "name": "Write", "arguments": write.text}}  # intact
    assert out.finish == "tool_calls"
    assert out.content.startswith(TAG_MARKER) and "python.requests-without-timeout" in out.content
    assert "missing-timeout" in out.content and "line 5" in out.content
    kinds = ["tool" if '"tool_calls"' in data else "text" if TAG_MARKER in data else "" for data in sse_data(body)]
    assert kinds.index("tool") < kinds.index("text")  # the note follows the call


def test_clean_streamed_calls_assemble_as_direct(proxy: ServerThread, fake: FakeLLM,
                                                 fake_server: tuple[FakeLLM, ServerThread]) -> None:
    events = chat_tool_events([TESTS, LINT], size=3, content=["Running ", "checks."])
    fake.respond(sse_reply(events))
    through = final_completion(proxy)
    fake.respond(sse_reply(events))
    direct = final_completion(fake_server[1])
    assert through.model_dump() == direct.model_dump()
    assert [c.id for c in through.choices[0].message.tool_calls or []] == ["call_1", "call_2"]


def test_streamed_write_to_a_stricter_path_is_blocked(proxy: ServerThread, fake: FakeLLM) -> None:
    write = Call("call_m", "Write", {"file_path": "db/migrations/0003_backfill.py", "content": CLIENT_CODE})
    fake.respond(sse_reply(chat_tool_events([write], size=8)))
    out = read_chat(post(proxy, "/v1/chat/completions").content)
    assert out.calls == {} and out.finish == "stop"
    assert out.content.startswith(BLOCK_MARKER) and "db/migrations/0003_backfill.py" in out.content


def test_shadow_stream_keeps_the_bytes_and_counts_the_call(proxy_factory: ProxyFactory, fake: FakeLLM) -> None:
    server = proxy_factory(mode="shadow", scan_timeout_seconds=29.0)  # own server: its own counters
    body = b"".join(chat_tool_events([PUSH], size=5))
    fake.respond(sse_reply(rechunk(body, list(range(0, len(body), 17)))))
    before = counters(server)
    assert post(server, "/v1/chat/completions").content == body
    after = wait_for(server, before, 'breakwater_decisions_total{decision="block"}')
    assert delta(before, after, 'breakwater_suggestions_scanned_total{language="bash",origin="tool_call"}') >= 1


def test_streamed_reply_is_recorded_once_with_text_and_tool_calls(proxy_factory: ProxyFactory,
                                                                   fake: FakeLLM) -> None:
    server = proxy_factory(scan_timeout_seconds=28.0)  # own server: its own counters
    fake.respond(sse_reply(chat_tool_events([PUSH, TESTS], size=5,
                                            content=["Reset:\n```sql\nDROP TA", "BLE orders;\n```\n"])))
    before = counters(server)
    out = read_chat(post(server, "/v1/chat/completions").content)
    assert "DROP TABLE orders" not in out.content and list(out.calls) == [0]
    after = counters(server)
    assert delta(before, after, 'breakwater_decisions_total{decision="block"}') == 1  # one reply, one decision
    assert sum(delta(before, after, k) for k in after if k.startswith("breakwater_decisions_total")) == 1
    assert delta(before, after, 'breakwater_suggestions_scanned_total{language="sql",origin="markdown"}') == 1
    assert delta(before, after, 'breakwater_suggestions_scanned_total{language="bash",origin="tool_call"}') >= 2


def counters(server: ServerThread) -> dict[str, float]:
    text = requests.get(f"{server.url}/metrics", timeout=10).text
    return {m.group(1): float(m.group(2)) for m in re.finditer(r"^(breakwater_\S+_total\S*) (\S+)$", text, re.M)}


def delta(before: dict[str, float], after: dict[str, float], key: str) -> float:
    return after.get(key, 0.0) - before.get(key, 0.0)


def wait_for(server: ServerThread, before: dict[str, float], key: str) -> dict[str, float]:
    """Shadow mode counts after the body ended: poll briefly."""
    import time

    for _ in range(100):
        after = counters(server)
        if delta(before, after, key) >= 1:
            return after
        time.sleep(0.05)
    raise AssertionError(f"{key} was not counted")


# ---------------------------------------------------------------- Anthropic tool_use


def ask(server: ServerThread) -> Any:
    return claude(server).messages.with_raw_response.create(model="claude-test", max_tokens=100, messages=MESSAGES)


def streamed_message(server: ServerThread) -> anthropic.types.Message:
    with claude(server).messages.stream(model="claude-test", max_tokens=100, messages=MESSAGES) as stream:
        return stream.get_final_message()


WRITE_BLOCKS = [text_block("I'll add the client."), tool_use(WRITE), tool_use(PYTEST)]


def test_anthropic_risky_write_is_tagged(proxy: ServerThread, fake: FakeLLM) -> None:
    fake.respond(json_reply(anthropic_message(WRITE_BLOCKS)))
    raw = ask(proxy)
    message = raw.parse()
    assert raw.headers["x-breakwater-decision"] == "tag"
    assert [b.type for b in message.content] == ["text", "tool_use", "text", "tool_use"]
    assert message.content[1].input == WRITE.arguments and message.content[1].name == "Write"
    note = message.content[2].text
    assert note.startswith(TAG_MARKER) and "python.requests-without-timeout" in note and "missing-timeout" in note
    assert "line 5" in note and "app/client.py" in note
    assert message.content[3].input == PYTEST.arguments and message.stop_reason == "tool_use"


def test_anthropic_streamed_write_is_tagged_like_the_non_streamed(proxy: ServerThread, fake: FakeLLM) -> None:
    fake.respond(json_reply(anthropic_message(WRITE_BLOCKS)))
    whole = ask(proxy).parse()
    fake.respond(sse_reply(anthropic_block_events(WRITE_BLOCKS, size=7)))
    streamed = streamed_message(proxy)
    assert [b.model_dump() for b in streamed.content] == [b.model_dump() for b in whole.content]
    assert streamed.stop_reason == "tool_use"
    fake.respond(sse_reply(anthropic_block_events(WRITE_BLOCKS, size=7)))
    body = post(proxy, "/v1/messages").content
    pairs = block_indexes(body)
    assert consistent_indexes(pairs) and max(index for _, index in pairs) == 3
    blocks = [b for b in body.decode().split("\n\n") if b.strip()]
    assert all(b.startswith("event: ") for b in blocks)
    assert [b.split("\n")[0][7:] for b in blocks].count("ping") == 1


def test_anthropic_bash_wipe_is_blocked(proxy: ServerThread, fake: FakeLLM) -> None:
    blocks = [text_block("Cleaning up."), tool_use(WIPE)]
    fake.respond(json_reply(anthropic_message(blocks)))
    raw = ask(proxy)
    message = raw.parse()
    assert raw.headers["x-breakwater-decision"] == "block"
    assert [b.type for b in message.content] == ["text", "text"] and message.stop_reason == "end_turn"
    assert_block_note(message.content[1].text, "bash.rm-rf-root-or-home", "rm -rf /")
    fake.respond(sse_reply(anthropic_block_events(blocks, size=3)))
    streamed = streamed_message(proxy)
    assert [b.model_dump() for b in streamed.content] == [b.model_dump() for b in message.content]
    assert streamed.stop_reason == "end_turn"


async def test_anthropic_async_stream_blocks_between_blocks(proxy: ServerThread, fake: FakeLLM) -> None:
    blocks = [tool_use(WIPE), text_block("Then the tests:"), tool_use(PYTEST)]
    fake.respond(sse_reply(anthropic_block_events(blocks, size=4)))
    client = anthropic.AsyncAnthropic(base_url=proxy.url, api_key="k", max_retries=0)
    async with client.messages.stream(model="m", max_tokens=10, messages=MESSAGES) as stream:
        final = await stream.get_final_message()
    await client.close()
    assert [b.type for b in final.content] == ["text", "text", "tool_use"]
    assert final.content[0].text.startswith(BLOCK_MARKER)  # type: ignore[union-attr]
    assert final.content[2].input == PYTEST.arguments and final.stop_reason == "tool_use"


def test_anthropic_destructive_command_policy_on_a_stream(proxy_factory: ProxyFactory, fake: FakeLLM) -> None:
    """`xargs rm -rf` is a tag in chat text; as a command an agent runs, per-tool policy blocks it."""
    sweep = Call("toolu_x", "Bash", {"command": "git ls-files --others | xargs rm -rf"})
    relaxed = proxy_factory(tools={"block_destructive_commands": False})
    for server, types in ((proxy_factory(), ["text"]), (relaxed, ["tool_use", "text"])):
        fake.respond(sse_reply(anthropic_block_events([tool_use(sweep)])))
        final = streamed_message(server)
        assert [b.type for b in final.content] == types
        assert "bash.xargs-rm" in final.content[-1].text  # type: ignore[union-attr]
        assert final.stop_reason == ("end_turn" if types == ["text"] else "tool_use")


def test_anthropic_clean_tool_use_streams_as_direct(proxy: ServerThread, fake: FakeLLM,
                                                    fake_server: tuple[FakeLLM, ServerThread]) -> None:
    events = anthropic_block_events([text_block("Running the tests."), tool_use(PYTEST)], size=4)
    fake.respond(sse_reply(events))
    through = streamed_message(proxy)
    fake.respond(sse_reply(events))
    direct = streamed_message(fake_server[1])
    assert through.model_dump() == direct.model_dump()


def test_openai_text_of_a_blocked_call_reads_as_markdown(proxy: ServerThread, fake: FakeLLM) -> None:
    fake.respond(sse_reply(chat_tool_events([PUSH], size=4, content=["Publishing now."])))
    text = chat_text(post(proxy, "/v1/chat/completions").content)
    assert text.startswith("Publishing now.\n\n" + BLOCK_MARKER)
