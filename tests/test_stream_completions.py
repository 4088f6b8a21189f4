"""/v1/completions (autocomplete, fill-in-the-middle): the completion is one raw snippet."""

from __future__ import annotations

import time

import openai
import requests

from proxy.protocols.openai_completions import language_hint
from tests.support.fake_llm import FakeLLM, json_reply, sse_reply
from tests.support.servers import ServerThread, metric_value
from tests.support.streams import completion_events

RISKY = "resp = requests.get(url)\n"


def completion(text: str) -> dict:
    return {"id": "cmpl-1", "object": "text_completion", "created": 1, "model": "m",
            "choices": [{"text": text, "index": 0, "logprobs": None, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}


def client(server: ServerThread) -> openai.OpenAI:
    return openai.OpenAI(base_url=f"{server.url}/v1", api_key="k", max_retries=0)


def test_language_hints() -> None:
    assert language_hint({"prompt": "# Path: src/app.py\nimport os\n"}) == "python"
    assert language_hint({"prompt": "<filename>cmd/main.go\npackage main\n"}) == "go"
    assert language_hint({"prompt": "x", "suffix": "// file: web/app.ts\n"}) == "typescript"
    assert language_hint({"prompt": "import requests\n\ndef f():\n    return 1\n"}) == "python"


def test_blocked_completion_is_empty_and_tagged_one_unchanged(proxy: ServerThread, fake: FakeLLM) -> None:
    prompt = "-- file: db/reset.sql\n"
    fake.respond(json_reply(completion("DROP TABLE orders;\n")))
    raw = client(proxy).completions.with_raw_response.create(model="m", prompt=prompt)
    assert raw.parse().choices[0].text == "" and raw.headers["x-breakwater-decision"] == "block"
    fake.respond(json_reply(completion(RISKY)))
    raw = client(proxy).completions.with_raw_response.create(model="m", prompt="# Path: a.py\nimport requests\n")
    assert raw.parse().choices[0].text == RISKY and raw.headers["x-breakwater-decision"] == "tag"


def test_streamed_completion_blocked_and_tagged(proxy: ServerThread, fake: FakeLLM) -> None:
    blocks, tags = 'breakwater_decisions_total{decision="block"}', 'breakwater_decisions_total{decision="tag"}'
    before = (metric_value(proxy, blocks), metric_value(proxy, tags))
    fake.respond(sse_reply(completion_events(["DROP TA", "BLE orders;\n"])))
    stream = client(proxy).completions.create(model="m", prompt="-- file: q.sql\n", stream=True)
    assert "".join(c.choices[0].text for c in stream) == ""
    assert wait_for_metric(proxy, blocks, before[0] + 1)
    fake.respond(sse_reply(completion_events(["resp = req", "uests.get(url)\n"])))
    stream = client(proxy).completions.create(model="m", prompt="# Path: a.py\nimport requests\n", stream=True,
                                              suffix="\n")
    chunks = list(stream)
    assert "".join(c.choices[0].text for c in chunks) == RISKY
    assert chunks[-1].choices[0].finish_reason == "stop"
    metrics = requests.get(f"{proxy.url}/metrics", timeout=10).text
    assert 'breakwater_suggestions_scanned_total{language="python",origin="completion"}' in metrics
    assert wait_for_metric(proxy, tags, before[1] + 1)  # delivered unchanged, but judged and counted as tag


def wait_for_metric(server: ServerThread, sample: str, value: float) -> bool:
    """True once the sample reaches `value` (a stream is counted as it ends, maybe after the client's read)."""
    for _ in range(500):
        if metric_value(server, sample) >= value:
            return metric_value(server, sample) == value
        time.sleep(0.01)
    return False
