"""Real and off-spec reply shapes the SDKs accept: none of them may carry a command past the guard.

Each reproduction goes through the official openai/anthropic SDK against the fake upstream,
streamed and (where the API has it) not. A destructive call must arrive blocked: not as a
tool call, not inside a code block of the text, and with the block note present.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import anthropic
import openai
import pytest
import requests

from proxy.extract.markdown import find_fences
from proxy.render import BLOCK_MARKER
from tests.conftest import ProxyFactory
from tests.support.fake_llm import FakeLLM, json_reply, raw_reply, sse_reply
from tests.support.responses_streams import ResponseStream, sse
from tests.support.servers import ServerThread
from tests.support.streams import _event, chat_chunk, sse_data
from tests.support.tool_streams import Call, chat_tool_events, chat_tool_reply

DESTROY = "rm -rf /*"
DESTROY_FENCE = "Run:\n\n```bash\nrm -rf /*\n```\n"


def openai_client(server: ServerThread) -> openai.OpenAI:
    return openai.OpenAI(base_url=f"{server.url}/v1", api_key="sk-client-key", max_retries=0)


def anthropic_client(server: ServerThread) -> anthropic.Anthropic:
    return anthropic.Anthropic(base_url=server.url, api_key="sk-ant-client", max_retries=0)


def assert_blocked(command: str, delivered_calls: list[str], text: str) -> None:
    """Absolute facts, independent of the guard: the command is not in any delivered call nor in
    any code block of the delivered text, and the block note says so."""
    assert not any(command in call for call in delivered_calls), delivered_calls
    assert not any(command in fence.code for fence in find_fences(text)), text
    assert BLOCK_MARKER in text, text


def chat_stream(server: ServerThread) -> tuple[list[str], str, list[str]]:
    """The calls (arguments or custom input, and legacy function_call) and the text an SDK client assembles."""
    stream = openai_client(server).chat.completions.create(model="m", messages=[{"role": "user", "content": "x"}],
                                                           stream=True)
    calls: dict[int, list[str]] = {}
    legacy: list[str] = []
    text: list[str] = []
    finishes: list[str] = []
    for chunk in stream:
        for choice in chunk.choices:
            delta = choice.delta
            text.append(delta.content or "")
            for entry in delta.tool_calls or []:
                extra = entry.model_extra or {}
                piece = entry.function.arguments if entry.function and entry.function.arguments else ""
                custom = extra.get("custom") or {}
                calls.setdefault(entry.index, []).append(piece + str(custom.get("input") or ""))
            if delta.function_call is not None:
                legacy.append(delta.function_call.arguments or "")
            if choice.finish_reason:
                finishes.append(choice.finish_reason)
    delivered = ["".join(parts) for _, parts in sorted(calls.items())] + (["".join(legacy)] if legacy else [])
    return delivered, "".join(text), finishes


def chat_events(deltas: list[dict[str, Any]], finish: str = "tool_calls") -> list[bytes]:
    events = [_event(chat_chunk({"role": "assistant", "content": None}))]
    events += [_event(chat_chunk(delta)) for delta in deltas]
    events += [_event(chat_chunk({}, finish=finish)), _event("[DONE]")]
    return events


# ---------------------------------------------------------------- chat: custom and legacy calls

CUSTOM_DELTAS = [
    {"tool_calls": [{"index": 0, "id": "call_c", "type": "custom", "custom": {"name": "shell", "input": ""}}]},
    {"tool_calls": [{"index": 0, "type": "custom", "custom": {"input": "rm -rf "}}]},
    {"tool_calls": [{"index": 0, "type": "custom", "custom": {"input": "/*"}}]},
]
LEGACY_DELTAS = [
    {"function_call": {"name": "shell", "arguments": ""}},
    {"function_call": {"arguments": '{"command": "rm -r'}},
    {"function_call": {"arguments": 'f /*"}'}},
]


def test_streamed_custom_tool_call_is_read_and_blocked(proxy: ServerThread, fake: FakeLLM) -> None:
    fake.respond(sse_reply(chat_events(CUSTOM_DELTAS)))
    calls, text, finishes = chat_stream(proxy)
    assert_blocked(DESTROY, calls, text)
    assert calls == [] and finishes == ["stop"]


def test_streamed_safe_custom_tool_call_is_delivered_whole(proxy: ServerThread, fake: FakeLLM) -> None:
    deltas = [{**d, "tool_calls": [{**d["tool_calls"][0], "custom": {**d["tool_calls"][0]["custom"],
                                                                     "input": part}}]}
              for d, part in zip(CUSTOM_DELTAS, ["", "ls ", "-la"], strict=True)]
    fake.respond(sse_reply(chat_events(deltas)))
    calls, text, finishes = chat_stream(proxy)
    assert calls == ["ls -la"] and BLOCK_MARKER not in text and finishes == ["tool_calls"]


def test_non_streamed_custom_tool_call_is_blocked(proxy: ServerThread, fake: FakeLLM) -> None:
    reply = chat_tool_reply([])
    reply["choices"][0]["message"]["tool_calls"] = [
        {"id": "call_c", "type": "custom", "custom": {"name": "shell", "input": DESTROY}}]
    reply["choices"][0]["finish_reason"] = "tool_calls"
    fake.respond(json_reply(reply))
    message = openai_client(proxy).chat.completions.create(model="m", messages=[]).choices[0].message
    assert_blocked(DESTROY, [json.dumps(c.model_dump()) for c in message.tool_calls or []], message.content or "")


def test_streamed_legacy_function_call_is_read_and_blocked(proxy: ServerThread, fake: FakeLLM) -> None:
    fake.respond(sse_reply(chat_events(LEGACY_DELTAS, finish="function_call")))
    calls, text, finishes = chat_stream(proxy)
    assert_blocked(DESTROY, calls, text)
    assert finishes == ["stop"]


def test_streamed_safe_legacy_function_call_is_delivered(proxy: ServerThread, fake: FakeLLM) -> None:
    deltas = [{"function_call": {"name": "shell", "arguments": ""}},
              {"function_call": {"arguments": '{"command": '}}, {"function_call": {"arguments": '"ls"}'}}]
    fake.respond(sse_reply(chat_events(deltas, finish="function_call")))
    calls, text, finishes = chat_stream(proxy)
    assert calls == ['{"command": "ls"}'] and finishes == ["function_call"] and BLOCK_MARKER not in text


def test_non_streamed_legacy_function_call_is_blocked(proxy: ServerThread, fake: FakeLLM) -> None:
    reply = chat_tool_reply([])
    reply["choices"][0]["message"]["function_call"] = {"name": "shell", "arguments": json.dumps({"command": DESTROY})}
    reply["choices"][0]["finish_reason"] = "function_call"
    fake.respond(json_reply(reply))
    choice = openai_client(proxy).chat.completions.create(model="m", messages=[]).choices[0]
    legacy = choice.message.function_call
    assert_blocked(DESTROY, [legacy.arguments] if legacy else [], choice.message.content or "")


# ---------------------------------------------------------------- chat: interleaved and odd shapes


def test_interleaved_parallel_tool_calls_are_reassembled(proxy: ServerThread, fake: FakeLLM) -> None:
    first, second = json.dumps({"command": "ls -la"}), json.dumps({"command": "pwd"})
    deltas = [
        {"tool_calls": [{"index": 0, "id": "call_a", "type": "function", "function": {"name": "shell",
                                                                                      "arguments": first[:9]}}]},
        {"tool_calls": [{"index": 1, "id": "call_b", "type": "function", "function": {"name": "shell",
                                                                                      "arguments": second[:5]}}]},
        {"tool_calls": [{"index": 0, "function": {"arguments": first[9:]}}]},
        {"tool_calls": [{"index": 1, "function": {"arguments": second[5:]}}]},
    ]
    fake.respond(sse_reply(chat_events(deltas)))
    calls, text, finishes = chat_stream(proxy)
    assert calls == [first, second] and finishes == ["tool_calls"] and BLOCK_MARKER not in text


def test_interleaved_calls_with_a_destructive_one_block_only_it(proxy: ServerThread, fake: FakeLLM) -> None:
    bad, good = json.dumps({"command": DESTROY}), json.dumps({"command": "pwd"})
    deltas = [
        {"tool_calls": [{"index": 0, "id": "call_a", "function": {"name": "shell", "arguments": bad[:8]}}]},
        {"tool_calls": [{"index": 1, "id": "call_b", "function": {"name": "shell", "arguments": good[:8]}}]},
        {"tool_calls": [{"index": 0, "function": {"arguments": bad[8:]}}]},
        {"tool_calls": [{"index": 1, "function": {"arguments": good[8:]}}]},
    ]
    fake.respond(sse_reply(chat_events(deltas)))
    calls, text, _ = chat_stream(proxy)
    assert calls == [good]
    assert_blocked(DESTROY, calls, text)


@pytest.mark.parametrize("index", [0.0, 1.0])
def test_float_indexes_in_chat_tool_calls_are_read(proxy: ServerThread, fake: FakeLLM, index: float) -> None:
    deltas = [{"tool_calls": [{"index": index, "id": "call_a", "function": {"name": "shell", "arguments": ""}}]},
              {"tool_calls": [{"index": index, "function": {"arguments": json.dumps({"command": DESTROY})}}]}]
    fake.respond(sse_reply(chat_events(deltas)))
    calls, text, _ = chat_stream(proxy)
    assert_blocked(DESTROY, calls, text)


def test_a_null_choice_next_to_a_real_one_is_read(proxy: ServerThread, fake: FakeLLM) -> None:
    def with_null(delta: dict[str, Any], finish: str | None = None) -> bytes:
        chunk = chat_chunk(delta, finish=finish)
        chunk["choices"].append(None)
        return _event(chunk)

    fake.respond(sse_reply([with_null({"role": "assistant", "content": ""}), with_null({"content": DESTROY_FENCE}),
                            with_null({}, "stop"), _event("[DONE]")]))
    calls, text, _ = chat_stream(proxy)
    assert_blocked(DESTROY, calls, text)


@pytest.mark.parametrize("choices", [{"0": {"delta": {"content": DESTROY_FENCE}}}, ["```bash\nrm -rf /*\n```"],
                                     [{"index": 0, "delta": {"content": ""}}, 7]])
def test_unreadable_choices_end_the_stream_with_an_error(proxy: ServerThread, fake: FakeLLM, choices: Any) -> None:
    chunk = {**chat_chunk({}), "choices": choices}
    fake.respond(sse_reply([_event(chat_chunk({"role": "assistant", "content": ""})), _event(chunk),
                            _event("[DONE]")]))
    body = requests.post(f"{proxy.url}/v1/chat/completions", json={"model": "m", "messages": [], "stream": True},
                         timeout=30).content
    assert DESTROY.encode() not in body
    assert any('"upstream_broken"' in data for data in sse_data(body))
    with pytest.raises(openai.APIError):
        chat_stream(proxy)


# ---------------------------------------------------------------- transport shapes


@pytest.mark.parametrize("content_type", ["text/plain", None, "application/octet-stream", "text/html"])
def test_sse_served_with_another_content_type_is_still_guarded(proxy: ServerThread, fake: FakeLLM,
                                                               content_type: str | None) -> None:
    events = chat_events([{"content": DESTROY_FENCE}], finish="stop")
    fake.respond(sse_reply(events, content_type=content_type))
    body = requests.post(f"{proxy.url}/v1/chat/completions", json={"model": "m", "messages": [], "stream": True},
                         timeout=30).content
    text = "".join(json.loads(d)["choices"][0]["delta"].get("content") or "" for d in sse_data(body)
                   if d != "[DONE]" and json.loads(d).get("choices"))
    assert_blocked(DESTROY, [], text)


def test_sse_labelled_as_json_is_not_relayed(proxy: ServerThread, fake: FakeLLM) -> None:
    body = b"".join(chat_events([{"content": DESTROY_FENCE}], finish="stop"))
    fake.respond(raw_reply(body, content_type="application/json"))
    response = requests.post(f"{proxy.url}/v1/chat/completions",
                             json={"model": "m", "messages": [], "stream": True}, timeout=30)
    assert response.status_code == 502 and DESTROY.encode() not in response.content
    assert response.json()["error"]["code"] == "upstream_unreadable"
    assert response.headers["X-Breakwater-Decision"] == "error"


def test_json_served_as_an_event_stream_gets_an_error_event(proxy: ServerThread, fake: FakeLLM) -> None:
    reply = json.dumps(chat_tool_reply([Call("call_1", "shell", {"command": DESTROY})]), indent=2).encode()
    fake.respond(raw_reply(reply, content_type="text/event-stream"))
    body = requests.post(f"{proxy.url}/v1/chat/completions", json={"model": "m", "messages": [], "stream": True},
                         timeout=30).content
    assert DESTROY.encode() not in body
    assert any('"upstream_broken"' in data for data in sse_data(body))


@pytest.mark.parametrize("path", ["/v1/chat/completions", "/v1/messages"])
def test_a_json_body_with_an_invalid_utf8_byte_is_scanned(proxy: ServerThread, fake: FakeLLM, path: str) -> None:
    text = "Caf\udcff here:\n\n```bash\nrm -rf /*\n```\n"
    if path == "/v1/messages":
        reply: dict[str, Any] = {"id": "msg_1", "type": "message", "role": "assistant", "model": "c",
                                 "content": [{"type": "text", "text": text}], "stop_reason": "end_turn",
                                 "stop_sequence": None, "usage": {"input_tokens": 1, "output_tokens": 1}}
    else:
        reply = chat_tool_reply([], content=text)
    raw = json.dumps(reply, ensure_ascii=False).encode("utf-8", "surrogateescape")
    assert b"\xff" in raw
    fake.respond(raw_reply(raw))
    if path == "/v1/messages":
        message = anthropic_client(proxy).messages.create(model="c", max_tokens=5, messages=[])
        delivered = "".join(block.text for block in message.content if block.type == "text")
    else:
        delivered = openai_client(proxy).chat.completions.create(model="m", messages=[]).choices[0].message.content \
            or ""
    assert_blocked(DESTROY, [], delivered)
    assert "Caf\ufffd here" in delivered


def test_an_event_nested_too_deeply_gets_an_error_event(proxy: ServerThread, fake: FakeLLM) -> None:
    deep = '{"choices":[{"index":0,"delta":{"content":' + "[" * 100_000 + "]" * 100_000 + "}}]}"
    fake.respond(sse_reply([_event(chat_chunk({"role": "assistant", "content": ""})), _event(deep),
                            _event("[DONE]")]))
    response = requests.post(f"{proxy.url}/v1/chat/completions",
                             json={"model": "m", "messages": [], "stream": True}, timeout=30)
    assert response.status_code == 200
    assert any('"upstream_broken"' in data and "nested too deeply" in data for data in sse_data(response.content))
    fake.respond(sse_reply([_event(deep)]))
    with pytest.raises(openai.APIError):
        chat_stream(proxy)


def test_a_client_that_hangs_up_after_the_last_event_logs_no_error(proxy: ServerThread, fake: FakeLLM,
                                                                    caplog: pytest.LogCaptureFixture) -> None:
    stream = ResponseStream().message(["Done."])
    fake.respond(sse_reply(stream.events(), close_early=True))
    caplog.set_level(logging.INFO)
    for _ in range(5):  # the hang-up races the end of the body; several turns, as Codex makes them
        with openai_client(proxy).responses.create(model="m", input="x", stream=True) as events:
            for event in events:
                if event.type == "response.completed":
                    break
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == [], [r.getMessage() for r in errors]


# ---------------------------------------------------------------- anthropic


def anthropic_stream_text(server: ServerThread) -> tuple[list[str], str]:
    calls: list[str] = []
    texts: list[str] = []
    with anthropic_client(server).messages.stream(model="c", max_tokens=5, messages=[]) as stream:
        message = stream.get_final_message()
    for block in message.content:
        if block.type == "tool_use":
            calls.append(json.dumps(block.input))
        elif block.type == "text":
            texts.append(block.text)
    return calls, "\n".join(texts)


def anthropic_events(blocks: list[tuple[dict[str, Any], list[dict[str, Any]]]], index: Any = float) -> list[bytes]:
    def ev(payload: dict[str, Any]) -> bytes:
        return _event(payload, payload["type"])

    message = {"id": "msg_1", "type": "message", "role": "assistant", "model": "c", "content": [],
               "stop_reason": None, "stop_sequence": None, "usage": {"input_tokens": 5, "output_tokens": 1}}
    events = [ev({"type": "message_start", "message": message})]
    for number, (block, deltas) in enumerate(blocks):
        at = index(number)
        events.append(ev({"type": "content_block_start", "index": at, "content_block": block}))
        events += [ev({"type": "content_block_delta", "index": at, "delta": delta}) for delta in deltas]
        events.append(ev({"type": "content_block_stop", "index": at}))
    events.append(ev({"type": "message_delta", "delta": {"stop_reason": "tool_use", "stop_sequence": None},
                      "usage": {"output_tokens": 9}}))
    return [*events, ev({"type": "message_stop"})]


TOOL_BLOCK = ({"type": "tool_use", "id": "toolu_1", "name": "Bash", "input": {}},
              [{"type": "input_json_delta", "partial_json": '{"command": "rm -rf'},
               {"type": "input_json_delta", "partial_json": ' /*"}'}])
TEXT_BLOCK = ({"type": "text", "text": ""}, [{"type": "text_delta", "text": "Run:\n\n```bash\nrm -rf "},
                                             {"type": "text_delta", "text": "/*\n```\n"}])


@pytest.mark.parametrize("blocks", [[TOOL_BLOCK], [TEXT_BLOCK], [TEXT_BLOCK, TOOL_BLOCK]])
def test_anthropic_float_indexes_are_read(proxy: ServerThread, fake: FakeLLM, blocks: list[Any]) -> None:
    fake.respond(sse_reply(anthropic_events(blocks)))
    calls, text = anthropic_stream_text(proxy)
    assert_blocked(DESTROY, calls, text)


@pytest.mark.parametrize("index", [lambda n: n + 0.5, lambda n: str(n), lambda n: None])
def test_anthropic_unplaceable_indexes_end_with_an_error(proxy: ServerThread, fake: FakeLLM, index: Any) -> None:
    fake.respond(sse_reply(anthropic_events([TOOL_BLOCK], index=index)))
    body = requests.post(f"{proxy.url}/v1/messages", json={"model": "c", "max_tokens": 5, "messages": [],
                                                            "stream": True}, timeout=30).content
    assert b"rm -rf" not in body
    assert any('"type":"error"' in data.replace(" ", "") for data in sse_data(body))


def test_anthropic_text_delta_for_a_block_never_started_is_not_relayed(proxy: ServerThread, fake: FakeLLM) -> None:
    events = anthropic_events([])
    stray = _event({"type": "content_block_delta", "index": 3,
                    "delta": {"type": "text_delta", "text": DESTROY_FENCE}}, "content_block_delta")
    fake.respond(sse_reply([events[0], stray, *events[1:]]))
    body = requests.post(f"{proxy.url}/v1/messages", json={"model": "c", "max_tokens": 5, "messages": [],
                                                            "stream": True}, timeout=30).content
    assert b"rm -rf" not in body and b"event: error" in body


# ---------------------------------------------------------------- responses


def responses_outcome(server: ServerThread) -> tuple[list[str], str]:
    with openai_client(server).responses.stream(model="m", input="x") as stream:
        for _ in stream:
            pass
        final = stream.get_final_response()
    calls = [json.dumps(item.model_dump()) for item in final.output if item.type != "message"]
    text = "\n".join(part.text for item in final.output if item.type == "message"
                     for part in item.content if part.type == "output_text")
    return calls, text


def _without_output_index(events: list[bytes]) -> list[bytes]:
    out = []
    for raw in events:
        payload = json.loads(raw.decode().split("data: ", 1)[1])
        if payload["type"] not in ("response.completed",):
            payload.pop("output_index", None)
        out.append(sse(payload))
    return out


def _only_done(events: list[bytes]) -> list[bytes]:
    """The tool item's announcement and input events dropped: it arrives only in `output_item.done`."""
    kept = []
    for raw in events:
        payload = json.loads(raw.decode().split("data: ", 1)[1])
        if payload["type"].startswith(("response.function_call_arguments", "response.custom_tool_call_input")):
            continue
        if payload["type"] == "response.output_item.added" and payload["item"]["type"] != "message":
            continue
        kept.append(raw)
    return kept


