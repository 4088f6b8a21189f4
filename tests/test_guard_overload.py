"""Overload cannot buy a pass (issue 10 item 2, issue 18): real engine, real SDKs, fake upstream.

A reply with ~300 distinct python fences used to push the engine queue past its bound, so
the Bash call after them came back `error` and, under `fail_open`, was delivered with a
"could not scan (overloaded)" note. Now tool calls are judged first and on their own
budget, snippets wait for the engine by time instead of failing by count, and what a
reply carries beyond the caps is judged as `breakwater.unparsed`, never dropped.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import threading
import uuid
from pathlib import Path
from typing import Any

import aiohttp
import anthropic
import openai
import pytest
import requests

from proxy.render import BLOCK_MARKER, TAG_MARKER
from tests.support.fake_llm import FakeLLM, json_reply, sse_reply
from tests.support.responses_streams import ResponseStream, streamed_output
from tests.support.servers import ServerThread
from tests.support.streams import sse_data
from tests.support.tool_streams import (
    Call,
    anthropic_block_events,
    anthropic_message,
    chat_tool_events,
    chat_tool_reply,
    text_block,
    tool_use,
)

WIPE = "rm -rf /*"
MESSAGES: list[Any] = [{"role": "user", "content": "go"}]
TOOLS: list[Any] = [{"type": "function", "function": {"name": "Bash", "parameters": {"type": "object"}}}]


def many_fences(count: int) -> str:
    """`count` small python fences, each distinct (and new to the proxy's cache), each with a finding."""
    nonce = uuid.uuid4().hex[:8]
    return "Steps:\n\n" + "".join(
        f"```python\nimport requests\nr = requests.get('http://h/{nonce}/{n}')\n```\n\n" for n in range(count))


def pieces(text: str, size: int = 400) -> list[str]:
    return [text[i:i + size] for i in range(0, len(text), size)]


WIPE_CALL = Call("call_b", "Bash", {"command": WIPE})


def test_chat_reply_with_300_fences_blocks_the_bash_call(proxy: ServerThread, fake: FakeLLM) -> None:
    fake.respond(json_reply(chat_tool_reply([WIPE_CALL], content=many_fences(300))))
    client = openai.OpenAI(base_url=f"{proxy.url}/v1", api_key="k", max_retries=0)
    raw = client.chat.completions.with_raw_response.create(model="m", messages=MESSAGES, tools=TOOLS)
    message = raw.parse().choices[0].message
    assert raw.headers["x-breakwater-decision"] == "block"
    assert not message.tool_calls
    content = message.content or ""
    assert BLOCK_MARKER in content and "bash.rm-rf-root-or-home" in content and "could not scan" not in content


def test_streamed_chat_reply_with_300_fences_blocks_the_bash_call(proxy: ServerThread, fake: FakeLLM) -> None:
    fake.respond(sse_reply(chat_tool_events([WIPE_CALL], size=5, content=pieces(many_fences(300)))))
    client = openai.OpenAI(base_url=f"{proxy.url}/v1", api_key="k", max_retries=0)
    with client.chat.completions.stream(model="m", messages=MESSAGES, tools=TOOLS) as stream:
        message = stream.get_final_completion().choices[0].message
    assert not message.tool_calls
    content = message.content or ""
    assert BLOCK_MARKER in content and "bash.rm-rf-root-or-home" in content and "could not scan" not in content


@pytest.mark.parametrize("streamed", [False, True], ids=["json", "stream"])
def test_anthropic_reply_with_300_fences_blocks_the_bash_call(proxy: ServerThread, fake: FakeLLM,
                                                              streamed: bool) -> None:
    blocks = [text_block(many_fences(300)), tool_use(WIPE_CALL)]
    client = anthropic.Anthropic(base_url=proxy.url, api_key="k", max_retries=0)
    if streamed:
        fake.respond(sse_reply(anthropic_block_events(blocks, size=400)))
        with client.messages.stream(model="c", max_tokens=10, messages=MESSAGES) as stream:
            message = stream.get_final_message()
    else:
        fake.respond(json_reply(anthropic_message(blocks)))
        message = client.messages.create(model="c", max_tokens=10, messages=MESSAGES)
    assert [b for b in message.content if b.type == "tool_use"] == []
    text = "".join(b.text for b in message.content if b.type == "text")
    assert BLOCK_MARKER in text and "bash.rm-rf-root-or-home" in text and "could not scan" not in text


@pytest.mark.parametrize("streamed", [False, True], ids=["json", "stream"])
def test_responses_reply_with_300_fences_blocks_the_shell_call(proxy: ServerThread, fake: FakeLLM,
                                                               streamed: bool) -> None:
    stream = ResponseStream().message(pieces(many_fences(300))).function_call("shell", {"command": WIPE})
    if streamed:
        fake.respond(sse_reply(stream.events()))
        body = requests.post(f"{proxy.url}/v1/responses", json={"model": "m", "input": "x", "stream": True},
                             timeout=120).content
        output = streamed_output(body)
    else:
        final = stream.response("completed", stream.output)
        fake.respond(json_reply(final))
        output = requests.post(f"{proxy.url}/v1/responses", json={"model": "m", "input": "x"}, timeout=120).json()[
            "output"]
    assert [item for item in output if item["type"] == "function_call"] == []
    texts = json.dumps(output, ensure_ascii=False)
    assert BLOCK_MARKER in texts and "bash.rm-rf-root-or-home" in texts and "could not scan" not in texts


def test_fences_past_the_snippet_cap_are_judged_not_dropped(proxy_factory: Any, fake: FakeLLM) -> None:
    server = proxy_factory(scan_max_snippets=3)
    fake.respond(json_reply(chat_tool_reply([], content=many_fences(6))))
    raw = requests.post(f"{server.url}/v1/chat/completions", json={"model": "m", "messages": MESSAGES}, timeout=60)
    content = raw.json()["choices"][0]["message"]["content"]
    notes = [part for part in content.split("```\n") if TAG_MARKER in part]
    # three scanned fences, then one note for the three past the cap (not three notes burying the reply)
    assert [("python.requests-without-timeout" in n, "breakwater.unparsed" in n) for n in notes] == [
        (True, False)] * 3 + [(False, True)]
    assert "more than 3 code blocks" in notes[-1]
    assert raw.headers["X-Breakwater-Findings"] == "4"
    assert content.count("requests.get(") == 6  # every fence still reaches the reader


def test_fences_past_the_cap_are_all_blocked_when_policy_blocks_unparsed(proxy_factory: Any, fake: FakeLLM) -> None:
    server = proxy_factory(scan_max_snippets=3, actions={"rules": {"breakwater.unparsed": "block"}})
    fake.respond(json_reply(chat_tool_reply([], content=many_fences(6))))
    raw = requests.post(f"{server.url}/v1/chat/completions", json={"model": "m", "messages": MESSAGES}, timeout=60)
    content = raw.json()["choices"][0]["message"]["content"]
    assert content.count("requests.get(") == 3 and content.count(BLOCK_MARKER) == 3
    assert raw.headers["X-Breakwater-Decision"] == "block"


def test_tool_calls_have_their_own_snippet_cap(proxy_factory: Any, fake: FakeLLM) -> None:
    server = proxy_factory(scan_max_snippets=3)
    fake.respond(json_reply(chat_tool_reply([WIPE_CALL], content=many_fences(5))))
    body = requests.post(f"{server.url}/v1/chat/completions", json={"model": "m", "messages": MESSAGES},
                         timeout=60).json()
    message = body["choices"][0]["message"]
    assert not message.get("tool_calls") and "bash.rm-rf-root-or-home" in message["content"]


def test_a_file_write_over_the_size_cap_is_blocked(proxy_factory: Any, fake: FakeLLM) -> None:
    server = proxy_factory(scan_max_snippet_bytes=2000)
    content = "".join(f"def f{n}(a):\n    return a + {n}\n" for n in range(200))  # clean, but 5 KB
    fake.respond(json_reply(chat_tool_reply([Call("call_w", "Write", {"file_path": "a.py", "content": content})])))
    message = requests.post(f"{server.url}/v1/chat/completions", json={"model": "m", "messages": MESSAGES},
                            timeout=60).json()["choices"][0]["message"]
    assert not message.get("tool_calls")
    assert BLOCK_MARKER in message["content"] and "breakwater.unparsed" in message["content"]
    assert "2000 bytes" in message["content"]


def test_tool_calls_fail_closed_on_engine_error_while_prose_fails_open(proxy_factory: Any, fake: FakeLLM) -> None:
    server = proxy_factory(scan_timeout_seconds=0.0001, engine_wait_budget_seconds=0.0001)
    fence = many_fences(1)
    # a file write needs the engine (a shell command would be judged in process by the command model)
    write = Call("call_w", "Write", {"file_path": "app/fetch.py", "content": "import requests\nrequests.get(u)\n"})
    fake.respond(json_reply(chat_tool_reply([write], content=fence)))
    raw = requests.post(f"{server.url}/v1/chat/completions", json={"model": "m", "messages": MESSAGES}, timeout=60)
    message = raw.json()["choices"][0]["message"]
    assert raw.headers["X-Breakwater-Decision"] == "error"
    assert not message.get("tool_calls")  # the command is withheld ...
    assert "fail-closed" in message["content"] and "r = requests.get" in message["content"]  # ... the prose is not


# ---------------------------------------------------------------- burst (issue 18)

BURST = 200


async def _stream_once(session: aiohttp.ClientSession, url: str) -> str:
    async with session.post(f"{url}/v1/chat/completions",
                            json={"model": "m", "messages": MESSAGES, "stream": True}) as response:
        body = await response.read()
    text = ""
    for data in sse_data(body):
        if data != "[DONE]":
            for choice in json.loads(data)["choices"]:
                text += (choice.get("delta") or {}).get("content") or ""
    return text


async def _burst(url: str, count: int) -> list[str]:
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=120)) as session:
        return await asyncio.gather(*(_stream_once(session, url) for _ in range(count)))


