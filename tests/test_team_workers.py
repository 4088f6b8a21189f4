"""`breakwater serve --workers 2`: real processes on one port, /metrics summing both."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from prometheus_client.multiprocess import MultiProcessCollector

from tests.support.fake_llm import FakeLLM, json_reply
from tests.support.replies import chat_completion
from tests.support.servers import ServerThread

REQUESTS = 16


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def workers(fake_server: tuple[FakeLLM, ServerThread], tmp_path: Path) -> Iterator[tuple[str, Path]]:
    _, upstream = fake_server
    port = free_port()
    metrics_dir = tmp_path / "metrics"
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir)}
    process = subprocess.Popen(
        [sys.executable, "-m", "proxy", "serve", "--workers", "2", "--port", str(port),
         "--openai-base-url", f"{upstream.url}/v1", "--anthropic-base-url", upstream.url],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    ready = 0
    while ready < 5:  # several answers in a row, so both workers have had time to bind
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"workers did not start: {process.stderr.read().decode() if process.stderr else ''}")
        try:
            ready = ready + 1 if requests.get(f"{url}/readyz", timeout=5).status_code == 200 else 0
        except (requests.ConnectionError, requests.Timeout):  # not up yet, or a worker still warming up
            ready = 0
        time.sleep(0.2)
    yield url, metrics_dir
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(20)
    except subprocess.TimeoutExpired:
        process.kill()


def served_by(metrics_dir: Path) -> dict[str, float]:
    """Chat requests counted per worker process, read from each worker's own metrics file."""
    counts = {}
    for path in metrics_dir.glob("counter_*.db"):
        for metric in MultiProcessCollector.merge([str(path)], accumulate=True):
            for sample in metric.samples:
                if sample.name == "breakwater_requests_total" and sample.labels["endpoint"] == "/v1/chat/completions":
                    counts[path.stem] = counts.get(path.stem, 0) + sample.value
    return counts


def test_two_workers_share_the_port_and_metrics_sum(workers: tuple[str, Path], fake: FakeLLM) -> None:
    url, metrics_dir = workers
    fake.respond(json_reply(chat_completion("```sql\nDROP TABLE t;\n```\n")))
    for _ in range(REQUESTS):  # a new connection each time, so the kernel spreads them over the workers
        response = requests.post(f"{url}/v1/chat/completions", json={"model": "m", "messages": []}, timeout=30,
                                 headers={"Connection": "close"})
        assert response.status_code == 200 and response.headers["X-Breakwater-Decision"] == "block"
    per_worker = served_by(metrics_dir)
    assert len([c for c in per_worker.values() if c > 0]) == 2, per_worker
    for _ in range(4):  # whichever worker answers, it reports the sum
        text = requests.get(f"{url}/metrics", timeout=10, headers={"Connection": "close"}).text
        total = re.search(r'breakwater_requests_total\{endpoint="/v1/chat/completions",status="200"\} (\S+)', text)
        assert total is not None and float(total.group(1)) == REQUESTS
        blocks = re.search(r'breakwater_decisions_total\{decision="block"\} (\S+)', text)
        assert blocks is not None and float(blocks.group(1)) == REQUESTS