def _float_index(events: list[bytes]) -> list[bytes]:
    out = []
    for raw in events:
        payload = json.loads(raw.decode().split("data: ", 1)[1])
        if "output_index" in payload:
            payload["output_index"] = float(payload["output_index"])
        out.append(sse(payload))
    return out


@pytest.mark.parametrize("variant", [_without_output_index, _only_done, _float_index])
@pytest.mark.parametrize("kind", ["function", "custom", "text"])
def test_responses_off_spec_tool_items_are_guarded(proxy: ServerThread, fake: FakeLLM, variant: Any,
                                                   kind: str) -> None:
    stream = ResponseStream().message(["Checking."])
    if kind == "function":
        stream.function_call("shell", {"command": ["bash", "-lc", DESTROY]})
    elif kind == "custom":
        stream.custom_call("exec", f"await tools.shell({{command: {json.dumps(DESTROY)}}});")
    else:
        stream.message(["Run:\n\n```bash\n", "rm -rf /*\n", "```\n"])
    fake.respond(sse_reply(variant(stream.events())))
    calls, text = responses_outcome(proxy)
    assert_blocked(DESTROY, calls, text)
    body = requests.post(f"{proxy.url}/v1/responses", json={"model": "m", "input": "x", "stream": True},
                         timeout=30).content
    assert BLOCK_MARKER.encode() in body


