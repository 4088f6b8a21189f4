"""Code the engine could not parse is never clean (issue 10, item 1).

Real SDKs → Breakwater → fake upstream. Semgrep skips a file it cannot parse, and its
regex rules with it; the guard turns that into a `breakwater.unparsed` finding that
blocks an agent's command or file write and tags a chat fence. Languages: Java and YAML
(Semgrep cannot parse them at all), Python, JavaScript, Go (partial parses), and bash
commands with destructive tails behind a prefix Semgrep's bash parser rejects.
"""

from __future__ import annotations

from typing import Any

import anthropic
import openai
import pytest

from proxy.render import BLOCK_MARKER, TAG_MARKER
from tests.support.fake_llm import FakeLLM, json_reply, sse_reply
from tests.support.servers import ServerThread
from tests.support.tool_streams import (
    Call,
    anthropic_block_events,
    anthropic_message,
    chat_tool_events,
    chat_tool_reply,
    tool_use,
)

UNPARSED = "breakwater.unparsed"
# (path, content) Semgrep cannot parse, in whole (java, yaml) or in part (the others).
BROKEN_FILES = [
    ("src/Runner.java", "class Runner {\n  void run(String cmd) throws Exception {\n"
                        "    Runtime.getRuntime().exec(cmd);\n"),
    ("deploy/app.yaml", "spec: [\n  containers: {\n    image: nginx:latest\n"),
    ("app/client.py", "import os\n\ndef wipe(path:\n    os.system('rm -rf ' + path)\n"),
    ("web/index.js", "const run = (cmd) => {\n  require('child_process').exec(cmd);\n}}}} ]]\n"),
    ("cmd/main.go", "package main\n\nfunc main() { os.RemoveAll(\"/\") \n"),
]
CLEAN_FILE = ("app/ok.py", "def add(a, b):\n    return a + b\n")
# Semgrep's bash parser rejects the `x=``` prefix, and with it every rule on the file.
BROKEN_COMMANDS = ["x=``; rm -rf /*", "x=``; git push --force origin main",
                   "x=``; terraform destroy -auto-approve", "x=``; kubectl delete ns prod"]
TOOLS: list[Any] = [{"type": "function", "function": {"name": "Write", "parameters": {"type": "object"}}},
                    {"type": "function", "function": {"name": "Bash", "parameters": {"type": "object"}}}]
MESSAGES: list[Any] = [{"role": "user", "content": "go"}]


def write(path: str, content: str) -> Call:
    return Call("call_w", "Write", {"file_path": path, "content": content})


def bash(command: str) -> Call:
    return Call("call_b", "Bash", {"command": command})


def oai(server: ServerThread) -> openai.OpenAI:
    return openai.OpenAI(base_url=f"{server.url}/v1", api_key="sk-client-key", max_retries=0)


def claude(server: ServerThread) -> anthropic.Anthropic:
    return anthropic.Anthropic(base_url=server.url, api_key="sk-ant-client", max_retries=0)


def chat(server: ServerThread, fake: FakeLLM, call: Call, streamed: bool) -> tuple[str, list[Any]]:
    """(assistant text, delivered tool calls) as the openai SDK sees them."""
    if streamed:
        fake.respond(sse_reply(chat_tool_events([call], size=7)))
        with oai(server).chat.completions.stream(model="m", messages=MESSAGES, tools=TOOLS) as stream:
            message = stream.get_final_completion().choices[0].message
    else:
        fake.respond(json_reply(chat_tool_reply([call])))
        message = oai(server).chat.completions.create(model="m", messages=MESSAGES, tools=TOOLS).choices[0].message
    return message.content or "", list(message.tool_calls or [])


def messages(server: ServerThread, fake: FakeLLM, call: Call, streamed: bool) -> tuple[str, list[Any]]:
    """(text, delivered tool_use blocks) as the anthropic SDK sees them."""
    if streamed:
        fake.respond(sse_reply(anthropic_block_events([tool_use(call)], size=6)))
        with claude(server).messages.stream(model="c", max_tokens=100, messages=MESSAGES) as stream:
            message = stream.get_final_message()
    else:
        fake.respond(json_reply(anthropic_message([tool_use(call)])))
        message = claude(server).messages.create(model="c", max_tokens=100, messages=MESSAGES)
    text = "".join(b.text for b in message.content if b.type == "text")
    return text, [b for b in message.content if b.type == "tool_use"]


