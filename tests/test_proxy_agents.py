"""End to end with tools: the openai SDK → Breakwater → a fake OpenAI upstream (chat and Responses)."""

from __future__ import annotations

import json
import time
from typing import Any

import openai
import requests

from proxy.render import BLOCK_MARKER, TAG_MARKER
from tests.support.fake_llm import FakeLLM, json_reply, raw_reply, sse_reply
from tests.support.replies import chat_completion
from tests.support.responses_streams import ResponseStream, streamed_texts
from tests.support.servers import ServerThread

TOOLS: list[Any] = [
    {"type": "function", "function": {"name": "Bash", "parameters": {
        "type": "object", "properties": {"command": {"type": "string"}}, "required": ["command"]}}},
    {"type": "function", "function": {"name": "Write", "parameters": {
        "type": "object", "properties": {"file_path": {"type": "string"}, "content": {"type": "string"}}}}},
]


def client(server: ServerThread) -> openai.OpenAI:
    return openai.OpenAI(base_url=f"{server.url}/v1", api_key="sk-client-key", max_retries=0)


def tool_reply(*calls: tuple[str, dict[str, Any]], content: str | None = None) -> dict[str, Any]:
    payload = chat_completion("")
    message = payload["choices"][0]["message"]
    message["content"] = content
    message["tool_calls"] = [
        {"id": f"call_{n}", "type": "function", "function": {"name": name, "arguments": json.dumps(args)}}
        for n, (name, args) in enumerate(calls)
    ]
    payload["choices"][0]["finish_reason"] = "tool_calls"
    return payload


def ask_chat(server: ServerThread) -> openai.APIResponse:
    return client(server).chat.completions.with_raw_response.create(
        model="gpt-test", messages=[{"role": "user", "content": "clean up and publish"}], tools=TOOLS)


def test_destructive_command_tool_call_is_blocked(proxy: ServerThread, fake: FakeLLM) -> None:
    command = "rm -rf ~/project && git push --force origin main"
    fake.respond(json_reply(tool_reply(("Bash", {"command": command}))))
    raw = ask_chat(proxy)
    choice = raw.parse().choices[0]
    assert raw.headers["x-breakwater-decision"] == "block"
    assert not choice.message.tool_calls
    assert choice.finish_reason == "stop"
    content = choice.message.content or ""
    assert content.splitlines()[0].startswith(BLOCK_MARKER)
    assert command in content  # says what was blocked
    assert "destructive-operation" in content and "bash.git-force-push" in content and "line 1" in content


def test_only_the_blocked_call_is_dropped(proxy: ServerThread, fake: FakeLLM) -> None:
    fake.respond(json_reply(tool_reply(("Bash", {"command": "npm test"}), ("Bash", {"command": "git push -f"}),
                                       content="Running the tests, then publishing.")))
    choice = ask_chat(proxy).parse().choices[0]
    assert [c.function.arguments for c in choice.message.tool_calls or []] == ['{"command": "npm test"}']
    assert choice.finish_reason == "tool_calls"
    content = choice.message.content or ""
    assert content.startswith("Running the tests, then publishing.\n\n" + BLOCK_MARKER)


def test_risky_file_write_is_tagged_and_delivered(proxy: ServerThread, fake: FakeLLM) -> None:
    code = "import requests\n\n\ndef fetch(url):\n    return requests.get(url)\n"
    args = {"file_path": "app/client.py", "content": code}
    fake.respond(json_reply(tool_reply(("Write", args))))
    raw = ask_chat(proxy)
    choice = raw.parse().choices[0]
    assert raw.headers["x-breakwater-decision"] == "tag"
    [call] = choice.message.tool_calls or []
    assert call.function.name == "Write" and json.loads(call.function.arguments) == args  # intact
    assert choice.finish_reason == "tool_calls"
    note = choice.message.content or ""
    assert note.startswith(TAG_MARKER)
    assert "missing-timeout" in note and "python.requests-without-timeout" in note and "line 5" in note


def test_clean_tool_call_is_returned_byte_for_byte(proxy: ServerThread, fake: FakeLLM) -> None:
    body = json.dumps(tool_reply(("Bash", {"command": "pytest -q"})), separators=(",", ":")).encode()
    fake.respond(raw_reply(body))
    response = requests.post(f"{proxy.url}/v1/chat/completions", json={"model": "m", "messages": []}, timeout=30)
    assert response.content == body
    assert response.headers["X-Breakwater-Decision"] == "allow"


