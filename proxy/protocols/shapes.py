"""What the non-streamed protocol modules share: reviewing a reply in place, and splicing notes in for calls.

Each wire format says where its texts and tool calls sit (`TextSlot`s and `ToolCall`s) and how a
note looks as one of its items; the review, the write-back of the texts and the order of calls
and notes are written once, here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from proxy.agents import ToolCall, ToolVerdict, review_reply
from proxy.guard import Guard, Review

TextSlot = tuple[dict[str, Any], str]  # (the object holding a text, the key of the text)


async def review_in_place(guard: Guard, slots: Sequence[TextSlot], calls: Sequence[ToolCall],
                          apply_verdicts: Callable[[list[ToolVerdict]], None]) -> Review:
    """Scan a reply's texts and tool calls as one decision; unless nothing changed (or shadow), write the
    rewritten texts back into their slots and let the wire format apply the call verdicts."""
    review = await review_reply(guard, [holder[key] for holder, key in slots], calls)
    if review.changed:
        for (holder, key), text in zip(slots, review.texts, strict=True):
            holder[key] = text
        apply_verdicts(review.verdicts)
    return Review(review.texts, review.result, review.changed)


def splice_notes(items: Sequence[Any], verdicts: dict[int, ToolVerdict], note_item: Callable[[str], Any]) -> list[Any]:
    """The items with each judged call (keyed by `id(item)`) kept only when delivered, and its note, as an
    item of the wire format, in its place: after the call when it stays, instead of it when it does not."""
    spliced: list[Any] = []
    for item in items:
        verdict = verdicts.get(id(item))
        if verdict is None or verdict.deliver:
            spliced.append(item)
        if verdict is not None and verdict.note:
            spliced.append(note_item(verdict.note))
    return spliced
