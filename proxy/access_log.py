"""What the HTTP server itself logs: one access line per request, and malformed requests without a traceback.

Why not aiohttp's defaults: its access format's `%r` is the whole request line, and clients put
keys in query strings (`?api_key=sk-…`); and it logs every unparsable request (a NUL in the
target, a bad header) as an ERROR with a traceback and the raw line. Here the access line has
the path only (as sent, cut at 200 characters, anything like a Breakwater key masked), never the
query or a header; a malformed request is one INFO line naming the parser's complaint class.
Errors in our own code keep their traceback.
"""

from __future__ import annotations

import logging
import re
import sys
from typing import Any

from aiohttp.abc import AbstractAccessLogger
from aiohttp.http_exceptions import HttpProcessingError
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


class ServerLog(logging.LoggerAdapter[logging.Logger]):
    """The aiohttp server's logger (`handler_args["logger"]`): a client's malformed request is not our error."""

    def exception(self, msg: object, *args: Any, exc_info: Any = True, **kwargs: Any) -> None:
        error = exc_info if isinstance(exc_info, BaseException) else sys.exc_info()[1]
        if isinstance(error, HttpProcessingError):
            self.logger.info("refused a malformed HTTP request (%s, status %s)", type(error).__name__, error.code)
            return
        self.logger.error(msg, *args, exc_info=exc_info, **kwargs)
