"""Two `breakwater serve` replicas on one PostgreSQL: keys, revocations, waivers and audit rows agree."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import openai
import psycopg
import pytest
import requests

from proxy.cli import main
from tests.support.fake_llm import FakeLLM, json_reply
from tests.support.postgres import PostgresServer
from tests.support.replicas import Replica, start_replica, write_team_config
from tests.support.replies import chat_completion
from tests.support.servers import ServerThread

DROP = "Reset it:\n\n```sql\nDROP TABLE orders;\n```\n"
PROMISED_SECONDS = 2.0  # docs/team.md: a change on one replica is honoured by all within 2 s
CONCURRENT = 100


@dataclass
class Cluster:
    a: Replica
    b: Replica
    keys: dict[str, str]
    store_url: str
    config: Path


@pytest.fixture(scope="module")
def cluster(fake_server: tuple[FakeLLM, ServerThread], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    _, upstream = fake_server
    postgres = PostgresServer().start()
    directory = tmp_path_factory.mktemp("replicas")
    store_url = postgres.create_database()
    config = directory / "breakwater.yaml"
    keys = write_team_config(config, upstream.url, store_url)
    replicas: list[Replica] = []
    try:
        replicas = [start_replica(config, upstream.url, directory) for _ in range(2)]
        yield Cluster(replicas[0], replicas[1], keys, store_url, config)
    finally:
        for replica in replicas:
            replica.stop()
        postgres.destroy()


def chat(replica: Replica, key: str) -> requests.Response:
    return requests.post(f"{replica.url}/v1/chat/completions", json={"model": "gpt-replica", "messages": []},
                         headers={"Authorization": f"Bearer {key}"}, timeout=30)


def admin(replica: Replica, key: str, method: str, path: str, body: dict | None = None) -> requests.Response:
    return requests.request(method, f"{replica.url}/admin/api{path}", json=body, timeout=30,
                            headers={"Authorization": f"Bearer {key}"})


def within_promise(check: Callable[[], bool]) -> bool:
    """Whether `check` holds within the promised propagation time (polled; returns at once when it does)."""
    deadline = time.monotonic() + PROMISED_SECONDS
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return check()


def test_key_made_on_a_works_on_b_and_revoked_on_b_is_refused_on_a(cluster: Cluster, fake: FakeLLM) -> None:
    fake.respond(json_reply(chat_completion("hello")))
    made = admin(cluster.a, cluster.keys["root"], "POST", "/keys",
                 {"id": "zoe", "team": "payments", "owner": "zoe", "roles": ["developer"]})
    assert made.status_code == 201
    key = made.json()["key"]
    assert within_promise(lambda: chat(cluster.b, key).status_code == 200)
    assert admin(cluster.b, cluster.keys["root"], "POST", "/keys/zoe/revoke").status_code == 200
    assert chat(cluster.b, key).status_code == 401  # the replica that revoked: at once
    assert within_promise(lambda: chat(cluster.a, key).status_code == 401)


def test_cli_keys_reach_every_replica(cluster: Cluster, fake: FakeLLM, capsys: pytest.CaptureFixture[str]) -> None:
    fake.respond(json_reply(chat_completion("hello")))
    assert main(["keys", "create", "--id", "cli-made", "--team", "search", "--config", str(cluster.config)]) == 0
    key = capsys.readouterr().out.split("only its hash is stored): ")[1].split()[0]
    assert within_promise(lambda: chat(cluster.a, key).status_code == 200 and chat(cluster.b, key).status_code == 200)
    assert main(["keys", "revoke", "--id", "cli-made", "--config", str(cluster.config)]) == 0
    assert within_promise(lambda: chat(cluster.a, key).status_code == 401 and chat(cluster.b, key).status_code == 401)
    assert main(["keys", "create", "--id", "cli-made", "--team", "search", "--config", str(cluster.config)]) == 2


def test_waiver_requested_on_a_approved_on_b_applies_on_a(cluster: Cluster, fake: FakeLLM) -> None:
    fake.respond(json_reply(chat_completion(DROP)))
    assert chat(cluster.a, cluster.keys["alice"]).headers["X-Breakwater-Decision"] == "block"
    waiver = admin(cluster.a, cluster.keys["alice"], "POST", "/waivers",
                   {"rule": "sql.drop-table-or-database", "reason": "orders migration"}).json()
    approved = admin(cluster.b, cluster.keys["bob"], "POST", f"/waivers/{waiver['id']}/approve")
    assert approved.status_code == 200
    assert within_promise(lambda: chat(cluster.a, cluster.keys["alice"]).headers["X-Breakwater-Decision"] == "tag")
    assert admin(cluster.b, cluster.keys["bob"], "POST", f"/waivers/{waiver['id']}/revoke").status_code == 200
    assert within_promise(lambda: chat(cluster.a, cluster.keys["alice"]).headers["X-Breakwater-Decision"] == "block")


def test_audit_rows_from_both_replicas_land_in_one_table(cluster: Cluster, fake: FakeLLM) -> None:
    fake.respond(json_reply(chat_completion(DROP)))

    def one(n: int) -> str:
        replica = cluster.a if n % 2 else cluster.b
        client = openai.OpenAI(base_url=f"{replica.url}/v1", api_key=cluster.keys["carol"], max_retries=0)
        raw = client.chat.completions.with_raw_response.create(model=f"m-{n}", messages=[])
        assert raw.http_response.status_code == 200
        return str(raw.headers["x-breakwater-request-id"])

    with ThreadPoolExecutor(CONCURRENT) as pool:
        request_ids = set(pool.map(one, range(CONCURRENT)))
    assert len(request_ids) == CONCURRENT

    def written() -> set[str]:
        with psycopg.connect(cluster.store_url) as conn:
            return {row[0] for row in conn.execute("SELECT request_id FROM decisions WHERE key_id = 'carol'"
                                                   " AND model LIKE 'm-%%'")}

    deadline = time.monotonic() + 30
    while written() != request_ids and time.monotonic() < deadline:
        time.sleep(0.1)
    assert written() == request_ids
    with psycopg.connect(cluster.store_url) as conn:  # this test's rows only: earlier tests' rows may land late
        counts = conn.execute("SELECT COUNT(*), COUNT(DISTINCT request_id) FROM decisions WHERE key_id = 'carol'"
                              " AND model LIKE 'm-%%'").fetchone()
    assert counts == (CONCURRENT, CONCURRENT)  # one row per request, none twice
