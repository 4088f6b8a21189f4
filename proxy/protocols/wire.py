"""The one interface every wire format implements, so the server and the stream relay hold no per-format code.

A wire format is one API's JSON and SSE shapes (OpenAI chat, completions, Responses, Anthropic
messages). Each is a `WireFormat` subclass in its protocol module, registered by canonical path in
`proxy.protocols.table`; `proxy.server` routes through that table and `proxy.stream.relay` runs a
stream through the object it is given. Everything between extract and render works on plain models.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from proxy import agents, sse
from proxy.errors import error_body
from proxy.guard import Guard, Review
from proxy.stream.context import StreamContext

if TYPE_CHECKING:
    from proxy.repair.formats import RepairFormat  # repair builds on the protocol modules
    from proxy.repair.stream_formats import StreamRepairFormat

Payload = dict[str, Any]


class Transformer(Protocol):
    """An enforce-mode stream: upstream bytes in, what the client may see out (through `StreamContext.output`)."""

    def feed(self, data: bytes) -> None:
        """Take upstream bytes; may raise StreamBroken."""

    def finish(self, error: str | None) -> None:
        """The upstream ended: cleanly (None) or with this error."""


class WireFormat(ABC):
    """One API: review a whole reply, guard a stream, collect a shadowed stream, word an error, ask again.

    `review` rewrites a non-streamed reply in place (unless shadow) and says what was decided;
    `transformer` guards a streamed reply as it arrives; `collect` turns a shadowed stream's events
    into the texts and tool calls a non-streamed reply would have had, and `review_collected` counts
    them as enforce mode would have decided. `repair` (proxy.repair) builds the follow-up request when
    the repair loop may ask the model again; None where it may not (autocomplete: too slow for its use).
    `stream_repair` (proxy.repair.stream_formats) does the same for a streamed reply: the original rebuilt
    from its events and the repaired answer written as the rest of the stream; None where it may not.
    """

    name: ClassVar[str]
    path: ClassVar[str]  # the canonical endpoint, e.g. `/v1/chat/completions`

    def __init__(self, stream_repair: StreamRepairFormat | None = None) -> None:
        self.stream_repair = stream_repair
        self.repair: RepairFormat | None = stream_repair.repair if stream_repair is not None else None

    @abstractmethod
    async def review(self, reply: Payload, guard: Guard, request: Payload) -> Review:
        """Scan a non-streamed reply and (unless shadow) rewrite it in place."""

    @abstractmethod
    def transformer(self, ctx: StreamContext, request: Payload) -> Transformer:
        """The enforce-mode transformer of one streamed reply."""

    @abstractmethod
    def collect(self, events: list[sse.Event]) -> agents.CollectedReply:
        """A shadowed stream's texts and tool calls, each event's JSON parsed once."""

    async def review_collected(self, guard: Guard, collected: agents.CollectedReply, request: Payload) -> Review:
        """Shadow mode: scan and record what a stream carried, as one decision; change nothing."""
        review = await agents.review_reply(guard, collected.texts, collected.calls)
        return Review(review.texts, review.result, review.changed)

    def error_body(self, status: int, message: str, code: str | None = None) -> dict[str, object]:
        """An error in this API's own JSON shape."""
        return error_body(self.path, status, message, code)
