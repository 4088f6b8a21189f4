"""Send one HTTP request with the exact target and headers given (repeats and odd spellings kept).

The SDKs and `requests` normalise URLs and merge headers; an attacker does not. `http.client`
sends the target as written and each `putheader` as a separate header line.
"""

from __future__ import annotations

import http.client
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit


@dataclass
class RawReply:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def send(base_url: str, method: str, target: str, headers: list[tuple[str, str]] | None = None,
         body: bytes | None = None, timeout: float = 30) -> RawReply:
    parts = urlsplit(base_url)
    conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=timeout)
    try:
        conn.putrequest(method, target, skip_accept_encoding=True)
        for name, value in headers or []:
            conn.putheader(name, value)
        if body is not None:
            conn.putheader("Content-Type", "application/json")
            conn.putheader("Content-Length", str(len(body)))
        conn.endheaders(body)
        response = conn.getresponse()
        return RawReply(response.status, response.headers, response.read())
    finally:
        conn.close()


def openai_error(reply: RawReply) -> dict[str, Any]:
    """The error object of an OpenAI-format error body (asserts the shape)."""
    body = reply.json()
    assert set(body) == {"error"} and {"message", "type", "code"} <= set(body["error"]), body
    return body["error"]


def anthropic_error(reply: RawReply) -> dict[str, Any]:
    """The error object of an Anthropic-format error body (asserts the shape)."""
    body = reply.json()
    assert body.get("type") == "error" and {"type", "message"} <= set(body["error"]), body
    return body["error"]
