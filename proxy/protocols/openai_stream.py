"""OpenAI streamed chat completions (`stream: true`): SSE chunks in, guarded chunks out.

Each choice is its own lane: its `delta.content` goes through a `TextGuard`, its tool calls
are held until complete. Chunks that carry neither (role, finish_reason, logprobs-only,
unknown fields) keep their place in the choice's lane; chunks without choices (the usage
chunk of `stream_options.include_usage`) and `[DONE]` wait for every lane. Re-encoded chunks
keep the upstream framing: same id, model, created, system_fingerprint and choice index.

A complete tool call goes to `ctx.review_tool_call` and is released as one chunk. Calls are
reviewed concurrently but released in order, so the delivered calls can be renumbered
`0..n-1` (a blocked call leaves no gap and no dangling deltas); the choice's finish chunk
waits for them and says "stop" instead of "tool_calls" when none was delivered. Notes go
out as `delta.content` after their call, separated from earlier content the way the
non-streamed reply joins them (`openai_chat.add_text`).
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any

from proxy import agents, sse
from proxy.errors import error_body
from proxy.guard import Guard, Review
from proxy.stream.context import StreamContext
from proxy.stream.events import EventStream, event_json
from proxy.stream.output import Slot
from proxy.stream.text import Judge, MarkdownJudge, TextGuard, Use
from proxy.stream.tools import ToolCall, ToolCallOutcome

DONE = "[DONE]"


@dataclass(frozen=True)
class ChunkFrame:
    """Where a piece of text goes back: the event name, the chunk, and its one choice."""

    event: str | None
    chunk: dict[str, Any]
    choice: dict[str, Any]


def minimal_choice(choice: dict[str, Any], delta: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"index": choice.get("index", 0), "delta": delta}
    for key in ("logprobs", "finish_reason"):
        if key in choice:
            out[key] = None
    return out


@dataclass
class _ToolBuffer:
    first: dict[str, Any]
    slot: Slot
    frame: ChunkFrame
    separator: str  # what a note needs before it, after the content streamed before this call
    name: list[str] = field(default_factory=list)
    arguments: list[str] = field(default_factory=list)

    def call(self) -> ToolCall:
        extra = {k: v for k, v in self.first.items() if k not in ("index", "id", "function")}
        return ToolCall(self.first.get("index", 0), self.first.get("id"), "".join(self.name), "".join(self.arguments),
                        extra)


@dataclass
class _ChoiceTools:
    """One choice's tool calls, released one after another in upstream order."""

    last: asyncio.Task[None] | None = None  # the release of the latest call
    delivered: int = 0  # calls delivered so far: the next delivered call's index
    notes: int = 0  # notes written so far

    async def settled(self) -> None:
        if self.last is not None:
            await asyncio.wait([self.last])


@dataclass
class _Content:
    """What a choice's content looked like so far (to separate notes as the non-streamed reply does)."""

    has_text: bool = False
    ends_with_newline: bool = False

    def feed(self, text: str) -> None:
        if text:
            self.has_text = self.has_text or bool(text.strip())
            self.ends_with_newline = text.endswith("\n")

    @property
    def separator(self) -> str:
        if not self.has_text:
            return ""
        return "\n" if self.ends_with_newline else "\n\n"


class OpenAIStream(EventStream):
    """What chat and legacy completions streams share: events, [DONE], usage, errors."""

    text_key = "content"

    def __init__(self, ctx: StreamContext) -> None:
        super().__init__(ctx)
        self.done = False
        self.number = ctx.number
        self.texts: dict[int, TextGuard] = {}

    def end(self, error: str | None) -> None:
        """Judge what is held; a broken upstream then gets an error chunk and [DONE]."""
        self.end_all()
        if error is not None and not self.done:
            body = json.dumps(error_body("/v1/chat/completions", 502, error, "upstream_broken"))
            self.ctx.output.put_global(sse.encode(body, None, self.decoder.newline))
            self.ctx.output.put_global(sse.encode(DONE, None, self.decoder.newline))
            self.done = True

    def on_event(self, event: sse.Event) -> None:
        output = self.ctx.output
        if event.is_comment:
            output.put_free(event.raw)
            return
        if self.done or event.data is None:
            output.put_global(event.raw)
            return
        if event.data.strip() == DONE:
            self.end_all()
            self.done = True
            output.put_global(event.raw)
            return
        chunk = event_json(event)
        choices = chunk.get("choices")
        if not isinstance(choices, list) or not choices or not all(isinstance(c, dict) for c in choices):
            output.put_global(event.raw)
            return
        if len(choices) == 1:
            self.on_choice(event, chunk, choices[0], event.raw)
            return
        for choice in choices:  # several choices in one chunk: one chunk each, in order
            self.on_choice(event, {**chunk, "choices": [choice]}, choice, None)

    def on_choice(self, event: sse.Event, chunk: dict[str, Any], choice: dict[str, Any], raw: bytes | None) -> None:
        raise NotImplementedError

    def end_all(self) -> None:
        for index in list(self.texts):
            self.end_choice(index)

    def end_choice(self, index: int) -> None:
        text = self.texts.get(index)
        if text is not None:
            text.finish()

    def text_guard(self, index: int) -> TextGuard:
        if index not in self.texts:
            self.texts[index] = TextGuard(self.ctx, index, self.encode, self.judge())
        return self.texts[index]

    def judge(self) -> Judge:
        return MarkdownJudge(self.ctx.guard, self.number)

    def encode(self, frame: ChunkFrame, text: str) -> bytes:
        choice = dict(frame.choice)
        if self.text_key == "content":
            choice["delta"] = {**choice.get("delta", {}), "content": text}
        else:
            choice[self.text_key] = text
        return self.encode_chunk(frame.event, frame.chunk, choice)

    def encode_chunk(self, event: str | None, chunk: dict[str, Any], choice: dict[str, Any]) -> bytes:
        body = {key: ([choice] if key == "choices" else value) for key, value in chunk.items()}
        return sse.encode(json.dumps(body, ensure_ascii=False, separators=(",", ":")), event, self.decoder.newline)