def test_malformed_tool_arguments_do_not_break_the_proxy(proxy: ServerThread, fake: FakeLLM) -> None:
    payload = tool_reply(("Bash", {}))
    payload["choices"][0]["message"]["tool_calls"][0]["function"]["arguments"] = '{"command": "git push --force'
    fake.respond(json_reply(payload))
    raw = ask_chat(proxy)
    assert raw.status_code == 200 and raw.headers["x-breakwater-decision"] == "block"


def test_shadow_mode_keeps_tool_calls(proxy_factory: Any, fake: FakeLLM) -> None:
    server = proxy_factory(mode="shadow", scan_timeout_seconds=30.0)  # own server: other tests count its metrics
    payload = tool_reply(("Bash", {"command": "git push -f"}))
    fake.respond(json_reply(payload))
    raw = ask_chat(server)
    assert raw.headers["x-breakwater-decision"] == "block"
    assert [c.id for c in raw.parse().choices[0].message.tool_calls or []] == ["call_0"]


# ---------------------------------------------------------------- Responses API


def response_payload(*items: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": "resp_123", "object": "response", "created_at": int(time.time()), "status": "completed",
        "model": "gpt-5-codex", "output": list(items), "parallel_tool_calls": True, "tool_choice": "auto",
        "tools": [], "error": None, "incomplete_details": None, "instructions": None, "metadata": {},
        "temperature": 1.0, "top_p": 1.0, "text": {"format": {"type": "text"}},
        "usage": {"input_tokens": 10, "output_tokens": 20, "total_tokens": 30,
                  "input_tokens_details": {"cached_tokens": 0}, "output_tokens_details": {"reasoning_tokens": 0}},
    }


def reasoning_item() -> dict[str, Any]:
    return {"id": "rs_1", "type": "reasoning", "summary": []}


def custom_call(name: str, text: str, call_id: str = "call_p1") -> dict[str, Any]:
    return {"id": "ctc_1", "type": "custom_tool_call", "status": "completed", "call_id": call_id, "name": name,
            "input": text}


MIGRATION_PATCH = ("*** Begin Patch\n*** Add File: db/migrations/0042_reset.sql\n+-- start over\n"
                   "+DROP TABLE orders;\n*** End Patch\n")


def ask_responses(server: ServerThread) -> Any:
    return client(server).responses.with_raw_response.create(model="gpt-5-codex", input="reset the orders table")


def test_responses_apply_patch_with_drop_table_is_replaced_by_a_message(proxy: ServerThread, fake: FakeLLM) -> None:
    fake.respond(json_reply(response_payload(reasoning_item(), custom_call("apply_patch", MIGRATION_PATCH))))
    raw = ask_responses(proxy)
    response = raw.parse()
    assert raw.headers["x-breakwater-decision"] == "block"
    assert [item.type for item in response.output] == ["reasoning", "message"]
    text = response.output_text
    assert text.splitlines()[0].startswith(BLOCK_MARKER)
    assert "db/migrations/0042_reset.sql" in text and "sql.drop-table-or-database" in text
    assert "destructive-operation" in text
    assert "line 2" in text
    assert fake.requests[-1].path == "/v1/responses"


def test_responses_code_mode_exec_with_rm_rf_is_blocked(proxy: ServerThread, fake: FakeLLM) -> None:
    program = 'const out = await tools.exec_command({cmd: "rm -rf ~", yield_time_ms: 1000});\nconsole.log(out);\n'
    fake.respond(json_reply(response_payload(custom_call("exec", program))))
    raw = ask_responses(proxy)
    response = raw.parse()
    assert raw.headers["x-breakwater-decision"] == "block"
    assert [item.type for item in response.output] == ["message"]
    assert "bash.rm-rf-root-or-home" in response.output_text and "rm -rf ~" not in json.dumps(
        [i.model_dump() for i in response.output if i.type != "message"])


def test_responses_function_call_tag_keeps_item_and_adds_a_message(proxy: ServerThread, fake: FakeLLM) -> None:
    call = {"id": "fc_1", "type": "function_call", "status": "completed", "call_id": "call_w", "name": "write_file",
            "arguments": json.dumps({"path": "app/c.py", "content": "import requests\nrequests.get(u)\n"})}
    fake.respond(json_reply(response_payload(call)))
    raw = ask_responses(proxy)
    response = raw.parse()
    assert raw.headers["x-breakwater-decision"] == "tag"
    assert [item.type for item in response.output] == ["function_call", "message"]
    assert response.output[0].arguments == call["arguments"]
    assert response.output_text.startswith(TAG_MARKER)