def _metrics(server: ServerThread) -> dict[str, float]:
    """Every unlabelled sample, and decisions as `decision:<name>`."""
    found: dict[str, float] = {}
    for line in requests.get(f"{server.url}/metrics", timeout=10).text.splitlines():
        if line.startswith("breakwater_decisions_total{"):
            found["decision:" + line.split('decision="')[1].split('"')[0]] = float(line.rsplit(" ", 1)[1])
        elif line.startswith("breakwater_") and "{" not in line:
            name, value = line.split(" ", 1)
            found[name] = float(value)
    return found


def _bucket(server: ServerThread, name: str, le: str) -> float:
    pattern = f'{name}_bucket{{le="{le}"}} '
    line = next(line for line in requests.get(f"{server.url}/metrics", timeout=10).text.splitlines()
                if line.startswith(pattern))
    return float(line.rsplit(" ", 1)[1])


@pytest.mark.parametrize("same", [True, False], ids=["same-snippet", "distinct-snippets"])
def test_a_burst_of_concurrent_streams_is_judged_in_full(proxy: ServerThread, fake: FakeLLM, same: bool) -> None:
    _judged_burst(proxy, fake, same)


def _lsp_servers() -> set[int]:
    """PIDs of the `semgrep lsp` servers this test process started (the proxies run in its threads)."""
    found = set()
    for children in Path(f"/proc/{os.getpid()}/task").glob("*/children"):
        for pid in children.read_text().split():
            with contextlib.suppress(OSError):
                if b"lsp" in Path(f"/proc/{pid}/cmdline").read_bytes():
                    found.add(int(pid))
    return found


