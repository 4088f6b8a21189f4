"""OpenAI Responses API streams (`stream: true`, what Codex CLI always uses): events in, guarded events out.

A reply is a sequence of output items, streamed one after another, so it is one lane.
- `response.output_text.delta` of a message item goes through a `TextGuard` per content
  part, like chat content: prose at once, a fenced block held until it closes, then
  released, released with the tag note, or replaced by the block note — as
  `output_text.delta` events in the item's own framing.
- A tool item (`function_call`, `custom_tool_call` such as Codex `apply_patch` or code-mode
  `exec`, `local_shell_call`, `shell_call`, `apply_patch_call`) is held from its
  `output_item.added` to its `output_item.done` (an agent can only run it once it is whole)
  and reviewed with `proxy.agents`, one engine call per item, as non-streamed replies are.
  Allow: its events go out unchanged. Tag: they go out, followed by a message item with the
  note. Block: a message item with the block note goes out in its place.
- Everything else (lifecycle, reasoning, refusals, unknown events and fields) keeps its place.

Numbers and summaries that depend on what was delivered (`sequence_number`, `output_index`,
the `.done` texts, the final `response.output`) are fixed at write time by
`openai_responses_delivery.Delivery`. If the upstream breaks off, what is held is judged,
then an `error` event (the SDK's `ResponseErrorEvent`) ends the stream.
"""

from __future__ import annotations

import functools
import json
import logging
import uuid
from dataclasses import dataclass, field, replace
from typing import Any

from proxy import sse
from proxy.agents import CollectedReply, ToolVerdict, review_reply, verdict_for
from proxy.guard import Guard, Review
from proxy.http_target import RESPONSES
from proxy.models import Decision, Origin, ScanResult, Snippet, SnippetResult
from proxy.protocols.openai_responses import item_calls, review_response, text_slots, tool_call_of
from proxy.protocols.openai_responses_delivery import TERMINAL, Delivery, dumps
from proxy.protocols.wire import Payload, WireFormat
from proxy.stream.context import StreamContext
from proxy.stream.events import DeltaFrame, EventStream, event_json, json_or_none, wire_index
from proxy.stream.output import Slot
from proxy.stream.text import MarkdownJudge, TextGuard
from proxy.stream.tools import ToolCall, ToolHold, over_limit

log = logging.getLogger("breakwater.stream")

LANE = 0
HELD_ITEMS = frozenset({"function_call", "custom_tool_call", "local_shell_call", "shell_call", "apply_patch_call",
                        "mcp_call", "mcp_approval_request"})
ENDED = "the upstream stream ended before the response was complete"
ITEM_EVENTS = frozenset({"response.output_item.added", "response.output_item.done"})
# tool input events, and the item type they belong to (for input that comes without its item)
TOOL_INPUT_EVENTS = {"response.function_call_arguments.delta": "function_call",
                     "response.function_call_arguments.done": "function_call",
                     "response.custom_tool_call_input.delta": "custom_tool_call",
                     "response.custom_tool_call_input.done": "custom_tool_call",
                     "response.mcp_call_arguments.delta": "mcp_call",
                     "response.mcp_call_arguments.done": "mcp_call"}
PER_ITEM_PREFIXES = ("response.output_item.", "response.output_text.", "response.content_part.",
                     "response.function_call_arguments.", "response.custom_tool_call_input.", "response.mcp_call")

PartKey = tuple[int, int]  # (upstream output_index, content_index)


@dataclass
class HeldItem:
    """A tool item's events, from `output_item.added` on, and its input as it streams."""

    item: dict[str, Any]
    slot: Slot
    hold: ToolHold
    events: list[bytes] = field(default_factory=list)
    size: int = 0  # bytes of the events held
    pieces: list[str] = field(default_factory=list)
    whole: str | None = None  # from `…arguments.done` / `…input.done`
    done: dict[str, Any] | None = None

    def observe(self, kind: object, payload: dict[str, Any]) -> None:
        if kind in ("response.function_call_arguments.delta", "response.custom_tool_call_input.delta",
                    "response.mcp_call_arguments.delta"):
            if isinstance(payload.get("delta"), str):
                self.pieces.append(payload["delta"])
        elif kind in ("response.function_call_arguments.done", "response.mcp_call_arguments.done") \
                and isinstance(payload.get("arguments"), str):
            self.whole = payload["arguments"]
        elif kind == "response.custom_tool_call_input.done" and isinstance(payload.get("input"), str):
            self.whole = payload["input"]
        elif kind == "response.output_item.done" and isinstance(payload.get("item"), dict):
            self.done = payload["item"]

    def current(self) -> dict[str, Any]:
        """The item as complete as it got (the upstream may have broken off before its `done`)."""
        if self.done is not None:
            return self.done
        text = self.whole if self.whole is not None else "".join(self.pieces)
        key = {"function_call": "arguments", "custom_tool_call": "input",
               "mcp_call": "arguments"}.get(str(self.item.get("type")))
        return {**self.item, key: text} if key and (text or not self.item.get(key)) else self.item


