"""An incremental markdown fence machine: text in pieces in, prose and code blocks out.

It agrees with `proxy.extract.markdown.find_fences` on what a block is (same opener and
closer rules, same line breaks as `str.splitlines`), which the tests check on random texts
and random splits. Prose goes out at once; only a line that could still become an opening
fence is held until it ends (a handful of characters, since a line that starts with
anything but white space, backticks or tildes is decided at once).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from proxy.extract import markdown

# The characters str.splitlines() breaks on; find_fences splits lines this way.
LINE_BREAKS = frozenset("\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029")
_MAYBE_OPENING = re.compile(r"[ \t]*(?:`{0,2}|~{0,2}|`{3,}[^`]*|~{3,}.*)")


@dataclass(frozen=True)
class Prose:
    text: str


@dataclass(frozen=True)
class Open:
    """A block starts; its text follows as `Code` pieces (opening line first)."""

    info: str


@dataclass(frozen=True)
class Code:
    text: str


@dataclass(frozen=True)
class Close:
    """The block ended: at its closing fence (closed) or at the end of the text (not closed)."""

    closed: bool


Segment = Prose | Open | Code | Close


def _find_break(text: str, start: int) -> int:
    for position in range(start, len(text)):
        if text[position] in LINE_BREAKS:
            return position
    return -1


class FenceMachine:
    """Feed text pieces; get segments whose Prose and Code texts concatenate to the input."""

    def __init__(self) -> None:
        self._line = ""  # the current line while undecided (outside) or inside a block
        self._line_has_cr = False  # _line ends in \r whose \n may still come
        self._decided = False  # outside: the current line is prose, its start already emitted
        self._after_cr = False  # outside: emitted prose ended in \r; a next \n belongs to it
        self._fence: markdown.Opening | None = None

    @property
    def inside(self) -> bool:
        return self._fence is not None

    @property
    def pending_chars(self) -> int:
        """Characters seen but not yet given out (the line being decided or held)."""
        return len(self._line)

    def feed(self, text: str) -> list[Segment]:
        out: list[Segment] = []
        i, n = 0, len(text)
        if n and self._after_cr:
            self._after_cr = False
            if text[0] == "\n":
                out.append(Prose("\n"))
                i = 1
        if n and self._line_has_cr:
            self._line_has_cr = False
            if text[0] == "\n":
                self._line += "\n"
                i = 1
            self._complete_line(out)
        while i < n:
            j = _find_break(text, i)
            if self._fence is None and self._decided:
                if j < 0:
                    out.append(Prose(text[i:]))
                    break
                end = j + 1
                if text[j] == "\r":
                    if end == n:
                        self._after_cr = True
                    elif text[end] == "\n":
                        end += 1
                out.append(Prose(text[i:end]))
                self._decided = False
                i = end
                continue
            if j < 0:
                self._line += text[i:]
                if self._fence is None and not _MAYBE_OPENING.fullmatch(self._line):
                    out.append(Prose(self._line))
                    self._line, self._decided = "", True
                break
            end = j + 1
            if text[j] == "\r":
                if end == n:
                    self._line += text[i:]
                    self._line_has_cr = True
                    break
                if text[end] == "\n":
                    end += 1
            self._line += text[i:end]
            i = end
            self._complete_line(out)
        return _merged(out)

    def finish(self) -> list[Segment]:
        """The text ended: decide the last line, and end an open block as unterminated."""
        out: list[Segment] = []
        self._line_has_cr = self._after_cr = False
        if self._line:
            self._complete_line(out)
        if self._fence is not None:
            out.append(Close(closed=False))
            self._fence = None
        self._decided = False
        return _merged(out)

    def _complete_line(self, out: list[Segment]) -> None:
        line, self._line = self._line, ""
        if self._fence is None:
            opening = None if self._decided else markdown.opening_fence(line)
            self._decided = False
            if opening is None:
                out.append(Prose(line))
                return
            self._fence = opening
            out.extend((Open(opening.info), Code(line)))
            return
        out.append(Code(line))
        if markdown.is_closing(line, self._fence.fence):
            out.append(Close(closed=True))
            self._fence = None


def _merged(segments: list[Segment]) -> list[Segment]:
    """Adjacent prose (or code) pieces as one, so a chunk becomes as few client chunks as possible."""
    merged: list[Segment] = []
    for segment in segments:
        last = merged[-1] if merged else None
        if isinstance(segment, Prose) and isinstance(last, Prose):
            merged[-1] = Prose(last.text + segment.text)
        elif isinstance(segment, Code) and isinstance(last, Code):
            merged[-1] = Code(last.text + segment.text)
        else:
            merged.append(segment)
    return merged
