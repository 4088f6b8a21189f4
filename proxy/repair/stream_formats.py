"""How a streamed reply is repaired in each wire format: the original rebuilt from its events, and
the repaired answer written as the rest of the same stream.

A streamed reply is repaired only after the upstream has ended (the follow-up replays the whole
answer). By then the client has the part of the stream that came before the held block or call
(`written`); the repaired answer continues it, as events of the same API: for OpenAI chat, more
deltas on choice 0 (tool calls numbered after those already sent), the finish and `[DONE]`; for
Anthropic messages, the open content block closed, the repaired blocks at the next indices,
`message_delta` and `message_stop`. Prose already sent stays; the repaired answer follows it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from proxy import sse
from proxy.repair import formats
from proxy.repair.formats import Payload, RepairFormat

Events = list[sse.Event]


@dataclass(frozen=True)
class StreamRepairFormat:
    """One wire format's part in repairing a stream (see the module docstring)."""

    repair: RepairFormat
    original: Callable[[Events], Payload]  # the reply as the model sent it, from the upstream's events
    ending: Callable[[Events, Events, Payload, Payload], bytes]  # (upstream, written, repaired, request) → bytes
    # Text written at the point where the stream was held, before the held rest (the note that a repair was
    # tried and not used); b"" where the format has no open text there to continue.
    note_at_hold: Callable[[Events, Events, str], bytes]


def _payloads(events: Events) -> list[dict[str, Any]]:
    out = []
    for event in events:
        if event.data is None or event.data.strip() == "[DONE]":
            continue
        try:
            value = json.loads(event.data)
        except ValueError:
            continue
        if isinstance(value, dict):
            out.append(value)
    return out


def _dicts(value: object) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


# ---------------------------------------------------------------- OpenAI chat completions


def _first_choice_deltas(events: Events) -> list[dict[str, Any]]:
    return [choice["delta"] for chunk in _payloads(events) for choice in _dicts(chunk.get("choices"))
            if choice.get("index", 0) == 0 and isinstance(choice.get("delta"), dict)]


def chat_original(events: Events) -> Payload:
    text: list[str] = []
    calls: dict[int, dict[str, Any]] = {}
    for delta in _first_choice_deltas(events):
        if isinstance(delta.get("content"), str):
            text.append(delta["content"])
        for entry in _dicts(delta.get("tool_calls")):
            number = entry["index"] if isinstance(entry.get("index"), int) else 0
            call = calls.setdefault(number, {"id": None, "type": "function", "function": {"name": "", "arguments": ""}})
            call["id"] = call["id"] or entry.get("id")
            function: dict[str, Any] = entry["function"] if isinstance(entry.get("function"), dict) else {}
            for part in ("name", "arguments"):
                if isinstance(function.get(part), str):
                    call["function"][part] += function[part]
    message: dict[str, Any] = {"role": "assistant", "content": "".join(text) or None}
    if calls:
        message["tool_calls"] = [calls[number] for number in sorted(calls)]
    return {"choices": [{"index": 0, "message": message}]}


def _chat_base(upstream: Events) -> dict[str, Any]:
    """The fields every chunk of this stream repeats (id, model, …), from the upstream's first chunk."""
    first = next((c for c in _payloads(upstream) if "id" in c), {})
    base: dict[str, Any] = {key: first[key] for key in ("id", "object", "created", "model", "system_fingerprint")
                            if key in first}
    return {"object": "chat.completion.chunk", **base}


