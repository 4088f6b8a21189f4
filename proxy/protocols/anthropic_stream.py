"""Anthropic streamed messages (`stream: true`): named SSE events in, guarded events out.

A message is one lane: content blocks arrive one after another and their order matters.
`text_delta`s of a text block go through a `TextGuard`; a `tool_use` block is held from its
`content_block_start` to its `content_block_stop` and then released whole (the hook in
`proxy.stream.tools` decides what to deliver). Every other event — message_start,
message_delta, message_stop, error, thinking and unknown blocks — keeps its place; `ping`
and comments go out at once. Every written event keeps its `event:` line (the anthropic SDK
dispatches on it).

A blocked `tool_use` block becomes a text block at the same index; a tagged one is followed
by a text block with the note, so every later block's `index` moves up by one. Which of the
two happens is known only once the call is reviewed, so while a tool_use block is under
review the events after it wait unread (`_paused`) and are then read with the index shift
that applies; the client could not have had them earlier anyway, since the lane is ordered.
`message_delta`'s `stop_reason` "tool_use" becomes "end_turn" when every tool_use block of
the message was blocked.
"""

from __future__ import annotations

import asyncio
import functools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from proxy import agents, sse
from proxy.errors import error_body
from proxy.guard import Guard, Review
from proxy.http_target import MESSAGES
from proxy.protocols import anthropic
from proxy.protocols.wire import Payload, WireFormat
from proxy.stream.context import StreamBroken, StreamContext
from proxy.stream.events import DeltaFrame, EventStream, event_json, json_or_none, wire_index
from proxy.stream.output import Slot
from proxy.stream.text import MarkdownJudge, TextGuard
from proxy.stream.tools import ToolCall, ToolCallOutcome, ToolHold, over_limit

LANE = 0
BLOCK_EVENTS = frozenset({"content_block_start", "content_block_delta", "content_block_stop"})
GUARDED_DELTAS = {"text_delta": "text", "input_json_delta": "tool_use"}  # delta type → the block type it fills


@dataclass
class _ToolBlock:
    start_event: sse.Event
    start: dict[str, Any]
    slot: Slot
    hold: ToolHold
    parts: list[str] = field(default_factory=list)
    size: int = 0  # bytes of input held

    def add(self, part: str) -> None:
        self.parts.append(part)
        self.size += len(part.encode())
        self.hold.check(self.size)


