"""Writing decisions back into text the editor shows: tag notes and block notes.

The first line of each note is fixed by CONTRACT.md (`> ⚠️ Breakwater` for a tag,
`> ⛔ Breakwater blocked` for a block); the rest names each finding's category, rule id
and line, and what to do instead.
"""

from __future__ import annotations

from collections.abc import Iterable

from proxy.models import Action, Decision, Finding, ScanResult, SnippetResult

TAG_MARKER = "> ⚠️ Breakwater"
BLOCK_MARKER = "> ⛔ Breakwater blocked"


def _subject(result: SnippetResult) -> str:
    snippet = result.snippet
    if snippet.path:
        return f"the change to `{snippet.path}`"
    language = result.language or "code"
    return f"this {language} block"


def _finding_lines(findings: Iterable[Finding]) -> list[str]:
    return [
        f"> - **{f.category}** `{f.rule_id}` at line {f.line} ({f.severity.value}): {f.message}"
        for f in findings
    ]


def tag_note(result: SnippetResult) -> str:
    shown = [f for f in result.findings if f.action is not Action.ALLOW]
    count = f"{len(shown)} finding" + ("s" if len(shown) != 1 else "")
    lines = [f"{TAG_MARKER}: {count} in {_subject(result)}", ">", *_finding_lines(shown)]
    return "\n".join(lines) + "\n"


def block_note(result: SnippetResult) -> str:
    blocking = [f for f in result.findings if f.action is Action.BLOCK]
    lines = [
        f"{BLOCK_MARKER} {_subject(result)}: it was not delivered.",
        ">",
        *_finding_lines(blocking),
        ">",
        "> Ask for a safer version, or have a second engineer review it and request a waiver.",
    ]
    return "\n".join(lines) + "\n"


def error_note(result: SnippetResult, fail_closed: bool) -> str:
    reason = result.error or "engine error"
    if fail_closed:
        return (f"{BLOCK_MARKER} {_subject(result)}: the scanner failed ({reason}) and policy is fail-closed,"
                " so it was not delivered.\n")
    return f"{TAG_MARKER} could not scan {_subject(result)} ({reason}); it is passed on unscanned.\n"


def hold_limit_note(result: SnippetResult, reason: str, blocked: bool) -> str:
    """A streamed block the guard could not hold to its end (too large or too slow).

    Released, the note goes before the code (the block is still open when it is written).
    """
    if blocked:
        return (f"{BLOCK_MARKER} {_subject(result)}: it exceeded the streaming hold limit ({reason}) before it could"
                " be scanned, so it was not delivered.\n")
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
    """Apply tag and block notes to the text the snippets were extracted from."""
    pieces: list[str] = []
    cursor = 0
    for result in sorted(scan.snippets, key=lambda r: r.snippet.start):
        note = note_for(result, fail_closed)
        if note is None:
            continue
        text_note, replaces = note
        start, end = result.snippet.start, result.snippet.end
        if replaces:
            pieces.append(text[cursor:start])
        else:
            pieces.append(text[cursor:end])
        if pieces and pieces[-1] and not pieces[-1].endswith("\n"):
            pieces.append("\n")
        pieces.append("\n" + text_note if not replaces else text_note)
        cursor = end
    pieces.append(text[cursor:])
    return "".join(pieces)
