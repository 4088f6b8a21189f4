"""The request target, canonicalised once, before anything routes on it.

Why: the guard decides *what* to scan by the path, and the upstream decides *what it
serves* by the path. If the two can read one target differently (`/v1/chat/./completions`,
`/v1/x/..%2fchat/completions`, `/v1/chat/completions%23`), a request skips the guard yet
reaches the guarded endpoint. So every target is reduced to one canonical form here; the
router, the team layer, the metrics and the upstream URL all use that form and nothing else.

The rules (README "Request targets"):
- origin-form only (`/…`); at most `max_chars` characters; printable ASCII only, no `#` anywhere;
- the query string is kept exactly as sent; the path holds only URI path characters (no `\\`, quotes,
  brackets) and is read segment by segment;
- `%XX` is decoded once; what it decodes to must be printable ASCII other than `/ \\ % # ? ;`
  (an encoded slash, a second round of encoding, a fragment or a parameter is ambiguous);
- `;` (path parameters) is refused; a segment spelt `%2e` or `%2e%2e` is refused;
- empty segments (`//`, a trailing `/`) are dropped, `.` is dropped, `..` removes the segment before it
  (RFC 3986 §5.2.4) — but never above the root;
- the target must stay in its namespace: a target whose first segment is `v1` must still start with
  `/v1/` afterwards, and one that did not cannot get there by dot segments;
- a guarded endpoint spelt in another case (`/v1/Chat/Completions`) is refused.
Anything else is refused; the server answers 400 in the API's error format.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from urllib.parse import quote

from aiohttp import web

API_ROOT = "v1"
CHAT = "/v1/chat/completions"
COMPLETIONS = "/v1/completions"
RESPONSES = "/v1/responses"
MESSAGES = "/v1/messages"
SCAN_PATH = "/scan"  # the scan API (proxy.scan_api): no upstream, but the team layer applies
# The endpoints whose replies carry model output and are scanned (POST only); the one list.
GUARDED_PATHS = frozenset({CHAT, COMPLETIONS, RESPONSES, MESSAGES})

_PATH_CHARS = frozenset(string.ascii_letters + string.digits + "-._~!$&'()*+,=:@/%;")
_QUERY = re.compile(r"[!\"$-~]*")  # printable ASCII without space and '#'
_PLAIN_PATH = re.compile(r"(?:/[A-Za-z0-9_~!$&'()*+,=:@-]+)+")  # segments without '.', '%', ';' or emptiness
_FORBIDDEN_DECODED = frozenset("/\\%#?;")
_SAFE_IN_SEGMENT = "-._~!$&'()*+,=:@"
_HEX = frozenset(string.hexdigits)


class TargetRefused(ValueError):
    """The target cannot be read one way only; the message says why (it never echoes the target)."""


@dataclass(frozen=True)
class Target:
    """A canonical request target: `path` for routing and logs, `encoded_path` and `query` for the upstream."""

    path: str  # decoded, e.g. `/v1/models/ft:gpt-4o:org::id`
    encoded_path: str  # the same path as it goes on the wire, e.g. `/v1/models/ft:gpt-4o:org::id`
    query: str  # the raw query string, unchanged ('' when none)

    @property
    def is_api(self) -> bool:
        """Forwarded to an upstream: `/v1/…`, and `/` (clients probe it with HEAD)."""
        return self.path == "/" or _first_segment(self.path) == API_ROOT


def canonical_target(raw: str, max_chars: int) -> Target:
    """The canonical form of the raw request target, or TargetRefused."""
    if len(raw) > max_chars:
        raise TargetRefused(f"the request target is longer than {max_chars} characters")
    if not raw.startswith("/"):
        raise TargetRefused("the request target must be a path starting with '/'")
    raw_path, _, query = raw.partition("?")
    if not _QUERY.fullmatch(query) or any(ch not in _PATH_CHARS for ch in raw_path):
        raise TargetRefused("the request target holds a character that is not allowed "
                            "(control, space, non-ASCII, quote, '\\' or '#')")
    if _PLAIN_PATH.fullmatch(raw_path):  # the common case, already canonical: no escapes, dots or empty segments
        return _case_checked(Target(raw_path, raw_path, query))
    segments = [_decoded_segment(s) for s in raw_path.split("/")[1:]]
    resolved = _resolve_dots(segments)
    in_api = _first_segment(raw_path) == API_ROOT
    if (resolved[:1] == [API_ROOT]) != in_api:
        raise TargetRefused("the path leaves or enters /v1/ through dot segments")
    path = "/" + "/".join(resolved)
    encoded = "/" + "/".join(quote(s, safe=_SAFE_IN_SEGMENT) for s in resolved)
    return _case_checked(Target(path, encoded, query))


def _case_checked(target: Target) -> Target:
    """A guarded endpoint in another case (`/v1/Chat/Completions`) is refused: a case-insensitive upstream would
    serve it as the guarded endpoint while the guard saw a pass-through path."""
    if target.path not in GUARDED_PATHS and target.path.lower() in GUARDED_PATHS:
        raise TargetRefused("a guarded endpoint must be spelt in lower case")
    return target


def api_of(path: str) -> str:
    """Which upstream (and error format) a canonical path belongs to: 'anthropic' or 'openai'."""
    return "anthropic" if path.split("/")[1:3] == [API_ROOT, "messages"] else "openai"


def _first_segment(path: str) -> str:
    return path.lstrip("/").split("/", 1)[0]


def _decoded_segment(raw: str) -> str:
    if ";" in raw:
        raise TargetRefused("path parameters (';') are not accepted")
    data = bytearray()
    i = 0
    while i < len(raw):
        if raw[i] == "%":
            pair = raw[i + 1:i + 3]
            if len(pair) != 2 or not set(pair) <= _HEX:
                raise TargetRefused("a '%' in the path is not followed by two hex digits")
            data.append(int(pair, 16))
            i += 3
        else:
            data.append(ord(raw[i]))
            i += 1
    decoded = data.decode("latin-1")
    for ch in decoded:
        if ch in _FORBIDDEN_DECODED or not (" " <= ch <= "~"):
            raise TargetRefused("the path encodes a character that is not allowed "
                                "('/', '\\', '%', '#', '?', ';', control or non-ASCII)")
    if decoded in (".", "..") and raw != decoded:
        raise TargetRefused("a dot segment is percent-encoded")
    return decoded


def _resolve_dots(segments: list[str]) -> list[str]:
    out: list[str] = []
    for segment in segments:
        if segment in ("", "."):
            continue
        if segment == "..":
            if not out:
                raise TargetRefused("the path climbs above the root")
            out.pop()
            continue
        out.append(segment)
    return out


TARGET = web.RequestKey("breakwater_target", Target)


def target_of(request: web.Request) -> Target:
    """The canonical target the front door stored on this request (proxy.server)."""
    return request[TARGET]