class MessagesStream(EventStream):
    def __init__(self, ctx: StreamContext) -> None:
        super().__init__(ctx)
        self.number = ctx.number
        self.texts: dict[int, TextGuard] = {}
        self.tools: dict[int, _ToolBlock] = {}
        self.dropped: set[int] = set()  # tool_use blocks blocked at the hold bounds: their later events go nowhere
        self.done = False
        self.shift = 0  # text blocks inserted before this point (tag notes): added to upstream indexes
        self.tool_blocks = 0  # tool_use blocks reviewed
        self.tools_delivered = 0
        self._paused: list[Callable[[], None]] | None = None  # events waiting for a tool review

    def end(self, error: str | None) -> None:
        self._when_resumed(functools.partial(self._finish, error))

    def _finish(self, error: str | None) -> None:
        self._end_blocks()
        if error is not None and not self.done:
            body = json.dumps(error_body("/v1/messages", 502, error))
            self.ctx.output.put(LANE, sse.encode(body, "error", self.decoder.newline))
            self.done = True

    def on_event(self, event: sse.Event) -> None:
        if event.is_comment:
            self.ctx.output.put_free(event.raw)
            return
        self._when_resumed(functools.partial(self._on_event, event))

    def _when_resumed(self, action: Callable[[], None]) -> None:
        if self._paused is not None:
            self._paused.append(action)
        else:
            action()

    def _resume(self) -> None:
        """A tool review is over: read the events that waited, until the next tool_use block pauses again."""
        waiting, self._paused = self._paused or [], None
        while waiting:
            if self._paused is not None:
                self._paused[:0] = waiting
                return
            waiting.pop(0)()

    def _on_event(self, event: sse.Event) -> None:
        output = self.ctx.output
        if event.data is None:
            output.put(LANE, event.raw)
            return
        payload = event_json(event)
        kind = payload.get("type") or event.event
        retyped = False
        if kind in BLOCK_EVENTS:  # the SDK reads `"index": 0.0` as 0; so does the guard
            index = wire_index(payload.get("index"), default=None)
            if index is None:
                raise StreamBroken(f"the upstream sent {kind} without an index")
            retyped = type(payload["index"]) is not int
            payload["index"] = index
        event = self._renumbered(event, payload, retyped)
        index = payload.get("index")
        if kind == "ping":
            output.put_free(event.raw)
        elif kind == "content_block_start" and isinstance(index, int):
            self._start(event, payload, index)
        elif kind == "content_block_delta" and isinstance(index, int):
            self._delta(event, payload, index)
        elif kind == "content_block_stop" and isinstance(index, int):
            self._stop(event, index)
        else:
            if kind in ("message_stop", "error"):
                self._end_blocks()
                self.done = True
            output.put(LANE, event.raw)

    def _renumbered(self, event: sse.Event, payload: dict[str, Any], retyped: bool) -> sse.Event:
        """The event as the client gets it: later block indexes shifted, "end_turn" when no tool is left.
        `payload` is changed in place; the upstream bytes are kept when nothing changed."""
        changed = retyped
        index = payload.get("index")
        if self.shift and isinstance(index, int) and not isinstance(index, bool):
            payload["index"] = index + self.shift
            changed = True
        delta = payload.get("delta")
        if (payload.get("type") == "message_delta" and isinstance(delta, dict)
                and delta.get("stop_reason") == "tool_use" and self.tool_blocks and not self.tools_delivered):
            payload["delta"] = {**delta, "stop_reason": "end_turn"}
            changed = True
        if not changed:
            return event
        data = _dumps(payload)
        return sse.Event(sse.encode(data, event.event, self.decoder.newline), data, event.event, event.id)

    def _start(self, event: sse.Event, payload: dict[str, Any], index: int) -> None:
        block = payload.get("content_block") if isinstance(payload.get("content_block"), dict) else {}
        assert isinstance(block, dict)
        if block.get("type") == "tool_use":
            hold = ToolHold.start(self.ctx, functools.partial(self._tool_over_limit, index))
            self.tools[index] = _ToolBlock(event, payload, self.ctx.output.reserve(LANE), hold)
            return
        if block.get("type") != "text":
            self.ctx.output.put(LANE, event.raw)
            return
        guard = self.texts[index] = TextGuard(self.ctx, LANE, self._encode, MarkdownJudge(self.ctx.guard, self.number))
        initial = block.get("text")
        if not (isinstance(initial, str) and initial):
            self.ctx.output.put(LANE, event.raw)
            return
        emptied = {**payload, "content_block": {**block, "text": ""}}
        self.ctx.output.put(LANE, sse.encode(_dumps(emptied), event.event, self.decoder.newline))
        minimal = self._minimal(event, index)
        guard.feed(initial, minimal, minimal)

    def _delta(self, event: sse.Event, payload: dict[str, Any], index: int) -> None:
        delta = payload.get("delta") if isinstance(payload.get("delta"), dict) else {}
        assert isinstance(delta, dict)
        text_guard, tool = self.texts.get(index), self.tools.get(index)
        if text_guard is not None and delta.get("type") == "text_delta" and isinstance(delta.get("text"), str):
            text_guard.feed(delta["text"], DeltaFrame(event.event, payload), self._minimal(event, index), event.raw)
        elif tool is not None and delta.get("type") == "input_json_delta":
            part = delta.get("partial_json")
            tool.add(part if isinstance(part, str) else "")
        elif index in self.dropped:
            return
        elif tool is not None or delta.get("type") in GUARDED_DELTAS:
            # text or tool input for a block that is not open as that kind (or a tool block
            # given anything else): the guard cannot place it, so it must not pass unread
            raise StreamBroken(f"the upstream sent a {delta.get('type')} for block {index}, which is not open for it")
        else:
            self.ctx.output.put(LANE, event.raw)

    def _stop(self, event: sse.Event, index: int) -> None:
        text_guard, tool = self.texts.pop(index, None), self.tools.pop(index, None)
        if text_guard is not None:
            text_guard.finish()
        if tool is not None:
            tool.hold.stop()
            self._release_tools([(tool, index, event)])
            return
        if index not in self.dropped:  # a dropped block's note block has its own stop
            self.ctx.output.put(LANE, event.raw)

    def _tool_over_limit(self, index: int, reason: str) -> None:
        """A tool_use block outgrew the bounds on held tool calls: blocked unread, never released unscanned."""
        tool = self.tools.pop(index, None)
        if tool is None:
            return
        self.dropped.add(index)
        outcome = over_limit(self.ctx, self._call(tool, index), reason)
        self._release_tools([(tool, index, None)], outcome)

    def _end_blocks(self) -> None:
        """The stream ended inside blocks: judge held text as it stands, release held tool calls."""
        for index in list(self.texts):
            self.texts.pop(index).finish()
        if self.tools:
            for tool in self.tools.values():
                tool.hold.stop()
            self._release_tools([(self.tools.pop(index), index, None) for index in sorted(self.tools)])

    def _release_tools(self, tools: list[tuple[_ToolBlock, int, sse.Event | None]],
                       decided: ToolCallOutcome | None = None) -> None:
        """Review these tool_use blocks (together) while later events wait, then release them in order.
        `decided`: the outcome is known already (a block that outgrew the hold bounds)."""
        self._paused = self._paused if self._paused is not None else []
        self.ctx.spawn(self._review_and_release(tools, decided))

    async def _review_and_release(self, tools: list[tuple[_ToolBlock, int, sse.Event | None]],
                                  decided: ToolCallOutcome | None) -> None:
        calls = [self._call(tool, index) for tool, index, _ in tools]
        if decided is not None:
            outcomes = [decided for _ in calls]
        else:
            outcomes = list(await asyncio.gather(*(self._review(call) for call in calls)))
        for (tool, index, stop), call, outcome in zip(tools, calls, outcomes, strict=True):
            tool.slot.fill(self._released(tool, index, stop, call, outcome))
        self._resume()

    async def _review(self, call: ToolCall) -> ToolCallOutcome:
        try:
            return await self.ctx.review_tool_call(call)
        except Exception:  # never stall the stream on a failing hook: deliver the call as it was
            return ToolCallOutcome(call)

    def _call(self, tool: _ToolBlock, index: int) -> ToolCall:
        block = tool.start.get("content_block") or {}
        extra = {k: v for k, v in block.items() if k not in ("type", "id", "name", "input")}
        arguments = "".join(tool.parts)
        if not arguments and block.get("input"):  # the whole input in the start event, no deltas
            arguments = _dumps(block["input"])
        return ToolCall(index, block.get("id"), str(block.get("name", "")), arguments, extra)

    def _released(self, tool: _ToolBlock, index: int, stop: sse.Event | None, call: ToolCall,
                  outcome: ToolCallOutcome) -> bytes:
        """The events for one reviewed tool_use block at `index`: the block, a note block, or both."""
        block = tool.start.get("content_block") or {}
        newline, name = self.decoder.newline, tool.start_event.event
        self.tool_blocks += 1
        data = b""
        if outcome.call is not None:
            self.tools_delivered += 1
            data += tool.start_event.raw if outcome.call == call else sse.encode(_dumps({
                **tool.start, "content_block": {**block, "id": outcome.call.id, "name": outcome.call.name,
                                                **outcome.call.extra}}), name, newline)
            if tool.parts or outcome.call != call:
                delta = {"type": "content_block_delta", "index": index,
                         "delta": {"type": "input_json_delta", "partial_json": outcome.call.arguments}}
                data += sse.encode(_dumps(delta), name and "content_block_delta", newline)
            stop_event = {"type": "content_block_stop", "index": index}
            data += stop.raw if stop is not None else sse.encode(_dumps(stop_event), name and "content_block_stop",
                                                                 newline)
            if outcome.text:  # the note in a block of its own, after the call: later blocks move up
                data += self._text_block(index + 1, outcome.text, name)
                self.shift += 1
        elif outcome.text:
            data += self._text_block(index, outcome.text, name)
        return data

    def _text_block(self, index: int, text: str, name: str | None) -> bytes:
        newline = self.decoder.newline
        events = [("content_block_start", {"type": "content_block_start", "index": index,
                                           "content_block": {"type": "text", "text": ""}}),
                  ("content_block_delta", {"type": "content_block_delta", "index": index,
                                           "delta": {"type": "text_delta", "text": text}}),
                  ("content_block_stop", {"type": "content_block_stop", "index": index})]
        return b"".join(sse.encode(_dumps(payload), name and kind, newline) for kind, payload in events)

    def _minimal(self, event: sse.Event, index: int) -> DeltaFrame:
        payload = {"type": "content_block_delta", "index": index, "delta": {"type": "text_delta", "text": ""}}
        return DeltaFrame(event.event if event.event is not None else None, payload)

    def _encode(self, frame: DeltaFrame, text: str) -> bytes:
        payload = {**frame.payload, "delta": {**frame.payload.get("delta", {}), "text": text}}
        event = frame.event if frame.event != "content_block_start" else "content_block_delta"
        return sse.encode(_dumps(payload), event, self.decoder.newline)