# ---------------------------------------------------------------- bounds on held tool calls

SMALL_TOOL_HOLD = {"streaming": {"max_tool_hold_bytes": 300}}
SHORT_TOOL_HOLD = {"streaming": {"max_tool_hold_seconds": 0.2}}


def test_a_chat_tool_call_over_the_size_bound_is_blocked(proxy_factory: ProxyFactory, fake: FakeLLM) -> None:
    big = Call("call_big", "write_file", {"path": "notes.txt", "content": "harmless text " * 40})
    small = Call("call_ok", "shell", {"command": "ls"})
    fake.respond(sse_reply(chat_tool_events([big, small], size=20)))
    calls, text, _ = chat_stream(proxy_factory(**SMALL_TOOL_HOLD))
    assert calls == [small.text]
    assert BLOCK_MARKER in text and "hold limit for tool calls (larger than 300 bytes)" in text
    fake.respond(sse_reply(chat_tool_events([big, small], size=20)))
    assert chat_stream(proxy_factory())[0] == [big.text, small.text]  # under the default bound: delivered


def test_a_chat_tool_call_held_too_long_is_blocked(proxy_factory: ProxyFactory, fake: FakeLLM) -> None:
    call = Call("call_slow", "shell", {"command": "ls -la"})
    events = chat_tool_events([call], size=4)
    fake.respond(sse_reply(events, pauses={4: 1.0}))  # the upstream stalls inside the call's arguments
    calls, text, finishes = chat_stream(proxy_factory(**SHORT_TOOL_HOLD))
    assert calls == [] and finishes == ["stop"]
    assert "hold limit for tool calls (held longer than 0.2 s)" in text


