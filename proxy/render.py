"""Writing decisions back into text the editor shows: tag notes and block notes.

The first line of each note is fixed by CONTRACT.md (`> ⚠️ Breakwater` for a tag,
`> ⛔ Breakwater blocked` for a block); the rest names each finding's category, rule id
and line, and what to do instead.
"""

from __future__ import annotations

from collections.abc import Iterable

from proxy.models import Action, Decision, Finding, Origin, ScanResult, SnippetResult

TAG_MARKER = "> ⚠️ Breakwater"
BLOCK_MARKER = "> ⛔ Breakwater blocked"
REPAIRED_MARKER = "> 🔧 Breakwater repaired"


def _subject(result: SnippetResult) -> str:
    snippet = result.snippet
    if snippet.origin is Origin.TOOL_CALL and snippet.info == "command":
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
    return [
        f"> - **{f.category}** `{f.rule_id}` at line {f.line} ({f.severity.value}): {f.message}"
        for f in findings
    ]


def tag_note(result: SnippetResult) -> str:
    shown = [f for f in result.findings if f.action is not Action.ALLOW]
    count = f"{len(shown)} finding" + ("s" if len(shown) != 1 else "")
    lines = [f"{TAG_MARKER}: {count} in {_subject(result)}", ">", *finding_lines(shown)]
    return "\n".join(lines) + "\n"


def block_note(result: SnippetResult) -> str:
    blocking = [f for f in result.findings if f.action is Action.BLOCK]
    lines = [
        f"{BLOCK_MARKER} {_subject(result)}: it was not delivered.",
        ">",
        *finding_lines(blocking),
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
