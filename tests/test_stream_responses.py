"""End to end, streamed Responses API (Codex CLI's only protocol): the openai SDK (sync and async) →
Breakwater → a fake upstream streaming realistic Responses events, with the real scan engine."""

from __future__ import annotations

import json
import time
from typing import Any

import openai
import pytest
import requests

from proxy.render import BLOCK_MARKER, TAG_MARKER
from tests.conftest import ProxyFactory
from tests.support.fake_llm import FakeLLM, Gate, gated_sse_reply, json_reply, sse_reply
from tests.support.responses_streams import (
    DROP_TEXT,
    EXEC_PROGRAM,
    EXEC_PROJECT,
    MIGRATION_PATCH,
    RISKY_TEXT,
    ResponseStream,
    events_of,
    streamed_output,
    streamed_texts,
)
from tests.support.servers import ServerThread
from tests.support.streams import rechunk

SHELL_ARGS = {"command": ["bash", "-lc", "ls -la src"], "workdir": "/work/app", "timeout_ms": 10_000}


def client(server: ServerThread) -> openai.OpenAI:
    return openai.OpenAI(base_url=f"{server.url}/v1", api_key="sk-client-key", max_retries=0)


def post(server: ServerThread) -> requests.Response:
    return requests.post(f"{server.url}/v1/responses", json={"model": "gpt-5-codex", "input": "x", "stream": True},
                         timeout=30)


def check_consistent(body: bytes) -> dict[str, Any]:
    """What a strict client relies on: sequence numbers 0, 1, 2…, output indexes added in order,
    and a final response whose output is exactly the items (and texts) that were streamed."""
    events = [event for _, event in events_of(body)]
    assert [e["sequence_number"] for e in events] == list(range(len(events)))
    added = [e["output_index"] for e in events if e["type"] == "response.output_item.added"]
    assert added == list(range(len(added)))
    final = next(e["response"] for e in events if e["type"] == "response.completed")
    assert final["output"] == streamed_output(body)
    texts = streamed_texts(body)
    for index, item in enumerate(final["output"]):
        if item["type"] == "message":
            assert item["content"][0]["text"] == texts[index]
    return final


def test_tagged_python_block_streams_with_the_note_after_it(proxy: ServerThread, fake: FakeLLM) -> None:
    fake.respond(sse_reply(ResponseStream().reasoning().message(RISKY_TEXT).events()))
    stream = client(proxy).responses.create(model="gpt-5-codex", input="fetch", stream=True)
    events = list(stream)
    text = "".join(e.delta for e in events if e.type == "response.output_text.delta")
    assert "resp = requests.get(url)" in text
    note = text[text.index(TAG_MARKER):]
    assert "python.requests-without-timeout" in note and "missing-timeout" in note
    assert text.index("requests.get(url)") < text.index(TAG_MARKER) and text.rstrip().endswith("That is all.")
    done = next(e for e in events if e.type == "response.output_text.done")
    assert done.text == text
    final = events[-1]
    assert final.type == "response.completed" and final.response.output_text == text
    fake.respond(sse_reply(ResponseStream().reasoning().message(RISKY_TEXT).events()))
    check_consistent(post(proxy).content)


def test_blocked_sql_never_reaches_the_client(proxy: ServerThread, fake: FakeLLM) -> None:
    body = ResponseStream().message(DROP_TEXT).body()
    for cuts in ([], list(range(0, len(body), 7)), [body.index(b"DROP") + 2]):
        fake.respond(sse_reply(rechunk(body, cuts)))
        response = post(proxy)
        assert response.headers["X-Breakwater-Decision"] == "streaming"
        assert b"DROP TABLE orders" not in response.content
        final = check_consistent(response.content)
        text = final["output"][0]["content"][0]["text"]
        assert text.startswith("Reset the table:\n\n" + BLOCK_MARKER) and text.endswith("\nDone.\n")
        assert "sql.drop-table-or-database" in text


