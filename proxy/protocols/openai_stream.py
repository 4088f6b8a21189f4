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
from proxy.http_target import CHAT
from proxy.protocols import openai_chat
from proxy.protocols.wire import Payload, WireFormat
from proxy.stream.context import StreamBroken, StreamContext
from proxy.stream.events import EventStream, event_json, json_or_none, wire_index
from proxy.stream.output import Slot
from proxy.stream.text import Judge, MarkdownJudge, TextGuard, Use
from proxy.stream.tools import ToolCall, ToolCallOutcome, ToolHold, over_limit

DONE = "[DONE]"


@dataclass(frozen=True)
class ChunkFrame:
    """Where a piece of text goes back: the event name, the chunk, and its one choice."""

    event: str | None
    chunk: dict[str, Any]
    choice: dict[str, Any]


def readable_choices(chunk: dict[str, Any]) -> list[dict[str, Any]]:
    """A chunk's choices. `null` entries carry nothing and are skipped (the SDKs accept them);
    any other shape could carry text the guard would not read, so the stream is broken."""
    choices = chunk.get("choices")
    if choices is None:
        return []
    if not isinstance(choices, list):
        raise StreamBroken("the upstream sent `choices` that is not a list")
    readable = [choice for choice in choices if choice is not None]
    if not all(isinstance(choice, dict) for choice in readable):
        raise StreamBroken("the upstream sent a choice that is not an object")
    return readable


def minimal_choice(choice: dict[str, Any], delta: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"index": choice.get("index", 0), "delta": delta}
    for key in ("logprobs", "finish_reason"):
        if key in choice:
            out[key] = None
    return out


LEGACY = "function_call"  # the key of a choice's legacy `delta.function_call` among its tool calls


@dataclass
class _ToolBuffer:
    """One streamed call: a `tool_calls[]` entry (`function` or `custom`) or the legacy `function_call`.

    `kind` names the object holding the name and the arguments: "function" (arguments),
    "custom" (input) or LEGACY (the `function_call` object itself).
    """

    first: dict[str, Any]
    kind: str
    slot: Slot
    frame: ChunkFrame
    separator: str  # what a note needs before it, after the content streamed before this call
    hold: ToolHold
    name: list[str] = field(default_factory=list)
    arguments: list[str] = field(default_factory=list)
    size: int = 0  # bytes held (name and arguments)

    def add(self, entry: dict[str, Any]) -> None:
        holder = entry if self.kind == LEGACY else entry.get(self.kind)
        if not isinstance(holder, dict):
            return
        for key, parts in (("name", self.name), (_ARGUMENT_KEY[self.kind], self.arguments)):
            if isinstance(holder.get(key), str):
                parts.append(holder[key])
                self.size += len(holder[key].encode())
        if entry.get("id") and not self.first.get("id"):
            self.first = {**self.first, "id": entry["id"]}

    def call(self, number: int) -> ToolCall:
        extra = {k: v for k, v in self.first.items() if k not in ("index", "id", "function", "custom", "type")}
        call_id = self.first.get("id")
        return ToolCall(number, call_id if isinstance(call_id, str) else None, "".join(self.name),
                        "".join(self.arguments), extra)

    def delta(self, call: ToolCall, index: int) -> dict[str, Any]:
        """The delta that delivers `call` whole, at `index` among the delivered calls."""
        holder = self.first if self.kind == LEGACY else self.first.get(self.kind)
        inner = {**(holder if isinstance(holder, dict) else {}), "name": call.name,
                 _ARGUMENT_KEY[self.kind]: call.arguments}
        if self.kind == LEGACY:
            return {"function_call": inner}
        entry = {**self.first, **call.extra, "index": index, self.kind: inner}
        if call.id is not None:
            entry["id"] = call.id
        return {"tool_calls": [entry]}


_ARGUMENT_KEY = {"function": "arguments", "custom": "input", LEGACY: "arguments"}


