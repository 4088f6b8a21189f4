"""PostgreSQL stopped under load on two `breakwater serve` replicas: no client request fails, keys and waivers
keep working from each replica's cache, audit rows wait in each backlog and are all written once the database
is back."""

from __future__ import annotations

import re
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import requests

from tests.support.fake_llm import FakeLLM, json_reply
from tests.support.postgres import PostgresServer
from tests.support.replicas import Replica, start_replica, write_team_config
from tests.support.replies import chat_completion
from tests.support.servers import ServerThread

DROP = "Reset it:\n\n```sql\nDROP TABLE orders;\n```\n"
CLIENTS = 100  # issue 15: 100 concurrent requests, spread over both replicas
REPLICAS = ("replica-a", "replica-b")  # each one's HOSTNAME, so the `replica` column of its audit rows
OUTAGE_SECONDS = 30.0  # issue 15: "PostgreSQL restarted or unreachable for 30 s" (how long the scenario runs,
# longer than every retry delay, refresh period and connect timeout of the store; nothing is timed)
EVENT_LIMIT_SECONDS = 180.0  # a wait for an event that never comes fails instead of hanging


@dataclass(frozen=True)
class Outcome:
    client: int  # -1: a request of the test itself (the waiver probes)
    replica: str
    who: str
    status: int
    decision: str


@dataclass
class Load:
    """Every chat request the test made, by replica: each answered one is one audit row to find."""

    replicas: dict[str, Replica]
    keys: dict[str, str]
    outcomes: list[Outcome] = field(default_factory=list)

    def ask(self, client: int, name: str, who: str, session: requests.Session | None = None) -> Outcome:
        post = (session or requests).post
        try:
            response = post(f"{self.replicas[name].url}/v1/chat/completions", timeout=30,
                            headers={"Authorization": f"Bearer {self.keys[who]}"},
                            json={"model": "m", "messages": []})
            outcome = Outcome(client, name, who, response.status_code,
                              response.headers.get("X-Breakwater-Decision", ""))
        except requests.RequestException as exc:
            outcome = Outcome(client, name, who, 0, repr(exc))
        self.outcomes.append(outcome)
        return outcome

    def answered(self, since: int) -> bool:
        """Whether every load client has an answer after outcome number `since`."""
        return {o.client for o in self.outcomes[since:]} >= set(range(CLIENTS))

    def per_replica(self) -> Counter[str]:
        return Counter(o.replica for o in self.outcomes if o.status == 200)


def metrics(replica: Replica) -> str:
    return requests.get(f"{replica.url}/metrics", timeout=10).text


def metric(replica: Replica, name: str) -> float:
    """A metric's value summed over its labels (0 when it has none yet)."""
    return sum(float(value) for value in re.findall(rf"^{name}(?:\{{[^}}]*\}})? (\S+)$", metrics(replica),
                                                    re.MULTILINE))


def wait_for(what: str, check: Callable[[], bool]) -> None:
    """Wait on an event (polled); fail, naming it, if it never happens."""
    deadline = time.monotonic() + EVENT_LIMIT_SECONDS
    while not check():
        assert time.monotonic() < deadline, f"never happened: {what}"
        time.sleep(0.1)


def test_postgres_outage_under_load_on_two_replicas(fake_server: tuple[FakeLLM, ServerThread], fake: FakeLLM,
                                                    tmp_path: Path) -> None:
    _, upstream = fake_server
    postgres = PostgresServer().start()
    replicas: dict[str, Replica] = {}
    try:
        url = postgres.create_database()
        config = tmp_path / "breakwater.yaml"
        keys = write_team_config(config, upstream.url, url)
        for name in REPLICAS:
            replicas[name] = start_replica(config, upstream.url, tmp_path, name=name)
        run_outage(postgres, Load(replicas, keys), url, fake)
    finally:  # also when the test fails: no server left behind
        for replica in replicas.values():
            replica.stop()
        postgres.destroy()


