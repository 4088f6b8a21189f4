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
    client: str | None = None  # product token of the User-Agent, e.g. "OpenAI/Python"
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


def client_of(user_agent: str | None) -> str | None:
    """The calling tool's product and major version from its User-Agent (`OpenAI/Python 1.2.3` → `OpenAI/Python 1`).

    Only the leading product token: the rest of a User-Agent can carry anything, and this
    becomes a dashboard label.
    """
    if not user_agent:
        return None
    words = user_agent.strip().split()
    product = words[0][:48] if words else ""
    version = words[1].split(".")[0][:8] if len(words) > 1 and words[1][:1].isdigit() else ""
    return f"{product} {version}".strip() or None


def current() -> RequestContext | None:
    return CURRENT.get()