def test_apply_patch_with_drop_table_is_replaced_by_a_message(proxy: ServerThread, fake: FakeLLM) -> None:
    upstream = ResponseStream().reasoning().message(["I'll add the migration."]).custom_call("apply_patch",
                                                                                              MIGRATION_PATCH)
    fake.respond(sse_reply(upstream.events()))
    with client(proxy).responses.stream(model="gpt-5-codex", input="reset the orders table") as stream:
        seen = [event for event in stream]
        final = stream.get_final_response()
    assert [item.type for item in final.output] == ["reasoning", "message", "message"]
    note = final.output[2].content[0].text  # type: ignore[union-attr]
    assert note.startswith(BLOCK_MARKER) and "db/migrations/0042.sql" in note and "sql.drop-table" in note
    assert "line 2" in note
    assert not any(getattr(e, "type", "").startswith("response.custom_tool_call") for e in seen)
    added = [e.item.id for e in seen if e.type == "response.output_item.added"]
    assert added == [item.id for item in final.output]
    fake.respond(sse_reply(upstream.events()))
    body = post(proxy).content
    assert b"DROP TABLE orders" not in body and b"custom_tool_call" not in body
    check_consistent(body)


async def test_code_mode_exec_with_rm_rf_is_blocked(proxy: ServerThread, fake: FakeLLM) -> None:
    fake.respond(sse_reply(ResponseStream().custom_call("exec", EXEC_PROGRAM, pieces=6).events()))
    aclient = openai.AsyncOpenAI(base_url=f"{proxy.url}/v1", api_key="k", max_retries=0)
    async with aclient, aclient.responses.stream(model="gpt-5-codex", input="clean up") as stream:
        async for _ in stream:
            pass
        final = await stream.get_final_response()
    assert [item.type for item in final.output] == ["message"]
    assert final.output_text.startswith(BLOCK_MARKER) and "bash.rm-rf" in final.output_text


def test_exec_decisions_equal_non_streamed(proxy: ServerThread, fake: FakeLLM) -> None:
    for program in (EXEC_PROGRAM, EXEC_PROJECT):
        upstream = ResponseStream().custom_call("exec", program)
        fake.respond(json_reply(upstream.response("completed", upstream.output)))
        whole = client(proxy).responses.create(model="gpt-5-codex", input="x")
        fake.respond(sse_reply(upstream.events()))
        with client(proxy).responses.stream(model="gpt-5-codex", input="x") as stream:
            final = stream.get_final_response()
        assert [i.type for i in final.output] == [i.type for i in whole.output]
        assert final.output_text == whole.output_text


def test_clean_shell_function_call_is_byte_for_byte(proxy: ServerThread, fake: FakeLLM) -> None:
    body = ResponseStream().reasoning().message(["Listing the sources."]).function_call("shell", SHELL_ARGS).body()
    fake.respond(sse_reply(rechunk(body, [50, 400, 900])))
    response = post(proxy)
    assert response.content == body
    fake.respond(sse_reply([body]))
    events = list(client(proxy).responses.create(model="gpt-5-codex", input="ls", stream=True))
    final = events[-1]
    assert final.type == "response.completed"
    assert [item.type for item in final.response.output] == ["reasoning", "message", "function_call"]
    assert json.loads(final.response.output[2].arguments) == SHELL_ARGS  # type: ignore[union-attr]


def test_tagged_function_call_is_delivered_with_a_note_item(proxy: ServerThread, fake: FakeLLM) -> None:
    args = {"path": "app/fetch.py", "content": "import requests\nrequests.get(u)\n"}
    fake.respond(sse_reply(ResponseStream().function_call("write_file", args).message(["Written."]).events()))
    with client(proxy).responses.stream(model="gpt-5-codex", input="x") as stream:
        final = stream.get_final_response()
    assert [item.type for item in final.output] == ["function_call", "message", "message"]
    assert json.loads(final.output[0].arguments) == args  # type: ignore[union-attr]
    assert final.output[1].content[0].text.startswith(TAG_MARKER)  # type: ignore[union-attr]
    assert final.output[2].content[0].text == "Written."  # type: ignore[union-attr]
    fake.respond(sse_reply(ResponseStream().function_call("write_file", args).message(["Written."]).events()))
    check_consistent(post(proxy).content)


