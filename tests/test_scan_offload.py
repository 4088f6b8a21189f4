"""One huge reply must not stall other clients (issue 10, item 8).

Extraction and tree-sitter parsing hold the GIL, so large replies are worked on in a
child process. The proof is ordering, not a time limit: `/healthz` answers, and the
metrics fetched after it still show the reply's scan unfinished (a scan is counted in
`breakwater_scan_seconds` when it ends). With the work on the event loop, no request is
answered until the scan has ended.
"""

from __future__ import annotations

import threading

import requests

from tests.support.fake_llm import FakeLLM, json_reply
from tests.support.replies import chat_completion
from tests.support.servers import ServerThread

BIG_PROSE = "word " * 200_000  # 1 MB on one line, no fence: the extractors look at all of it


def scans_finished(proxy: ServerThread) -> float:
    for line in requests.get(f"{proxy.url}/metrics", timeout=30).text.splitlines():
        if line.startswith("breakwater_scan_seconds_count"):
            return float(line.split()[-1])
    return 0.0


def test_healthz_answers_while_a_huge_reply_is_scanned(proxy: ServerThread, fake: FakeLLM) -> None:
    fake.respond(json_reply(chat_completion(BIG_PROSE)))
    done = threading.Event()
    replies: list[requests.Response] = []

    def ask() -> None:
        replies.append(requests.post(f"{proxy.url}/v1/chat/completions",
                                     json={"model": "m", "messages": [{"role": "user", "content": "x"}]}, timeout=120))
        done.set()

    worker = threading.Thread(target=ask)
    worker.start()
    while not fake.requests:  # the upstream has the request; the reply follows at once
        done.wait(0.005)
    answered_while_busy = 0
    while not done.is_set():
        before = scans_finished(proxy)
        health = requests.get(f"{proxy.url}/healthz", timeout=30)
        assert health.status_code == 200
        if scans_finished(proxy) == before:
            answered_while_busy += 1
    worker.join()
    assert answered_while_busy >= 3
    assert replies[0].status_code == 200 and replies[0].json()["choices"][0]["message"]["content"] == BIG_PROSE
