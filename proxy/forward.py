"""Reading client requests and forwarding them upstream, with every failure mapped to an API error."""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
from aiohttp import web

from proxy.errors import ApiError
from proxy.http_target import target_of
from proxy.upstream import UPSTREAM_AUTH, Upstreams, response_headers

__all__ = ["ApiError", "buffered_response", "read_json", "read_upstream_body", "relay_stream", "upstream_response"]


_PAYLOAD = web.RequestKey("breakwater_payload", dict)


async def read_json(request: web.Request) -> tuple[bytes, dict[str, Any]]:
    """The raw body and its JSON object, parsed once per request. Too large → 413 (raised by aiohttp);
    not UTF-8, not JSON, not an object, nested too deep or with a repeated key → 400.

    Strict because the upstream parses the same bytes: where two parsers could read one body
    differently (`{"stream": false, "stream": true}`, UTF-16), the guard could judge a different reply
    than the one the upstream sends, so such a body is refused instead of guessed at.
    """
    body = await request.read()
    cached = request.get(_PAYLOAD)
    if cached is not None:
        return body, cached
    payload = parse_json_object(body)
    request[_PAYLOAD] = payload
    return body, payload


def parse_json_object(body: bytes) -> dict[str, Any]:
    try:
        payload = json.loads(body.decode("utf-8"), object_pairs_hook=_unique_keys)
    except UnicodeDecodeError:
        raise ApiError(400, "request body is not valid UTF-8", "invalid_json") from None
    except RecursionError:
        raise ApiError(400, "request body is nested too deeply", "invalid_json") from None
    except json.JSONDecodeError as exc:
        raise ApiError(400, f"request body is not valid JSON: {exc}", "invalid_json") from None
    except _RepeatedKey as exc:
        raise ApiError(400, f"request body repeats the key {exc.key[:64]!r} in one object", "invalid_json") from None
    if not isinstance(payload, dict):
        raise ApiError(400, "request body must be a JSON object", "invalid_json")
    stream = payload.get("stream")
    if stream is not None and not isinstance(stream, bool):
        # `"stream": "false"` or `1`: the guard and the upstream could disagree on whether the reply streams
        raise ApiError(400, "`stream` must be true or false", "invalid_request")
    return payload


class _RepeatedKey(Exception):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _RepeatedKey(key)
            seen.add(key)
    return obj


@asynccontextmanager
async def upstream_response(
    upstreams: Upstreams, request: web.Request, body: bytes | None
) -> AsyncIterator[aiohttp.ClientResponse]:
    """The upstream's response to this request; connection failures → 502, time-outs → 504."""
    try:
        response = await upstreams.send(request.method, target_of(request), request.headers, body,
                                        request.get(UPSTREAM_AUTH))
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
    with contextlib.suppress(ConnectionResetError):  # the client hung up first: a normal end, not an error
        await out.write_eof()
    return out
