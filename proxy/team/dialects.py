"""What differs between SQLite and PostgreSQL for the team store, and nothing else.

Each dialect connects (SQLite: a new connection per call; PostgreSQL: psycopg 3's
connection pool), runs transactions, takes the migration lock, and turns its driver's
errors into `StoreError` with a reason.

Why psycopg 3 rather than asyncpg: the store is called from threads (the audit writer
thread, executor threads for the admin API and the key/waiver refresh), never from the
event loop, and psycopg 3 has a first-class synchronous API, a maintained pool
(psycopg-pool) and a binary wheel that bundles libpq. asyncpg is asyncio-only: it would
need an event loop inside the writer thread, or the store on the proxy's loop where a
slow database could delay requests.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol

from proxy.team.store import StoreError

_MIGRATION_LOCK_ID = 0x6277_6B5F  # "bwk_": the advisory lock replicas take while migrating


class Connection(Protocol):
    def execute(self, sql: Any, params: Any = ...) -> Any: ...


class Dialect(Protocol):
    name: str
    integrity_errors: tuple[type[BaseException], ...]

    def open(self) -> None: ...
    def close(self) -> None: ...
    def connection(self) -> contextlib.AbstractContextManager[Any]: ...
    def transaction(self, conn: Any) -> contextlib.AbstractContextManager[None]: ...
    def migration_lock(self, conn: Any) -> contextlib.AbstractContextManager[None]: ...
    def executemany(self, conn: Any, sql: str, rows: Sequence[Sequence[Any]]) -> None: ...
    def insert_returning_ids(self, conn: Any, sql: str, rows: Sequence[Sequence[Any]]) -> list[int]: ...
    def sql(self, text: str) -> str: ...
    def bucket(self, column: str) -> str: ...


def _dict_row(cursor: sqlite3.Cursor, row: tuple[Any, ...]) -> dict[str, Any]:
    return {column[0]: value for column, value in zip(cursor.description, row, strict=True)}


class SqliteDialect:
    name = "sqlite"
    integrity_errors: tuple[type[BaseException], ...] = (sqlite3.IntegrityError,)

    def __init__(self, path: Path, busy_timeout_seconds: float) -> None:
        self.path = Path(path)
        self.busy_timeout = busy_timeout_seconds

    def open(self) -> None:
        with self._translated():
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, isolation_level=None)
            try:
                conn.execute("PRAGMA journal_mode = WAL")  # readers (dashboard, export) run beside the writer
            finally:
                conn.close()

    def close(self) -> None:
        pass

    @contextlib.contextmanager
    def connection(self) -> Iterator[sqlite3.Connection]:
        with self._translated():
            conn = sqlite3.connect(self.path, timeout=self.busy_timeout, isolation_level=None,
                                   check_same_thread=False)
            try:
                conn.row_factory = _dict_row
                conn.execute("PRAGMA foreign_keys = ON")
                conn.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout * 1000)}")
                conn.execute("PRAGMA synchronous = NORMAL")
                yield conn
            finally:
                conn.close()

    @contextlib.contextmanager
    def transaction(self, conn: sqlite3.Connection) -> Iterator[None]:
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            if conn.in_transaction:  # SQLite already rolled back on SQLITE_FULL; a second ROLLBACK hides why
                conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    @contextlib.contextmanager
    def migration_lock(self, conn: sqlite3.Connection) -> Iterator[None]:
        """The write lock, waited for patiently: other processes may be migrating the same file."""
        conn.execute("PRAGMA busy_timeout = 30000")
        with self.transaction(conn):
            yield

    def executemany(self, conn: sqlite3.Connection, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        conn.executemany(sql, rows)

    def insert_returning_ids(self, conn: sqlite3.Connection, sql: str, rows: Sequence[Sequence[Any]]) -> list[int]:
        return [int(conn.execute(sql, row).fetchone()["id"]) for row in rows]

    def sql(self, text: str) -> str:
        return text

    def bucket(self, column: str) -> str:
        return f"CAST({column} / ? AS INTEGER) * ?"

    @contextlib.contextmanager
    def _translated(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.OperationalError as exc:
            raise StoreError(_sqlite_reason(exc), f"sqlite: {exc}") from exc
        except OSError as exc:
            raise StoreError("unwritable", f"sqlite: {exc}") from exc
        except sqlite3.Error as exc:
            raise StoreError("error", f"sqlite: {exc}") from exc


def _sqlite_reason(exc: sqlite3.OperationalError) -> str:
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        return "locked"
    if "full" in text:
        return "disk_full"
    if "readonly" in text or "read-only" in text or "unable to open" in text:
        return "unwritable"
    return "error"


class PostgresDialect:
    name = "postgres"

    def __init__(self, url: str, pool_size: int, connect_timeout_seconds: float) -> None:
        import psycopg

        self.url = url
        self.pool_size = pool_size
        self.connect_timeout = connect_timeout_seconds
        self.integrity_errors: tuple[type[BaseException], ...] = (psycopg.errors.UniqueViolation,)
        self._pool: Any = None
        self._lock = threading.Lock()

    def open(self) -> None:
        from psycopg.rows import dict_row
        from psycopg_pool import ConnectionPool

        with self._lock:
            if self._pool is not None:
                return
            self._pool = ConnectionPool(
                self.url, min_size=1, max_size=self.pool_size, open=False, name="breakwater-team",
                timeout=self.connect_timeout * 2, reconnect_timeout=3600 * 24 * 365,
                check=ConnectionPool.check_connection,
                kwargs={"autocommit": True, "row_factory": dict_row, "application_name": "breakwater",
                        "connect_timeout": max(1, int(self.connect_timeout))},
            )
            self._pool.open(wait=False)

    def close(self) -> None:
        with self._lock:
            if self._pool is not None:
                self._pool.close(timeout=2)
                self._pool = None

    @contextlib.contextmanager
    def connection(self) -> Iterator[Any]:
        import psycopg
        from psycopg_pool import PoolTimeout

        if self._pool is None:
            self.open()
        try:
            with self._pool.connection() as conn:
                yield conn
        except PoolTimeout as exc:
            raise StoreError("unavailable", f"postgresql: no connection ({exc})") from exc
        except psycopg.errors.DiskFull as exc:
            raise StoreError("disk_full", f"postgresql: {exc}") from exc
        except psycopg.OperationalError as exc:
            raise StoreError("unavailable", f"postgresql: {exc}") from exc
        except (psycopg.errors.ReadOnlySqlTransaction, psycopg.errors.InsufficientPrivilege) as exc:
            raise StoreError("unwritable", f"postgresql: {exc}") from exc
        except psycopg.Error as exc:
            raise StoreError("error", f"postgresql: {exc}") from exc

    @contextlib.contextmanager
    def transaction(self, conn: Any) -> Iterator[None]:
        with conn.transaction():
            yield

    @contextlib.contextmanager
    def migration_lock(self, conn: Any) -> Iterator[None]:
        """One transaction holding an advisory lock: replicas starting together migrate one at a time."""
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK_ID,))
            yield

    def executemany(self, conn: Any, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        with conn.cursor() as cursor:
            cursor.executemany(sql, rows)  # pipelined by psycopg: one round trip per batch, not per row

    def insert_returning_ids(self, conn: Any, sql: str, rows: Sequence[Sequence[Any]]) -> list[int]:
        """Pipelined inserts; each statement's RETURNING id, in order."""
        ids = []
        with conn.cursor() as cursor:
            cursor.executemany(sql, rows, returning=True)
            while True:
                ids.append(int(cursor.fetchone()["id"]))
                if not cursor.nextset():
                    return ids

    def sql(self, text: str) -> str:
        return text.replace("?", "%s")

    def bucket(self, column: str) -> str:
        return f"CAST(FLOOR({column} / ?) AS BIGINT) * ?"