def test_prose_reaches_the_client_before_a_slow_tool_item_completes(proxy: ServerThread, fake: FakeLLM) -> None:
    """The upstream finishes the tool call only once the client has the prose; the call's deltas are held
    until the call is whole, so none arrives before the upstream sent its end."""
    upstream = ResponseStream().message(["Running the tests now."]).function_call("shell", SHELL_ARGS)
    events = upstream.events()
    slow = next(n for n, e in enumerate(events) if b"function_call_arguments.done" in e)
    gate = Gate()
    fake.respond(gated_sse_reply(events, {slow: gate}))
    arrivals: dict[str, bool] = {}  # event type → whether the upstream had already sent the call's end
    for event in client(proxy).responses.create(model="gpt-5-codex", input="x", stream=True):
        arrivals.setdefault(event.type, gate.passed.is_set())
        if event.type == "response.output_text.delta":
            gate.open()
    assert arrivals["response.output_text.delta"] is False and gate.opened_in_time
    assert arrivals["response.function_call_arguments.delta"] is True  # held until the call was whole
    assert arrivals["response.completed"] is True


def test_shadow_mode_is_byte_for_byte_and_counts(proxy_factory: ProxyFactory, fake: FakeLLM) -> None:
    server = proxy_factory(mode="shadow", scan_timeout_seconds=30.0, log_level="warning")
    body = ResponseStream().message(DROP_TEXT).custom_call("apply_patch", MIGRATION_PATCH).body()
    fake.respond(sse_reply(rechunk(body, [10, 333, 1000])))
    response = post(server)
    assert response.content == body
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:  # shadow counts after the body is written
        metrics = requests.get(f"{server.url}/metrics", timeout=10).text
        if 'breakwater_decisions_total{decision="block"} 1.0' in metrics:
            break
        time.sleep(0.05)
    assert 'breakwater_decisions_total{decision="block"} 1.0' in metrics
    assert 'origin="tool_call"' in metrics or 'origin="diff"' in metrics


def test_broken_upstream_ends_with_an_error_event(proxy: ServerThread, fake: FakeLLM) -> None:
    body = ResponseStream().message(["Applying the patch."]).custom_call("apply_patch", MIGRATION_PATCH).body()
    cut = body.index(b"custom_tool_call_input.done")  # mid-event, the patch held and unfinished
    fake.respond(sse_reply([body[:cut]], close_early=True))
    events = list(client(proxy).responses.create(model="gpt-5-codex", input="x", stream=True))
    assert events[-1].type == "error"
    assert events[-1].code == "upstream_broken"  # type: ignore[union-attr]
    assert events[0].type == "response.created"
    fake.respond(sse_reply([body[:cut]], close_early=True))
    raw = post(proxy).content
    assert b"DROP TABLE orders" not in raw and BLOCK_MARKER.encode() in raw
    numbers = [e["sequence_number"] for _, e in events_of(raw)]
    assert numbers == list(range(len(numbers)))


def test_malformed_upstream_event_ends_with_an_error_event(proxy: ServerThread, fake: FakeLLM) -> None:
    events = ResponseStream().message(DROP_TEXT).events()
    garbled = [*events[:4], b"event: response.output_text.delta\ndata: {not json\n\n", *events[4:]]
    fake.respond(sse_reply(garbled))
    received = events_of(post(proxy).content)
    name, last = received[-1]
    assert name == "error" and last["type"] == "error" and "not JSON" in last["message"]
    assert not any("DROP TABLE orders" in json.dumps(e) for _, e in received)


@pytest.mark.parametrize("newline", ["\r\n"])
def test_crlf_framing_is_kept(proxy: ServerThread, fake: FakeLLM, newline: str) -> None:
    body = ResponseStream(newline=newline).message(DROP_TEXT).body()
    fake.respond(sse_reply(rechunk(body, list(range(0, len(body), 13)))))
    content = post(proxy).content
    assert b"DROP TABLE orders" not in content and content.count(b"\r\n\r\n") == len(events_of(content))
    check_consistent(content)
