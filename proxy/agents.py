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

The verdict's `result` has the call's own snippets and findings (for logs and headers);
`review_reply(...).result` has the whole reply's.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from proxy.extract.tools import ROLE_COMMAND, ROLE_FILE, ROLE_SCRIPT, snippets_from_tool_call
from proxy.guard import Guard
from proxy.models import Action, Decision, Finding, ScanResult, Snippet, SnippetResult
from proxy.render import BLOCK_MARKER, TAG_MARKER, rewrite_text, shorten


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
        return ToolVerdict(call, result, False, block_note(call, result))
    if decision is Decision.ERROR:
        return ToolVerdict(call, result, not fail_closed, error_note(call, result, fail_closed))
    if decision is Decision.TAG:
        return ToolVerdict(call, result, True, tag_note(call, result))
    return ToolVerdict(call, result, True, None)


# ---------------------------------------------------------------- notes


def describe(call: ToolCall, result: ScanResult) -> str:
    """`the `Bash` tool call (command `rm -rf build`)`: what the call would have done."""
    name = f"`{call.name}` tool call" if call.name else "tool call"
    snippets = [r.snippet for r in result.snippets]
    commands = [s for s in snippets if s.info == ROLE_COMMAND]
    files = sorted({s.path for s in snippets if s.info == ROLE_FILE and s.path})
    if commands:
        return f"the {name} (command `{shorten(commands[0].code)}`)"
    if files:
        return f"the {name} (write to {', '.join(f'`{path}`' for path in files)})"
    if any(s.info == ROLE_SCRIPT for s in snippets):
        return f"the {name} (a script that calls tools)"
    return f"the {name}"


def block_note(call: ToolCall, result: ScanResult) -> str:
    lines = [
        f"{BLOCK_MARKER} {describe(call, result)}: it was not delivered, so it will not run.",
        ">",
        *_finding_lines(result, lambda f: f.action is Action.BLOCK),
        ">",
        "> Ask for a safer version, or have a second engineer review it and request a waiver.",
    ]
    return "\n".join(lines) + "\n"


def tag_note(call: ToolCall, result: ScanResult) -> str:
    shown = _finding_lines(result, lambda f: f.action is not Action.ALLOW)
    count = f"{len(shown)} finding" + ("s" if len(shown) != 1 else "")
    lines = [f"{TAG_MARKER}: {count} in {describe(call, result)}; it was delivered unchanged.", ">", *shown]
    return "\n".join(lines) + "\n"


def error_note(call: ToolCall, result: ScanResult, fail_closed: bool) -> str:
    reason = next((r.error for r in result.snippets if r.error), None) or "engine error"
    if fail_closed:
        return (f"{BLOCK_MARKER} {describe(call, result)}: the scanner failed ({reason}) and policy is"
                " fail-closed, so it was not delivered.\n")
    return f"{TAG_MARKER} could not scan {describe(call, result)} ({reason}); it is passed on unscanned.\n"


def _finding_lines(result: ScanResult, keep: Callable[[Finding], bool]) -> list[str]:
    """One line per finding, saying where it is; a rule already reported on the command is not
    repeated for the script nested in it (`bash -c '…'` is scanned twice, outside and inside)."""
    lines: list[str] = []
    command_rules: set[str] = set()
    seen: set[tuple[str, str, int]] = set()
    first_command = True
    for snippet_result in result.snippets:
        snippet = snippet_result.snippet
        where = _where(snippet_result, first_command)
        is_command = snippet.info == ROLE_COMMAND
        for finding in snippet_result.findings:
            if not keep(finding):
                continue
            if is_command and not first_command and finding.rule_id in command_rules:
                continue
            key = (finding.rule_id, where, finding.line)
            if key in seen:
                continue
            seen.add(key)
            if is_command:
                command_rules.add(finding.rule_id)
            lines.append(_finding_line(finding, where))
        if is_command:
            first_command = False
    return lines


def _where(result: SnippetResult, first_command: bool) -> str:
    snippet = result.snippet
    if snippet.info == ROLE_COMMAND:
        if first_command:
            return "of the command"
        return f"of the nested {result.language or 'shell'} script `{shorten(snippet.code, 60)}`"
    if snippet.path:
        return f"of the new text of `{snippet.path}`" if snippet.added_lines is not None else f"of `{snippet.path}`"
    if snippet.info == ROLE_SCRIPT:
        return "of the script"
    return f"of the {result.language or 'code'}"


def _finding_line(finding: Finding, where: str) -> str:
    return (f"> - **{finding.category}** `{finding.rule_id}` at line {finding.line} {where}"
            f" ({finding.severity.value}): {finding.message}")
