"""The repair loop in streamed replies: SDK (stream=True) → Breakwater → a scripted upstream that streams
the first answer and answers the repair turn. The client's stream stays one well-formed reply."""

from __future__ import annotations

import json
import time
from typing import Any

import anthropic
import openai
import pytest

from proxy.render import BLOCK_MARKER, REPAIRED_MARKER
from tests.support.fake_llm import FakeLLM, hang, json_reply, sse_reply
from tests.support.replies import chat_completion
from tests.support.responses_streams import ResponseStream
from tests.support.servers import ServerThread, metric_value
from tests.support.streams import openai_chat_events
from tests.support.tool_streams import (
    Call,
    anthropic_block_events,
    anthropic_message,
    chat_tool_events,
    chat_tool_reply,
    text_block,
    tool_use,
)

REPAIR = {"enabled": True, "timeout_seconds": 5}
PROSE = "Reset it like this:\n\n"
DESTRUCTIVE = PROSE + "```sql\nDROP TABLE orders;\n```\n\nThen reload the data."
SAFE = "Archive instead of dropping:\n\n```sql\nALTER TABLE orders RENAME TO orders_archived_2026;\n```\n"
QUESTION = [{"role": "user", "content": "reset the orders table"}]
TOOLS: list[Any] = [{"type": "function", "function": {"name": "Bash", "parameters": {
    "type": "object", "properties": {"command": {"type": "string"}}, "required": ["command"]}}}]
FORCE = Call("call_1", "Bash", {"command": "git push --force origin main"})
LEASE = Call("call_2", "Bash", {"command": "git push --force-with-lease origin feature/orders-cleanup"})


@pytest.fixture
def repairing(proxy_factory: Any) -> ServerThread:
    return proxy_factory(repair=REPAIR)


def pieces(text: str, size: int = 7) -> list[str]:
    return [text[i:i + size] for i in range(0, len(text), size)]


def stream_chat(server: ServerThread, **extra: Any) -> tuple[str, list[dict[str, Any]], str | None, Any]:
    """The SDK's view of a streamed chat reply: content, tool calls (assembled), finish reason, usage."""
    client = openai.OpenAI(base_url=f"{server.url}/v1", api_key="sk-client", max_retries=0, timeout=30)
    content, calls, finish, usage = [], {}, None, None
    for chunk in client.chat.completions.create(model="gpt-test", messages=QUESTION, stream=True, **extra):
        usage = chunk.usage or usage
        for choice in chunk.choices:
            assert choice.index == 0
            content.append(choice.delta.content or "")
            for call in choice.delta.tool_calls or []:
                held = calls.setdefault(call.index, {"id": None, "name": "", "arguments": ""})
                held["id"] = held["id"] or call.id
                if call.function is not None:
                    held["name"] += call.function.name or ""
                    held["arguments"] += call.function.arguments or ""
            finish = choice.finish_reason or finish
    return "".join(content), [calls[i] for i in sorted(calls)], finish, usage


def test_streamed_code_block_is_repaired(repairing: ServerThread, fake: FakeLLM) -> None:
    counted = 'breakwater_repairs_total{outcome="repaired"}'
    before = metric_value(repairing, counted)
    fake.respond(sse_reply(openai_chat_events(pieces(DESTRUCTIVE))),
                 json_reply(chat_completion(SAFE, usage={"prompt_tokens": 40, "completion_tokens": 12})))
    text, calls, finish, usage = stream_chat(repairing, stream_options={"include_usage": True})
    assert text.startswith(PROSE)  # the prose before the held block had already streamed
    assert "DROP TABLE orders" not in text and "Then reload the data." not in text  # the held rest was replaced
    assert "ALTER TABLE orders RENAME TO orders_archived_2026;" in text
    note = text[text.index(REPAIRED_MARKER):]
    assert "sql.drop-table-or-database" in note and "destructive-operation" in note
    assert (calls, finish) == ([], "stop") and usage is not None and usage.completion_tokens == 12
    follow_up = fake.requests[1].json()  # the original conversation plus exactly two turns
    assert follow_up["messages"][0] == QUESTION[0]
    assert follow_up["messages"][1] == {"role": "assistant", "content": DESTRUCTIVE}
    assert len(follow_up["messages"]) == 3 and "sql.drop-table-or-database" in follow_up["messages"][2]["content"]
    assert follow_up["stream"] is False and "stream_options" not in follow_up
    assert metric_value(repairing, counted) == before + 1


