"""The SSE side every stream adapter shares: bytes in, decoded events out, and a judged end.

Adapters (OpenAI chat and completions, Anthropic messages, Responses) say what each event
means (`on_event`) and how the reply ends (`end`): what is still held gets judged, and a
broken upstream gets one error event in that API's own format.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from proxy import sse
from proxy.stream.context import StreamBroken, StreamContext


class EventStream:
    def __init__(self, ctx: StreamContext) -> None:
        self.ctx = ctx
        self.decoder = sse.Decoder()

    def feed(self, data: bytes) -> None:
        """Take upstream bytes; events are handled as soon as they are complete."""
        try:
            events = self.decoder.feed(data)
        except sse.SSEError as exc:
            raise StreamBroken(str(exc)) from None
        for event in events:
            self.on_event(event)

    def finish(self, error: str | None) -> None:
        """The upstream body ended (cleanly, or with `error`): flush the decoder, then end the reply."""
        if error is None:
            try:
                for event in self.decoder.finish():
                    self.on_event(self.last_event(event))
            except (sse.SSEError, StreamBroken) as exc:
                error = str(exc)
        self.end(error)

    def last_event(self, event: sse.Event) -> sse.Event:
        """An event from a body that ended without its blank line; adapters may complete it."""
        return event

    def on_event(self, event: sse.Event) -> None:
        raise NotImplementedError

    def end(self, error: str | None) -> None:
        raise NotImplementedError


def event_json(event: sse.Event) -> dict[str, Any]:
    """An event's data as a JSON object; anything else means the upstream stream is broken."""
    try:
        payload = json.loads(event.data or "")
    except json.JSONDecodeError:
        raise StreamBroken("the upstream sent an event that is not JSON") from None
    if not isinstance(payload, dict):
        raise StreamBroken("the upstream sent an event that is not a JSON object")
    return payload


@dataclass(frozen=True)
class DeltaFrame:
    """A text-delta event without its text: the framing a released or rewritten piece of text goes back into."""

    event: str | None
    payload: dict[str, Any]
