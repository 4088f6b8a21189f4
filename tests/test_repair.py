"""The repair loop, end to end: SDK → Breakwater → a scripted upstream that also answers the repair turn."""

from __future__ import annotations

import json
from typing import Any

import anthropic
import openai
import pytest

from proxy.render import BLOCK_MARKER, REPAIRED_MARKER
from tests.support.fake_llm import FakeLLM, hang, json_reply
from tests.support.replies import bash_call, chat_completion
from tests.support.servers import ServerThread, metric_value
from tests.support.tool_streams import Call, anthropic_message, text_block, tool_use

REPAIR = {"enabled": True, "timeout_seconds": 5}
DESTRUCTIVE = "Reset it like this:\n\n```sql\nDROP TABLE orders;\n```\n"
SAFE = "Archive instead of dropping:\n\n```sql\nALTER TABLE orders RENAME TO orders_archived_2026;\n```\n"
QUESTION = [{"role": "user", "content": "reset the orders table"}]
TOOLS: list[Any] = [{"type": "function", "function": {"name": "Bash", "parameters": {
    "type": "object", "properties": {"command": {"type": "string"}}, "required": ["command"]}}}]


@pytest.fixture
def repairing(proxy_factory: Any) -> ServerThread:
    return proxy_factory(repair=REPAIR)


def ask_chat(server: ServerThread, **extra: Any) -> openai.APIResponse:
    client = openai.OpenAI(base_url=f"{server.url}/v1", api_key="sk-client", max_retries=0, timeout=30)
    return client.chat.completions.with_raw_response.create(model="gpt-test", messages=QUESTION, **extra)


def test_blocked_code_block_is_repaired(repairing: ServerThread, fake: FakeLLM) -> None:
    first = chat_completion(DESTRUCTIVE)
    fake.respond(json_reply(first), json_reply(chat_completion(SAFE, usage={"prompt_tokens": 40,
                                                                            "completion_tokens": 12})))
    raw = ask_chat(repairing)
    content = raw.parse().choices[0].message.content or ""
    assert raw.headers["x-breakwater-repair"] == "repaired"
    assert raw.headers["x-breakwater-decision"] == "allow"
    assert "DROP TABLE" not in content.split(REPAIRED_MARKER)[0]  # the delivered code is the repaired one
    assert "ALTER TABLE orders RENAME TO orders_archived_2026;" in content
    note = content[content.index(REPAIRED_MARKER):]
    assert "destructive-operation" in note and "sql.drop-table-or-database" in note and "line 1" in note
    # exactly the original conversation plus two turns: the model's answer, the findings
    follow_up = fake.requests[1].json()
    assert follow_up["messages"][:1] == QUESTION
    said = first["choices"][0]["message"]  # as the model said it, less reply-only fields (`annotations`)
    assert follow_up["messages"][1] == {k: v for k, v in said.items() if k != "annotations"}
    assert len(follow_up["messages"]) == 3 and follow_up["messages"][2]["role"] == "user"
    assert "sql.drop-table-or-database" in follow_up["messages"][2]["content"]
    assert (follow_up["model"], follow_up["stream"]) == ("gpt-test", False)
    assert fake.requests[1].path == fake.requests[0].path
    assert metric_value(repairing, 'breakwater_repairs_total{outcome="repaired"}') >= 1
    assert metric_value(repairing, 'breakwater_repair_tokens_total{direction="output"}') >= 12


def test_blocked_tool_call_is_replaced_by_the_repaired_call(repairing: ServerThread, fake: FakeLLM) -> None:
    safe = "git push --force-with-lease origin feature/orders-cleanup"
    fake.respond(json_reply(bash_call("git push --force origin main")), json_reply(bash_call(safe)))
    raw = ask_chat(repairing, tools=TOOLS)
    choice = raw.parse().choices[0]
    assert raw.headers["x-breakwater-repair"] == "repaired"
    [call] = choice.message.tool_calls or []
    assert json.loads(call.function.arguments)["command"] == safe
    assert choice.finish_reason == "tool_calls"
    assert (choice.message.content or "").startswith(REPAIRED_MARKER)
    follow_up = fake.requests[1].json()["messages"]
    assert follow_up[2] == {"role": "tool", "tool_call_id": "call_1", "content": follow_up[2]["content"]}
    assert follow_up[3]["role"] == "user" and "bash.git-force-push" in follow_up[3]["content"]