ASK = {"chat": chat, "anthropic": messages}


@pytest.mark.parametrize("streamed", [False, True], ids=["json", "stream"])
@pytest.mark.parametrize("api", ["chat", "anthropic"])
@pytest.mark.parametrize(("path", "content"), BROKEN_FILES, ids=[p for p, _ in BROKEN_FILES])
def test_a_file_write_the_engine_cannot_parse_is_blocked(
        proxy: ServerThread, fake: FakeLLM, api: str, streamed: bool, path: str, content: str) -> None:
    text, delivered = ASK[api](proxy, fake, write(path, content), streamed)
    assert delivered == []
    assert text.splitlines()[0].startswith(BLOCK_MARKER), text
    assert UNPARSED in text and "syntax-error" in text and path in text


@pytest.mark.parametrize("streamed", [False, True], ids=["json", "stream"])
@pytest.mark.parametrize("api", ["chat", "anthropic"])
@pytest.mark.parametrize("command", BROKEN_COMMANDS)
def test_a_command_behind_an_unparsable_prefix_is_blocked(
        proxy: ServerThread, fake: FakeLLM, api: str, streamed: bool, command: str) -> None:
    text, delivered = ASK[api](proxy, fake, bash(command), streamed)
    assert delivered == []
    assert text.splitlines()[0].startswith(BLOCK_MARKER), text


@pytest.mark.parametrize("api", ["chat", "anthropic"])
def test_a_clean_file_write_is_still_delivered(proxy: ServerThread, fake: FakeLLM, api: str) -> None:
    text, delivered = ASK[api](proxy, fake, write(*CLEAN_FILE), False)
    assert len(delivered) == 1 and text == ""


@pytest.mark.parametrize(("language", "code"), [("java", BROKEN_FILES[0][1]), ("yaml", BROKEN_FILES[1][1])])
@pytest.mark.parametrize("streamed", [False, True], ids=["json", "stream"])
def test_a_chat_fence_the_engine_cannot_parse_is_tagged(
        proxy: ServerThread, fake: FakeLLM, language: str, code: str, streamed: bool) -> None:
    reply = f"Here:\n\n```{language}\n{code}```\n"
    if streamed:
        fake.respond(sse_reply(chat_tool_events([], size=7, content=[reply[i:i + 9] for i in range(0, len(reply), 9)])))
        with oai(proxy).chat.completions.stream(model="m", messages=MESSAGES) as stream:
            text = stream.get_final_completion().choices[0].message.content or ""
    else:
        fake.respond(json_reply(chat_tool_reply([], content=reply)))
        text = oai(proxy).chat.completions.create(model="m", messages=MESSAGES).choices[0].message.content or ""
    assert code in text  # a chat fence is read by a person first: tagged, not withheld
    note = text[text.index(code) + len(code):]
    assert TAG_MARKER in note and UNPARSED in note


@pytest.mark.parametrize("command", BROKEN_COMMANDS)
def test_a_chat_bash_fence_behind_an_unparsable_prefix_is_still_judged(proxy: ServerThread, fake: FakeLLM,
                                                                       command: str) -> None:
    """Bash is read by the command model, not Semgrep: the destructive part is found, so the fence is blocked."""
    fake.respond(json_reply(chat_tool_reply([], content=f"Here:\n\n```bash\n{command}\n```\n")))
    text = oai(proxy).chat.completions.create(model="m", messages=MESSAGES).choices[0].message.content or ""
    assert command not in text and text.count(BLOCK_MARKER) == 1


def test_the_unparsed_action_for_tools_is_configurable(proxy_factory: Any, fake: FakeLLM) -> None:
    server = proxy_factory(tools={"on_unparsed": "tag"})
    text, delivered = chat(server, fake, write(*BROKEN_FILES[0]), False)
    assert len(delivered) == 1 and TAG_MARKER in text and UNPARSED in text
