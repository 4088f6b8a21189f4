"""Who made the request now being served, visible to the policy and the audit hook.

The team middleware sets `CURRENT` for the duration of one `/v1/*` request. Context
variables follow the request's task through every `await`, so the non-streaming handler,
the streaming path and the guard all see the same context without passing it around.
"""

from __future__ import annotations

import time
import uuid
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web


@dataclass
class RequestContext:
    request_id: str
    endpoint: str
    model: str | None = None
    team: str | None = None
    key_id: str | None = None
    owner: str | None = None
    started: float = field(default_factory=time.time)


CURRENT: ContextVar[RequestContext | None] = ContextVar("breakwater_request_context", default=None)
_REQUEST_ID: Any = (web.RequestKey("breakwater_request_id", str) if hasattr(web, "RequestKey")
                   else "breakwater_request_id")


def request_id_for(request: web.Request) -> str:
    """One id per request, shared by the response header, the log line and the audit rows."""
    value = request.get(_REQUEST_ID)
    if not isinstance(value, str):
        value = uuid.uuid4().hex[:16]
        request[_REQUEST_ID] = value
    return value


def current() -> RequestContext | None:
    return CURRENT.get()
