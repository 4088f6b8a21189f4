"""`breakwater serve` replicas as real subprocesses, sharing one team store (a PostgreSQL database)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
import yaml

from tests.support.postgres import free_port
from tests.support.team import team_settings


@dataclass
class Replica:
    process: subprocess.Popen[bytes]
    url: str
    log: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)


def write_team_config(path: Path, upstream_url: str, store_url: str | None, keys: dict[str, str] | None = None,
                      top: dict[str, Any] | None = None, **team_overrides: Any) -> dict[str, str]:
    """A config file with the team of tests/support/team.py (store: `store_url`, else SQLite beside the file).

    Returns the keys by id; pass `keys` to write the same keys again (a changed config for a reload).
    """
    store = {"store": {"url": store_url}} if store_url else {}
    settings, made = team_settings(upstream_url, path.with_suffix(".sqlite3"), plaintext_keys=keys,
                                   refresh_seconds=0.5, **store, **team_overrides)
    values = {"team": settings.team.model_dump(mode="json", exclude_none=True), "engine_processes": 1, **(top or {})}
    path.write_text(yaml.safe_dump(values), encoding="utf-8")
    return made


def start_replica(config: Path, upstream_url: str, log_dir: Path, name: str | None = None) -> Replica:
    """Start a replica and wait until it is ready; `name` becomes its HOSTNAME (the `replica` of its audit rows)."""
    port = free_port()
    log = log_dir / f"replica-{port}.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "proxy", "serve", "--config", str(config), "--port", str(port),
         "--openai-base-url", f"{upstream_url}/v1", "--anthropic-base-url", upstream_url],
        env={**os.environ, **({"HOSTNAME": name} if name else {})}, stdout=subprocess.DEVNULL, stderr=log.open("wb"),
    )
    replica = Replica(process, f"http://127.0.0.1:{port}", log)
    deadline = time.monotonic() + 90
    while True:
        if process.poll() is not None or time.monotonic() > deadline:
            replica.stop()
            raise RuntimeError(f"replica did not start:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            if requests.get(f"{replica.url}/readyz", timeout=1).status_code == 200:
                return replica
        except requests.RequestException:  # not listening yet, or too busy warming up to answer in 1 s
            pass
        time.sleep(0.2)
