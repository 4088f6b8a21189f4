"""The access log: one line per request, with no query string.

Why not aiohttp's default: its `%r` is the whole request line, and clients put keys in query
strings (`?api_key=sk-…`). This logger writes the path only (as sent, cut at 200 characters,
with anything that looks like a Breakwater key masked), never the query or any header.
"""

from __future__ import annotations

import re

from aiohttp.abc import AbstractAccessLogger
from aiohttp.web import BaseRequest, StreamResponse

_MAX_PATH = 200
_VIRTUAL_KEY = re.compile(r"bwk_[^/]*", re.IGNORECASE)


class QuerylessAccessLogger(AbstractAccessLogger):
    def log(self, request: BaseRequest, response: StreamResponse, time: float) -> None:
        self.logger.info('%s "%s %s" %d %s %.3fs', request.remote, request.method, loggable_path(request.raw_path),
                         response.status, response.body_length, time)


def loggable_path(raw_target: str) -> str:
    path = raw_target.split("?", 1)[0].split("#", 1)[0]
    path = _VIRTUAL_KEY.sub("bwk_…", path)
    return path if len(path) <= _MAX_PATH else path[:_MAX_PATH] + "…"