def _entry_kind(entry: dict[str, Any]) -> str:
    return "custom" if entry.get("type") == "custom" or isinstance(entry.get("custom"), dict) else "function"


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
            self.ends_with_newline = text.endswith(("\n", "\r"))

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
        choices = readable_choices(chunk)
        if not choices:  # the usage chunk, or `choices: [null]`: nothing to read
            output.put_global(event.raw)
            return
        if len(choices) == 1 and len(chunk["choices"]) == 1:
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
        # choice index → open calls by their key (the entry's `index`, or LEGACY), in upstream order
        self.tools: dict[int, dict[int | str, _ToolBuffer]] = {}
        self.dropped: set[tuple[int, int | str]] = set()  # calls blocked at the hold bounds: later deltas go nowhere
        self.released: dict[int, _ChoiceTools] = {}
        self.content: dict[int, _Content] = {}

    def on_choice(self, event: sse.Event, chunk: dict[str, Any], choice: dict[str, Any], raw: bytes | None) -> None:
        index = wire_index(choice.get("index"))
        assert index is not None
        delta = choice.get("delta") if isinstance(choice.get("delta"), dict) else {}
        assert isinstance(delta, dict)
        content = delta.get("content")
        tool_calls = _tool_entries(delta)
        legacy = delta.get("function_call")
        calls_here = bool(tool_calls) or legacy is not None
        finish = choice.get("finish_reason")
        rest = {k: v for k, v in delta.items() if k not in ("content", "tool_calls", LEGACY)}
        used = Use.NONE
        if isinstance(content, str) and content:
            self.content.setdefault(index, _Content()).feed(content)
            whole = raw if not calls_here and not self.tools.get(index) else None
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
            worth = bool(leftover or choice.get("logprobs")) and not (calls_here and not rest)
            out = {**choice, "delta": leftover}
            if finish is not None:
                out["finish_reason"] = None
            if worth:
                self._put(index, event, chunk, out, raw if finish is None and not calls_here else None, choice)
        for entry in tool_calls:
            self._tool_delta(event, chunk, choice, index, wire_index(entry.get("index")), entry, _entry_kind(entry))
        if legacy is not None:
            if not isinstance(legacy, dict):
                raise StreamBroken("the upstream sent a `function_call` that is not an object")
            self._tool_delta(event, chunk, choice, index, LEGACY, legacy, LEGACY)
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
        for key in list(self.tools.get(index, {})):
            self._complete_tool(index, key)

    def _tool_delta(self, event: sse.Event, chunk: dict[str, Any], choice: dict[str, Any], index: int,
                    key: int | str | None, entry: dict[str, Any], kind: str) -> None:
        """One fragment of a call. Calls of a choice may interleave (index 0, 1, 0, 1): each is
        held until the choice finishes. A new `id` at a known index starts a new call there."""
        assert key is not None
        if (index, key) in self.dropped:
            return
        calls = self.tools.setdefault(index, {})
        buffer = calls.get(key)
        new_id = entry.get("id") if kind != LEGACY else None
        if buffer is not None and new_id and buffer.first.get("id") and new_id != buffer.first.get("id"):
            self._complete_tool(index, key)
            buffer = None
        if buffer is None:
            frame = ChunkFrame(event.event, chunk, minimal_choice(choice, {}))
            separator = self.content.get(index, _Content()).separator
            hold = ToolHold.start(self.ctx, lambda reason: self._over_limit(index, key, reason))
            buffer = calls[key] = _ToolBuffer(entry, kind, self.ctx.output.reserve(index), frame, separator, hold)
        buffer.add(entry)
        buffer.hold.check(buffer.size)

    def _over_limit(self, index: int, key: int | str, reason: str) -> None:
        """A call outgrew the bounds on held tool calls: blocked unread, never released unscanned."""
        buffer = self.tools.get(index, {}).get(key)
        if buffer is None:
            return
        self.dropped.add((index, key))
        self._complete_tool(index, key, over_limit(self.ctx, buffer.call(0), reason))

    def _complete_tool(self, index: int, key: int | str, outcome: ToolCallOutcome | None = None) -> None:
        buffer = self.tools.get(index, {}).pop(key, None)
        if buffer is not None:
            buffer.hold.stop()
            released = self.released.setdefault(index, _ChoiceTools())
            released.last = self.ctx.spawn(self._release_tool(buffer, released, released.last, outcome))

    async def _release_tool(self, buffer: _ToolBuffer, released: _ChoiceTools,
                            previous: asyncio.Task[None] | None, decided: ToolCallOutcome | None) -> None:
        """The hook point: a complete call goes to `ctx.review_tool_call`, its outcome to the client.

        The review runs at once; the release waits for the previous call's, since the index
        this call is delivered with depends on how many calls before it were delivered.
        `decided`: the outcome is known already (the call outgrew the hold bounds).
        """
        call = buffer.call(0)
        if decided is not None:
            outcome = decided
        else:
            try:
                outcome = await self.ctx.review_tool_call(call)
            except Exception:  # never stall the stream on a failing hook: deliver the call as it was
                outcome = ToolCallOutcome(call)
        if previous is not None:
            await asyncio.wait([previous])
        frame = buffer.frame
        data = b""
        if outcome.call is not None:
            delta = buffer.delta(outcome.call, released.delivered)
            released.delivered += 1
            data += self.encode_chunk(frame.event, frame.chunk, {**frame.choice, "delta": delta})
        if outcome.text:
            separator = "\n" if released.notes else buffer.separator
            released.notes += 1
            data += self.encode(frame, separator + outcome.text)
        buffer.slot.fill(data)