def chat_ending(upstream: Events, written: Events, repaired: Payload, request: Payload) -> bytes:
    base = _chat_base(upstream)
    sent = _first_choice_deltas(written)
    calls_sent = {e.get("index") for delta in sent for e in _dicts(delta.get("tool_calls"))}
    choice = (_dicts(repaired.get("choices")) or [{}])[0]
    message: dict[str, Any] = choice["message"] if isinstance(choice.get("message"), dict) else {}

    def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
        return {**base, "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}

    delta: dict[str, Any] = {} if any("role" in d for d in sent) else {"role": "assistant"}
    text = message.get("content") if isinstance(message.get("content"), str) else ""
    if text:
        delta["content"] = ("\n\n" if any(d.get("content") for d in sent) else "") + text
    out = [chunk(delta)] if delta else []
    for number, call in enumerate(_dicts(message.get("tool_calls")), start=len(calls_sent)):
        out.append(chunk({"tool_calls": [{"index": number, "id": call.get("id"), "type": "function",
                                          "function": call.get("function") or {}}]}))
    out.append(chunk({}, choice.get("finish_reason") or ("tool_calls" if message.get("tool_calls") else "stop")))
    options = request.get("stream_options")
    if isinstance(options, dict) and options.get("include_usage"):
        out.append({**base, "choices": [], "usage": repaired.get("usage")})
    return b"".join(sse.encode(json.dumps(c, ensure_ascii=False)) for c in out) + sse.encode("[DONE]")


def chat_note_at_hold(upstream: Events, written: Events, note: str) -> bytes:
    base = _chat_base(upstream)
    delta: dict[str, Any] = {"content": note + "\n"}
    if not any("role" in d for d in _first_choice_deltas(written)):
        delta = {"role": "assistant", **delta}
    chunk = {**base, "choices": [{"index": 0, "delta": delta, "finish_reason": None}]}
    return sse.encode(json.dumps(chunk, ensure_ascii=False))


CHAT = StreamRepairFormat(formats.CHAT, chat_original, chat_ending, chat_note_at_hold)


# ---------------------------------------------------------------- Anthropic messages


def messages_original(events: Events) -> Payload:
    blocks: dict[int, dict[str, Any]] = {}
    json_parts: dict[int, list[str]] = {}
    message: dict[str, Any] = {}
    for payload in _payloads(events):
        kind, index = payload.get("type"), payload.get("index")
        if kind == "message_start" and isinstance(payload.get("message"), dict):
            message = payload["message"]
        elif (kind == "content_block_start" and isinstance(index, int)
              and isinstance(payload.get("content_block"), dict)):
            blocks[index] = dict(payload["content_block"])
        elif kind == "content_block_delta" and index in blocks and isinstance(payload.get("delta"), dict):
            delta = payload["delta"]
            if delta.get("type") == "text_delta" and isinstance(delta.get("text"), str):
                blocks[index]["text"] = str(blocks[index].get("text") or "") + delta["text"]
            elif delta.get("type") == "input_json_delta" and isinstance(delta.get("partial_json"), str):
                json_parts.setdefault(index, []).append(delta["partial_json"])
    content = []
    for index in sorted(blocks):
        block = blocks[index]
        if block.get("type") == "tool_use" and index in json_parts:
            try:
                block["input"] = json.loads("".join(json_parts[index]))
            except ValueError:
                block["input"] = {}
        if block.get("type") in ("text", "tool_use"):
            content.append(block)
    return {"id": message.get("id"), "type": "message", "role": "assistant", "content": content}


def messages_ending(upstream: Events, written: Events, repaired: Payload, request: Payload) -> bytes:
    sent = _payloads(written)
    started = {p["index"] for p in sent if p.get("type") == "content_block_start" and isinstance(p.get("index"), int)}
    stopped = {p["index"] for p in sent if p.get("type") == "content_block_stop" and isinstance(p.get("index"), int)}
    out: list[dict[str, Any]] = []
    if not any(p.get("type") == "message_start" for p in sent):
        out += [p for p in _payloads(upstream) if p.get("type") == "message_start"][:1]
    out += [{"type": "content_block_stop", "index": index} for index in sorted(started - stopped)]
    index = max(started, default=-1) + 1
    for block in _dicts(repaired.get("content")):
        if block.get("type") == "text":
            opened: dict[str, Any] = {"type": "text", "text": ""}
            delta: dict[str, Any] = {"type": "text_delta", "text": str(block.get("text") or "")}
        elif block.get("type") == "tool_use":
            opened = {"type": "tool_use", "id": block.get("id"), "name": block.get("name"), "input": {}}
            delta = {"type": "input_json_delta", "partial_json": json.dumps(block.get("input") or {})}
        else:
            continue
        out += [{"type": "content_block_start", "index": index, "content_block": opened},
                {"type": "content_block_delta", "index": index, "delta": delta},
                {"type": "content_block_stop", "index": index}]
        index += 1
    usage: dict[str, Any] = repaired["usage"] if isinstance(repaired.get("usage"), dict) else {}
    out += [{"type": "message_delta", "delta": {"stop_reason": repaired.get("stop_reason") or "end_turn",
                                                "stop_sequence": repaired.get("stop_sequence")},
             "usage": {"output_tokens": usage.get("output_tokens", 0)}},
            {"type": "message_stop"}]
    return b"".join(sse.encode(json.dumps(p, ensure_ascii=False), event=str(p["type"])) for p in out)


def messages_note_at_hold(upstream: Events, written: Events, note: str) -> bytes:
    sent = _payloads(written)
    text_blocks = {p["index"] for p in sent if p.get("type") == "content_block_start"
                   and isinstance(p.get("content_block"), dict) and p["content_block"].get("type") == "text"}
    stopped = {p.get("index") for p in sent if p.get("type") == "content_block_stop"}
    open_text = sorted(index for index in text_blocks if index not in stopped)
    if not open_text:
        return b""
    text = {"type": "text_delta", "text": note + "\n"}
    delta = {"type": "content_block_delta", "index": open_text[-1], "delta": text}
    return sse.encode(json.dumps(delta, ensure_ascii=False), event="content_block_delta")


MESSAGES = StreamRepairFormat(formats.MESSAGES, messages_original, messages_ending, messages_note_at_hold)


# ---------------------------------------------------------------- OpenAI Responses
# The events written here go through the stream's write-time pass (openai_responses_delivery), like
# every other event of the reply: it renumbers `sequence_number` and `output_index` in delivery order
# and rewrites the summaries (`*.done`, the terminal `response.output`) to what was delivered. So the
# ending names the open items by their upstream numbers and the new items by fresh ones after them.

TERMINAL = ("response.completed", "response.incomplete", "response.failed")


def responses_original(events: Events) -> Payload:
    """The reply as the model sent it: the terminal event's response, else the finished items."""
    final: dict[str, Any] | None = None
    done: list[dict[str, Any]] = []
    for payload in _payloads(events):
        if payload.get("type") in TERMINAL and isinstance(payload.get("response"), dict):
            final = payload["response"]
        elif payload.get("type") == "response.output_item.done" and isinstance(payload.get("item"), dict):
            done.append(payload["item"])
    if final is None or not isinstance(final.get("output"), list):
        final = {**(final or {}), "output": done}
    return final


def _open_items(upstream: Events, written: Events) -> list[tuple[int, dict[str, Any], list[int]]]:
    """Items the client saw start but not end: (upstream output_index, item, open content indexes)."""
    upstream_index = {p["item"].get("id"): p.get("output_index") for p in _payloads(upstream)
                      if p.get("type") == "response.output_item.added" and isinstance(p.get("item"), dict)}
    started: dict[object, dict[str, Any]] = {}
    parts: dict[object, set[int]] = {}
    for p in _payloads(written):
        item = p.get("item") if isinstance(p.get("item"), dict) else None
        kind = p.get("type")
        if kind == "response.output_item.added" and item is not None:
            started[item.get("id")] = item
        elif kind == "response.output_item.done" and item is not None:
            started.pop(item.get("id"), None)
        elif kind == "response.content_part.added":
            parts.setdefault(p.get("item_id"), set()).add(p.get("content_index") or 0)
        elif kind == "response.content_part.done":
            parts.get(p.get("item_id"), set()).discard(p.get("content_index") or 0)
    out = []
    for item_id, item in started.items():
        index = upstream_index.get(item_id)
        if isinstance(index, int):
            out.append((index, item, sorted(parts.get(item_id, ()))))
    return out


def _closing(index: int, item: dict[str, Any], open_parts: list[int]) -> list[dict[str, Any]]:
    """The end events of an item cut short (its texts are filled in at write time from what was sent)."""
    out: list[dict[str, Any]] = []
    blank = {"type": "output_text", "annotations": [], "text": ""}
    for number in open_parts:
        where = {"item_id": item.get("id"), "output_index": index, "content_index": number}
        out += [{"type": "response.output_text.done", **where, "text": ""},
                {"type": "response.content_part.done", **where, "part": blank}]
    content = [blank] * (max(open_parts) + 1) if item.get("type") == "message" and open_parts else item.get("content")
    done = {**item, "status": "completed", **({"content": content} if content is not None else {})}
    return [*out, {"type": "response.output_item.done", "output_index": index, "item": done}]


def _new_item(index: int, item: dict[str, Any]) -> list[dict[str, Any]]:
    if item.get("type") != "message":
        return [{"type": "response.output_item.added", "output_index": index, "item": item},
                {"type": "response.output_item.done", "output_index": index, "item": item}]
    parts = _dicts(item.get("content"))
    out: list[dict[str, Any]] = [{"type": "response.output_item.added", "output_index": index,
                                  "item": {**item, "status": "in_progress", "content": []}}]
    for number, part in enumerate(parts):
        where = {"item_id": item.get("id"), "output_index": index, "content_index": number}
        text = str(part.get("text") or "")
        out += [{"type": "response.content_part.added", **where, "part": {**part, "text": ""}},
                {"type": "response.output_text.delta", **where, "delta": text},
                {"type": "response.output_text.done", **where, "text": text},
                {"type": "response.content_part.done", **where, "part": part}]
    return [*out, {"type": "response.output_item.done", "output_index": index, "item": item}]


def responses_ending(upstream: Events, written: Events, repaired: Payload, request: Payload) -> bytes:
    sent = _payloads(upstream)
    out: list[dict[str, Any]] = []
    for index, item, open_parts in _open_items(upstream, written):
        out += _closing(index, item, open_parts)
    fresh = max((p["output_index"] for p in sent if isinstance(p.get("output_index"), int)), default=-1) + 1
    for number, item in enumerate(_dicts(repaired.get("output"))):
        out += _new_item(fresh + number, {**item, "id": item.get("id") or f"bw_repair_{number}"})
    final = next((p["response"] for p in reversed(sent) if p.get("type") in TERMINAL
                  and isinstance(p.get("response"), dict)), None)
    response = {**(final or {}), "status": "completed", "output": [], "usage": repaired.get("usage")}
    out.append({"type": "response.completed", "response": response})
    return b"".join(sse.encode(json.dumps({**p, "sequence_number": 0}, ensure_ascii=False), event=str(p["type"]))
                    for p in out)


def responses_note_at_hold(upstream: Events, written: Events, note: str) -> bytes:
    for index, item, open_parts in _open_items(upstream, written):
        if item.get("type") == "message" and open_parts:
            delta = {"type": "response.output_text.delta", "item_id": item.get("id"), "output_index": index,
                     "content_index": open_parts[-1], "delta": note + "\n", "sequence_number": 0}
            return sse.encode(json.dumps(delta, ensure_ascii=False), event="response.output_text.delta")
    return b""


RESPONSES = StreamRepairFormat(formats.RESPONSES, responses_original, responses_ending, responses_note_at_hold)