def test_a_burst_that_outwaits_the_budget_is_slowed_not_failed(proxy_factory: Any, fake: FakeLLM) -> None:
    """A burst on an engine that is slow but moving: the one server is stopped for 0.5 s of every 0.6
    (SIGSTOP, as a starved CPU would), so the 120 new fences take seconds and the ones at the back
    of the queue wait past the 2.5 s budget (the histogram shows it). Every fence is still judged
    and no reply is `error`: the budget runs only while the engine finishes nothing (issue 18: a
    burst beyond what the engine serves in the budget is slowed, not passed unscanned)."""
    before_start = _lsp_servers()
    server = proxy_factory(engine_wait_budget_seconds=2.5, engine_processes=1, scan_cache_entries=0,
                           engine_max_wait_seconds=299.0)  # a proxy of its own
    assert len(_lsp_servers() - before_start) == 1
    nonce, fences, streams = uuid.uuid4().hex[:8], 4, 30

    def reply(number: int) -> list[bytes]:
        text = "".join(f"```python\nimport requests\n\ndef get(url):\n    # {nonce} {number} {n}\n"
                       "    return requests.get(url)\n```\n\n" for n in range(fences))
        return chat_tool_events([], size=5, content=pieces(text, 16))

    stop = threading.Event()

    def signal_servers(number: signal.Signals) -> None:  # the server, or its replacement once recycled
        for pid in _lsp_servers() - before_start:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, number)

    def starve() -> None:
        while not stop.is_set():
            signal_servers(signal.SIGSTOP)
            stop.wait(0.5)
            signal_servers(signal.SIGCONT)
            stop.wait(0.1)

    fake.respond(*(sse_reply(reply(number)) for number in range(streams)))
    past_budget = _waits_past(server, "2.5")
    before = _metrics(server)
    starver = threading.Thread(target=starve)
    starver.start()
    try:
        texts = asyncio.run(_burst(server.url, streams))
    finally:
        stop.set()
        starver.join()
        signal_servers(signal.SIGCONT)
    after = _metrics(server)
    assert all(text.count(TAG_MARKER) == fences and "could not scan" not in text for text in texts)
    assert after.get("decision:error", 0) == before.get("decision:error", 0)
    assert after.get("decision:tag", 0) - before.get("decision:tag", 0) == streams
    assert _waits_past(server, "2.5") > past_budget  # the scenario really happened: snippets outwaited the budget