def _terminated(raw: bytes, newline: bytes) -> bytes:
    """An event from the end of a body that lacked its blank line, completed (the next stage re-reads events)."""
    if raw.endswith(newline + newline) or raw == newline:
        return raw
    return raw + (newline if raw.endswith((b"\n", b"\r")) else newline + newline)


class ResponsesStream(EventStream):
    def __init__(self, ctx: StreamContext) -> None:
        super().__init__(ctx)
        self.delivery = Delivery()
        ctx.output.rewrite = self.delivery.rewrite
        self.number = ctx.number
        self.texts: dict[PartKey, TextGuard] = {}
        self.streamed: dict[PartKey, list[str]] = {}  # upstream text of each part, as its deltas came
        self.held: dict[int, HeldItem] = {}
        self.dropped: set[int] = set()  # tool items blocked at the hold bounds: their later events go nowhere
        self.item_indexes: dict[str, int] = {}  # item id → output_index, for events that lack one
        self.last_index: int | None = None  # the item announced last
        self.next_index = 0  # one past the highest output_index seen
        self.named = True  # the upstream writes `event:` lines (OpenAI does; the SDK does not need them)
        self.ended = False

    # ------------------------------------------------------------ Transformer

    def last_event(self, event: sse.Event) -> sse.Event:
        return replace(event, raw=_terminated(event.raw, self.decoder.newline))

    def end(self, error: str | None) -> None:
        """Judge what is held; a reply that did not reach its terminal event gets an error event."""
        self.end_all()
        if not self.ended:
            message = error or ENDED
            body = {"type": "error", "code": "upstream_broken", "message": message, "param": None,
                    "sequence_number": None}
            self.ctx.output.put_global(sse.encode(dumps(body), "error" if self.named else None, self.decoder.newline))
            self.ended = True

    # ------------------------------------------------------------ events

    def on_event(self, event: sse.Event) -> None:
        output = self.ctx.output
        if event.is_comment:
            output.put_free(event.raw)
            return
        if event.data is None:
            output.put(LANE, event.raw)
            return
        payload = event_json(event)
        self.named = event.event is not None
        kind = payload.get("type")
        item = payload.get("item") if isinstance(payload.get("item"), dict) else None
        index, event = self._placed(event, payload, kind, item)
        if index is not None and index in self.dropped:
            return
        if index is not None and index in self.held:
            self._held_event(index, kind, payload, event.raw)
            return
        if index is not None and item is not None and item.get("type") in HELD_ITEMS and kind in ITEM_EVENTS:
            self._hold(index, item)
            self._held_event(index, kind, payload, event.raw)  # an item that only came `done` is released at once
            return
        if index is not None and kind in TOOL_INPUT_EVENTS:  # tool input for an item never announced: hold it too
            self._hold(index, {"type": TOOL_INPUT_EVENTS[kind]})
            self._held_event(index, kind, payload, event.raw)
            return
        if index is not None and kind == "response.output_text.delta":
            self._text_delta(event, payload, index)
            return
        if index is not None and kind == "response.output_text.done":
            self._text_done(event, payload, index)
        elif index is not None and kind == "response.content_part.done":
            self._end_part((index, _part_index(payload)))
        elif index is not None and kind == "response.output_item.done":
            self._item_done(event, payload, index)
        elif kind in TERMINAL or kind == "error":
            self.end_all()
            self.ended = True
        output.put(LANE, event.raw)

    def _placed(self, event: sse.Event, payload: dict[str, Any], kind: object,
                item: dict[str, Any] | None) -> tuple[int | None, sse.Event]:
        """The output item an event belongs to, and the event with that `output_index` written in.

        The SDKs read `output_index: 0.0` as 0 and tolerate events without one, so the
        guard places those too: by the item id it has seen, else the item announced last.
        """
        given = payload.get("output_index")
        index = wire_index(given, default=None)
        item_id = payload.get("item_id", item.get("id") if item is not None else None)
        if index is None and _per_item(kind, payload):
            known = self.item_indexes.get(item_id) if isinstance(item_id, str) else None
            if known is not None:
                index = known
            elif kind == "response.output_item.added" or self.last_index is None:
                index = self.next_index
            else:
                index = self.last_index
        if index is None:
            return None, event
        if kind in ITEM_EVENTS:
            if isinstance(item_id, str):
                self.item_indexes[item_id] = index
            self.last_index, self.next_index = index, max(self.next_index, index + 1)
        if type(given) is int:
            return index, event
        payload["output_index"] = index
        data = dumps(payload)
        return index, sse.Event(sse.encode(data, event.event, self.decoder.newline), data, event.event, event.id)

    def end_all(self) -> None:
        for key in list(self.texts):
            self._end_part(key)
        for index in list(self.held):
            self._release(index)

    # ------------------------------------------------------------ text

    def _text_delta(self, event: sse.Event, payload: dict[str, Any], index: int) -> None:
        delta = payload.get("delta")
        if not isinstance(delta, str):
            self.ctx.output.put(LANE, event.raw)
            return
        key = (index, _part_index(payload))
        self.streamed.setdefault(key, []).append(delta)
        frame = DeltaFrame(event.event, payload)
        minimal = DeltaFrame(event.event, {**payload, "logprobs": []} if "logprobs" in payload else payload)
        self._text(key).feed(delta, frame, minimal, event.raw)

    def _text_done(self, event: sse.Event, payload: dict[str, Any], index: int) -> None:
        """A part's final text. Text it has beyond the deltas is scanned and streamed like a delta."""
        key = (index, _part_index(payload))
        text, streamed = payload.get("text"), "".join(self.streamed.get(key, []))
        if isinstance(text, str) and len(text) > len(streamed) and text.startswith(streamed):
            self._synthetic_delta(event.event, payload, key, text[len(streamed):])
        self._end_part(key)

    def _item_done(self, event: sse.Event, payload: dict[str, Any], index: int) -> None:
        item = payload.get("item")
        content = item.get("content") if isinstance(item, dict) else None
        for number, part in enumerate(content if isinstance(content, list) else []):
            key = (index, number)
            if (key not in self.streamed and isinstance(part, dict) and part.get("type") == "output_text"
                    and isinstance(part.get("text"), str) and part["text"]):
                self._synthetic_delta(event.event, payload, key, part["text"])  # never streamed: scan it now
        for key in [k for k in self.texts if k[0] == index]:
            self._end_part(key)

    def _synthetic_delta(self, name: str | None, payload: dict[str, Any], key: PartKey, text: str) -> None:
        delta = {"type": "response.output_text.delta", "sequence_number": payload.get("sequence_number"),
                 "item_id": payload.get("item_id", _id_of(payload.get("item"))), "output_index": key[0],
                 "content_index": key[1], "delta": text, "logprobs": []}
        frame = DeltaFrame(name and "response.output_text.delta", delta)
        self.streamed.setdefault(key, []).append(text)
        self._text(key).feed(text, frame, frame)

    def _text(self, key: PartKey) -> TextGuard:
        if key not in self.texts:
            self.texts[key] = TextGuard(self.ctx, LANE, self.encode, MarkdownJudge(self.ctx.guard, self.number))
        return self.texts[key]

    def _end_part(self, key: PartKey) -> None:
        text = self.texts.pop(key, None)
        if text is not None:
            text.finish()

    def encode(self, frame: DeltaFrame, text: str) -> bytes:
        return sse.encode(dumps({**frame.payload, "delta": text}), frame.event, self.decoder.newline)

    # ------------------------------------------------------------ tool items

    def _hold(self, index: int, item: dict[str, Any]) -> None:
        hold = ToolHold.start(self.ctx, functools.partial(self._over_limit, index))
        self.held[index] = HeldItem(item, self.ctx.output.reserve(LANE), hold)

    def _held_event(self, index: int, kind: object, payload: dict[str, Any], raw: bytes) -> None:
        held = self.held[index]
        held.events.append(raw)
        held.size += len(raw)
        held.observe(kind, payload)
        if kind == "response.output_item.done":
            self._release(index)
        else:
            held.hold.check(held.size)

    def _release(self, index: int) -> None:
        held = self.held.pop(index)
        held.hold.stop()
        self.ctx.spawn(self._review(index, held))

    def _over_limit(self, index: int, reason: str) -> None:
        """A tool item outgrew the bounds on held tool calls: blocked unread, never released unscanned."""
        held = self.held.pop(index, None)
        if held is None:
            return
        self.dropped.add(index)
        call = tool_call_of(held.current())
        arguments = call.arguments if call is not None and isinstance(call.arguments, str) else ""
        outcome = over_limit(self.ctx, ToolCall(index, None, call.name or "" if call else "", arguments), reason)
        held.slot.fill(self.note_item(index, outcome.text or ""))

    async def _review(self, index: int, held: HeldItem) -> None:
        """One engine call for the whole item, then its events, a note after them, or a note instead."""
        item = held.current()
        call = tool_call_of(item)
        if call is None:
            held.slot.fill(b"".join(held.events))
            return
        try:
            verdict = (await review_reply(self.ctx.guard, [], [call], count=False)).verdicts[0]
        except Exception as exc:  # never leave the slot empty: the whole stream would stall
            log.exception("reviewing a streamed Responses item failed")
            snippet = Snippet(json.dumps(item, ensure_ascii=False), None, Origin.TOOL_CALL)
            failed = SnippetResult(snippet, None, 0, decision=Decision.ERROR, error=f"{type(exc).__name__}: {exc}")
            verdict = verdict_for(call, ScanResult([failed]), self.ctx.guard.tools_fail_closed)
        self._count(verdict)
        data = b"".join(held.events) if verdict.deliver else b""
        if verdict.note:
            data += self.note_item(index, verdict.note)
        held.slot.fill(data)

    def _count(self, verdict: ToolVerdict) -> None:
        for result in verdict.result.snippets:
            result.snippet = replace(result.snippet, index=self.number())
            self.ctx.results.append(result)

    def note_item(self, index: int, note: str) -> bytes:
        """A complete assistant message item holding `note`, as the API streams one (numbers are set at write time)."""
        item_id = f"msg_bw_{uuid.uuid4().hex}"
        part = {"type": "output_text", "annotations": [], "logprobs": [], "text": ""}
        item = {"id": item_id, "type": "message", "status": "in_progress", "role": "assistant", "content": []}
        where = {"item_id": item_id, "output_index": index, "content_index": 0}
        events = [
            {"type": "response.output_item.added", "output_index": index, "item": item},
            {"type": "response.content_part.added", **where, "part": part},
            {"type": "response.output_text.delta", **where, "delta": note, "logprobs": []},
            {"type": "response.output_text.done", **where, "text": note, "logprobs": []},
            {"type": "response.content_part.done", **where, "part": {**part, "text": note}},
            {"type": "response.output_item.done", "output_index": index,
             "item": {**item, "status": "completed", "content": [{**part, "text": note}]}},
        ]
        newline = self.decoder.newline
        return b"".join(sse.encode(dumps({**event, "sequence_number": None}), str(event["type"]) if self.named
                                   else None, newline) for event in events)