class ChatStream(OpenAIStream):
    def __init__(self, ctx: StreamContext) -> None:
        super().__init__(ctx)
        self.tools: dict[int, dict[int, _ToolBuffer]] = {}
        self.released: dict[int, _ChoiceTools] = {}
        self.content: dict[int, _Content] = {}

    def on_choice(self, event: sse.Event, chunk: dict[str, Any], choice: dict[str, Any], raw: bytes | None) -> None:
        index = choice.get("index", 0)
        index = index if isinstance(index, int) else 0
        delta = choice.get("delta") if isinstance(choice.get("delta"), dict) else {}
        assert isinstance(delta, dict)
        content = delta.get("content")
        tool_calls = delta.get("tool_calls") if isinstance(delta.get("tool_calls"), list) else None
        finish = choice.get("finish_reason")
        rest = {k: v for k, v in delta.items() if k not in ("content", "tool_calls")}
        used = Use.NONE
        if isinstance(content, str) and content:
            self.content.setdefault(index, _Content()).feed(content)
            whole = raw if not tool_calls and not self.tools.get(index) else None
            frame = ChunkFrame(event.event, chunk, {**choice, "delta": rest,
                                                   **({"finish_reason": None} if "finish_reason" in choice else {})})
            minimal = ChunkFrame(event.event, chunk, minimal_choice(choice, {}))
            used = self.text_guard(index).feed(content, frame, minimal, whole)
            if used is Use.RAW:
                if finish is not None:
                    self.end_choice(index)
                return
        if used is Use.NONE:
            leftover = dict(rest)
            if "content" in delta:
                leftover["content"] = "" if isinstance(content, str) else content
            worth = bool(leftover or choice.get("logprobs")) and not (tool_calls and not rest)
            out = {**choice, "delta": leftover}
            if finish is not None:
                out["finish_reason"] = None
            if worth:
                self._put(index, event, chunk, out, raw if finish is None else None, choice)
        for entry in tool_calls or []:
            if isinstance(entry, dict):
                self._tool_delta(event, chunk, choice, index, entry)
        if finish is not None:
            self.end_choice(index)
            done = {**minimal_choice(choice, {}), "finish_reason": finish}
            released = self.released.get(index)
            if released is None or released.last is None:
                self._put(index, event, chunk, done, raw, choice)
            else:
                slot = self.ctx.output.reserve(index)
                self.ctx.spawn(self._finish_after_tools(slot, released, event, chunk, done, raw, choice))

    async def _finish_after_tools(self, slot: Slot, released: _ChoiceTools, event: sse.Event, chunk: dict[str, Any],
                                  done: dict[str, Any], raw: bytes | None, original: dict[str, Any]) -> None:
        """The finish chunk of a choice with tool calls: "stop" when every call was blocked."""
        await released.settled()
        if released.delivered == 0 and done.get("finish_reason") in ("tool_calls", "function_call"):
            done = {**done, "finish_reason": "stop"}
        slot.fill(self._chunk_bytes(event, chunk, done, raw, original))

    def _put(self, index: int, event: sse.Event, chunk: dict[str, Any], out: dict[str, Any], raw: bytes | None,
             original: dict[str, Any]) -> None:
        self.ctx.output.put(index, self._chunk_bytes(event, chunk, out, raw, original))

    def _chunk_bytes(self, event: sse.Event, chunk: dict[str, Any], out: dict[str, Any], raw: bytes | None,
                     original: dict[str, Any]) -> bytes:
        """A choice chunk: the upstream bytes when nothing in it changed."""
        if raw is not None and out == original:
            return raw
        return self.encode_chunk(event.event, chunk, out)

    def end_choice(self, index: int) -> None:
        super().end_choice(index)
        for number in list(self.tools.get(index, {})):
            self._complete_tool(index, number)

    def _tool_delta(self, event: sse.Event, chunk: dict[str, Any], choice: dict[str, Any], index: int,
                    entry: dict[str, Any]) -> None:
        calls = self.tools.setdefault(index, {})
        number = entry.get("index", 0)
        buffer = calls.get(number)
        if buffer is None:
            for other in list(calls):  # calls stream one after another: a new one ends the last
                self._complete_tool(index, other)
            frame = ChunkFrame(event.event, chunk, minimal_choice(choice, {}))
            separator = self.content.get(index, _Content()).separator
            buffer = calls[number] = _ToolBuffer(entry, self.ctx.output.reserve(index), frame, separator)
        function = entry.get("function") if isinstance(entry.get("function"), dict) else {}
        assert isinstance(function, dict)
        if isinstance(function.get("name"), str):
            buffer.name.append(function["name"])
        if isinstance(function.get("arguments"), str):
            buffer.arguments.append(function["arguments"])
        if entry.get("id") and not buffer.first.get("id"):
            buffer.first = {**buffer.first, "id": entry["id"]}

    def _complete_tool(self, index: int, number: int) -> None:
        buffer = self.tools.get(index, {}).pop(number, None)
        if buffer is not None:
            released = self.released.setdefault(index, _ChoiceTools())
            released.last = self.ctx.spawn(self._release_tool(buffer, released, released.last))

    async def _release_tool(self, buffer: _ToolBuffer, released: _ChoiceTools,
                            previous: asyncio.Task[None] | None) -> None:
        """The hook point: a complete call goes to `ctx.review_tool_call`, its outcome to the client.

        The review runs at once; the release waits for the previous call's, since the index
        this call is delivered with depends on how many calls before it were delivered.
        """
        call = buffer.call()
        try:
            outcome = await self.ctx.review_tool_call(call)
        except Exception:  # never stall the stream on a failing hook: deliver the call as it was
            outcome = ToolCallOutcome(call)
        if previous is not None:
            await asyncio.wait([previous])
        frame = buffer.frame
        data = b""
        if outcome.call is not None:
            entry = {**buffer.first, **outcome.call.extra, "index": released.delivered}
            released.delivered += 1
            if outcome.call.id is not None:
                entry["id"] = outcome.call.id
            first_function = buffer.first.get("function")
            function = dict(first_function) if isinstance(first_function, dict) else {}
            entry["function"] = {**function, "name": outcome.call.name, "arguments": outcome.call.arguments}
            choice = {**frame.choice, "delta": {"tool_calls": [entry]}}
            data += self.encode_chunk(frame.event, frame.chunk, choice)
        if outcome.text:
            separator = "\n" if released.notes else buffer.separator
            released.notes += 1
            data += self.encode(frame, separator + outcome.text)
        buffer.slot.fill(data)


