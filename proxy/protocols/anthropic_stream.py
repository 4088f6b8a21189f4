"""Anthropic streamed messages (`stream: true`): named SSE events in, guarded events out.

A message is one lane: content blocks arrive one after another and their order matters.
`text_delta`s of a text block go through a `TextGuard`; a `tool_use` block is held from its
`content_block_start` to its `content_block_stop` and then released whole (the hook in
`proxy.stream.tools` decides what to deliver). Every other event — message_start,
message_delta, message_stop, error, thinking and unknown blocks — keeps its place; `ping`
and comments go out at once. Every written event keeps its `event:` line (the anthropic SDK
dispatches on it).
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field
from typing import Any

from proxy import sse
from proxy.errors import error_body
from proxy.guard import Guard, Review
from proxy.stream.context import StreamBroken, StreamContext
from proxy.stream.output import Slot
from proxy.stream.text import MarkdownJudge, TextGuard
from proxy.stream.tools import ToolCall, ToolCallOutcome

LANE = 0


@dataclass(frozen=True)
class DeltaFrame:
    event: str | None
    payload: dict[str, Any]


@dataclass
class _ToolBlock:
    start_event: sse.Event
    start: dict[str, Any]
    slot: Slot
    parts: list[str] = field(default_factory=list)


def _payload(event: sse.Event) -> dict[str, Any]:
    try:
        payload = json.loads(event.data or "")
    except json.JSONDecodeError:
        raise StreamBroken("the upstream sent an event that is not JSON") from None
    if not isinstance(payload, dict):
        raise StreamBroken("the upstream sent an event that is not a JSON object")
    return payload


class MessagesStream:
    def __init__(self, ctx: StreamContext) -> None:
        self.ctx = ctx
        self.decoder = sse.Decoder()
        self.number = itertools.count().__next__
        self.texts: dict[int, TextGuard] = {}
        self.tools: dict[int, _ToolBlock] = {}
        self.done = False

    def feed(self, data: bytes) -> None:
        try:
            events = self.decoder.feed(data)
        except sse.SSEError as exc:
            raise StreamBroken(str(exc)) from None
        for event in events:
            self.on_event(event)

    def finish(self, error: str | None) -> None:
        if error is None:
            try:
                for event in self.decoder.finish():
                    self.on_event(event)
            except (sse.SSEError, StreamBroken) as exc:
                error = str(exc)
        self._end_blocks()
        if error is not None and not self.done:
            body = json.dumps(error_body("/v1/messages", 502, error))
            self.ctx.output.put(LANE, sse.encode(body, "error", self.decoder.newline))
            self.done = True

    def on_event(self, event: sse.Event) -> None:
        output = self.ctx.output
        if event.is_comment:
            output.put_free(event.raw)
            return
        if event.data is None:
            output.put(LANE, event.raw)
            return
        payload = _payload(event)
        kind = payload.get("type") or event.event
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

    def _start(self, event: sse.Event, payload: dict[str, Any], index: int) -> None:
        block = payload.get("content_block") if isinstance(payload.get("content_block"), dict) else {}
        assert isinstance(block, dict)
        if block.get("type") == "tool_use":
            self.tools[index] = _ToolBlock(event, payload, self.ctx.output.reserve(LANE))
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
            tool.parts.append(part if isinstance(part, str) else "")
        else:
            self.ctx.output.put(LANE, event.raw)

    def _stop(self, event: sse.Event, index: int) -> None:
        text_guard, tool = self.texts.pop(index, None), self.tools.pop(index, None)
        if text_guard is not None:
            text_guard.finish()
        if tool is not None:
            self.ctx.spawn(self._release_tool(tool, index, event))
            return
        self.ctx.output.put(LANE, event.raw)

    def _end_blocks(self) -> None:
        """The stream ended inside blocks: judge held text as it stands, release held tool calls."""
        for index in list(self.texts):
            self.texts.pop(index).finish()
        for index in list(self.tools):
            self.ctx.spawn(self._release_tool(self.tools.pop(index), index, None))

    async def _release_tool(self, tool: _ToolBlock, index: int, stop: sse.Event | None) -> None:
        block = tool.start.get("content_block") or {}
        extra = {k: v for k, v in block.items() if k not in ("type", "id", "name", "input")}
        call = ToolCall(index, block.get("id"), str(block.get("name", "")), "".join(tool.parts), extra)
        try:
            outcome = await self.ctx.review_tool_call(call)
        except Exception:  # never stall the stream on a failing hook: deliver the call as it was
            outcome = ToolCallOutcome(call)
        newline, name = self.decoder.newline, tool.start_event.event
        data = b""
        if outcome.call is not None:
            data += tool.start_event.raw if outcome.call == call else sse.encode(_dumps({
                **tool.start, "content_block": {**block, "id": outcome.call.id, "name": outcome.call.name,
                                                **outcome.call.extra}}), name, newline)
            if outcome.call.arguments:
                delta = {"type": "content_block_delta", "index": index,
                         "delta": {"type": "input_json_delta", "partial_json": outcome.call.arguments}}
                data += sse.encode(_dumps(delta), name and "content_block_delta", newline)
        elif outcome.text is not None:
            start = {"type": "content_block_start", "index": index, "content_block": {"type": "text", "text": ""}}
            data += sse.encode(_dumps(start), name, newline)
        if outcome.text:
            text = {"type": "content_block_delta", "index": index,
                    "delta": {"type": "text_delta", "text": outcome.text}}
            data += sse.encode(_dumps(text), name and "content_block_delta", newline)
        stop_event = {"type": "content_block_stop", "index": index}
        data += stop.raw if stop is not None else sse.encode(_dumps(stop_event), name and "content_block_stop", newline)
        tool.slot.fill(data)

    def _minimal(self, event: sse.Event, index: int) -> DeltaFrame:
        payload = {"type": "content_block_delta", "index": index, "delta": {"type": "text_delta", "text": ""}}
        return DeltaFrame(event.event if event.event is not None else None, payload)

    def _encode(self, frame: DeltaFrame, text: str) -> bytes:
        payload = {**frame.payload, "delta": {**frame.payload.get("delta", {}), "text": text}}
        event = frame.event if frame.event != "content_block_start" else "content_block_delta"
        return sse.encode(_dumps(payload), event, self.decoder.newline)


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def texts_from_events(events: list[sse.Event]) -> list[str]:
    """The assembled text of each text block (shadow mode counts what a non-streamed reply would)."""
    texts: dict[int, list[str]] = {}
    for event in events:
        try:
            payload = json.loads(event.data) if event.data else None
        except json.JSONDecodeError:
            continue
        if not isinstance(payload, dict):
            continue
        index = payload.get("index")
        if payload.get("type") == "content_block_start" and isinstance(payload.get("content_block"), dict):
            block = payload["content_block"]
            if block.get("type") == "text":
                texts.setdefault(index if isinstance(index, int) else 0, []).append(str(block.get("text") or ""))
        delta = payload.get("delta")
        if (payload.get("type") == "content_block_delta" and isinstance(delta, dict)
                and delta.get("type") == "text_delta"):
            texts.setdefault(index if isinstance(index, int) else 0, []).append(str(delta.get("text") or ""))
    return ["".join(texts[index]) for index in sorted(texts)]


async def review_collected(guard: Guard, texts: list[str], request: dict[str, Any]) -> Review:
    return await guard.review_texts(texts)