def test_streamed_tool_call_is_replaced_by_the_repaired_call(repairing: ServerThread, fake: FakeLLM) -> None:
    fake.respond(sse_reply(chat_tool_events([FORCE], content=["Pushing."])),
                 json_reply(chat_tool_reply([LEASE])))
    text, calls, finish, _ = stream_chat(repairing, tools=TOOLS)
    assert [(c["id"], json.loads(c["arguments"])) for c in calls] == [("call_2", LEASE.arguments)]
    assert finish == "tool_calls" and REPAIRED_MARKER in text and "--force origin main" not in text
    follow_up = fake.requests[1].json()["messages"]
    assert follow_up[1]["tool_calls"][0]["function"] == {"name": "Bash", "arguments": FORCE.text}
    assert follow_up[2] == {"role": "tool", "tool_call_id": "call_1", "content": follow_up[2]["content"]}


def test_a_streamed_model_that_answers_in_text_is_delivered_as_text(repairing: ServerThread,
                                                                   fake: FakeLLM) -> None:
    ask = "Force-pushing main would overwrite others' work. Shall I push to a feature branch instead?"
    fake.respond(sse_reply(chat_tool_events([FORCE])), json_reply(chat_tool_reply([], content=ask)))
    text, calls, finish, _ = stream_chat(repairing, tools=TOOLS)
    assert calls == [] and finish == "stop" and ask in text and REPAIRED_MARKER in text


@pytest.mark.parametrize(("second", "outcome", "why"), [
    (json_reply(chat_completion(DESTRUCTIVE)), "kept_original", "blocking finding"),
    (json_reply({"error": {"message": "overloaded", "type": "server_error"}}, status=500), "error", "status 500"),
    (json_reply(chat_completion("```sql\nDROP TABLE orders;\nTRUNCATE TABLE payments;\n```\n")), "kept_original",
     "blocking finding"),
    (hang(30), "timeout", "did not answer within 1 s"),
])
def test_failed_streamed_repairs_keep_the_original_stream(proxy_factory: Any, fake: FakeLLM, second: Any,
                                                         outcome: str, why: str) -> None:
    server = proxy_factory(repair={**REPAIR, "timeout_seconds": 1})
    counted = f'breakwater_repairs_total{{outcome="{outcome}"}}'
    before = metric_value(server, counted)
    fake.respond(sse_reply(openai_chat_events(pieces(DESTRUCTIVE))), second)
    text, _, finish, _ = stream_chat(server)
    assert "DROP TABLE orders;" not in text and BLOCK_MARKER in text  # nothing leaked
    assert text.startswith(PROSE) and text.endswith("Then reload the data.")  # nothing lost
    assert finish == "stop" and REPAIRED_MARKER not in text
    kept = text.index("kept the original verdict")  # the note, where the stream was held: before the block note
    assert why in text[kept:text.index(BLOCK_MARKER)] and text.index(PROSE) < kept
    assert metric_value(server, counted) == before + 1


def test_a_clean_stream_is_never_held_or_asked_again(repairing: ServerThread, fake: FakeLLM) -> None:
    fake.respond(sse_reply(openai_chat_events(pieces(SAFE))))
    text, _, finish, _ = stream_chat(repairing)
    assert text == SAFE and finish == "stop" and len(fake.requests) == 1


