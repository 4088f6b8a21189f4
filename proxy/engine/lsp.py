"""One warm `semgrep lsp` server, driven over stdio with a minimal LSP JSON-RPC client.

Why the language server: it parses the rules once and keeps them, so a scan costs only
the matching (milliseconds), where `semgrep-core -targets` pays ~190 ms of start-up per
call. Its traps, all handled here:

- It reads targets from disk and scans on `didSave`; the text in `didOpen` is ignored.
- Its caches are per path, so a path is never reused: each scan takes a fresh slot file.
- It only scans paths that existed at its initial workspace scan, so every slot file is
  created (empty) before start-up. When the slots run out, the server must be replaced.
  (`workspace/didCreateFiles` does register new paths, but the server then filters them
  by content at scan time, e.g. skips "minified" files, which semgrep-core never does:
  the differential test caught it, so this module does not use it.)
- It runs `git rev-parse` per scan if git is on its PATH, so PATH excludes git.
- A mistyped initialization option silently drops all settings, so types are exact.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import json
import os
import shutil
import sys
import tempfile
import termios
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# semgrep lsp needs no external tool, and must not find git (it runs `git rev-parse` per scan).
_SAFE_PATH = "/nonexistent"
_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


class ServerError(Exception):
    """The server died, hung, ran out of slots or broke the protocol; `kind` names which."""

    def __init__(self, kind: str, detail: str = "") -> None:
        super().__init__(f"{kind}: {detail}" if detail else kind)
        self.kind = kind


@dataclass(frozen=True)
class Diagnostic:
    rule_id: str
    line: int  # 1-based
    end_line: int  # 1-based, inclusive


def _frame(message: dict[str, Any]) -> bytes:
    body = json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def _scratch_dir() -> str | None:
    """tmpfs when available: thousands of empty slot files are created per server."""
    shm = "/dev/shm"
    return shm if os.path.isdir(shm) and os.access(shm, os.W_OK) else None


def _env() -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("SEMGREP_")}
    env["PATH"] = _SAFE_PATH
    env["SEMGREP_SEND_METRICS"] = "off"
    env["SEMGREP_ENABLE_VERSION_CHECK"] = "0"
    env["NO_COLOR"] = "1"
    return env


class LspServer:
    """A `semgrep lsp` process with its own private workspace of single-use slot files."""

    def __init__(self, core_binary: Path, rules_files: Sequence[Path], slots: Mapping[str, int]) -> None:
        self.core_binary = core_binary
        self.rules_files = tuple(rules_files)
        self.slots = dict(slots)  # extension -> single-use files created for it
        self.extensions = sorted(self.slots)
        self.scans = 0
        self.used: dict[str, int] = dict.fromkeys(self.extensions, 0)
        self._workspace: Path | None = None
        self._process: asyncio.subprocess.Process | None = None
        self._reader: asyncio.Task[None] | None = None
        self._next_id = 0
        self._pending: dict[str, asyncio.Future[list[Diagnostic]]] = {}
        self._responses: dict[int, asyncio.Future[Any]] = {}
        self._rules_loaded: asyncio.Future[None] | None = None
        self._lock = asyncio.Lock()
        self._dead: ServerError | None = None
        self.answered_at = 0.0  # monotonic time the last diagnostics arrived (read off the pipe)

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    @property
    def alive(self) -> bool:
        return self._dead is None and self._process is not None and self._process.returncode is None

    def slots_left(self, extension: str) -> int:
        return self.slots.get(extension, 0) - self.used.get(extension, 0)

    def rss_bytes(self) -> int:
        """Resident memory of the server, from /proc (0 when unknown)."""
        try:
            status = Path(f"/proc/{self.pid}/status").read_text()
        except (OSError, TypeError):
            return 0
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
        return 0

    async def start(self, timeout_seconds: float = 60.0) -> None:
        """Create the slot files, spawn the server and wait until its rules are loaded."""
        self._workspace = Path(tempfile.mkdtemp(prefix="breakwater-lsp-", dir=_scratch_dir()))
        await asyncio.to_thread(self._create_slots, self._workspace)
        try:
            self._process = await asyncio.create_subprocess_exec(
                "osemgrep", "lsp", executable=str(self.core_binary), cwd=self._workspace, env=_env(),
                stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL,
                limit=16 * 1024 * 1024,
            )
        except OSError as exc:
            raise ServerError("spawn", str(exc)) from exc
        loop = asyncio.get_running_loop()
        self._rules_loaded = loop.create_future()
        self._reader = asyncio.create_task(self._read_loop())
        uri = self._workspace.as_uri()
        options = {
            "scan": {"configuration": [str(path) for path in self.rules_files], "onlyGitDirty": False, "ci": False,
                     "jobs": 1,
                     "timeout": 30, "timeoutThreshold": 3, "maxTargetBytes": 5_000_000},
            "metrics": {"enabled": False},
        }
        try:
            async with asyncio.timeout(timeout_seconds):
                await self._request("initialize", {
                    "processId": os.getpid(), "rootUri": uri, "capabilities": {},
                    "workspaceFolders": [{"uri": uri, "name": "breakwater"}], "initializationOptions": options,
                })
                self._notify("initialized", {})
                await self._rules_loaded
        except TimeoutError as exc:
            await self.close()
            raise ServerError("start-timeout", f"semgrep lsp not ready after {timeout_seconds}s") from exc
        except BaseException:  # a failure or a cancellation must not leave a process behind
            await self.close()
            raise

    def _create_slots(self, workspace: Path) -> None:
        for extension, count in self.slots.items():
            for number in range(count):
                (workspace / f"s{number}{extension}").touch()

    async def scan(self, code: str, extension: str, timeout_seconds: float) -> list[Diagnostic]:
        """Findings of every rule the server applies to a file named `*{extension}` holding `code`."""
        async with self._lock:
            if self._dead is not None:
                raise self._dead
            if self._workspace is None or self.slots_left(extension) <= 0:
                raise ServerError("exhausted", f"no fresh {extension} slot")
            path = self._workspace / f"s{self.used[extension]}{extension}"
            self.used[extension] += 1
            self.scans += 1
            try:
                path.write_text(code, "utf-8")  # small and local: cheaper than a thread hop
            except OSError as exc:
                raise ServerError("io", str(exc)) from exc
            uri = path.as_uri()
            future: asyncio.Future[list[Diagnostic]] = asyncio.get_running_loop().create_future()
            self._pending[uri] = future
            try:
                self._notify("textDocument/didSave", {"textDocument": {"uri": uri}})
                return await self._answer(future, timeout_seconds, self.cpu_seconds())
            except TimeoutError as exc:
                raise ServerError("timeout", f"no diagnostics after {timeout_seconds}s") from exc
            finally:
                self._pending.pop(uri, None)
                with contextlib.suppress(OSError):
                    path.write_bytes(b"")  # keep the workspace small; the path is never reused

    async def _answer(self, future: asyncio.Future[list[Diagnostic]], timeout_seconds: float,
                      cpu_at_start: float) -> list[Diagnostic]:
        """The diagnostics, or TimeoutError when the server said nothing for `timeout_seconds`.

        Under a burst the proxy's own event loop can lag for seconds, and then a server that
        answered in time looks hung only because its answer is still unread; on an overloaded
        machine a server can be starved of CPU, and then it is slow, not hung (it ran for less
        than half the time limit). In both cases the wait is extended (once): killing a healthy
        server under load costs the engine a worker and a warm-up (and the retry a reference
        engine start) exactly when the CPU is scarcest (seen: both servers replaced mid-burst).
        """
        try:
            async with asyncio.timeout(timeout_seconds):
                return await asyncio.shield(future)
        except TimeoutError:
            starved = self.cpu_seconds() - cpu_at_start < timeout_seconds / 2
            if not (self.output_waiting() or starved):
                raise
        async with asyncio.timeout(timeout_seconds):
            return await future

    def cpu_seconds(self) -> float:
        """CPU time the server process has used (user + system, from /proc; 0 when unknown)."""
        try:
            fields = Path(f"/proc/{self.pid}/stat").read_bytes().rsplit(b")", 1)[1].split()
        except (OSError, IndexError, TypeError):
            return 0.0
        return (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS

    def output_waiting(self) -> bool:
        """Whether the server has written output we have not read yet (in the pipe or in our buffer)."""
        stdout = self._process.stdout if self._process is not None else None
        if stdout is None:
            return False
        if getattr(stdout, "_buffer", b""):
            return True
        transport = getattr(stdout, "_transport", None)
        pipe = transport.get_extra_info("pipe") if transport is not None else None
        if pipe is None:
            return False
        try:
            waiting = fcntl.ioctl(pipe.fileno(), termios.FIONREAD, b"\0\0\0\0")
        except (OSError, ValueError):  # ValueError: the pipe was closed (the server died or was replaced)
            return False
        return int.from_bytes(waiting, sys.byteorder) > 0

    async def close(self) -> None:
        """Stop the process (politely, then by force) and delete the workspace."""
        self._fail(ServerError("closed"))
        process = self._process
        if process is not None and process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(process.wait(), 10)
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._reader
        if self._workspace is not None:
            await asyncio.to_thread(shutil.rmtree, self._workspace, True)
            self._workspace = None

    # --- JSON-RPC plumbing -------------------------------------------------------------

    def _write(self, message: dict[str, Any]) -> None:
        if self._process is None or self._process.stdin is None or self._dead is not None:
            raise self._dead or ServerError("not-started")
        try:
            self._process.stdin.write(_frame(message))
        except (BrokenPipeError, ConnectionResetError, RuntimeError) as exc:
            raise ServerError("crash", str(exc)) from exc

    def _notify(self, method: str, params: dict[str, Any]) -> None:
        self._write({"jsonrpc": "2.0", "method": method, "params": params})

    async def _request(self, method: str, params: dict[str, Any]) -> Any:
        self._next_id += 1
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._responses[self._next_id] = future
        self._write({"jsonrpc": "2.0", "id": self._next_id, "method": method, "params": params})
        return await future

    async def _read_loop(self) -> None:
        assert self._process is not None and self._process.stdout is not None
        stdout = self._process.stdout
        try:
            while True:
                length = -1
                while True:
                    line = await stdout.readline()
                    if not line:
                        raise ServerError("crash", f"semgrep lsp exited ({self._process.returncode})")
                    line = line.strip()
                    if not line:
                        break
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value)
                if length < 0:
                    raise ServerError("protocol", "message without Content-Length")
                self._dispatch(json.loads(await stdout.readexactly(length)))
        except ServerError as exc:
            self._fail(exc)
        except (asyncio.IncompleteReadError, ValueError) as exc:
            self._fail(ServerError("crash", f"semgrep lsp output ended or broke: {exc}"))

    def _dispatch(self, message: dict[str, Any]) -> None:
        method = message.get("method")
        if method is None:  # a response to one of our requests
            future = self._responses.pop(message.get("id", -1), None)
            if future is not None and not future.done():
                if "error" in message:
                    future.set_exception(ServerError("protocol", json.dumps(message["error"])[:500]))
                else:
                    future.set_result(message.get("result"))
        elif "id" in message:  # a request from the server (progress tokens, configuration)
            self._write({"jsonrpc": "2.0", "id": message["id"], "result": None})
        elif method == "semgrep/rulesRefreshed":
            if self._rules_loaded is not None and not self._rules_loaded.done():
                self._rules_loaded.set_result(None)
        elif method == "textDocument/publishDiagnostics":
            self.answered_at = time.monotonic()
            params = message.get("params") or {}
            future = self._pending.pop(str(params.get("uri")), None)
            if future is not None and not future.done():
                future.set_result([_diagnostic(d) for d in params.get("diagnostics") or []])

    def _fail(self, error: ServerError) -> None:
        """Mark the server dead and wake everyone waiting on it."""
        if self._dead is None:
            self._dead = error
        waiting: list[asyncio.Future[Any]] = [*self._pending.values(), *self._responses.values()]
        if self._rules_loaded is not None:
            waiting.append(self._rules_loaded)
        for future in waiting:
            if not future.done():
                future.set_exception(self._dead)
                future.exception()  # mark retrieved: nobody may be waiting any more
        self._pending.clear()
        self._responses.clear()


def _diagnostic(raw: dict[str, Any]) -> Diagnostic:
    start = raw["range"]["start"]["line"]
    end = raw["range"]["end"]["line"]
    return Diagnostic(str(raw.get("code")), int(start) + 1, int(end) + 1)
