"""PostgreSQL stopped under load: no client request fails, keys and waivers keep working from the cache,
audit rows wait in the backlog and are all written once the database is back."""

from __future__ import annotations

import re
import threading
import time
from pathlib import Path

import psycopg
import requests

from tests.support.fake_llm import FakeLLM, json_reply
from tests.support.postgres import PostgresServer
from tests.support.replies import chat_completion
from tests.support.servers import ServerThread
from tests.support.team import TeamProxy, start_team_proxy

DROP = "Reset it:\n\n```sql\nDROP TABLE orders;\n```\n"
CLIENTS = 4
OUTAGE_SECONDS = 4.0


def metric(proxy: TeamProxy, pattern: str) -> float:
    match = re.search(rf"^{pattern} (\S+)$", proxy.metrics(), re.MULTILINE)
    return float(match.group(1)) if match else 0.0


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
    outcomes: list[tuple[str, int, str]] = []  # (who, status, decision)
    stop = threading.Event()

    def client(who: str) -> None:
        session = requests.Session()
        while not stop.is_set():
            try:
                response = session.post(f"{proxy.url}/v1/chat/completions", headers=proxy.headers(who),
                                        json={"model": "m", "messages": []}, timeout=30)
                outcomes.append((who, response.status_code, response.headers.get("X-Breakwater-Decision", "")))
            except requests.RequestException as exc:
                outcomes.append((who, 0, repr(exc)))

    threads = [threading.Thread(target=client, args=(who,)) for who in ["alice", "bob"] * (CLIENTS // 2)]
    try:
        for thread in threads:
            thread.start()
        time.sleep(0.5)
        postgres.stop()
        during_start = len(outcomes)
        time.sleep(OUTAGE_SECONDS)  # the load goes on; the key/waiver refresh fails and keeps its cache
        during = outcomes[during_start:]
        postgres.start()
        time.sleep(0.5)
    finally:
        stop.set()
        for thread in threads:
            thread.join(30)
    assert len(during) > 10  # requests were served while the database was down
    assert all(status == 200 for _, status, _ in outcomes), [o for o in outcomes if o[1] != 200][:3]
    decisions = {who: {d for w, _, d in outcomes if w == who} for who in ("alice", "bob")}
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