def test_opt_out_header_streams_the_block_note(repairing: ServerThread, fake: FakeLLM) -> None:
    fake.respond(sse_reply(openai_chat_events(pieces(DESTRUCTIVE))))
    text, _, _, _ = stream_chat(repairing, extra_headers={"X-Breakwater-Repair": "off"})
    assert BLOCK_MARKER in text and len(fake.requests) == 1


def test_a_shadowed_stream_is_never_held_but_counts_what_would_be_repaired(proxy_factory: Any,
                                                                            fake: FakeLLM) -> None:
    server = proxy_factory(repair=REPAIR, mode="shadow")
    counted = 'breakwater_repairs_total{outcome="would_repair"}'
    before = metric_value(server, counted)
    fake.respond(sse_reply(openai_chat_events(pieces(DESTRUCTIVE))))
    text, _, _, _ = stream_chat(server)
    assert text == DESTRUCTIVE and len(fake.requests) == 1
    deadline = time.monotonic() + 30  # shadow mode counts after the body has ended: wait for the count
    while metric_value(server, counted) == before and time.monotonic() < deadline:
        time.sleep(0.05)
    assert metric_value(server, counted) == before + 1


def anthropic_stream(server: ServerThread) -> anthropic.types.Message:
    client = anthropic.Anthropic(base_url=server.url, api_key="sk-ant-client", max_retries=0, timeout=30)
    with client.messages.stream(model="claude-test", max_tokens=512, messages=QUESTION) as stream:
        for _ in stream:
            pass
        return stream.get_final_message()


def test_anthropic_streamed_code_block_is_repaired(repairing: ServerThread, fake: FakeLLM) -> None:
    fake.respond(sse_reply(anthropic_block_events([text_block(DESTRUCTIVE)], stop_reason="end_turn")),
                 json_reply(anthropic_message([text_block(SAFE)], stop_reason="end_turn")))
    message = anthropic_stream(repairing)
    text = "".join(block.text for block in message.content if block.type == "text")
    assert text.startswith(PROSE) and "DROP TABLE orders" not in text and "orders_archived_2026" in text
    assert message.content[-1].type == "text" and message.content[-1].text.startswith(REPAIRED_MARKER)
    assert message.stop_reason == "end_turn"
    follow_up = fake.requests[1].json()["messages"]
    assert follow_up[1] == {"role": "assistant", "content": [text_block(DESTRUCTIVE)]}
    assert len(follow_up) == 3 and follow_up[2]["role"] == "user"


def test_anthropic_streamed_tool_use_is_repaired(repairing: ServerThread, fake: FakeLLM) -> None:
    risky = Call("toolu_1", "Bash", {"command": "git push -f origin main"})
    safe = Call("toolu_2", "Bash", {"command": "git push --force-with-lease origin fix/orders"})
    fake.respond(sse_reply(anthropic_block_events([text_block("Pushing now."), tool_use(risky)])),
                 json_reply(anthropic_message([tool_use(safe)])))
    message = anthropic_stream(repairing)
    calls = [block for block in message.content if block.type == "tool_use"]
    assert [(c.id, c.input) for c in calls] == [("toolu_2", safe.arguments)]
    assert message.stop_reason == "tool_use"
    assert message.content[0].type == "text" and message.content[0].text == "Pushing now."
    follow_up = fake.requests[1].json()["messages"]
    assert follow_up[1]["content"][1] == tool_use(risky)
    assert follow_up[2]["content"][0]["tool_use_id"] == "toolu_1"


def test_anthropic_streamed_repair_that_stays_risky_keeps_the_stream(repairing: ServerThread,
                                                                     fake: FakeLLM) -> None:
    fake.respond(sse_reply(anthropic_block_events([text_block(DESTRUCTIVE)], stop_reason="end_turn")),
                 json_reply(anthropic_message([text_block(DESTRUCTIVE)], stop_reason="end_turn")))
    message = anthropic_stream(repairing)
    text = "".join(block.text for block in message.content if block.type == "text")
    assert "DROP TABLE orders;" not in text and BLOCK_MARKER in text and text.endswith("Then reload the data.")
    assert message.stop_reason == "end_turn" and "kept the original verdict: it still has a blocking" in text


