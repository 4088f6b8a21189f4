"""The SSE side every stream adapter shares: bytes in, decoded events out, and a judged end.

Adapters (OpenAI chat and completions, Anthropic messages, Responses) say what each event
means (`on_event`) and how the reply ends (`end`): what is still held gets judged, and a
broken upstream gets one error event in that API's own format.
"""

from __future__ import annotations

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
