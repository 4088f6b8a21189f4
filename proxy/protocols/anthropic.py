"""Anthropic messages (`POST /v1/messages`), non-streaming replies.

The assistant text lives in the `text` blocks of `content`; only those strings change,
every other block and field stays where it was.
"""

from __future__ import annotations

from typing import Any

from proxy.guard import Guard, Review


def text_blocks(payload: dict[str, Any]) -> list[dict[str, Any]]:
    return [block for block in payload.get("content") or []
            if isinstance(block, dict) and block.get("type") == "text" and isinstance(block.get("text"), str)]


async def review_response(payload: dict[str, Any], guard: Guard) -> Review:
    """Scan and (unless shadow) rewrite the reply's text blocks in place."""
    blocks = text_blocks(payload)
    review = await guard.review_texts([block["text"] for block in blocks])
    if review.changed:
        for block, text in zip(blocks, review.texts, strict=True):
            block["text"] = text
    return review
