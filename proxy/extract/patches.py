"""Edits written as patches: unified diffs, Codex `*** Begin Patch` patches, SEARCH/REPLACE blocks.

An edit is judged by what it adds. Each parser returns one `FileChange` per file (or per
SEARCH/REPLACE block): the new side as far as the patch shows it (context and added lines,
in order) and the 1-based lines of that text that the edit adds. The scanner then keeps
only findings on added lines, so a risky line that was already in the file (diff context,
or unchanged text repeated in a REPLACE) is not blamed on the suggestion.

A whole new file (`--- /dev/null`, `*** Add File:`) has `added_lines=None`: every line is
new, and it is a complete file, so a syntax check means something.

Formats, as the agents write them:
- unified diff (`diff --git`, `--- a/x`, `+++ b/x`, `@@ -1,3 +1,4 @@`): git, Continue,
  Copilot, models asked for "a diff". Hunk counts from LLMs are often wrong, so they are
  not trusted: a hunk runs until the next hunk or file header.
- Codex / OpenAI `apply_patch` (`*** Begin Patch`, `*** Add File:`, `*** Update File:`,
  `*** Delete File:`, `*** Move to:`, `@@ context`, `*** End Patch`), also the bare hunk
  text of the Responses API `apply_patch_call` operation (`diff`).
- SEARCH/REPLACE: Aider (`path` line, a fence, `<<<<<<< SEARCH` / `=======` /
  `>>>>>>> REPLACE`), Cline's `replace_in_file` (also `------- SEARCH` / `+++++++ REPLACE`)
  and Roo's `apply_diff` (`:start_line:` headers).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from proxy import languages


@dataclass(frozen=True)
class FileChange:
    """The new side of one edit. `start`/`end` are character offsets of the edit in its source text."""

    path: str | None
    code: str
    added_lines: frozenset[int] | None
    start: int = 0
    end: int = 0
    kind: str = "update"  # add | update | replace
    hint: str = ""  # a language word from around the edit (an Aider fence's ```python)

    @property
    def language(self) -> str | None:
        by_path = languages.from_path(self.path) if self.path else None
        return by_path or (languages.from_alias(self.hint) if self.hint else None)


# ---------------------------------------------------------------- detection

_UNIFIED_HEADER = re.compile(r"^--- (?:a/)?\S.*\n\+\+\+ ", re.MULTILINE)
_HUNK_HEADER = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@", re.MULTILINE)
_SEARCH = re.compile(r"^(?:<{5,9}|-{5,9}) SEARCH[^\n]*$", re.MULTILINE)


def is_codex_patch(text: str) -> bool:
    return "*** Begin Patch" in text or re.search(r"^\*\*\* (?:Add|Update) File: ", text, re.MULTILINE) is not None


def is_unified_diff(text: str) -> bool:
    return _UNIFIED_HEADER.search(text) is not None or _HUNK_HEADER.search(text) is not None


def has_search_replace(text: str) -> bool:
    return _SEARCH.search(text) is not None


def changes_in(text: str, path: str | None = None) -> list[FileChange] | None:
    """The changes of a patch in any known format, or None when `text` is not a patch.

    `path` is the file a tool call names, for formats (bare hunks, SEARCH/REPLACE) whose
    text need not repeat it.
    """
    if is_codex_patch(text):
        return parse_codex_patch(text)
    if has_search_replace(text):
        return parse_search_replace(text, path)
    if is_unified_diff(text):
        return parse_unified_diff(text, path)
    return None


# ---------------------------------------------------------------- new side of hunks


class _NewSide:
    """Accumulates the new side of a file's hunks and which of its lines are added."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.added: set[int] = set()

    def context(self, line: str) -> None:
        self.lines.append(line)

    def add(self, line: str) -> None:
        self.lines.append(line)
        self.added.add(len(self.lines))

    def code(self) -> str:
        return "".join(line if line.endswith("\n") else line + "\n" for line in self.lines)

    def hunk_line(self, line: str) -> None:
        """One line of a hunk body: ` ctx`, `+added`, `-removed`, `\\ No newline…`, or a bare blank."""
        if line.startswith("+"):
            self.add(line[1:])
        elif line.startswith(" "):
            self.context(line[1:])
        elif line.strip() == "":
            self.context("\n")  # a blank context line whose leading space an editor trimmed