def responses_reply(*items: dict[str, Any], response_id: str = "resp_2") -> dict[str, Any]:
    return {"id": response_id, "object": "response", "created_at": 1, "status": "completed", "model": "gpt-5-codex",
            "output": list(items), "usage": {"input_tokens": 50, "output_tokens": 12, "total_tokens": 62}}


def message_item(text: str, item_id: str = "msg_r") -> dict[str, Any]:
    return {"id": item_id, "type": "message", "status": "completed", "role": "assistant",
            "content": [{"type": "output_text", "text": text, "annotations": []}]}


def stream_responses(server: ServerThread, **extra: Any) -> tuple[Any, list[Any]]:
    client = openai.OpenAI(base_url=f"{server.url}/v1", api_key="sk-client", max_retries=0, timeout=30)
    with client.responses.stream(model="gpt-5-codex", input="reset the orders table", **extra) as stream:
        events = list(stream)
        return stream.get_final_response(), events


def test_responses_streamed_code_block_is_repaired(repairing: ServerThread, fake: FakeLLM) -> None:
    first = ResponseStream().message(pieces(DESTRUCTIVE))
    fake.respond(sse_reply(first.events()), json_reply(responses_reply(message_item(SAFE))))
    final, events = stream_responses(repairing)
    text = final.output_text
    assert text.startswith(PROSE) and "DROP TABLE orders" not in text and "orders_archived_2026" in text
    assert REPAIRED_MARKER in text and final.status == "completed"
    numbers = [event.sequence_number for event in events]
    assert numbers == sorted(set(numbers))  # one increasing sequence across the original and the repaired part
    assert [item.id for item in final.output][:1] == ["msg_0"]  # the cut-short message is closed, then the repair
    follow_up = fake.requests[1].json()
    assert follow_up["input"][0] == {"role": "user", "content": "reset the orders table"}
    assert follow_up["input"][1]["content"][0]["text"] == DESTRUCTIVE and follow_up["stream"] is False
    assert len(follow_up["input"]) == 3 and follow_up["input"][2]["role"] == "user"


def test_responses_streamed_tool_call_is_repaired(repairing: ServerThread, fake: FakeLLM) -> None:
    safe = {"command": "kubectl delete pod web-7f9c --namespace staging"}
    first = ResponseStream().function_call("Bash", {"command": "kubectl delete namespace prod"})
    repaired = {"type": "function_call", "id": "fc_r", "call_id": "call_r", "name": "Bash",
                "arguments": json.dumps(safe), "status": "completed"}
    fake.respond(sse_reply(first.events()), json_reply(responses_reply(repaired)))
    final, _ = stream_responses(repairing)
    calls = [item for item in final.output if item.type == "function_call"]
    assert [(c.call_id, json.loads(c.arguments)) for c in calls] == [("call_r", safe)]
    assert REPAIRED_MARKER in final.output_text
    follow_up = fake.requests[1].json()["input"]
    assert follow_up[1]["call_id"] == "call_0" and follow_up[2]["type"] == "function_call_output"


def test_responses_streamed_repair_that_fails_keeps_the_stream(repairing: ServerThread, fake: FakeLLM) -> None:
    first = ResponseStream().message(pieces(DESTRUCTIVE))
    fake.respond(sse_reply(first.events()),
                 json_reply({"error": {"message": "overloaded", "type": "server_error"}}, status=500))
    final, _ = stream_responses(repairing)
    assert "DROP TABLE orders;" not in final.output_text and BLOCK_MARKER in final.output_text
    assert final.output_text.endswith("Then reload the data.") and final.status == "completed"
    assert "kept the original verdict" in final.output_text and "status 500" in final.output_text
