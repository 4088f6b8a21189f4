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
            if event.foreign:  # not an event stream (a JSON body labelled as one): nothing here can be judged
                raise StreamBroken("the upstream body is not an event stream")
            self.on_event(event)

    def finish(self, error: str | None) -> None:
        """The upstream body ended (cleanly, or with `error`): flush the decoder, then end the reply."""
        if error is None:
            try:
                for event in self.decoder.finish():
                    if event.foreign:
                        raise StreamBroken("the upstream body is not an event stream")
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
    except RecursionError:  # nested deeper than the parser goes: nobody can read it, so nobody may get it
        raise StreamBroken("the upstream sent an event nested too deeply") from None
    if not isinstance(payload, dict):
        raise StreamBroken("the upstream sent an event that is not a JSON object")
    return payload


def json_or_none(data: str | None) -> Any:
    """An event's data parsed, or None when it cannot be (shadow mode only counts; it never relays)."""
    try:
        return json.loads(data or "")
    except (json.JSONDecodeError, RecursionError):
        return None


def wire_index(value: object, default: int | None = 0) -> int | None:
    """An `index`-like field as an int. SDKs read `0.0` as 0, so the guard must too.

    Missing (None) gives `default`; an integral float its int; anything else (a fraction, a
    string, a bool, a negative number) cannot be placed, so the stream is broken rather than
    relayed unread.
    """
    if value is None:
        return default
    if isinstance(value, bool):
        raise StreamBroken("the upstream sent an index that is not a number")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int) or value < 0:
        raise StreamBroken(f"the upstream sent an index that is not a whole number: {value!r}")
    return value


@dataclass(frozen=True)
class DeltaFrame:
    """A text-delta event without its text: the framing a released or rewritten piece of text goes back into."""

    event: str | None
    payload: dict[str, Any]
