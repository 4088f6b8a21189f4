"""Talking to the configured upstream LLM APIs: one pooled aiohttp session, two base URLs.

The client can never choose where a request goes: `/v1/messages…` goes to the Anthropic
base URL, every other `/v1/*` path to the OpenAI one, always on its canonical form
(`proxy.http_target`). Credentials are rebuilt here for every request: no credential header
of the client's is copied as is, the upstream key is set once, and — the last check before a
request leaves — nothing that holds a `bwk_` virtual key is ever sent.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass

import aiohttp
from aiohttp import web
from multidict import CIMultiDict, CIMultiDictProxy
from yarl import URL

from proxy.config import Settings
from proxy.credentials import (
    CLIENT_KEY_HEADERS,
    VirtualKeyLeak,
    assert_no_virtual_key,
    is_credential_header,
    is_plain_key,
)
from proxy.errors import ApiError
from proxy.http_target import Target, api_of

log = logging.getLogger("breakwater.upstream")

HOP_BY_HOP = frozenset({
    "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "proxy-connection", "te", "trailer",
    "trailers", "transfer-encoding", "upgrade", "host", "content-length", "accept-encoding", "content-encoding",
})
# Headers some frameworks read as the *real* method or path (method override, IIS/Symfony URL rewrites). Sent on
# a passed-through request they could make the upstream serve a guarded endpoint unguarded, so they never go.
OVERRIDES = frozenset({
    "x-http-method-override", "x-http-method", "x-method-override", "x-original-url", "x-rewrite-url",
    "x-original-uri", "x-forwarded-path", "x-forwarded-prefix", "x-envoy-original-path",
})


@dataclass(frozen=True)
class UpstreamAuth:
    """The team layer's verdict on one request's credentials (set by proxy/team for every API request).

    `provider_keys` maps an upstream name to the team's provider key, which replaces whatever the
    client sent; None means no team key: the configured key, else the client's own key, goes upstream.
    """

    provider_keys: Mapping[str, str] | None = None


# Set on every API request by the team layer; unset means the request never passed it, and the
# upstream client then refuses it.
UPSTREAM_AUTH = web.RequestKey("breakwater_upstream_auth", UpstreamAuth)


@dataclass(frozen=True)
class Upstream:
    name: str
    base_url: URL
    strip_v1: bool  # the OpenAI base URL already ends in /v1; the Anthropic one does not
    api_key: str | None  # when set, replaces the client's key

    def url_for(self, target: Target) -> URL:
        """The base URL plus the canonical path, encoded once; the query string exactly as the client sent it."""
        tail = target.encoded_path
        if self.strip_v1 and (tail == "/v1" or tail.startswith("/v1/")):
            tail = tail[len("/v1"):]
        base = self.base_url
        return URL.build(scheme=base.scheme, user=base.raw_user, password=base.raw_password, host=base.raw_host or "",
                         port=base.explicit_port, path=base.raw_path.rstrip("/") + tail, query_string=target.query,
                         encoded=True)

    def request_headers(self, client_headers: Mapping[str, str], auth: UpstreamAuth) -> CIMultiDict[str]:
        """The client's headers minus hop-by-hop, method/path overrides and every credential; then exactly one
        upstream credential."""
        headers = CIMultiDict((k, v) for k, v in client_headers.items()
                              if k.lower() not in HOP_BY_HOP and k.lower() not in OVERRIDES
                              and not is_credential_header(k))
        headers["Accept-Encoding"] = "identity"  # a compressed body could not be scanned
        if auth.provider_keys is not None:
            api_key = auth.provider_keys.get(self.name)
            if not api_key:
                raise ApiError(403, f"this team has no {self.name} provider key configured", "no_upstream_credential")
        else:
            api_key = self.api_key
        if api_key:
            if self.name == "anthropic":
                headers["x-api-key"] = api_key
            else:
                headers["Authorization"] = f"Bearer {api_key}"
        else:
            headers.update(_client_own_key(client_headers))
        return headers


def _client_own_key(client_headers: Mapping[str, str]) -> dict[str, str]:
    """Pass-through mode: the client's own key, one value per header, and only as a key looks (`Authorization` as
    `Bearer <token>`, the one scheme the APIs take; no `Basic`, lists or cookies that could wrap something else).
    A header repeated with different values is ambiguous (which would the upstream read?) and refused."""
    found: dict[str, str] = {}
    getall = getattr(client_headers, "getall", None)
    for name in CLIENT_KEY_HEADERS:
        values = set(getall(name, [])) if getall else ({client_headers[name]} if name in client_headers else set())
        values = {v for v in values if is_plain_key(v, bearer=name == "Authorization")}
        if len(values) > 1:
            raise ApiError(400, f"the {name} header is repeated with different values", "ambiguous_credentials")
        if values:
            found[name] = values.pop()
    return found


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
        return self.anthropic if api_of(path) == "anthropic" else self.openai

    async def start(self) -> None:
        connector = aiohttp.TCPConnector(limit=1000, ttl_dns_cache=300)
        self._session = aiohttp.ClientSession(connector=connector, timeout=self._timeout, auto_decompress=True)

    async def close(self) -> None:
        if self._session:
            await self._session.close()

    async def send(
        self, method: str, target: Target, headers: Mapping[str, str], body: bytes | None, auth: UpstreamAuth | None
    ) -> aiohttp.ClientResponse:
        """Start an upstream request; the caller reads (or streams) and releases the response.

        Refused (500, in the API's format) when the request did not pass the team layer, or when
        anything about to leave holds a virtual key: a bug then fails closed instead of leaking.
        """
        assert self._session is not None, "Upstreams.start() was not awaited"
        if auth is None:
            log.error("refused an upstream request that did not pass the team layer (%s, %s API)", method,
                      api_of(target.path))
            raise ApiError(500, "internal error: the request was not authorised", "not_mediated")
        upstream = self.for_path(target.path)
        url = upstream.url_for(target)
        out_headers = upstream.request_headers(headers, auth)
        try:
            assert_no_virtual_key(out_headers.items(), str(url))
        except VirtualKeyLeak as exc:
            log.error("refused to send a Breakwater key upstream: %s (%s, %s API)", exc, method, upstream.name)
            raise ApiError(500, "internal error: a Breakwater key may not leave the proxy",
                           "virtual_key_leak") from None
        return await self._session.request(method, url, headers=out_headers, data=body, allow_redirects=False)


def _key(env_name: str | None) -> str | None:
    return os.environ.get(env_name) or None if env_name else None
