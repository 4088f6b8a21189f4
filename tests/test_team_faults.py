"""PostgreSQL stopped under load: no client request fails, keys and waivers keep working from the cache,
audit rows wait in the backlog and are all written once the database is back."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from pathlib import Path

import psycopg
import requests

from tests.support.fake_llm import FakeLLM, json_reply
from tests.support.postgres import PostgresServer
from tests.support.replies import chat_completion
from tests.support.servers import ServerThread
from tests.support.team import TeamProxy, start_team_proxy

DROP = "Reset it:\n\n```sql\nDROP TABLE orders;\n```\n"
CLIENTS = 100  # issue 15: 100 concurrent requests
OUTAGE_SECONDS = 30.0  # issue 15: "PostgreSQL restarted or unreachable for 30 s" (how long the scenario runs,
# longer than every retry delay, refresh period and connect timeout of the store; nothing is timed)
EVENT_LIMIT_SECONDS = 180.0  # a wait for an event that never comes fails instead of hanging


def metric(proxy: TeamProxy, pattern: str) -> float:
    match = re.search(rf"^{pattern} (\S+)$", proxy.metrics(), re.MULTILINE)
    return float(match.group(1)) if match else 0.0


def wait_for(what: str, check: Callable[[], bool]) -> None:
    """Wait on an event (polled); fail, naming it, if it never happens."""
    deadline = time.monotonic() + EVENT_LIMIT_SECONDS
    while not check():
        assert time.monotonic() < deadline, f"never happened: {what}"
        time.sleep(0.1)


def test_postgres_outage_under_load(fake_server: tuple[FakeLLM, ServerThread], fake: FakeLLM,
                                    tmp_path: Path) -> None:
    postgres = PostgresServer().start()
    try:
        run_outage(postgres, fake_server, fake, tmp_path)
    finally:
        postgres.destroy()  # also when the test fails: no server left behind


def run_outage(postgres: PostgresServer, fake_server: tuple[FakeLLM, ServerThread], fake: FakeLLM,
               tmp_path: Path) -> None:
    _, upstream = fake_server
    url = postgres.create_database()
    proxy = start_team_proxy(upstream.url, tmp_path / "unused.sqlite3", store={"url": url})
    fake.respond(json_reply(chat_completion(DROP)))
    waiver = requests.post(f"{proxy.url}/admin/api/waivers", headers=proxy.headers("alice"), timeout=10,
                           json={"rule": "sql.drop-table-or-database", "reason": "nightly reset"}).json()
    assert requests.post(f"{proxy.url}/admin/api/waivers/{waiver['id']}/approve", headers=proxy.headers("bob"),
                         timeout=10).status_code == 200
    outcomes: list[tuple[int, str, int, str]] = []  # (client, who, status, decision)
    stop = threading.Event()

    def client(number: int, who: str) -> None:
        session = requests.Session()
        while not stop.is_set():
            try:
                response = session.post(f"{proxy.url}/v1/chat/completions", headers=proxy.headers(who),
                                        json={"model": "m", "messages": []}, timeout=30)
                outcomes.append((number, who, response.status_code,
                                 response.headers.get("X-Breakwater-Decision", "")))
            except requests.RequestException as exc:
                outcomes.append((number, who, 0, repr(exc)))

    def answered(since: int) -> bool:
        return {number for number, *_ in outcomes[since:]} == set(range(CLIENTS))

    threads = [threading.Thread(target=client, args=(number, ["alice", "bob"][number % 2]))
               for number in range(CLIENTS)]
    try:
        for thread in threads:
            thread.start()
        wait_for("every client has an answer before the outage", lambda: answered(0))
        postgres.stop()
        stopped, during_start = time.monotonic(), len(outcomes)
        wait_for("audit rows wait in the backlog", lambda: metric(proxy, "breakwater_audit_backlog_rows") > 0)
        # The load goes on for the whole outage: the key/waiver refresh fails and keeps its cache, the audit
        # writer retries with its longest backoff several times over.
        wait_for(f"{OUTAGE_SECONDS:g} s of outage, with every client answered during it",
                 lambda: time.monotonic() - stopped >= OUTAGE_SECONDS and answered(during_start))
        during = outcomes[during_start:]
        postgres.start()
        wait_for("the backlog is written once PostgreSQL is back",
                 lambda: metric(proxy, "breakwater_audit_backlog_rows") == 0)
    finally:
        stop.set()
        for thread in threads:
            thread.join(30)
    assert {number for number, *_ in during} == set(range(CLIENTS))  # every client was served during the outage
    assert all(status == 200 for _, _, status, _ in outcomes), [o for o in outcomes if o[2] != 200][:3]
    decisions = {who: {d for _, w, _, d in outcomes if w == who} for who in ("alice", "bob")}
    assert decisions == {"alice": {"tag"}, "bob": {"block"}}  # alice's waiver held throughout the outage
    proxy.flush()
    with psycopg.connect(url) as conn:
        written = conn.execute("SELECT COUNT(*) FROM decisions").fetchone()[0]  # type: ignore[index]
    assert written == len(outcomes)  # every audit row kept through the outage
    assert metric(proxy, "breakwater_audit_backlog_rows") == 0
    assert "breakwater_audit_dropped_total{" not in proxy.metrics() or \
        all(float(v) == 0 for v in re.findall(r"^breakwater_audit_dropped_total\{[^}]*\} (\S+)$", proxy.metrics(),
                                              re.MULTILINE))
    proxy.server.stop()
