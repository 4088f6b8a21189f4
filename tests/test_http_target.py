"""The request-target canonicalisation table: each raw target → its canonical path, or refused.

The end-to-end behaviour (routing, the upstream URL, the error format) is in
tests/test_http_routes.py; this table pins the rules themselves, one family per block.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from proxy.http_target import (
    GUARDED_PATHS,
    Target,
    TargetRefused,
    api_of,
    canonical_target,
)
from proxy.protocols.table import WIRE_FORMATS

LIMIT = 4096
REFUSED = None

TABLE: list[tuple[str, str | None]] = [
    # plain targets are their own canonical form
    ("/v1/chat/completions", "/v1/chat/completions"),
    ("/v1/messages", "/v1/messages"),
    ("/v1/models/ft:gpt-4o-mini:org::abc123", "/v1/models/ft:gpt-4o-mini:org::abc123"),
    ("/", "/"),
    ("/healthz", "/healthz"),
    # unreserved characters spelt as %XX are decoded
    ("/v1/chat/complet%69ons", "/v1/chat/completions"),
    ("/v1/%63hat/%63ompletions", "/v1/chat/completions"),
    ("/v1/models/ft%3Agpt-4o", "/v1/models/ft:gpt-4o"),
    # dot segments (RFC 3986 5.2.4), as long as the target stays in /v1/
    ("/v1/chat/./completions", "/v1/chat/completions"),
    ("/v1/x/../chat/completions", "/v1/chat/completions"),
    ("/v1/./././messages", "/v1/messages"),
    ("/v1/a/b/../../responses", "/v1/responses"),
    ("/v1/../v1/messages", "/v1/messages"),
    # repeated and trailing slashes collapse
    ("/v1//chat//completions", "/v1/chat/completions"),
    ("/v1/chat/completions/", "/v1/chat/completions"),
    ("//v1/messages", "/v1/messages"),
    ("/v1/messages///", "/v1/messages"),
    # leaving (or entering) /v1/ through dot segments
    ("/v1/..", REFUSED),
    ("/v1/../internal-admin", REFUSED),
    ("/v1/chat/../../internal-admin", REFUSED),
    ("/healthz/../v1/chat/completions", REFUSED),
    ("/..", REFUSED),
    # encoded separators and dots: ambiguous between parsers
    ("/v1/x/..%2fchat/completions", REFUSED),
    ("/v1/..%2f..%2finternal-admin", REFUSED),
    ("/v1/chat%2Fcompletions", REFUSED),
    ("/v1/chat/%2e/completions", REFUSED),
    ("/v1/x/%2E%2E/chat/completions", REFUSED),
    ("/v1/x/.%2e/chat/completions", REFUSED),
    ("/v1/chat%5ccompletions", REFUSED),
    # double encoding
    ("/v1/chat%252fcompletions", REFUSED),
    ("/v1/x/%252e%252e/chat/completions", REFUSED),
    # fragments, encoded or not
    ("/v1/chat/completions%23", REFUSED),
    ("/v1/chat/completions#x", REFUSED),
    ("/v1/chat/completions?a=1#x", REFUSED),
    # path parameters
    ("/v1/chat/completions;x=1", REFUSED),
    ("/v1/chat;/completions", REFUSED),
    ("/v1/chat/completions%3B", REFUSED),
    # an encoded query separator is not a query
    ("/v1/chat/completions%3Fstream=true", REFUSED),
    # backslashes
    ("/v1\\chat\\completions", REFUSED),
    ("/v1/chat\\..\\x", REFUSED),
    # NUL, control characters, bad or non-ASCII escapes
    ("/v1/chat/completions%00", REFUSED),
    ("/v1/chat/completions%0d%0aX-Injected:1", REFUSED),
    ("/v1/chat/completions%7f", REFUSED),
    ("/v1/chat/completions%c0%af", REFUSED),
    ("/v1/caf%C3%A9", REFUSED),
    ("/v1/chat/completions%", REFUSED),
    ("/v1/chat/completions%2", REFUSED),
    ("/v1/chat/completions%zz", REFUSED),
    ("/v1/\u00e9", REFUSED),
    # a guarded endpoint in another case (a case-insensitive upstream would serve it unguarded)
    ("/v1/Chat/Completions", REFUSED),
    ("/v1/MESSAGES", REFUSED),
    ("/v1/./Responses/", REFUSED),
    ("/v1/%43hat/completions", REFUSED),
    ("/v1/models/GPT-4o", "/v1/models/GPT-4o"),
    ("/V1/chat/completions", REFUSED),
    ("/V1/models", "/V1/models"),  # not an API path at all: never forwarded (404)
    # not origin-form
    ("http://evil.example/v1/chat/completions", REFUSED),
    ("*", REFUSED),
    ("v1/chat/completions", REFUSED),
    # overlong
    ("/v1/" + "a" * LIMIT, REFUSED),
]


@pytest.mark.parametrize(("raw", "expected"), TABLE)
def test_canonical_path_table(raw: str, expected: str | None) -> None:
    if expected is REFUSED:
        with pytest.raises(TargetRefused):
            canonical_target(raw, LIMIT)
    else:
        assert canonical_target(raw, LIMIT).path == expected


def test_the_table_is_large_and_covers_both_outcomes() -> None:
    assert len(TABLE) >= 30
    assert sum(e is REFUSED for _, e in TABLE) >= 15 and sum(e is not REFUSED for _, e in TABLE) >= 15


@pytest.mark.parametrize(("raw", "query"), [
    ("/v1/models?limit=2&after=m%2Fx", "limit=2&after=m%2Fx"),
    ("/v1/files?purpose=fine-tune&x=%20y", "purpose=fine-tune&x=%20y"),
    ("/v1/chat/./completions?a=b?c", "a=b?c"),
    ("/v1/models", ""),
])
def test_query_string_is_kept_exactly(raw: str, query: str) -> None:
    assert canonical_target(raw, LIMIT).query == query


def test_encoded_path_is_what_goes_on_the_wire() -> None:
    target = canonical_target("/v1/models/ft%3Agpt-4o%20x/./y", LIMIT)
    assert (target.path, target.encoded_path) == ("/v1/models/ft:gpt-4o x/y", "/v1/models/ft:gpt-4o%20x/y")


def test_limit_is_inclusive() -> None:
    raw = "/v1/" + "a" * (LIMIT - 4)
    assert canonical_target(raw, LIMIT).path == raw
    with pytest.raises(TargetRefused):
        canonical_target(raw + "a", LIMIT)


@pytest.mark.parametrize(("path", "api"), [
    ("/v1/messages", "anthropic"), ("/v1/messages/count_tokens", "anthropic"), ("/v1/messages/batches/x", "anthropic"),
    ("/v1/messagesx", "openai"), ("/v1/chat/completions", "openai"), ("/v1/models", "openai"), ("/", "openai"),
])
def test_api_of_path(path: str, api: str) -> None:
    assert api_of(path) == api


def test_is_api() -> None:
    assert canonical_target("/", LIMIT).is_api and canonical_target("/v1/x", LIMIT).is_api
    assert not canonical_target("/healthz", LIMIT).is_api and not canonical_target("/v10/x", LIMIT).is_api


def test_every_guarded_path_has_a_wire_format() -> None:
    assert set(WIRE_FORMATS) == GUARDED_PATHS
    assert all(path == wire.path for path, wire in WIRE_FORMATS.items())


SEGMENT_PIECES = st.sampled_from(["v1", "chat", "completions", "messages", ".", "..", "", "%2e", "%2f", "%2F",
                                  "%25", "%23", ";", "\\", "%5c", "a", "%61", "%00", "%3f", "%", "%e2%80%ae"])


@given(st.lists(st.lists(SEGMENT_PIECES, min_size=1, max_size=3).map("".join), min_size=1, max_size=8))
def test_canonical_form_is_a_fixed_point_and_never_ambiguous(segments: list[str]) -> None:
    """Whatever is accepted canonicalises to itself again, holds no dot or empty segment, and no character that
    another parser could read as a separator, escape or fragment."""
    raw = "/" + "/".join(segments)
    try:
        target = canonical_target(raw, LIMIT)
    except TargetRefused:
        return
    again: Target = canonical_target(target.encoded_path, LIMIT)
    assert again == Target(target.path, target.encoded_path, "")
    parts = target.path.split("/")[1:]
    assert all(p not in (".", "..") for p in parts)
    assert target.path == "/" or all(parts)
    assert not set(target.path) & set("\\%#?;\x00")
    assert (raw.lstrip("/").split("/")[0] == "v1") == (parts[:1] == ["v1"])  # dot segments never cross /v1/
