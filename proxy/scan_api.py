"""The scan API: one piece of content in, the finding JSON of CONTRACT.md and a verdict out.

It is the reach of the guard beyond the base URL: agent hooks, pre-commit and CI ask a
running Breakwater (`POST /scan`) instead of routing model traffic through it, and get the
same rules, the same policy and, in team mode, the same audit log as proxied replies.
`judge` is also what `breakwater hook` runs in process when no service answers.

A command or a file write is judged exactly as the same agent tool call in a proxied reply
(`proxy.agents.review_tool_calls`): per-tool policy, fail-closed notes and all.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from proxy import languages
from proxy.agents import ToolCall, review_tool_calls
from proxy.guard import Guard
from proxy.models import Decision, Origin, ScanResult
from proxy.scan import raw_snippet, snippets_from_text

MAX_CONTENT_CHARS = 2 * 1024 * 1024


class ScanKind(StrEnum):
    REPLY = "reply"  # an LLM reply: prose with fenced code, or bare code
    CODE = "code"  # raw code in `language` (or the language of `path`)
    COMMAND = "command"  # a shell command an agent wants to run
    FILE_WRITE = "file_write"  # content an agent wants to write to `path`
    TOOL_CALL = "tool_call"  # any agent tool call: `tool` and its `arguments` (MCP tools, edits)


class ScanRequest(BaseModel):
    """The body of `POST /scan` (and what a hook turns an agent's payload into)."""

    model_config = ConfigDict(extra="forbid")

    kind: ScanKind
    content: str = Field("", max_length=MAX_CONTENT_CHARS)
    language: str | None = None
    path: str | None = None
    tool: str | None = None
    arguments: dict[str, object] | None = None  # kind tool_call only


@dataclass
class ScanAnswer:
    """What the caller should do: `deliver` is False when the content must not run or be written."""

    request: ScanRequest
    result: ScanResult
    deliver: bool
    reason: str | None

    def to_json(self) -> dict[str, object]:
        return {**self.result.to_json(), "kind": self.request.kind.value, "deliver": self.deliver,
                "reason": self.reason}


class ScanRequestError(ValueError):
    """The request cannot be judged as sent (unknown language, a file write without a path…)."""


def tool_call_for(request: ScanRequest) -> ToolCall | None:
    """The agent tool call a command or file write stands for; None for replies and code."""
    if request.kind is ScanKind.COMMAND:
        return ToolCall(request.tool or "Bash", {"command": request.content})
    if request.kind is ScanKind.TOOL_CALL:
        if not request.tool or request.arguments is None:
            raise ScanRequestError("a tool_call needs `tool` and `arguments`")
        return ToolCall(request.tool, request.arguments)
    if request.kind is ScanKind.FILE_WRITE:
        if not request.path:
            raise ScanRequestError("a file_write needs `path`")
        return ToolCall(request.tool or "Write", {"file_path": request.path, "content": request.content})
    return None


async def judge(guard: Guard, request: ScanRequest) -> ScanAnswer:
    """Scan one request under the guard's policy and record it (metrics, audit) like a reply."""
    call = tool_call_for(request)
    if call is not None:
        verdict = (await review_tool_calls([call], guard))[0]
        return ScanAnswer(request, verdict.result, verdict.deliver, verdict.note)
    result = await guard.scanner.scan(_snippets(request))
    guard.record(result)
    blocked = result.decision is Decision.BLOCK or (result.decision is Decision.ERROR and guard.fail_closed)
    return ScanAnswer(request, result, deliver=guard.in_shadow or not blocked, reason=None)


def _snippets(request: ScanRequest) -> list:
    if request.kind is ScanKind.REPLY:
        return snippets_from_text(request.content)
    language = languages.from_alias(request.language) if request.language else None
    if request.language and language is None:
        raise ScanRequestError(f"unknown language {request.language!r}; known: {', '.join(languages.names())}")
    if language is None and request.path:
        language = languages.from_path(request.path)
    return [raw_snippet(request.content, language, Origin.RAW)]


def parse_request(payload: object) -> ScanRequest:
    try:
        return ScanRequest.model_validate(payload)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'body'}: {e['msg']}" for e in exc.errors())
        raise ScanRequestError(problems) from None


async def handle(request: web.Request, guard: Guard) -> web.Response:
    """`POST /scan`: 200 with the answer, 400 with `{"error": {...}}` for a body it cannot judge."""
    try:
        payload = await request.json()
    except (ValueError, RecursionError):
        return _bad_request("the body must be a JSON object")
    try:
        answer = await judge(guard, parse_request(payload))
    except ScanRequestError as exc:
        return _bad_request(str(exc))
    return web.json_response(answer.to_json(), headers={
        "X-Breakwater-Decision": answer.result.decision.value,
        "X-Breakwater-Findings": str(len(answer.result.findings)),
    })


def _bad_request(message: str) -> web.Response:
    return web.json_response({"error": {"type": "invalid_request_error", "message": message}}, status=400)