def new_side_of_hunks(text: str) -> tuple[str, frozenset[int]]:
    """The new side of bare hunk lines (the `diff` of an `apply_patch_call` operation)."""
    side = _NewSide()
    for line in text.splitlines(keepends=True):
        if line.startswith(("@@", "\\", "*** ")):
            continue
        side.hunk_line(line)
    return side.code(), frozenset(side.added)


# ---------------------------------------------------------------- unified diff


def parse_unified_diff(text: str, path: str | None = None) -> list[FileChange]:
    changes: list[FileChange] = []
    lines = text.splitlines(keepends=True)
    offsets = _line_offsets(lines)
    current_path = path
    side: _NewSide | None = None
    new_file = False
    deleted = False
    start = 0

    def flush(end_line: int) -> None:
        if side is not None and side.lines and not deleted:
            added = None if new_file else frozenset(side.added)
            changes.append(FileChange(current_path, side.code(), added, start, offsets[end_line],
                                      "add" if new_file else "update"))

    position = 0
    while position < len(lines):
        line = lines[position]
        header = (line.startswith("--- ") and position + 1 < len(lines) and lines[position + 1].startswith("+++ "))
        if line.startswith("diff --git ") or header:
            flush(position)
            after_git_line = header and position > 0 and lines[position - 1].startswith("diff --git ")
            side, new_file, deleted = None, False, False
            start = start if after_git_line else offsets[position]
            if header:
                old, new = line[4:].strip(), lines[position + 1][4:].strip()
                new_file = old.split("\t")[0] == "/dev/null"
                deleted = new.split("\t")[0] == "/dev/null"
                current_path = _diff_path(old if deleted else new) or path
                position += 2
                continue
            position += 1
            continue
        if line.startswith("@@"):
            if side is None:
                side = _NewSide()
            position += 1
            continue
        if side is not None:
            side.hunk_line(line)
        position += 1
    flush(len(lines))
    return changes


def _diff_path(name: str) -> str | None:
    name = name.split("\t")[0].strip().strip('"')
    if name == "/dev/null" or not name:
        return None
    return name[2:] if name.startswith(("a/", "b/")) else name


# ---------------------------------------------------------------- Codex apply_patch

_PATCH_FILE = re.compile(r"^\*\*\* (Add|Update|Delete) File: (.+?)\s*$")


def parse_codex_patch(text: str) -> list[FileChange]:
    changes: list[FileChange] = []
    lines = text.splitlines(keepends=True)
    offsets = _line_offsets(lines)
    path: str | None = None
    kind = ""
    side: _NewSide | None = None
    start = 0

    def flush(end_line: int) -> None:
        if side is not None and side.lines and kind in ("Add", "Update"):
            added = None if kind == "Add" else frozenset(side.added)
            changes.append(FileChange(path, side.code(), added, start, offsets[end_line],
                                      "add" if kind == "Add" else "update"))

    for number, line in enumerate(lines):
        match = _PATCH_FILE.match(line.rstrip("\r\n"))
        if match:
            flush(number)
            kind, path, side, start = match.group(1), match.group(2), _NewSide(), offsets[number]
            continue
        if line.startswith("*** Move to: "):
            path = line[len("*** Move to: "):].strip() or path
            continue
        if line.startswith(("*** Begin Patch", "*** End Patch", "*** End of File", "@@")):
            if line.startswith("*** End Patch"):
                flush(number)
                side = None
            continue
        if side is not None:
            if kind == "Add":
                side.add(line[1:] if line.startswith("+") else line)
            else:
                side.hunk_line(line)
    flush(len(lines))
    return changes


