"""The JSON body of a non-streamed reply, read the way the guard needs it: whole, or not at all.

An upstream body that is not valid UTF-8 is read with the bad bytes replaced (U+FFFD), and
the reply is then always re-serialised: the client gets exactly the text that was scanned,
never bytes a lenient client might decode differently. A 2xx body on a guarded endpoint that
is not a JSON object at all (or an event stream labelled as JSON) cannot be judged; the
caller answers with an error in the API's format instead of relaying it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ReplyBody:
    """A parsed reply, and whether its bytes had to be repaired to parse (then never relay them raw)."""

    payload: dict[str, Any]
    repaired: bool


def read_reply(raw: bytes) -> ReplyBody | None:
    """The body as a JSON object, else None (not JSON, not an object, or nested too deeply to read)."""
    try:
        text, repaired = raw.decode("utf-8"), False
    except UnicodeDecodeError:
        text, repaired = raw.decode("utf-8", errors="replace"), True
    try:
        value = json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        return None
    return ReplyBody(value, repaired) if isinstance(value, dict) else None


def is_event_stream(content_type: str) -> bool:
    """Whether a 2xx answer to a streamed request is read as events: anything but JSON is.

    Upstreams have served SSE as `text/plain` or without a type, and SDKs read it anyway;
    a JSON body labelled otherwise is caught by the event decoder (its lines are not fields).
    """
    return content_type not in ("application/json", "application/problem+json")
