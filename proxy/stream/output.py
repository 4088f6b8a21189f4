"""The order in which a streamed reply reaches the client, while some of it is still being judged.

Everything written goes through an `Output` as entries in arrival order. An entry belongs
to a lane (one per choice, or one per message), to no lane (`put_global`: it waits for every
earlier entry, like a usage chunk or `[DONE]`), or is free (`put_free`: keep-alive comments,
written as soon as they come). A held code block is a `Slot` in its lane: later entries of
that lane wait until the slot is filled with the block's release, while other lanes go on.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

GLOBAL = -1
FREE = -2


@dataclass(eq=False)
class Slot:
    """A place in the output whose bytes are not known yet."""

    lane: int
    output: Output
    data: bytes | None = None

    def fill(self, data: bytes) -> None:
        if self.data is None:
            self.data = data
            self.output.changed()

    @property
    def filled(self) -> bool:
        return self.data is not None


@dataclass
class Output:
    """Entries in arrival order; `run()` writes each one as soon as the order allows."""

    _entries: list[Slot] = field(default_factory=list)
    _wake: asyncio.Event = field(default_factory=asyncio.Event)
    _closed: bool = False
    written: int = 0
    # Applied to the bytes just before they are written, in output order: for a protocol whose
    # events carry numbers that depend on what was delivered before them (Responses'
    # sequence_number and output_index), which is only known once held entries are released.
    rewrite: Callable[[bytes], bytes] | None = None
    # While this returns True nothing more is written: the repair loop (proxy.repair.streamed) holds the
    # stream at a block it asks the model to fix, then `release`s it, after `replace_pending` if repaired.
    hold: Callable[[], bool] | None = None

    def put(self, lane: int, data: bytes) -> None:
        if data:
            self._entries.append(Slot(lane, self, data))
            self.changed()

    def put_global(self, data: bytes) -> None:
        self.put(GLOBAL, data)

    def put_free(self, data: bytes) -> None:
        self.put(FREE, data)

    def reserve(self, lane: int) -> Slot:
        slot = Slot(lane, self)
        self._entries.append(slot)
        return slot

    def changed(self) -> None:
        self._wake.set()

    def close(self) -> None:
        """No more entries will come; `run()` returns once the last one is written."""
        self._closed = True
        self.changed()

    def take_ready(self) -> bytes:
        """The bytes that may be written now, removed from the queue, in order."""
        out: list[bytes] = []
        kept: list[Slot] = []
        blocked: set[int] = set()
        all_blocked = False
        for entry in self._entries:
            if entry.lane == FREE:
                writable = entry.filled
            elif entry.lane == GLOBAL:
                writable = entry.filled and not kept_non_free(kept)
            else:
                writable = entry.filled and not all_blocked and entry.lane not in blocked
            if writable:
                out.append(entry.data or b"")
                continue
            kept.append(entry)
            if entry.lane == GLOBAL:
                all_blocked = True
            elif entry.lane != FREE:
                blocked.add(entry.lane)
        self._entries = kept
        return b"".join(out)

    def release(self) -> None:
        """End a `hold`: what waited is written, in order."""
        self.hold = None
        self.changed()

    def replace_pending(self, data: bytes) -> None:
        """Drop everything not yet written; `data` is written instead (after the hold is released)."""
        self._entries = [Slot(GLOBAL, self, data)] if data else []
        self.changed()

    def prepend_pending(self, data: bytes) -> None:
        """Write `data` before everything not yet written (after the hold is released)."""
        if data:
            self._entries.insert(0, Slot(GLOBAL, self, data))
            self.changed()

    @property
    def pending(self) -> int:
        return len(self._entries)

    async def run(self, write: Callable[[bytes], Awaitable[None]]) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            while not (self.hold is not None and self.hold()) and (data := self.take_ready()):
                if self.rewrite is not None:
                    data = self.rewrite(data)
                self.written += len(data)
                await write(data)
            if self._closed and not self._entries:
                return


def kept_non_free(kept: list[Slot]) -> bool:
    return any(entry.lane != FREE for entry in kept)
