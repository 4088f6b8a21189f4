"""Fenced code blocks in markdown, the way CommonMark reads them (plus a few LLM habits).

Handled: ``` and ~~~ fences of any length ≥ 3, a closing fence at least as long as the
opening one, info strings with extra words (```python title="x.py"```, ```{.python}```,
```js:src/app.js```), fences indented inside list items, and an unterminated last fence
(the block runs to the end of the text).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from proxy import languages

_OPENING = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})(?P<info>[^\n]*)$")


@dataclass(frozen=True)
class Fence:
    """One fenced block. Offsets are character offsets into the source text.

    `start`..`end` covers the whole block including both fence lines (and the closing
    line break), which is what a block note replaces; `code` is the content with the
    list indentation removed.
    """

    info: str
    code: str
    start: int
    end: int
    closed: bool

    @property
    def language_word(self) -> str:
        return info_language_word(self.info)


def info_language_word(info: str) -> str:
    """The language word of an info string: `python` in `python title="x"`, `js` in `{.js}` or `js:a.js`."""
    words = info.strip().strip("{}").split()
    if not words:
        return ""
    word = words[0].lstrip(".")
    return re.split(r"[:,]", word, maxsplit=1)[0]


def info_path(info: str) -> str | None:
    """A file path named in the info string (`title="src/x.py"`, `js:src/app.js`, `src/app.py`)."""
    match = re.search(r"""(?:title|file|filename|path)=["']?([^"'\s]+)""", info)
    if match:
        return match.group(1)
    first = info.strip().split()[0] if info.strip() else ""
    if ":" in first:
        return first.split(":", 1)[1] or None
    if "." in first or "/" in first:
        return first
    return None


def fence_language(info: str) -> str | None:
    """The canonical language an info string names, by alias or by the file path it gives."""
    word = info_language_word(info)
    if word and (lang := languages.from_alias(word)):
        return lang
    path = info_path(info)
    return languages.from_path(path) if path else None


@dataclass(frozen=True)
class Opening:
    """An opening fence line: its fence (```` ``` ````, `~~~~`…), list indentation in columns, and info string."""

    fence: str
    indent: int
    info: str


def opening_fence(line: str) -> Opening | None:
    """The opening fence on this line (with or without its line break), else None.

    The one definition of an opener, shared by `find_fences` and the streaming fence machine.
    """
    opening = _OPENING.match(line.rstrip("\r\n"))
    if not opening or (opening.group("fence")[0] == "`" and "`" in opening.group("info")):
        return None
    return Opening(opening.group("fence"), len(opening.group("indent").expandtabs(4)), opening.group("info").strip())


def find_fences(text: str) -> list[Fence]:
    fences: list[Fence] = []
    lines = text.splitlines(keepends=True)
    offset = 0
    i = 0
    while i < len(lines):
        opening = opening_fence(lines[i])
        if opening is None:
            offset += len(lines[i])
            i += 1
            continue
        block_start = offset
        indent = opening.indent
        fence = opening.fence
        body: list[str] = []
        offset += len(lines[i])
        i += 1
        closed = False
        while i < len(lines):
            line = lines[i]
            offset += len(line)
            i += 1
            if is_closing(line, fence):
                closed = True
                break
            body.append(_dedent(line, indent))
        code = "".join(body)
        fences.append(Fence(opening.info, code, block_start, offset, closed))
    return fences


def is_closing(line: str, fence: str) -> bool:
    """True when `line` closes a block opened by `fence` (same character, at least as long)."""
    stripped = line.strip()
    return len(stripped) >= len(fence) and stripped == fence[0] * len(stripped)


def _dedent(line: str, indent: int) -> str:
    """Remove up to `indent` columns of leading white space (list-item indentation)."""
    removed = 0
    position = 0
    while position < len(line) and removed < indent and line[position] in " \t":
        removed += 4 if line[position] == "\t" else 1
        position += 1
    return line[position:]


_SESSION_PROMPT = re.compile(r"^[$>] ")


def is_shell_session(code: str, info_word: str) -> bool:
    """A terminal transcript (`$ cmd` or `> cmd` lines, then output) rather than a script."""
    if info_word.lower() in {"console", "shell-session", "shellsession", "terminal", "bash-session"}:
        return True
    lines = [line for line in code.splitlines() if line.strip()]
    return bool(lines) and _SESSION_PROMPT.match(lines[0]) is not None


def strip_prompts(code: str) -> str:
    """Keep only the commands of a transcript, without their prompts; output lines become blank.

    Blank lines (rather than removed ones) keep line numbers equal to the block's lines.
    """
    kept = [line[2:] if _SESSION_PROMPT.match(line) or line in ("$", ">") else "" for line in code.splitlines()]
    return "\n".join(kept) + ("\n" if code.endswith("\n") else "")