def _counted_index(value: object) -> int:
    """Shadow mode's reading of an index: as the SDK reads it (0.0 is 0); anything else counts as 0."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def parsed_events(events: list[sse.Event]) -> list[dict[str, Any]]:
    """Each event's JSON, parsed once for everything shadow mode reads from it."""
    return [payload for event in events if isinstance(payload := json_or_none(event.data), dict)]


def assembled_texts(payloads: list[dict[str, Any]]) -> list[str]:
    """The assembled text of each text block (shadow mode counts what a non-streamed reply would)."""
    texts: dict[int, list[str]] = {}
    for payload in payloads:
        index = _counted_index(payload.get("index"))
        if payload.get("type") == "content_block_start" and isinstance(payload.get("content_block"), dict):
            block = payload["content_block"]
            if block.get("type") == "text":
                texts.setdefault(index, []).append(str(block.get("text") or ""))
        delta = payload.get("delta")
        if (payload.get("type") == "content_block_delta" and isinstance(delta, dict)
                and delta.get("type") == "text_delta"):
            texts.setdefault(index, []).append(str(delta.get("text") or ""))
    return ["".join(texts[index]) for index in sorted(texts)]


def collect_reply(events: list[sse.Event]) -> agents.CollectedReply:
    """The texts and tool calls of a stream (shadow mode counts what a non-streamed reply would)."""
    payloads = parsed_events(events)
    calls: dict[int, dict[str, Any]] = {}
    for payload in payloads:
        if payload.get("index") is None:
            continue
        index, block, delta = _counted_index(payload["index"]), payload.get("content_block"), payload.get("delta")
        if (payload.get("type") == "content_block_start" and isinstance(block, dict)
                and block.get("type") == "tool_use"):
            calls[index] = {"block": block, "parts": []}
        elif (payload.get("type") == "content_block_delta" and index in calls and isinstance(delta, dict)
              and isinstance(delta.get("partial_json"), str)):
            calls[index]["parts"].append(delta["partial_json"])
    tool_calls = []
    for index in sorted(calls):
        block, arguments = calls[index]["block"], "".join(calls[index]["parts"])
        tool_calls.append(agents.ToolCall(_text(block.get("name")), arguments or block.get("input"),
                                          _text(block.get("id"))))
    return agents.CollectedReply(assembled_texts(payloads), tool_calls)


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


class AnthropicMessages(WireFormat):
    """`POST /v1/messages`: replies in proxy.protocols.anthropic, streams here."""

    name = "messages"
    path = MESSAGES

    async def review(self, reply: Payload, guard: Guard, request: Payload) -> Review:
        return await anthropic.review_response(reply, guard)

    def transformer(self, ctx: StreamContext, request: Payload) -> MessagesStream:
        return MessagesStream(ctx)

    def collect(self, events: list[sse.Event]) -> agents.CollectedReply:
        return collect_reply(events)
