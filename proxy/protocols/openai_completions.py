"""OpenAI legacy completions (`POST /v1/completions`): autocomplete and fill-in-the-middle.

The whole completion is code going straight into the user's file, so it is one raw snippet
(origin `completion`), in the language the request hints at. A blocked completion becomes
empty (a note would be inserted into the file); a tagged one is unchanged and only counted.
Streamed, each choice's text is held until the choice finishes.
"""

from __future__ import annotations

import re
from typing import Any

from proxy import languages, parse, sse
from proxy.agents import CollectedReply
from proxy.guard import Guard, Review
from proxy.http_target import COMPLETIONS
from proxy.protocols import openai_stream
from proxy.protocols.openai_stream import ChunkFrame, OpenAIStream
from proxy.protocols.wire import Payload, WireFormat
from proxy.stream.context import StreamContext
from proxy.stream.events import wire_index
from proxy.stream.text import CompletionJudge, Judge, TextGuard, Use, WholeText

# "# Path: src/app.py", "// File: a.ts", "<filename>x.go" (StarCoder), "-- file: q.sql"
_PATH_HINT = re.compile(r"(?:<filename>|\b(?:path|file|filename)\s*[:=]\s*)[\"']?([\w./\\-]+\.\w+|Dockerfile)",
                        re.IGNORECASE)
_DETECT_CONTEXT = 2000  # characters of prompt and suffix used for language detection


def _prompt(payload: dict[str, Any]) -> str:
    prompt = payload.get("prompt")
    if isinstance(prompt, list) and prompt and isinstance(prompt[0], str):
        prompt = prompt[0]
    return prompt if isinstance(prompt, str) else ""


def language_hint(payload: dict[str, Any], completion: str = "") -> str | None:
    """The language of the file being completed: a path named in the prompt or suffix, else
    tree-sitter detection over the code around the completion."""
    prompt, suffix = _prompt(payload), payload.get("suffix")
    suffix = suffix if isinstance(suffix, str) else ""
    for text in (prompt, suffix):
        for match in _PATH_HINT.finditer(text):
            language = languages.from_path(match.group(1))
            if language:
                return language
    context = prompt[-_DETECT_CONTEXT:] + completion + suffix[:_DETECT_CONTEXT]
    detection = parse.detect_language(context) if context.strip() else None
    return detection.language if detection else None


def texts(payload: dict[str, Any]) -> list[dict[str, Any]]:
    return [c for c in payload.get("choices") or [] if isinstance(c, dict) and isinstance(c.get("text"), str)]


async def review_response(reply: dict[str, Any], guard: Guard, request: dict[str, Any]) -> Review:
    choices = texts(reply)
    language = language_hint(request, choices[0]["text"] if choices else "")
    review = await guard.review_completions([c["text"] for c in choices], language)
    if review.changed:
        for choice, text in zip(choices, review.texts, strict=True):
            choice["text"] = text
    return review


class CompletionsStream(OpenAIStream):
    text_key = "text"

    def __init__(self, ctx: StreamContext, request: dict[str, Any]) -> None:
        super().__init__(ctx)
        self.language = language_hint(request)

    def judge(self) -> Judge:
        return CompletionJudge(self.ctx.guard, self.language, self.number)

    def text_guard(self, index: int) -> TextGuard:
        if index not in self.texts:
            self.texts[index] = TextGuard(self.ctx, index, self.encode, self.judge(), WholeText())
        return self.texts[index]

    def on_choice(self, event: sse.Event, chunk: dict[str, Any], choice: dict[str, Any], raw: bytes | None) -> None:
        index = wire_index(choice.get("index"))
        assert index is not None
        text, finish = choice.get("text"), choice.get("finish_reason")
        quiet = {**choice, **({"finish_reason": None} if "finish_reason" in choice else {})}
        cleared: dict[str, Any] = {key: None for key in ("logprobs", "finish_reason") if key in choice}
        minimal = {**choice, "text": "", **cleared}
        used = Use.NONE
        if isinstance(text, str) and text:
            used = self.text_guard(index).feed(text, ChunkFrame(event.event, chunk, quiet),
                                               ChunkFrame(event.event, chunk, minimal))
        if finish is None:
            if used is Use.NONE:
                self.ctx.output.put(index, raw or self.encode_chunk(event.event, chunk, choice))
            return
        self.end_choice(index)
        done = {**minimal, "finish_reason": finish}
        if raw is not None and used is Use.NONE and done == choice:
            self.ctx.output.put(index, raw)
        else:
            self.ctx.output.put(index, self.encode_chunk(event.event, chunk, done))


class OpenAICompletions(WireFormat):
    """`POST /v1/completions`: each choice's text is one raw snippet, in the language the request hints at."""

    name = "completions"
    path = COMPLETIONS

    async def review(self, reply: Payload, guard: Guard, request: Payload) -> Review:
        return await review_response(reply, guard, request)

    def transformer(self, ctx: StreamContext, request: Payload) -> CompletionsStream:
        return CompletionsStream(ctx, request)

    def collect(self, events: list[sse.Event]) -> CollectedReply:
        return CollectedReply(openai_stream.assembled_texts(openai_stream.parsed_chunks(events), key="text"), [])

    async def review_collected(self, guard: Guard, collected: CollectedReply, request: Payload) -> Review:
        texts = collected.texts
        return await guard.review_completions(texts, language_hint(request, texts[0] if texts else ""))
