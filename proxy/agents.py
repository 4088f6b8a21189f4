"""Tool calls: tool call → snippets → decision → what to deliver instead.

This is the one unit every wire format uses for agents' tool calls, so that OpenAI chat
`tool_calls`, Responses `function_call`/`custom_tool_call`/`local_shell_call`, Anthropic
`tool_use` blocks and streamed tool calls are judged alike.

How a protocol module uses it:

1. Turn each tool call of the reply into a `ToolCall(name, arguments, call_id)`.
   `arguments` is what the wire carries: the JSON *string* of OpenAI function calls (it may
   be malformed or cut off; that is handled), the parsed *object* of an Anthropic
   `tool_use.input`, the *argv list* of a `local_shell_call` (with name `local_shell`), or
   the free *text* of a custom tool (`apply_patch`, Codex code-mode `exec`).
2. Call `await review_reply(guard, texts, calls)` when the reply also has assistant text
   (one engine call for all of it, as a reply is one decision), or
   `await review_tool_calls(calls, guard)` when it is only tool calls: the streaming hook
   calls this with the one call it has just assembled (name + complete arguments), before
   releasing any of that call's held events.
3. For each `ToolVerdict`, in call order:
   - `verdict.deliver` is False: do not deliver the call. Put `verdict.note` (a markdown
     block note whose first line starts with `> ⛔ Breakwater blocked`) where the client
     will show it as assistant text: chat → the message content; Responses → a `message`
     output item in the call's place; Anthropic → a `text` content block in place of the
     `tool_use` block. If no call is left, the turn ends: chat `finish_reason` "stop",
     Anthropic `stop_reason` "end_turn".
   - `verdict.deliver` is True and `verdict.note` is set (tag, or fail-open scan error):
     deliver the call unchanged and add the note as assistant text after it.
   - otherwise deliver the call unchanged, adding nothing.
   In shadow mode every verdict delivers and has no note (decisions are still counted).

Notes are worded in `proxy.render` (the `call_*_note` functions).

The verdict's `result` has the call's own snippets and findings (for logs and headers);
`review_reply(...).result` has the whole reply's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from proxy.extract.tools import snippets_from_tool_call
from proxy.guard import Guard
from proxy.models import Decision, ScanResult, Snippet
from proxy.render import call_block_note, call_error_note, call_tag_note, rewrite_text


@dataclass(frozen=True)
class ToolCall:
    """One tool call, in any wire format (see the module docstring for `arguments`)."""

    name: str | None
    arguments: object
    call_id: str | None = None


@dataclass
class ToolVerdict:
    call: ToolCall
    result: ScanResult
    deliver: bool
    note: str | None

    @property
    def decision(self) -> Decision:
        return self.result.decision


@dataclass
class AgentReview:
    """A reply's rewritten texts, one verdict per tool call, and the combined scan result."""

    texts: list[str]
    verdicts: list[ToolVerdict]
    result: ScanResult
    changed: bool = False
    text_results: list[ScanResult] = field(default_factory=list)


@dataclass
class CollectedReply:
    """A streamed reply as a non-streamed one would have it: its texts and its tool calls (shadow mode)."""

    texts: list[str]
    calls: list[ToolCall]


async def review_tool_calls(calls: Sequence[ToolCall], guard: Guard, count: bool = True) -> list[ToolVerdict]:
    """Scan tool calls (one engine call) and say, per call, what to deliver."""
    return (await review_reply(guard, [], calls, count)).verdicts


async def review_reply(guard: Guard, texts: Sequence[str], calls: Sequence[ToolCall],
                       count: bool = True) -> AgentReview:
    """Scan a reply's assistant texts and tool calls together, as one decision, and rewrite the texts.

    `count=False` leaves the recording (metrics and audit, `Guard.record`) to the caller: a
    streamed reply is scanned call by call but recorded once, like a non-streamed one.
    """
    groups: list[list[Snippet]] = await guard.scanner.extract(texts)
    groups += [snippets_from_tool_call(call.name, call.arguments) for call in calls]
    flat: list[Snippet] = []
    for group in groups:
        for position, snippet in enumerate(group):
            group[position] = replace(snippet, index=len(flat))
            flat.append(group[position])
    result = await guard.scanner.scan(flat)
    if count:
        guard.record(result)
    parts: list[ScanResult] = []
    cursor = 0
    for group in groups:
        parts.append(ScanResult(result.snippets[cursor:cursor + len(group)]))
        cursor += len(group)
    text_parts, call_parts = parts[:len(texts)], parts[len(texts):]
    if guard.in_shadow:
        verdicts = [ToolVerdict(call, own, True, None) for call, own in zip(calls, call_parts, strict=True)]
        return AgentReview(list(texts), verdicts, result, False, text_parts)
    rewritten = [rewrite_text(text, own, guard.fail_closed) for text, own in zip(texts, text_parts, strict=True)]
    verdicts = [verdict_for(call, own, guard.tools_fail_closed) for call, own in zip(calls, call_parts, strict=True)]
    changed = rewritten != list(texts) or any(v.note is not None or not v.deliver for v in verdicts)
    return AgentReview(rewritten, verdicts, result, changed, text_parts)


def verdict_for(call: ToolCall, result: ScanResult, fail_closed: bool) -> ToolVerdict:
    decision = result.decision
    if decision is Decision.BLOCK:
        return ToolVerdict(call, result, False, call_block_note(call.name, result))
    if decision is Decision.ERROR:
        return ToolVerdict(call, result, not fail_closed, call_error_note(call.name, result, fail_closed))
    if decision is Decision.TAG:
        return ToolVerdict(call, result, True, call_tag_note(call.name, result))
    return ToolVerdict(call, result, True, None)
