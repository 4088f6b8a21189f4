"""Server-sent events: an incremental decoder and an encoder in the upstream's own framing.

Upstream bodies arrive in arbitrary pieces: an event, a line, even a UTF-8 sequence can be
split anywhere. The decoder keeps bytes until a line is complete (so text is only ever
decoded from whole lines), accepts CRLF, CR and LF, and remembers which one the upstream
used so re-encoded events look like the ones around them. Every event keeps its exact
`raw` bytes: whatever the guard does not change is written back byte for byte. Field
names SSE does not define are kept in `foreign`: clients ignore them, but a body full of
them is not an event stream (JSON served as SSE), which guarded adapters refuse.
"""

from __future__ import annotations

from dataclasses import dataclass, field

MAX_LINE_BYTES = 16 * 1024 * 1024


class SSEError(ValueError):
    """The upstream body is not a readable event stream."""


@dataclass(frozen=True)
class Event:
    """One event block. `data` is None for blocks without fields (comments, stray blank lines)."""

    raw: bytes
    data: str | None = None
    event: str | None = None
    id: str | None = None
    comments: tuple[str, ...] = ()
    foreign: tuple[str, ...] = ()  # field names SSE does not define (a JSON body's lines read as fields)

    @property
    def is_comment(self) -> bool:
        return self.data is None and self.event is None and self.id is None


@dataclass
class _Pending:
    raw: list[bytes] = field(default_factory=list)
    data: list[str] = field(default_factory=list)
    event: str | None = None
    id: str | None = None
    comments: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)
    has_fields: bool = False


class Decoder:
    """Bytes in, complete events out. A comment line before any field is its own event,
    so keep-alives are forwarded at once rather than with the next event."""

    def __init__(self, max_line_bytes: int = MAX_LINE_BYTES) -> None:
        self.newline = b"\n"
        self._newline_known = False
        self._buffer = bytearray()
        self._pending = _Pending()
        self._max_line = max_line_bytes

    def feed(self, chunk: bytes) -> list[Event]:
        self._buffer += chunk
        events: list[Event] = []
        while True:
            line = self._next_line(final=False)
            if line is None:
                break
            self._on_line(*line, events)
        if len(self._buffer) > self._max_line:
            raise SSEError(f"an event line is longer than {self._max_line} bytes")
        return events

    def finish(self) -> list[Event]:
        """The end of the body: a last line without a line break and an event without its
        blank line are still delivered (close-delimited bodies end that way)."""
        events: list[Event] = []
        while (line := self._next_line(final=True)) is not None:
            self._on_line(*line, events)
        if self._pending.raw:
            events.append(self._dispatch())
        return events

    def _next_line(self, final: bool) -> tuple[bytes, bytes] | None:
        buffer = self._buffer
        if not buffer:
            return None
        cr, lf = buffer.find(b"\r"), buffer.find(b"\n")
        ends = [p for p in (cr, lf) if p >= 0]
        if not ends:
            if not final:
                return None
            content, terminator = bytes(buffer), b""
            del buffer[:]
            return content, terminator
        end = min(ends)
        if buffer[end] == 0x0D:  # \r: a \n may follow in the next chunk
            if end + 1 == len(buffer) and not final:
                return None
            terminator = b"\r\n" if end + 1 < len(buffer) and buffer[end + 1] == 0x0A else b"\r"
        else:
            terminator = b"\n"
        content = bytes(buffer[:end])
        del buffer[:end + len(terminator)]
        if not self._newline_known:
            self.newline, self._newline_known = terminator, True
        return content, terminator

    def _on_line(self, content: bytes, terminator: bytes, events: list[Event]) -> None:
        pending = self._pending
        if not content:
            pending.raw.append(terminator)
            events.append(self._dispatch())
            return
        try:
            line = content.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise SSEError(f"an event line is not valid UTF-8: {exc.reason}") from None
        if line.startswith(":"):
            if not pending.raw:
                events.append(Event(content + terminator, comments=(line[1:],)))
                return
            pending.comments.append(line[1:])
            pending.raw.append(content + terminator)
            return
        name, _, value = line.partition(":")
        value = value.removeprefix(" ")
        pending.raw.append(content + terminator)
        pending.has_fields = True
        if name == "data":
            pending.data.append(value)
        elif name == "event":
            pending.event = value
        elif name == "id":
            pending.id = value
        elif name != "retry":
            pending.foreign.append(name[:40])

    def _dispatch(self) -> Event:
        pending = self._pending
        self._pending = _Pending()
        data = "\n".join(pending.data) if pending.data else None
        return Event(b"".join(pending.raw), data, pending.event, pending.id, tuple(pending.comments),
                     tuple(pending.foreign))


def encode(data: str, event: str | None = None, newline: bytes = b"\n") -> bytes:
    """One event, framed like the upstream's: an `event:` line when it used one, its line breaks."""
    lines = [f"event: {event}".encode()] if event is not None else []
    lines.extend(f"data: {line}".encode() for line in data.split("\n"))
    return newline.join(lines) + newline + newline
