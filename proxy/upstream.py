"""Talking to the configured upstream LLM APIs: one pooled aiohttp session, two base URLs.

The client can never choose where a request goes: `/v1/messages` goes to the Anthropic
base URL, every other `/v1/*` path to the OpenAI one.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from contextvars import ContextVar
from dataclasses import dataclass

import aiohttp
from multidict import CIMultiDict, CIMultiDictProxy
from yarl import URL

from proxy.config import Settings

HOP_BY_HOP = frozenset({
    "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "proxy-connection", "te", "trailer",
    "trailers", "transfer-encoding", "upgrade", "host", "content-length", "accept-encoding", "content-encoding",
})


# Set per request by the team layer (proxy/team): upstream name → the team's provider key,
# which replaces whatever key the client sent (a virtual key is never forwarded).
CREDENTIALS: ContextVar[Mapping[str, str] | None] = ContextVar("breakwater_credentials", default=None)


@dataclass(frozen=True)
class Upstream:
    name: str
    base_url: URL
    strip_v1: bool  # the OpenAI base URL already ends in /v1; the Anthropic one does not
    api_key: str | None  # when set, replaces the client's key

    def url_for(self, path: str, query: str) -> URL:
        tail = path[len("/v1"):] if self.strip_v1 and path.startswith("/v1") else path
        url = URL(str(self.base_url).rstrip("/") + tail)
        return url.with_query(query) if query else url

    def request_headers(self, client_headers: Mapping[str, str]) -> CIMultiDict[str]:
        headers = CIMultiDict((k, v) for k, v in client_headers.items() if k.lower() not in HOP_BY_HOP)
        headers["Accept-Encoding"] = "identity"  # a compressed body could not be scanned
        overrides = CREDENTIALS.get()
        api_key = overrides.get(self.name) if overrides is not None else self.api_key
        if overrides is not None or api_key:
            headers.pop("Authorization", None)
            headers.pop("x-api-key", None)
        if api_key:
            if self.name == "anthropic":
                headers["x-api-key"] = api_key
            else:
                headers["Authorization"] = f"Bearer {api_key}"
        return headers


def response_headers(upstream_headers: CIMultiDictProxy[str]) -> CIMultiDict[str]:
    return CIMultiDict((k, v) for k, v in upstream_headers.items() if k.lower() not in HOP_BY_HOP)


class Upstreams:
    def __init__(self, settings: Settings) -> None:
        self.openai = Upstream("openai", URL(settings.openai_base_url), True, _key(settings.openai_api_key_env))
        self.anthropic = Upstream(
            "anthropic", URL(settings.anthropic_base_url), False, _key(settings.anthropic_api_key_env)
        )
        self._timeout = aiohttp.ClientTimeout(
            total=None,
            connect=settings.upstream_connect_timeout_seconds,
            sock_read=settings.upstream_read_timeout_seconds,
        )
        self._session: aiohttp.ClientSession | None = None

    def for_path(self, path: str) -> Upstream:
        return self.anthropic if path.startswith("/v1/messages") else self.openai

    async def start(self) -> None:
        connector = aiohttp.TCPConnector(limit=1000, ttl_dns_cache=300)
        self._session = aiohttp.ClientSession(connector=connector, timeout=self._timeout, auto_decompress=True)

    async def close(self) -> None:
        if self._session:
            await self._session.close()

    async def send(
        self, method: str, path: str, query: str, headers: Mapping[str, str], body: bytes | None
    ) -> aiohttp.ClientResponse:
        """Start an upstream request; the caller reads (or streams) and releases the response."""
        assert self._session is not None, "Upstreams.start() was not awaited"
        upstream = self.for_path(path)
        return await self._session.request(
            method, upstream.url_for(path, query), headers=upstream.request_headers(headers), data=body,
            allow_redirects=False,
        )


def _key(env_name: str | None) -> str | None:
    return os.environ.get(env_name) or None if env_name else None
