"""Code blocks in markdown, exactly as a CommonMark renderer shows them (markdown-it-py parses).

Found: fenced blocks (``` and ~~~, any length, any info string), in blockquotes and list
items, with CRLF or CR line ends and tabs; an unclosed fence runs to the end of its
container (or of the text); a closing fence indented 4 columns does not close. Indented code
blocks are found too: a renderer shows them as code, so they are scanned (fail safe).

Renderers disagree on U+2028, U+2029, NEL, VT, FF and the other line breaks of
`str.splitlines`: CommonMark says they are ordinary characters, a terminal or an editor may
break the line there. When a text holds one, it is read both ways and the blocks of both
readings are scanned, so neither reading can hide a block.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from markdown_it import MarkdownIt

from proxy import languages

# Line breaks of str.splitlines() that CommonMark does not treat as line ends.
OTHER_LINE_BREAKS = "\v\f\x1c\x1d\x1e\x85\u2028\u2029"
_AS_NEWLINES = str.maketrans(dict.fromkeys(OTHER_LINE_BREAKS, "\n"))
_LINE_END = re.compile(r"\r\n|\r|\n")
_CR_BEFORE_BREAK = re.compile(f"\r(?=[{OTHER_LINE_BREAKS}])")


@dataclass(frozen=True)
class Fence:
    """One code block. Offsets are character offsets into the source text.

    `start`..`end` covers the whole block: from the start of its first line (container
    markers such as `> ` or `1. ` included) through its last line and that line's break,
    which is what a block note replaces. `code` is what the renderer shows: the content
    with container markers and indentation removed, line ends as `\n`. `marker` is the
    opening fence (```` ``` ````, `~~~~`…), empty for an indented code block; `level` is how
    deep in containers (blockquotes, lists) the block sits, 0 at the top.
    """

    info: str
    code: str
    start: int
    end: int
    closed: bool
    marker: str = "```"
    level: int = 0

    @property
    def language_word(self) -> str:
        return info_language_word(self.info)


@dataclass(frozen=True)
class Blocks:
    """The code blocks of a text, and where top-level blocks (and items of top-level lists) start.

    Parsing from a restart point gives the same blocks for the rest of the text as parsing
    from the beginning: nothing before it is still open there, and an item's content is read
    the same whether its list starts with it or not (the streaming fence machine uses them
    to parse only the text since the last one). Empty when the text holds one of
    OTHER_LINE_BREAKS (two readings: no single restart point is promised).
    """

    fences: list[Fence]
    restarts: list[int]


@functools.cache
def _parser() -> MarkdownIt:
    """CommonMark block structure only: inline parsing (emphasis, links) cannot change what is code."""
    return MarkdownIt("commonmark").disable(["inline", "text_join"])


def might_hold_code(text: str) -> bool:
    """False when no CommonMark reading can find a code block: no fence characters, no indentation."""
    return "```" in text or "~~~" in text or "\t" in text or "    " in text


def find_fences(text: str) -> list[Fence]:
    if not might_hold_code(text):
        return []
    return parse_blocks(text).fences


def parse_blocks(text: str) -> Blocks:
    fences, restarts = _read(text)
    if not any(char in text for char in OTHER_LINE_BREAKS):
        return Blocks(fences, restarts)
    seen = {(fence.start, fence.end, fence.code) for fence in fences}
    broken, _ = _read(as_line_breaks(text))
    fences += [fence for fence in broken if (fence.start, fence.end, fence.code) not in seen]
    return Blocks(sorted(fences, key=lambda fence: (fence.start, fence.end)), [])


def as_line_breaks(text: str) -> str:
    """The text with OTHER_LINE_BREAKS as `\n` (same length, so offsets hold). A CR before one
    becomes `\n` too: as CR + LF they would make one line end where there are two."""
    return _CR_BEFORE_BREAK.sub("\n", text).translate(_AS_NEWLINES)


def _read(text: str) -> tuple[list[Fence], list[int]]:
    starts = [0, *(match.end() for match in _LINE_END.finditer(text))]
    fences: list[Fence] = []
    restarts: list[int] = []
    for token in _parser().parse(text):
        if token.map is None:
            continue
        first, last = token.map
        if token.nesting >= 0 and (token.level == 0 or (token.level == 1 and token.type == "list_item_open")):
            restarts.append(starts[first])  # a top-level block, or an item of a top-level list
        if token.type not in ("fence", "code_block"):
            continue
        end = starts[last] if last < len(starts) else len(text)
        content = token.content
        lines = content.count("\n") + (1 if content and not content.endswith("\n") else 0)
        if token.type == "fence":
            closed = last - first - 1 > lines  # the span has a line beyond the opener and the content
            fences.append(Fence(token.info.strip(), token.content, starts[first], end, closed, token.markup,
                                token.level))
        else:
            fences.append(Fence("", token.content, starts[first], end, True, "", token.level))
    return fences, restarts


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
