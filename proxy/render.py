"""Every note Breakwater writes into a reply, and writing them back into the reply's text.

The one place the notes are worded: code blocks, agents' tool calls, scan errors, streaming hold
limits, repairs. The first line of each note is fixed by CONTRACT.md (`> ⚠️ Breakwater` for a tag,
`> ⛔ Breakwater blocked` for a block, `> 🔧 Breakwater repaired` for a repair); the rest names each
finding's category, rule id and line, and what to do instead. A waived finding says so in its own
message (proxy.team.enforce), so it reads the same in every note.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from proxy.models import (
    ROLE_COMMAND,
    ROLE_FILE,
    ROLE_SCRIPT,
    Action,
    Decision,
    Finding,
    Origin,
    ScanResult,
    SnippetResult,
)

TAG_MARKER = "> ⚠️ Breakwater"
BLOCK_MARKER = "> ⛔ Breakwater blocked"
REPAIRED_MARKER = "> 🔧 Breakwater repaired"


ADVICE = "> Ask for a safer version, or have a second engineer review it and request a waiver."


def _subject(result: SnippetResult) -> str:
    snippet = result.snippet
    if snippet.origin is Origin.TOOL_CALL and snippet.info == ROLE_COMMAND:
        return f"the command `{shorten(snippet.code)}`"
    if snippet.path:
        return f"the change to `{snippet.path}`"
    language = result.language or "code"
    return f"this {language} block"


def shorten(code: str, limit: int = 120) -> str:
    """One line of code for a note: first line, backticks neutralised, cut at `limit` characters."""
    lines = code.strip().splitlines() or [""]
    line = lines[0].replace("`", "'")
    more = len(lines) > 1 or len(line) > limit
    return line[:limit] + (" …" if more else "")


def finding_lines(findings: Iterable[Finding]) -> list[str]:
    return [_finding_line(f, "") for f in findings]


def _finding_line(finding: Finding, where: str) -> str:
    at = f"at line {finding.line} {where}" if where else f"at line {finding.line}"
    return f"> - **{finding.category}** `{finding.rule_id}` {at} ({finding.severity.value}): {finding.message}"


def _count(n: int) -> str:
    return f"{n} finding" + ("s" if n != 1 else "")


# ---------------------------------------------------------------- the four note shapes, written once


def _block(subject: str, lines: list[str], consequence: str = "") -> str:
    return "\n".join([f"{BLOCK_MARKER} {subject}: it was not delivered{consequence}.", ">", *lines, ">",
                      ADVICE]) + "\n"


def _tag(subject: str, lines: list[str], tail: str = "") -> str:
    return "\n".join([f"{TAG_MARKER}: {_count(len(lines))} in {subject}{tail}", ">", *lines]) + "\n"


def _scan_failed(subject: str, reason: str, fail_closed: bool) -> str:
    if fail_closed:
        return (f"{BLOCK_MARKER} {subject}: the scanner failed ({reason}) and policy is fail-closed,"
                " so it was not delivered.\n")
    return f"{TAG_MARKER} could not scan {subject} ({reason}); it is passed on unscanned.\n"


def _over_hold_limit(subject: str, reason: str, what: str = "") -> str:
    return (f"{BLOCK_MARKER} {subject}: it exceeded the streaming hold limit{what} ({reason}) before it could"
            " be scanned, so it was not delivered.\n")


# ---------------------------------------------------------------- code blocks (and single snippets)


def tag_note(result: SnippetResult) -> str:
    shown = [f for f in result.findings if f.action is not Action.ALLOW]
    return _tag(_subject(result), finding_lines(shown))


def block_note(result: SnippetResult) -> str:
    return _block(_subject(result), finding_lines(f for f in result.findings if f.action is Action.BLOCK))


def error_note(result: SnippetResult, fail_closed: bool) -> str:
    return _scan_failed(_subject(result), result.error or "engine error", fail_closed)


def hold_limit_note(result: SnippetResult, reason: str, blocked: bool) -> str:
    """A streamed block the guard could not hold to its end (too large or too slow).

    Released, the note goes before the code (the block is still open when it is written).
    """
    if blocked:
        return _over_hold_limit(_subject(result), reason)
    return (f"{TAG_MARKER} could not hold {_subject(result)} to its end ({reason}); it is passed on unscanned.\n")


def note_for(result: SnippetResult, fail_closed: bool) -> tuple[str, bool] | None:
    """The note for a snippet and whether it replaces the code (True) or follows it (False)."""
    if result.decision is Decision.BLOCK:
        return block_note(result), True
    if result.decision is Decision.TAG:
        return tag_note(result), False
    if result.decision is Decision.ERROR:
        return error_note(result, fail_closed), fail_closed
    return None


def rewrite_text(text: str, scan: ScanResult, fail_closed: bool) -> str:
    """Apply tag and block notes to the text the snippets were extracted from.

    Snippets whose ranges overlap (the files of one diff fence, the command and the
    scripts nested in one tagged tool use) are one unit: if any of them is blocked the
    whole range is replaced by the block notes; otherwise the tag notes follow it.
    """
    pieces: list[str] = []
    cursor = 0
    for start, end, notes in _note_groups(scan, fail_closed):
        replacing = [note for note, replaces in notes if replaces]
        if replacing:
            pieces.append(text[cursor:start])
        else:
            pieces.append(text[cursor:end])
        if pieces and pieces[-1] and not pieces[-1].endswith(("\n", "\r")):  # a CommonMark line end
            pieces.append("\n")
        pieces.append("".join(replacing) if replacing else "".join("\n" + note for note, _ in notes))
        cursor = end
    pieces.append(text[cursor:])
    return "".join(pieces)


def _note_groups(scan: ScanResult, fail_closed: bool) -> list[tuple[int, int, list[tuple[str, bool]]]]:
    groups: list[tuple[int, int, list[tuple[str, bool]]]] = []
    for result in sorted(scan.snippets, key=lambda r: (r.snippet.start, -r.snippet.end)):
        start, end = result.snippet.start, result.snippet.end
        note = note_for(result, fail_closed)
        if groups and start < groups[-1][1]:
            first, last, notes = groups[-1]
            groups[-1] = (first, max(last, end), notes + ([note] if note else []))
        else:
            groups.append((start, end, [note] if note else []))
    return [group for group in groups if group[2]]


# ---------------------------------------------------------------- agents' tool calls


def describe_call(name: str | None, result: ScanResult) -> str:
    """`the `Bash` tool call (command `rm -rf build`)`: what the call would have done."""
    tool = f"`{name}` tool call" if name else "tool call"
    snippets = [r.snippet for r in result.snippets]
    commands = [s for s in snippets if s.info == ROLE_COMMAND]
    files = sorted({s.path for s in snippets if s.info == ROLE_FILE and s.path})
    if commands:
        return f"the {tool} (command `{shorten(commands[0].code)}`)"
    if files:
        return f"the {tool} (write to {', '.join(f'`{path}`' for path in files)})"
    if any(s.info == ROLE_SCRIPT for s in snippets):
        return f"the {tool} (a script that calls tools)"
    return f"the {tool}"


def call_block_note(name: str | None, result: ScanResult) -> str:
    lines = _call_finding_lines(result, lambda f: f.action is Action.BLOCK)
    return _block(describe_call(name, result), lines, ", so it will not run")


def call_tag_note(name: str | None, result: ScanResult) -> str:
    lines = _call_finding_lines(result, lambda f: f.action is not Action.ALLOW)
    return _tag(describe_call(name, result), lines, "; it was delivered unchanged.")


def call_error_note(name: str | None, result: ScanResult, fail_closed: bool) -> str:
    reason = next((r.error for r in result.snippets if r.error), None) or "engine error"
    return _scan_failed(describe_call(name, result), reason, fail_closed)


def call_hold_limit_note(name: str | None, reason: str) -> str:
    """A streamed tool call whose arguments outgrew the hold bounds: blocked before it was scanned."""
    return _over_hold_limit(describe_call(name, ScanResult([])), reason, " for tool calls")


def _call_finding_lines(result: ScanResult, keep: Callable[[Finding], bool]) -> list[str]:
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


# ---------------------------------------------------------------- repairs (proxy.repair) and hooks (proxy.hooks)


def repaired_note(findings: list[Finding]) -> str:
    return "\n".join([f"{REPAIRED_MARKER} this answer: the model's first answer had {_count(len(findings))} that the"
                      " model fixed when asked again.", ">", *finding_lines(findings)]) + "\n"


def repair_kept_note(reason: str) -> str:
    return f"> 🔧 Breakwater asked the model for a repair, but kept the original verdict: {reason}.\n"


def hook_unjudged_reason(problem: str) -> str:
    """An agent hook that could not get a judgement and fails closed says why, in the agent's own UI."""
    return f"Breakwater could not judge this ({problem}); the hook fails closed."
