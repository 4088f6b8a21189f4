"""`breakwater serve --workers N`: N processes on one port, metrics summed across them.

Each worker is a full proxy (its own event loop, engine and upstream pool) listening with
SO_REUSEPORT, so the kernel spreads connections over them. Counters go to files in
PROMETHEUS_MULTIPROC_DIR (prometheus-client's multiprocess mode), and `/metrics` on any
worker reports the sum. The parent only starts, watches and stops the workers.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from proxy.reload import SettingsSource

log = logging.getLogger("breakwater.workers")


def serve_workers(source: SettingsSource, workers: int, port: int) -> int:
    if port == 0:
        raise ValueError("--workers needs a fixed --port (the workers share it)")
    metrics_dir = _prepare_metrics_dir()
    context = multiprocessing.get_context("spawn")  # children import prometheus_client with the dir set
    children = [context.Process(target=_worker, args=(source,), name=f"breakwater-worker-{n}")
                for n in range(workers)]
    for child in children:
        child.start()
    log.info("started %d workers on port %d (metrics in %s)", workers, port, metrics_dir)
    stopping = False

    def stop(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True

    def forward_reload(signum: int, frame: object) -> None:  # each worker reloads itself (proxy/reload.py)
        for child in children:
            if child.is_alive() and child.pid:
                os.kill(child.pid, signal.SIGHUP)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGHUP, forward_reload)
    code = 0
    while not stopping and all(child.is_alive() for child in children):
        time.sleep(0.2)
    for child in children:
        if child.is_alive():
            os.kill(child.pid or 0, signal.SIGTERM)
        elif child.exitcode:
            code = 1
            log.error("worker %s exited with %s; stopping the others", child.name, child.exitcode)
    for child in children:
        child.join(10)
        if child.is_alive():
            child.kill()
    return code


def _prepare_metrics_dir() -> Path:
    """The shared metrics directory, emptied: files left by earlier runs would be summed too."""
    configured = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    directory = Path(configured) if configured else Path(tempfile.mkdtemp(prefix="breakwater-metrics-"))
    directory.mkdir(parents=True, exist_ok=True)
    for stale in directory.glob("*.db"):
        stale.unlink()
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(directory)
    return directory


def _worker(source: SettingsSource) -> None:
    from aiohttp import web

    from proxy.server import create_app

    settings = source()
    logging.basicConfig(level=settings.log_level.upper(),
                        format=f"%(asctime)s %(levelname)s %(name)s[{os.getpid()}] %(message)s")
    web.run_app(create_app(settings, reload_source=source), host=settings.host, port=settings.port, print=None,
                reuse_port=True)