def _per_item(kind: object, payload: dict[str, Any]) -> bool:
    """An event about one output item (as opposed to the response's lifecycle)."""
    if kind in TERMINAL or kind == "error":
        return False
    return "item_id" in payload or "item" in payload or (isinstance(kind, str) and kind.startswith(PER_ITEM_PREFIXES))


def _part_index(payload: dict[str, Any]) -> int:
    value = payload.get("content_index")
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _id_of(item: object) -> object:
    return item.get("id") if isinstance(item, dict) else None


# ------------------------------------------------------------ shadow mode


def final_reply(events: list[sse.Event]) -> dict[str, Any]:
    """The reply as a non-streamed one would be: the terminal event's response, or, if the stream
    had none, the finished items."""
    done: dict[int, dict[str, Any]] = {}
    final: dict[str, Any] | None = None
    for event in events:
        payload = json_or_none(event.data)
        if not isinstance(payload, dict):
            continue
        kind = payload.get("type")
        if kind in TERMINAL and isinstance(payload.get("response"), dict):
            final = payload["response"]
        elif kind == "response.output_item.done" and isinstance(payload.get("item"), dict):
            index = payload.get("output_index")
            done[index if isinstance(index, int) else len(done)] = payload["item"]
    if final is None or not isinstance(final.get("output"), list):
        final = {"output": [done[index] for index in sorted(done)]}
    return final


class OpenAIResponses(WireFormat):
    """`POST /v1/responses` (Codex CLI): replies in proxy.protocols.openai_responses, streams here."""

    name = "responses"
    path = RESPONSES

    async def review(self, reply: Payload, guard: Guard, request: Payload) -> Review:
        return await review_response(reply, guard)

    def transformer(self, ctx: StreamContext, request: Payload) -> ResponsesStream:
        return ResponsesStream(ctx)

    def collect(self, events: list[sse.Event]) -> CollectedReply:
        reply = final_reply(events)
        return CollectedReply([holder[key] for holder, key in text_slots(reply)], [c.call for c in item_calls(reply)])