def test_an_anthropic_tool_use_over_the_size_bound_is_blocked(proxy_factory: ProxyFactory, fake: FakeLLM) -> None:
    content = json.dumps({"path": "a.txt", "content": "harmless " * 60})
    parts = [content[i:i + 25] for i in range(0, len(content), 25)]
    block = ({"type": "tool_use", "id": "toolu_1", "name": "Write", "input": {}},
             [{"type": "input_json_delta", "partial_json": part} for part in parts])
    fake.respond(sse_reply(anthropic_events([block, TEXT_BLOCK], index=int)))
    calls, text = anthropic_stream_text(proxy_factory(**SMALL_TOOL_HOLD))
    assert calls == []
    assert "hold limit for tool calls (larger than 300 bytes)" in text
    assert_blocked(DESTROY, calls, text)  # the text block after it is still guarded


def test_an_anthropic_tool_use_held_too_long_is_blocked(proxy_factory: ProxyFactory, fake: FakeLLM) -> None:
    block = ({"type": "tool_use", "id": "toolu_1", "name": "Bash", "input": {}},
             [{"type": "input_json_delta", "partial_json": '{"command": '},
              {"type": "input_json_delta", "partial_json": '"ls"}'}])
    fake.respond(sse_reply(anthropic_events([block], index=int), pauses={3: 1.0}))
    calls, text = anthropic_stream_text(proxy_factory(**SHORT_TOOL_HOLD))
    assert calls == [] and "held longer than 0.2 s" in text


def test_a_responses_tool_item_over_the_size_bound_is_blocked(proxy_factory: ProxyFactory, fake: FakeLLM) -> None:
    stream = ResponseStream().function_call("write_file", {"path": "a.txt", "content": "harmless " * 60}, pieces=8)
    stream.message(["Done."])
    fake.respond(sse_reply(stream.events()))
    calls, text = responses_outcome(proxy_factory(**SMALL_TOOL_HOLD))
    assert calls == [] and "hold limit for tool calls (larger than 300 bytes)" in text and "Done." in text