def test_a_model_that_answers_in_text_is_delivered_as_text(repairing: ServerThread, fake: FakeLLM) -> None:
    answer = "Force-pushing main would discard other people's work. Shall I push to a new branch instead?"
    fake.respond(json_reply(bash_call("git push --force origin main")), json_reply(chat_completion(answer)))
    raw = ask_chat(repairing, tools=TOOLS)
    choice = raw.parse().choices[0]
    assert not choice.message.tool_calls and choice.finish_reason == "stop"
    assert (choice.message.content or "").startswith(answer)


@pytest.mark.parametrize(("second", "outcome", "why"), [
    (json_reply(chat_completion(DESTRUCTIVE)), "kept_original", "blocking finding"),
    (json_reply({"error": {"message": "overloaded", "type": "server_error"}}, status=500), "error", "status 500"),
    (json_reply(chat_completion("```sql\nDROP TABLE orders;\nTRUNCATE TABLE payments;\n```\n")), "kept_original",
     "blocking finding"),
])
def test_failed_repairs_keep_the_original_verdict(repairing: ServerThread, fake: FakeLLM, second: Any,
                                                  outcome: str, why: str) -> None:
    fake.respond(json_reply(chat_completion(DESTRUCTIVE)), second)
    raw = ask_chat(repairing)
    content = raw.parse().choices[0].message.content or ""
    assert raw.headers["x-breakwater-repair"] == outcome
    assert raw.headers["x-breakwater-decision"] == "block"
    assert "DROP TABLE orders;" not in content and BLOCK_MARKER in content  # nothing leaked
    assert "kept the original verdict" in content and why in content


def test_a_repair_into_another_destructive_command_is_refused(proxy_factory: Any, fake: FakeLLM) -> None:
    # With the per-tool rule off, a medium destructive command would only be tagged: the repair
    # loop itself must still refuse to trade one destructive command for another.
    server = proxy_factory(repair=REPAIR, tools={"block_destructive_commands": False})
    fake.respond(json_reply(bash_call("git push --force origin main")),
                 json_reply(bash_call("git reset --hard HEAD~3")))
    raw = ask_chat(server, tools=TOOLS)
    choice = raw.parse().choices[0]
    assert raw.headers["x-breakwater-repair"] == "kept_original"
    assert not choice.message.tool_calls
    assert "another destructive command" in (choice.message.content or "")


def test_a_repair_that_times_out_keeps_the_original(proxy_factory: Any, fake: FakeLLM) -> None:
    server = proxy_factory(repair={**REPAIR, "timeout_seconds": 0.5})
    fake.respond(json_reply(chat_completion(DESTRUCTIVE)), hang(30))
    raw = ask_chat(server)
    assert raw.headers["x-breakwater-repair"] == "timeout"
    assert BLOCK_MARKER in (raw.parse().choices[0].message.content or "")


def test_opt_out_header_and_disabled_setting_never_ask_again(repairing: ServerThread, proxy: ServerThread,
                                                           fake: FakeLLM) -> None:
    fake.respond(json_reply(chat_completion(DESTRUCTIVE)))
    raw = ask_chat(repairing, extra_headers={"X-Breakwater-Repair": "off"})
    assert "x-breakwater-repair" not in raw.headers and len(fake.requests) == 1
    raw = ask_chat(proxy)  # repair is off by default
    assert "x-breakwater-repair" not in raw.headers and len(fake.requests) == 2
    assert BLOCK_MARKER in (raw.parse().choices[0].message.content or "")


def test_shadow_mode_counts_but_never_repairs(proxy_factory: Any, fake: FakeLLM) -> None:
    server = proxy_factory(repair=REPAIR, mode="shadow")  # shared with other tests: count the difference
    before = metric_value(server, 'breakwater_repairs_total{outcome="would_repair"}')
    fake.respond(json_reply(chat_completion(DESTRUCTIVE)))
    raw = ask_chat(server)
    assert len(fake.requests) == 1 and "DROP TABLE orders;" in (raw.parse().choices[0].message.content or "")
    assert metric_value(server, 'breakwater_repairs_total{outcome="would_repair"}') == before + 1