# ---------------------------------------------------------------- SEARCH/REPLACE

_DIVIDER = re.compile(r"^={5,9}\s*$")
_REPLACE = re.compile(r"^(?:>{5,9}|\+{5,9}) REPLACE\s*$")
_ROO_HEADER = re.compile(r"^:(?:start|end)_line:\s*\d*\s*$|^-{3,9}\s*$")
_FENCE = re.compile(r"^\s*(`{3,}|~{3,})\s*([^\s`]*)")


def parse_search_replace(text: str, path: str | None = None) -> list[FileChange]:
    """Every SEARCH/REPLACE block; the path comes from the line before the block (Aider) or `path`."""
    changes: list[FileChange] = []
    lines = text.splitlines(keepends=True)
    offsets = _line_offsets(lines)
    position = 0
    current_path = path
    while position < len(lines):
        if not _SEARCH.match(lines[position].rstrip("\r\n")):
            position += 1
            continue
        block_start_line, named, fence_word = _block_header(lines, position)
        current_path = named or current_path
        search: list[str] = []
        replace: list[str] = []
        target = search
        cursor = position + 1
        while cursor < len(lines) and target is search and _ROO_HEADER.match(lines[cursor].rstrip("\r\n")):
            cursor += 1
        closed = False
        while cursor < len(lines):
            bare = lines[cursor].rstrip("\r\n")
            if target is search and _DIVIDER.match(bare):
                target = replace
            elif target is replace and _REPLACE.match(bare):
                closed = True
                break
            else:
                target.append(lines[cursor])
            cursor += 1
        end_line = cursor + 1 if closed else cursor
        if end_line < len(lines) and _FENCE.match(lines[end_line]) and block_start_line < position:
            end_line += 1  # the closing fence of an Aider block belongs to it
        code, added = replacement("".join(search), "".join(replace))
        if code.strip():
            changes.append(FileChange(current_path, code, added, offsets[block_start_line],
                                      offsets[min(end_line, len(lines))], "replace", fence_word))
        position = max(end_line, position + 1)
    return changes


def _block_header(lines: list[str], search_line: int) -> tuple[int, str | None, str]:
    """Where an Aider block starts (its path line or fence), the path it names, the fence's word."""
    start = search_line
    fence_word = ""
    cursor = search_line - 1
    if cursor >= 0 and (fence := _FENCE.match(lines[cursor])):
        fence_word = fence.group(2)
        start = cursor
        cursor -= 1
    if cursor >= 0:
        candidate = _path_line(lines[cursor])
        if candidate:
            return cursor, candidate, fence_word
    if start < search_line:  # fenced, path inside the fence's info? (```python path/x.py)
        info_path = _FENCE_INFO_PATH.search(lines[start])
        if info_path:
            return start, info_path.group(1), fence_word
    return start, None, fence_word


_FENCE_INFO_PATH = re.compile(r"[`~]{3,}\s*\S*\s+([\w./-]+\.\w+)\s*$")


def _path_line(line: str) -> str | None:
    """A line that is just a file path (Aider prints the path alone before the fence)."""
    bare = line.strip().strip("*`:").strip()
    if not bare or " " in bare or len(bare) > 240 or bare.startswith(("<", "=", ">", "#")):
        return None
    if "/" in bare or re.search(r"\.\w{1,10}$", bare) or bare in ("Dockerfile", "Makefile"):
        return bare
    return None


def replacement(old: str, new: str) -> tuple[str, frozenset[int]]:
    """`new` and the lines of it that are not unchanged lines of `old` (a string replacement edit)."""
    new_lines = new.splitlines()
    matcher = difflib.SequenceMatcher(a=old.splitlines(), b=new_lines, autojunk=False)
    added: set[int] = set()
    for tag, _, _, first, last in matcher.get_opcodes():
        if tag in ("replace", "insert"):
            added.update(range(first + 1, last + 1))
    return new, frozenset(added)


def _line_offsets(lines: list[str]) -> list[int]:
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    return offsets
