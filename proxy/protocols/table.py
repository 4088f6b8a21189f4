"""The wire formats by canonical path: the one place an API is registered.

`proxy.server` routes every guarded `POST` through `WIRE_FORMATS` and holds no per-format code;
a new API is one new protocol module (a `WireFormat` subclass) plus one line here.
"""

from __future__ import annotations

import re

from proxy.http_target import CHAT, RESPONSES
from proxy.protocols.anthropic_stream import AnthropicMessages
from proxy.protocols.openai_completions import OpenAICompletions
from proxy.protocols.openai_responses_stream import OpenAIResponses
from proxy.protocols.openai_stream import OpenAIChat
from proxy.protocols.wire import WireFormat
from proxy.repair import stream_formats as repair

WIRE_FORMATS: dict[str, WireFormat] = {wire.path: wire for wire in (
    OpenAIChat(repair.CHAT),
    OpenAICompletions(),  # autocomplete is never repaired: too slow for its use
    OpenAIResponses(repair.RESPONSES),
    AnthropicMessages(repair.MESSAGES),
)}

# Model output the API stores and hands back on GET: judged like the reply it was (a stored reply is
# no way around the guard).
STORED_REPLIES: tuple[tuple[re.Pattern[str], WireFormat], ...] = (
    (re.compile(r"/v1/responses/[^/]+"), WIRE_FORMATS[RESPONSES]),
    (re.compile(r"/v1/chat/completions/[^/]+"), WIRE_FORMATS[CHAT]),
)


def stored_reply_format(path: str) -> WireFormat | None:
    """The wire format of a stored reply read back at `path`, or None when `path` is not one."""
    return next((wire for pattern, wire in STORED_REPLIES if pattern.fullmatch(path)), None)