def _waits_past(server: ServerThread, le: str) -> float:
    return _bucket(server, "breakwater_engine_wait_seconds", "+Inf") - _bucket(
        server, "breakwater_engine_wait_seconds", le)


def _judged_burst(proxy: ServerThread, fake: FakeLLM, same: bool) -> None:
    nonce = uuid.uuid4().hex[:8]
    counter = iter(range(BURST))

    def reply() -> list[bytes]:
        number = 0 if same else next(counter)
        fence = (f"```python\nimport requests\n\ndef get(url):\n    # {nonce} {number}\n"
                 "    return requests.get(url)\n```\n")
        return chat_tool_events([], size=5, content=pieces(fence, 16))

    fake.respond(*(sse_reply(reply()) for _ in range(BURST)))
    before = _metrics(proxy)
    texts = asyncio.run(_burst(proxy.url, BURST))
    after = _metrics(proxy)
    assert all(TAG_MARKER in text and "python.requests-without-timeout" in text for text in texts)
    assert after.get("decision:error", 0) == before.get("decision:error", 0)
    assert after.get("decision:tag", 0) - before.get("decision:tag", 0) == BURST
    scans = after["breakwater_engine_wait_seconds_count"] - before.get("breakwater_engine_wait_seconds_count", 0)
    assert scans == (1 if same else BURST)  # the same snippet in flight is scanned once, for everyone
    assert after["breakwater_engine_queue_depth"] == 0
