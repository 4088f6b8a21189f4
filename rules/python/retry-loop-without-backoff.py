import logging
import time

import requests

log = logging.getLogger(__name__)


def get_token():
    # ruleid: python.retry-loop-without-backoff
    while True:
        try:
            resp = requests.post("https://auth.internal/token", timeout=5)
            resp.raise_for_status()
            return resp.json()["access_token"]
        except requests.RequestException as e:
            log.warning("token fetch failed: %s", e)


def connect_db(dsn):
    conn = None
    # ruleid: python.retry-loop-without-backoff
    while True:
        try:
            conn = psycopg2.connect(dsn)
            break
        except Exception:
            continue
    return conn


def get_token_ok():
    attempt = 0
    # ok: python.retry-loop-without-backoff
    while True:
        try:
            resp = requests.post("https://auth.internal/token", timeout=5)
            return resp.json()["access_token"]
        except requests.RequestException:
            attempt += 1
            if attempt >= 5:
                raise
            time.sleep(min(2 ** attempt, 30))


def read_lines(sock):
    # ok: python.retry-loop-without-backoff
    while True:
        try:
            data = sock.recv(4096)
            if not data:
                break
            yield data
        except InterruptedError:
            raise


async def consume(queue):
    # ok: python.retry-loop-without-backoff
    while True:
        try:
            msg = await queue.get()
            break
        except ConnectionError:
            await asyncio.sleep(1)
