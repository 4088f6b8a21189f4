"""Who made the request now being served: handed to the guard as an argument (`Guard.for_caller`).

The team middleware puts one `RequestContext` on each API request (`request[REQUEST_CONTEXT]`);
the server hands it to the guard, whose named hooks (the caller's policy and mode, the audit
observer) read it there. Nothing reads it from ambient state.
"""

from __future__ import annotations

import time
import uuid
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


REQUEST_CONTEXT = web.RequestKey("breakwater_request_context", RequestContext)
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


def context_of(request: web.Request) -> RequestContext | None:
    """The context the team middleware put on this request, or None when it did not run."""
    value = request.get(REQUEST_CONTEXT)
    return value if isinstance(value, RequestContext) else None


def unknown_caller() -> RequestContext:
    """What the audit records for a scan no request context came with."""
    return RequestContext(request_id="-", endpoint="unknown")