def texts_from_events(events: list[sse.Event], key: str = "content") -> list[str]:
    """The assembled text of each choice (shadow mode counts what a non-streamed reply would)."""
    texts: dict[int, list[str]] = {}
    for event in events:
        if event.data is None or event.data.strip() == DONE:
            continue
        try:
            chunk = json.loads(event.data)
        except json.JSONDecodeError:
            continue
        for choice in chunk.get("choices") or [] if isinstance(chunk, dict) else []:
            if not isinstance(choice, dict):
                continue
            holder = choice.get("delta") if key == "content" else choice
            piece = holder.get(key) if isinstance(holder, dict) else None
            if isinstance(piece, str):
                texts.setdefault(choice.get("index", 0), []).append(piece)
    return ["".join(texts[index]) for index in sorted(texts)]


def collect_reply(events: list[sse.Event]) -> agents.CollectedReply:
    """The texts and tool calls of a stream (shadow mode counts what a non-streamed reply would)."""
    calls: dict[tuple[int, int], dict[str, Any]] = {}
    for event in events:
        for choice in _choices(event):
            delta = choice.get("delta")
            entries = delta.get("tool_calls") if isinstance(delta, dict) else None
            for entry in entries if isinstance(entries, list) else []:
                if not isinstance(entry, dict):
                    continue
                key = (_int(choice.get("index")), _int(entry.get("index")))
                call = calls.setdefault(key, {"id": None, "name": "", "arguments": ""})
                call["id"] = call["id"] or entry.get("id")
                function = entry.get("function") if isinstance(entry.get("function"), dict) else {}
                assert isinstance(function, dict)
                for part in ("name", "arguments"):
                    if isinstance(function.get(part), str):
                        call[part] += function[part]
    ordered = [calls[key] for key in sorted(calls)]
    return agents.CollectedReply(texts_from_events(events),
                          [agents.ToolCall(c["name"] or None, c["arguments"], c["id"]) for c in ordered])


def _choices(event: sse.Event) -> list[dict[str, Any]]:
    if event.data is None or event.data.strip() == DONE:
        return []
    try:
        chunk = json.loads(event.data)
    except json.JSONDecodeError:
        return []
    choices = chunk.get("choices") if isinstance(chunk, dict) else None
    return [c for c in choices if isinstance(c, dict)] if isinstance(choices, list) else []


def _int(value: object) -> int:
    return value if isinstance(value, int) else 0


async def review_collected(guard: Guard, collected: agents.CollectedReply, payload: dict[str, Any]) -> Review:
    review = await agents.review_reply(guard, collected.texts, collected.calls)
    return Review(review.texts, review.result, review.changed)
