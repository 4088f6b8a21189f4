"""Responses streams, at write time: number the events and make the summaries match the deltas.

A Responses event carries numbers that depend on everything delivered before it: a
`sequence_number` that must keep increasing, and an `output_index` that must count the
items the client has seen. While a fenced block or a tool item is held, neither is known
for the events behind it (a blocked item becomes one note item, a tagged one gains a note
item, a block note replaces many deltas with one). So the adapter writes events with the
upstream's numbers (or none, for events it adds), and this pass, run on the bytes in the
order they go out (`Output.rewrite`), renumbers them.

It also remembers what was delivered — each item, and each text part as its deltas
assembled — and rewrites the summaries to match: `output_text.done.text`,
`content_part.done.part`, `output_item.done.item` and the terminal event's
`response.output`, so a blocked item or a blocked code block cannot come back through them
and `get_final_response()` equals what was streamed. An event that needs no change is
written byte for byte.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from proxy import sse

TERMINAL = frozenset({"response.completed", "response.failed", "response.incomplete"})
TEXT_PARTS = frozenset({"output_text", "text"})

ItemKey = tuple[int, object]


def dumps(payload: dict[str, Any]) -> str:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))


def _item_id(payload: dict[str, Any]) -> object:
    item = payload.get("item")
    if isinstance(item, dict):
        return item.get("id")
    return payload.get("item_id")


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


class Delivery:
    """Feed it the outgoing bytes (whole events, in order); it returns them renumbered and reconciled."""

    def __init__(self) -> None:
        self.decoder = sse.Decoder()
        self.next_sequence: int | None = None
        self.next_index = 0
        self.indexes: dict[ItemKey, int] = {}  # (upstream output_index, item id) → delivered index
        self.latest: dict[int, int] = {}  # upstream output_index → delivered index of its latest item
        self.items: dict[int, dict[str, Any]] = {}  # delivered index → the item as delivered
        self.texts: dict[tuple[int, int], list[str]] = {}  # (delivered index, content index) → deltas

    def rewrite(self, data: bytes) -> bytes:
        return b"".join(self._event(event) for event in self.decoder.feed(data))

    @property
    def output(self) -> list[dict[str, Any]]:
        """The items the client was given, in order, with their texts as streamed."""
        return [self._with_texts(index, self.items[index]) for index in sorted(self.items)]

    def _event(self, event: sse.Event) -> bytes:
        if event.data is None:
            return event.raw
        try:
            payload = json.loads(event.data)
        except json.JSONDecodeError:
            return event.raw
        if not isinstance(payload, dict):
            return event.raw
        before = copy.deepcopy(payload)
        self._number(payload)
        self._track(payload)
        if payload == before:
            return event.raw
        return sse.encode(dumps(payload), event.event, self.decoder.newline)

    def _number(self, payload: dict[str, Any]) -> None:
        if "sequence_number" in payload:
            if self.next_sequence is None:
                self.next_sequence = _int(payload["sequence_number"]) or 0
            payload["sequence_number"] = self.next_sequence
            self.next_sequence += 1
        upstream = _int(payload.get("output_index"))
        if upstream is None:
            return
        key = (upstream, _item_id(payload))
        if payload.get("type") == "response.output_item.added" and key not in self.indexes:
            self.indexes[key] = self.next_index
            self.latest[upstream] = self.next_index
            self.next_index += 1
        index = self.indexes.get(key, self.latest.get(upstream))
        if index is not None:
            payload["output_index"] = index

    def _track(self, payload: dict[str, Any]) -> None:
        kind = payload.get("type")
        index = _int(payload.get("output_index"))
        part_index = _int(payload.get("content_index")) or 0
        if kind in TERMINAL:
            response = payload.get("response")
            if isinstance(response, dict) and isinstance(response.get("output"), list):
                response["output"] = self.output
                if isinstance(response.get("output_text"), str):
                    response["output_text"] = "".join(_message_texts(response["output"]))
            return
        if index is None:
            return
        item = payload.get("item")
        if kind == "response.output_item.added" and isinstance(item, dict):
            self.items[index] = copy.deepcopy(item)
        elif kind == "response.output_item.done" and isinstance(item, dict):
            payload["item"] = self._with_texts(index, item)
            self.items[index] = copy.deepcopy(payload["item"])
        elif kind == "response.content_part.added":
            self.texts.setdefault((index, part_index), [])
        elif kind == "response.output_text.delta" and isinstance(payload.get("delta"), str):
            self.texts.setdefault((index, part_index), []).append(payload["delta"])
        elif kind == "response.output_text.done" and (index, part_index) in self.texts:
            payload["text"] = "".join(self.texts[(index, part_index)])
        elif kind == "response.content_part.done" and isinstance(payload.get("part"), dict):
            payload["part"] = self._part_text(index, part_index, payload["part"])

    def _with_texts(self, index: int, item: dict[str, Any]) -> dict[str, Any]:
        content = item.get("content")
        if item.get("type") != "message" or not isinstance(content, list):
            return item
        parts = [self._part_text(index, number, part) if isinstance(part, dict) else part
                 for number, part in enumerate(content)]
        return {**item, "content": parts}

    def _part_text(self, index: int, number: int, part: dict[str, Any]) -> dict[str, Any]:
        deltas = self.texts.get((index, number))
        if deltas is None or part.get("type") not in TEXT_PARTS:
            return part
        return {**part, "text": "".join(deltas)}


def _message_texts(output: list[dict[str, Any]]) -> list[str]:
    return [part["text"] for item in output if item.get("type") == "message" and isinstance(item.get("content"), list)
            for part in item["content"]
            if isinstance(part, dict) and part.get("type") == "output_text" and isinstance(part.get("text"), str)]
