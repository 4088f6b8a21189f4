"""Reading client requests and forwarding them upstream, with every failure mapped to an API error."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
from aiohttp import web

from proxy.upstream import Upstreams, response_headers


class ApiError(Exception):
    """An error the client gets in its API's own JSON format (see proxy.errors)."""

    def __init__(self, status: int, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code


async def read_json(request: web.Request) -> tuple[bytes, dict[str, Any]]:
    """The raw body and its JSON object. Too large → 413 (raised by aiohttp), malformed → 400."""
    body = await request.read()
    try:
        payload = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ApiError(400, f"request body is not valid JSON: {exc}", "invalid_json") from None
    if not isinstance(payload, dict):
        raise ApiError(400, "request body must be a JSON object", "invalid_json")
    return body, payload


@asynccontextmanager
async def upstream_response(
    upstreams: Upstreams, request: web.Request, body: bytes | None
) -> AsyncIterator[aiohttp.ClientResponse]:
    """The upstream's response to this request; connection failures → 502, time-outs → 504."""
    try:
        response = await upstreams.send(request.method, request.path, request.query_string, request.headers, body)
    except TimeoutError:
        raise ApiError(504, "the upstream API did not answer in time", "upstream_timeout") from None
    except aiohttp.ClientError as exc:
        raise ApiError(502, f"cannot reach the upstream API: {type(exc).__name__}", "upstream_unreachable") from None
    try:
        yield response
    finally:
        response.release()


async def read_upstream_body(response: aiohttp.ClientResponse) -> bytes:
    try:
        return await response.read()
    except TimeoutError:
        raise ApiError(504, "the upstream API stopped answering mid-reply", "upstream_timeout") from None
    except aiohttp.ClientError as exc:
        raise ApiError(502, f"the upstream reply broke off: {type(exc).__name__}", "upstream_broken") from None


def buffered_response(response: aiohttp.ClientResponse, body: bytes, extra: dict[str, str]) -> web.Response:
    headers = response_headers(response.headers)
    headers.update(extra)
    return web.Response(status=response.status, body=body, headers=headers)


async def relay_stream(
    request: web.Request, response: aiohttp.ClientResponse, extra: dict[str, str]
) -> web.StreamResponse:
    """Pass an upstream body to the client as it arrives, unchanged."""
    headers = response_headers(response.headers)
    headers.update(extra)
    out = web.StreamResponse(status=response.status, headers=headers)
    await out.prepare(request)
    try:
        async for chunk in response.content.iter_any():
            await out.write(chunk)
    except (aiohttp.ClientError, TimeoutError):
        pass  # upstream broke off; the client sees the body end (framing errors are the streaming guard's job)
    await out.write_eof()
    return out