def run_outage(postgres: PostgresServer, load: Load, url: str, fake: FakeLLM) -> None:
    a, b = (load.replicas[name] for name in REPLICAS)
    fake.respond(json_reply(chat_completion(DROP)))
    headers = {who: {"Authorization": f"Bearer {load.keys[who]}"} for who in ("alice", "bob")}
    waiver = requests.post(f"{a.url}/admin/api/waivers", headers=headers["alice"], timeout=10,
                           json={"rule": "sql.drop-table-or-database", "reason": "nightly reset"}).json()
    assert requests.post(f"{b.url}/admin/api/waivers/{waiver['id']}/approve", headers=headers["bob"],
                         timeout=10).status_code == 200
    for name in REPLICAS:  # approved before the outage, and known to both replicas before the load starts
        wait_for(f"the waiver applies on {name}", lambda name=name: load.ask(-1, name, "alice").decision == "tag")
    stop = threading.Event()

    def client(number: int, name: str, who: str) -> None:
        session = requests.Session()
        while not stop.is_set():
            load.ask(number, name, who, session)

    # alice and bob on both replicas: client n goes to replica (n // 2) % 2 as alice (n even) or bob (n odd)
    threads = [threading.Thread(target=client, args=(n, REPLICAS[(n // 2) % 2], ["alice", "bob"][n % 2]))
               for n in range(CLIENTS)]
    try:
        for thread in threads:
            thread.start()
        wait_for("every client has an answer before the outage", lambda: load.answered(0))
        postgres.stop()
        stopped, during_start = time.monotonic(), len(load.outcomes)
        for name, replica in load.replicas.items():
            wait_for(f"audit rows wait in the backlog of {name}",
                     lambda replica=replica: metric(replica, "breakwater_audit_backlog_rows") > 0)
        # The load goes on for the whole outage: the key/waiver refresh fails and keeps its cache, the audit
        # writers retry with their longest backoff several times over.
        wait_for(f"{OUTAGE_SECONDS:g} s of outage, with every client answered during it",
                 lambda: time.monotonic() - stopped >= OUTAGE_SECONDS and load.answered(during_start))
        during = load.outcomes[during_start:]
        postgres.start()
        for name, replica in load.replicas.items():
            wait_for(f"the backlog of {name} is written once PostgreSQL is back",
                     lambda replica=replica: metric(replica, "breakwater_audit_backlog_rows") == 0)
    finally:
        stop.set()
        for thread in threads:
            thread.join(30)
    assert {o.client for o in during} >= set(range(CLIENTS))  # every client was served during the outage
    assert {o.replica for o in during} == set(REPLICAS)
    assert all(o.status == 200 for o in load.outcomes), [o for o in load.outcomes if o.status != 200][:3]
    decisions = {(o.replica, o.who, o.decision) for o in load.outcomes if o.client >= 0}
    assert decisions == {(name, who, decision) for name in REPLICAS  # the waiver held on both, throughout
                         for who, decision in (("alice", "tag"), ("bob", "block"))}
    assert_every_row_written(load, url)


def assert_every_row_written(load: Load, url: str) -> None:
    """Each replica accounts for one audit row per answered request (written or dropped), and all were written."""
    answered = load.per_replica()
    for name, replica in load.replicas.items():
        wait_for(f"{name} has written or dropped a row for each of its {answered[name]} answers",
                 lambda replica=replica, name=name: metric(replica, "breakwater_audit_written_total")
                 + metric(replica, "breakwater_audit_dropped_total") >= answered[name])
        assert metric(replica, "breakwater_audit_dropped_total") == 0, name
        assert metric(replica, "breakwater_audit_written_total") == answered[name], name
        assert metric(replica, "breakwater_audit_backlog_rows") == 0, name
    with psycopg.connect(url) as conn:
        rows = dict(conn.execute("SELECT replica, COUNT(*) FROM decisions GROUP BY replica").fetchall())
    assert rows == dict(answered)  # every audit row of both replicas kept through the outage, in one table