def test_anthropic_tool_use_is_repaired(repairing: ServerThread, fake: FakeLLM) -> None:
    risky, safe = "git push -f origin main", "git push --force-with-lease origin fix/orders"
    first = anthropic_message([text_block("Pushing now."), tool_use(Call("toolu_1", "Bash", {"command": risky}))])
    repaired = anthropic_message([tool_use(Call("toolu_2", "Bash", {"command": safe}))])
    fake.respond(json_reply(first), json_reply(repaired))
    client = anthropic.Anthropic(base_url=repairing.url, api_key="sk-ant-client", max_retries=0)
    raw = client.messages.with_raw_response.create(model="claude-test", max_tokens=512, messages=QUESTION)
    message = raw.parse()
    assert raw.headers["x-breakwater-repair"] == "repaired"
    calls = [block for block in message.content if block.type == "tool_use"]
    assert [call.input for call in calls] == [{"command": safe}]
    assert message.stop_reason == "tool_use"
    assert message.content[-1].type == "text" and message.content[-1].text.startswith(REPAIRED_MARKER)
    follow_up = fake.requests[1].json()["messages"]
    assert follow_up[0] == QUESTION[0] and follow_up[1] == {"role": "assistant", "content": first["content"]}
    [result, instruction] = follow_up[2]["content"]
    assert result["type"] == "tool_result" and result["tool_use_id"] == first["content"][1]["id"]
    assert result["is_error"] is True and "bash.git-force-push" in instruction["text"]


def test_anthropic_code_block_repair_that_stays_risky_is_not_used(repairing: ServerThread, fake: FakeLLM) -> None:
    fake.respond(json_reply(anthropic_message([text_block(DESTRUCTIVE)], stop_reason="end_turn")))
    client = anthropic.Anthropic(base_url=repairing.url, api_key="sk-ant-client", max_retries=0)
    raw = client.messages.with_raw_response.create(model="claude-test", max_tokens=512, messages=QUESTION)
    text = "".join(block.text for block in raw.parse().content if block.type == "text")
    assert raw.headers["x-breakwater-repair"] == "kept_original"
    assert "DROP TABLE orders;" not in text and BLOCK_MARKER in text and "kept the original verdict" in text


def responses_reply(*items: dict[str, Any], response_id: str = "resp_1") -> dict[str, Any]:
    return {"id": response_id, "object": "response", "created_at": 1, "status": "completed", "model": "gpt-test",
            "output": list(items), "usage": {"input_tokens": 5, "output_tokens": 7, "total_tokens": 12}}


def shell_item(command: str, call_id: str = "call_r1") -> dict[str, Any]:
    return {"type": "function_call", "id": f"fc_{call_id}", "call_id": call_id, "name": "Bash",
            "arguments": json.dumps({"command": command}), "status": "completed"}


@pytest.mark.parametrize("chained", [False, True])
def test_responses_tool_call_is_repaired(repairing: ServerThread, fake: FakeLLM, chained: bool) -> None:
    safe = "kubectl delete pod web-7f9c --namespace staging"
    first = responses_reply(shell_item("kubectl delete namespace prod"))
    fake.respond(json_reply(first), json_reply(responses_reply(shell_item(safe, "call_r2"), response_id="resp_2")))
    client = openai.OpenAI(base_url=f"{repairing.url}/v1", api_key="sk-client", max_retries=0)
    extra = {"previous_response_id": "resp_0"} if chained else {}
    raw = client.responses.with_raw_response.create(model="gpt-test", input="clean up prod", **extra)
    response = raw.parse()
    assert raw.headers["x-breakwater-repair"] == "repaired"
    calls = [item for item in response.output if item.type == "function_call"]
    assert [json.loads(c.arguments)["command"] for c in calls] == [safe]
    assert response.output[-1].type == "message"
    follow_up = fake.requests[1].json()
    output = {"type": "function_call_output", "call_id": "call_r1", "output": follow_up["input"][-2]["output"]}
    if chained:
        assert follow_up["previous_response_id"] == "resp_1"
        assert follow_up["input"][:-1] == [output]
    else:
        assert follow_up["input"][:3] == [{"role": "user", "content": "clean up prod"}, first["output"][0], output]
    assert follow_up["input"][-1]["role"] == "user" and "kubectl" in follow_up["input"][-1]["content"]