def test_responses_local_shell_call_and_message_text(proxy: ServerThread, fake: FakeLLM) -> None:
    message = {"id": "msg_1", "type": "message", "status": "completed", "role": "assistant",
               "content": [{"type": "output_text", "annotations": [],
                            "text": "First this:\n\n```sql\nDROP TABLE orders;\n```\n"}]}
    shell_call = {"id": "lsc_1", "type": "local_shell_call", "status": "completed", "call_id": "call_s",
                  "action": {"type": "exec", "command": ["bash", "-lc", "git push --force origin main"],
                             "env": {}, "timeout_ms": 1000, "working_directory": "/w", "user": None}}
    fake.respond(json_reply(response_payload(message, shell_call)))
    raw = ask_responses(proxy)
    body = raw.http_response.json()
    assert [item["type"] for item in body["output"]] == ["message", "message"]
    assert "DROP TABLE orders" not in body["output"][0]["content"][0]["text"]
    assert "bash.git-force-push" in body["output"][1]["content"][0]["text"]


def test_responses_clean_reply_is_byte_for_byte(proxy: ServerThread, fake: FakeLLM) -> None:
    body = json.dumps(response_payload(custom_call("apply_patch", "*** Begin Patch\n*** Add File: a.py\n+x = 1\n"
                                                                  "*** End Patch\n"))).encode()
    fake.respond(raw_reply(body))
    response = requests.post(f"{proxy.url}/v1/responses", json={"model": "m", "input": "x"}, timeout=30)
    assert response.content == body and response.headers["X-Breakwater-Decision"] == "allow"


def test_streamed_responses_are_guarded(proxy: ServerThread, fake: FakeLLM) -> None:
    """A streamed Responses reply is judged like a non-streamed one: the blocked patch item never reaches the
    client, a message with the block note takes its place; a stream that ends early gets an error event."""
    body = ResponseStream().reasoning().custom_call("apply_patch", MIGRATION_PATCH).body()
    fake.respond(sse_reply([body[i:i + 50] for i in range(0, len(body), 50)]))
    response = requests.post(f"{proxy.url}/v1/responses", json={"model": "m", "input": "x", "stream": True},
                             timeout=30)
    assert response.headers["X-Breakwater-Decision"] == "streaming"
    assert b"DROP TABLE orders" not in response.content and b"custom_tool_call" not in response.content
    texts = "".join(streamed_texts(response.content).values())
    assert texts.startswith(BLOCK_MARKER) and "sql.drop-table-or-database" in texts

    chunks = [b'event: response.created\ndata: {"type":"response.created","sequence_number":0}\n\n']
    fake.respond(sse_reply(chunks))
    response = requests.post(f"{proxy.url}/v1/responses", json={"model": "m", "input": "x", "stream": True},
                             timeout=30)
    assert response.content.startswith(b"".join(chunks))
    assert b'"type":"error"' in response.content[len(chunks[0]):]


def test_chat_custom_tool_call_patch_is_blocked(proxy: ServerThread, fake: FakeLLM) -> None:
    payload = tool_reply()
    payload["choices"][0]["message"]["tool_calls"] = [
        {"id": "call_c", "type": "custom", "custom": {"name": "apply_patch", "input": MIGRATION_PATCH}}]
    fake.respond(json_reply(payload))
    raw = ask_chat(proxy)
    choice = raw.parse().choices[0]
    assert raw.headers["x-breakwater-decision"] == "block"
    assert not choice.message.tool_calls and choice.finish_reason == "stop"
    assert "db/migrations/0042_reset.sql" in (choice.message.content or "")


def test_whitespace_content_is_kept_before_the_block_note(proxy: ServerThread, fake: FakeLLM) -> None:
    """As the stream already sent it (found by the stream property test): the note follows, nothing is dropped."""
    fake.respond(json_reply(tool_reply(("Bash", {"command": "rm -rf /*"}), content="\n")))
    content = ask_chat(proxy).parse().choices[0].message.content or ""
    assert content.startswith("\n" + BLOCK_MARKER)
