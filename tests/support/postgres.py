"""A real PostgreSQL server for tests: `initdb` + `pg_ctl` in a temporary directory, on a free port.

The binaries come from Debian's `postgresql` package (`/usr/lib/postgresql/<version>/bin`) or
PATH. When they are missing the test fails (CI installs the package in `.ci/run`): a store
test that silently skips would let a broken PostgreSQL store land.

`initdb` refuses to run as root, and CI runs as root, so when we are root the server
processes run as `nobody` (subprocess's `user=`/`group=`/`extra_groups=`), owning only
the temporary directory. Authentication is `trust`, on 127.0.0.1 only.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path
from typing import Any

UNPRIVILEGED_USER = "nobody"


def find_postgres_bin() -> Path:
    """The directory holding `initdb` and `pg_ctl`; raises when PostgreSQL is not installed."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=_version_key, reverse=True)
    for directory in candidates:
        if (Path(directory) / "initdb").is_file() and (Path(directory) / "pg_ctl").is_file():
            return Path(directory)
    initdb, pg_ctl = shutil.which("initdb"), shutil.which("pg_ctl")
    if initdb and pg_ctl:
        return Path(initdb).resolve().parent
    raise RuntimeError("PostgreSQL server binaries (initdb, pg_ctl) not found: install Debian's `postgresql` "
                       "package (.ci/run does this)")


def _version_key(directory: str) -> tuple[int, ...]:
    version = Path(directory).parent.name
    return tuple(int(part) for part in version.split(".") if part.isdigit())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PostgresServer:
    """One throwaway cluster. `stop()`/`start()` may be called again to simulate an outage."""

    def __init__(self) -> None:
        self.bin = find_postgres_bin()
        self.root = Path(tempfile.mkdtemp(prefix="breakwater-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.port = free_port()
        self._as_user: dict[str, Any] = {}
        if os.geteuid() == 0:
            self._as_user = {"user": UNPRIVILEGED_USER, "group": "nogroup", "extra_groups": []}
            shutil.chown(self.root, UNPRIVILEGED_USER, "nogroup")
        self.root.chmod(0o700)
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                  "--no-sync", "--no-instructions")
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write(f"listen_addresses = '127.0.0.1'\nport = {self.port}\n"
                       f"unix_socket_directories = '{self.root}'\nfsync = off\nmax_connections = 200\n")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def start(self) -> PostgresServer:
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60", "start")
        return self

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop", check=False)

    def create_database(self) -> str:
        """A fresh, empty database (one per test keeps tests independent); returns its URL."""
        import psycopg

        name = f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def destroy(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    def _run(self, program: str, *args: str, check: bool = True) -> None:
        result = subprocess.run([str(self.bin / program), *args], capture_output=True, text=True, cwd=self.root,
                                timeout=120, check=False, **self._as_user)
        if check and result.returncode != 0:
            log = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            raise RuntimeError(f"{program} failed ({result.returncode}): {result.stderr.strip()}\n{log}")
