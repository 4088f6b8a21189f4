"""OpenAI chat completions (`POST /v1/chat/completions`), non-streaming replies.

The assistant text lives in `choices[i].message.content`: a string, or (some compatible
servers) a list of `{"type": "text", "text": ...}` parts. Only those strings change;
every other field, known or not, stays where it was.
"""

from __future__ import annotations

from typing import Any

from proxy.guard import Guard, Review

TextSlot = tuple[dict[str, Any], str]  # (object holding the text, key of the text)


def text_slots(payload: dict[str, Any]) -> list[TextSlot]:
    slots: list[TextSlot] = []
    for choice in payload.get("choices") or []:
        message = choice.get("message") if isinstance(choice, dict) else None
        if not isinstance(message, dict):
            continue
        content = message.get("content")
        if isinstance(content, str):
            slots.append((message, "content"))
        elif isinstance(content, list):
            slots.extend((part, "text") for part in content
                         if isinstance(part, dict) and isinstance(part.get("text"), str))
    return slots


async def review_response(payload: dict[str, Any], guard: Guard) -> Review:
    """Scan and (unless shadow) rewrite the reply's assistant texts in place."""
    slots = text_slots(payload)
    review = await guard.review_texts([holder[key] for holder, key in slots])
    if review.changed:
        for (holder, key), text in zip(slots, review.texts, strict=True):
            holder[key] = text
    return review