def _tool_entries(delta: dict[str, Any]) -> list[dict[str, Any]]:
    """`delta.tool_calls`: `null` entries carry nothing; any other shape cannot be read, so the stream is broken."""
    entries = delta.get("tool_calls")
    if entries is None:
        return []
    if not isinstance(entries, list) or not all(entry is None or isinstance(entry, dict) for entry in entries):
        raise StreamBroken("the upstream sent `tool_calls` that are not a list of objects")
    return [entry for entry in entries if entry is not None]


def parsed_chunks(events: list[sse.Event]) -> list[dict[str, Any]]:
    """Each event's JSON chunk, parsed once for everything shadow mode reads from it ([DONE] and
    what is not a JSON object are left out)."""
    chunks: list[dict[str, Any]] = []
    for event in events:
        if event.data is None or event.data.strip() == DONE:
            continue
        chunk = json_or_none(event.data)
        if isinstance(chunk, dict):
            chunks.append(chunk)
    return chunks


def assembled_texts(chunks: list[dict[str, Any]], key: str = "content") -> list[str]:
    """The assembled text of each choice (shadow mode counts what a non-streamed reply would)."""
    texts: dict[int, list[str]] = {}
    for chunk in chunks:
        for choice in _choices(chunk):
            holder = choice.get("delta") if key == "content" else choice
            piece = holder.get(key) if isinstance(holder, dict) else None
            if isinstance(piece, str):
                texts.setdefault(choice.get("index", 0), []).append(piece)
    return ["".join(texts[index]) for index in sorted(texts)]


def collect_reply(events: list[sse.Event]) -> agents.CollectedReply:
    """The texts and tool calls of a stream (shadow mode counts what a non-streamed reply would)."""
    chunks = parsed_chunks(events)
    calls: dict[tuple[int, int | str], dict[str, Any]] = {}
    for chunk in chunks:
        for choice in _choices(chunk):
            delta = choice.get("delta")
            entries = delta.get("tool_calls") if isinstance(delta, dict) else None
            fragments: list[tuple[int | str, dict[str, Any], object]] = [
                (_int(entry.get("index")), entry, entry.get(_entry_kind(entry)))
                         for entry in (entries if isinstance(entries, list) else []) if isinstance(entry, dict)]
            legacy = delta.get(LEGACY) if isinstance(delta, dict) else None
            if isinstance(legacy, dict):
                fragments.append((LEGACY, legacy, legacy))
            for number, entry, holder in fragments:
                call = calls.setdefault((_int(choice.get("index")), number), {"id": None, "name": "", "arguments": ""})
                call["id"] = call["id"] or entry.get("id")
                if not isinstance(holder, dict):
                    continue
                for part, key in (("name", "name"), ("arguments", "input" if "input" in holder else "arguments")):
                    if isinstance(holder.get(key), str):
                        call[part] += holder[key]
    ordered = [calls[key] for key in sorted(calls, key=lambda k: (k[0], str(k[1]).zfill(12)))]
    return agents.CollectedReply(assembled_texts(chunks),
                                 [agents.ToolCall(c["name"] or None, c["arguments"], c["id"]) for c in ordered])


def _choices(chunk: dict[str, Any]) -> list[dict[str, Any]]:
    choices = chunk.get("choices")
    return [c for c in choices if isinstance(c, dict)] if isinstance(choices, list) else []


def _int(value: object) -> int:
    return int(value) if isinstance(value, int | float) and float(value).is_integer() else 0


class OpenAIChat(WireFormat):
    """`POST /v1/chat/completions`: replies in proxy.protocols.openai_chat, streams here."""

    name = "chat"
    path = CHAT

    async def review(self, reply: Payload, guard: Guard, request: Payload) -> Review:
        return await openai_chat.review_response(reply, guard)

    def transformer(self, ctx: StreamContext, request: Payload) -> ChatStream:
        return ChatStream(ctx)

    def collect(self, events: list[sse.Event]) -> agents.CollectedReply:
        return collect_reply(events)
