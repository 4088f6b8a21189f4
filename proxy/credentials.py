"""Which request headers carry credentials, which key a client presents, and the no-virtual-key rule.

Why one module: the team layer (who is calling) and the upstream client (what goes out) must
agree on what a credential header is. If the team layer read only the first `Authorization`
while the upstream client forwarded a second one, a `bwk_` virtual key could leave the proxy
next to the team's provider key. So both read the same definitions here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from multidict import CIMultiDictProxy, MultiMapping

from proxy.errors import ApiError
from proxy.team.keys import KEY_PREFIX

# A header is a credential when its name says so: Authorization and Proxy-Authorization, every
# *api-key / api_key / apikey variant (x-api-key, api-key, anthropic-api-key, x-goog-api-key …),
# tokens, secrets, cookies. None of them is ever copied from the client to the upstream as is.
_CREDENTIAL_NAME = re.compile(r"auth|api[-_.]?key|token|secret|credential|cookie|password", re.IGNORECASE)
# The client's own key, in pass-through mode, is forwarded only under these names (one value each).
CLIENT_KEY_HEADERS = ("Authorization", "x-api-key", "api-key")
_BEARER = re.compile(r"^\s*bearer\s+", re.IGNORECASE)
_KEY_TOKEN = re.compile(r"^[A-Za-z0-9._~+/=:-]+$")


class VirtualKeyLeak(Exception):
    """A `bwk_` key was about to be sent upstream. Its message names the header, never the value."""


def is_credential_header(name: str) -> bool:
    return bool(_CREDENTIAL_NAME.search(name))


def holds_virtual_key(text: str) -> bool:
    return KEY_PREFIX in text.lower()


def presented_key(headers: MultiMapping[str] | CIMultiDictProxy[str]) -> str | None:
    """The key the client presents, read from every copy of every credential header.

    A virtual key wins wherever it appears (so a second header cannot hide it from the team
    layer); two different virtual keys are refused. Without one, it is the client's own key:
    `Authorization: Bearer`, else `x-api-key`, else `api-key`.
    """
    values = [_token(value) for name, value in headers.items() if is_credential_header(name)]
    virtual = list(dict.fromkeys(v for v in values if holds_virtual_key(v)))
    if len(virtual) > 1:
        raise ApiError(401, "more than one Breakwater key was presented; send exactly one", "invalid_api_key")
    if virtual:
        return virtual[0]
    for name in CLIENT_KEY_HEADERS:
        value = headers.get(name, "")
        if name == "Authorization" and not is_bearer(value):
            continue
        if _token(value):
            return _token(value)
    return None


def assert_no_virtual_key(headers: Iterable[tuple[str, str]], url: str) -> None:
    """The last check before a request leaves: no header name or value and no URL holds `bwk_`."""
    for name, value in headers:
        if holds_virtual_key(name):
            raise VirtualKeyLeak("a header name holds a Breakwater key")
        if holds_virtual_key(value):
            raise VirtualKeyLeak(f"header {name!r} holds a Breakwater key")
    if holds_virtual_key(url):
        raise VirtualKeyLeak("the URL holds a Breakwater key")


def is_bearer(value: str) -> bool:
    return bool(_BEARER.match(value))


def is_plain_key(value: str, bearer: bool) -> bool:
    """A key as the APIs take it: one token (`Bearer <token>` when `bearer`), nothing that could wrap another."""
    if bearer:
        if not is_bearer(value):
            return False
        value = _token(value)
    return bool(_KEY_TOKEN.match(value.strip()))


def _token(value: str) -> str:
    return _BEARER.sub("", value).strip()
