"""A fake LLM API on loopback that speaks OpenAI's and Anthropic's wire formats byte for byte.

Tests script what it answers next (`fake.respond(...)`), and read what it received
(`fake.requests`). Behaviours: a JSON body, raw SSE bytes in chosen chunks with pauses,
a hang, a connection reset, any status code.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

Behaviour = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass
class Recorded:
    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes
    raw_path: str = ""  # the request target exactly as received (path and query)
    header_list: list[tuple[str, str]] = field(default_factory=list)  # every header, repeats included

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class FakeLLM:
    requests: list[Recorded] = field(default_factory=list)
    behaviours: list[Behaviour] = field(default_factory=list)
    default: Behaviour | None = None
    disconnects: list[str] = field(default_factory=list)  # paths whose client went away mid-reply

    def app(self) -> web.Application:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self._handle)
        return app

    def respond(self, *behaviours: Behaviour) -> None:
        """Answer the next requests with these behaviours, in order (the last one repeats)."""
        self.behaviours = list(behaviours)

    def reset(self) -> None:
        self.requests.clear()
        self.behaviours = []
        self.disconnects.clear()

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        self.requests.append(Recorded(request.method, request.path, request.query_string,
                                      dict(request.headers), body, request.raw_path, list(request.headers.items())))
        if self.behaviours:
            behaviour = self.behaviours.pop(0) if len(self.behaviours) > 1 else self.behaviours[0]
        elif self.default is not None:
            behaviour = self.default
        else:
            return web.json_response({"object": "list", "data": [{"id": "fake-model", "object": "model"}]})
        try:
            return await behaviour(request)
        except (ConnectionResetError, asyncio.CancelledError):
            self.disconnects.append(request.path)
            raise


def json_reply(payload: Any, status: int = 200, headers: dict[str, str] | None = None) -> Behaviour:
    async def behave(request: web.Request) -> web.StreamResponse:
        return web.json_response(payload, status=status, headers=headers)

    return behave


def raw_reply(body: bytes, status: int = 200, content_type: str = "application/json") -> Behaviour:
    async def behave(request: web.Request) -> web.StreamResponse:
        return web.Response(body=body, status=status, headers={"Content-Type": content_type})

    return behave


def sse_reply(chunks: list[bytes], pause: float = 0.0, pauses: dict[int, float] | None = None,
              close_early: bool = False, content_type: str | None = "text/event-stream") -> Behaviour:
    """Stream these exact byte chunks as an SSE body; `pauses` maps a chunk index to a sleep before it.
    `content_type` None sends no Content-Type header at all."""

    async def behave(request: web.Request) -> web.StreamResponse:
        headers = {"Cache-Control": "no-cache", **({"Content-Type": content_type} if content_type else {})}
        response = web.StreamResponse(headers=headers)
        await response.prepare(request)
        for number, chunk in enumerate(chunks):
            delay = (pauses or {}).get(number, pause)
            if delay:
                await asyncio.sleep(delay)
            await response.write(chunk)
        if close_early and request.transport is not None:
            request.transport.close()
            return response
        await response.write_eof()
        return response

    return behave


def hang(seconds: float = 3600) -> Behaviour:
    async def behave(request: web.Request) -> web.StreamResponse:
        await asyncio.sleep(seconds)
        return web.json_response({})

    return behave


def reset_connection() -> Behaviour:
    async def behave(request: web.Request) -> web.StreamResponse:
        assert request.transport is not None
        request.transport.abort()
        await asyncio.sleep(0.05)
        return web.Response()

    return behave
