"""An incremental markdown code-block machine: text in pieces in, prose and code blocks out.

It agrees with `proxy.extract.markdown.find_fences` (CommonMark, via markdown-it-py) on what
is code, because it asks the same parser: when a completed line could start or end a block,
the text since the last restart point (`markdown.Blocks.restarts`) is parsed, and the line
is code exactly when the parser puts it in a block. Lines that cannot change anything are
decided without parsing: outside a block, a line with no fence characters and no
indentation is prose; inside a top-level fence, a line without the fence character is code.

Prose goes out at once; a line that could still become code is held until it ends. A held
region runs from the first line of a block to its closing line (or to the first line after
it that is in no block); `Close.context` is the text from the restart point to the region,
which the judge parses with the region so the blocks are read in their containers (a fence
in a list item or a blockquote) exactly as in the whole reply. Line breaks are those of
`str.splitlines`, a superset of CommonMark's, so both readings of the odd ones line up.

If the text since the last restart point outgrows `MAX_CONTEXT` (one giant blockquote, say),
or parsing has cost more than PARSE_BUDGET_FACTOR times the text, parsing again for every
line would cost quadratic time; the machine then holds the rest of the text as one region,
judged once at the end (and bounded by the hold limits).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from proxy.extract import markdown

# The characters str.splitlines() breaks on.
LINE_BREAKS = frozenset("\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029")
MAX_CONTEXT = 64 * 1024
# Parsing may cost at most this many times the text seen (plus a base): past it, as past
# MAX_CONTEXT, the rest is held as one region, so no text can make the machine quadratic.
PARSE_BUDGET_FACTOR = 32
PARSE_BUDGET_BASE = 256 * 1024
# The container markers a line may start with (`>`, list markers, white space), and what
# may follow them on a line that could still become the first line of a code block.
_CONTAINERS = re.compile(r"(?:[ \t>]|[-*+][ \t]|\d{1,9}[.)][ \t])*")
_MAY_START_CODE = re.compile(r"[-*+]|\d{1,9}[.)]?|`{0,2}|~{0,2}|`{3}.*|~{3}.*", re.DOTALL)


def may_become_code(partial: str) -> bool:
    """Whether an unfinished line could still be code: a fence may still come, or it is indented."""
    match = _CONTAINERS.match(partial)
    prefix = match.group() if match else ""
    if "\t" in prefix or "    " in prefix:
        return True
    return _MAY_START_CODE.fullmatch(partial[len(prefix):]) is not None


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
    """The held region ended: at a closing fence (closed) or otherwise (not closed).

    `context` is the text between the last restart point and the region: the judge parses
    `context + region` to read the region's blocks as the whole reply reads them.
    """

    closed: bool
    context: str = ""


Segment = Prose | Open | Code | Close


def _find_break(text: str, start: int) -> int:
    for position in range(start, len(text)):
        if text[position] in LINE_BREAKS:
            return position
    return -1


def could_be_code(line: str) -> bool:
    """Whether a complete line outside any block could be (the start of) code: it has a fence or indentation."""
    return "```" in line or "~~~" in line or "\t" in line or "    " in line


def _columns(text: str) -> int:
    return len(text.expandtabs(4))


def _indent(line: str) -> int:
    return _columns(line[:len(line) - len(line.lstrip(" \t"))])


@dataclass
class _Region:
    """The held region: its first line (an index into the lines since the restart point),
    and the block the latest line is in, with the text before that block's marker on its first line."""

    first: int
    block: markdown.Fence
    prefix: str
    ending: bool = False  # its blocks ended inside a CommonMark line: decide every line until that line ends


class FenceMachine:
    """Feed text pieces; get segments whose Prose and Code texts concatenate to the input."""

    def __init__(self, max_context: int = MAX_CONTEXT) -> None:
        self._line = ""  # the current line while undecided (outside) or inside a region
        self._line_has_cr = False  # _line ends in \r whose \n may still come
        self._decided = False  # outside: the current line is prose, its start already emitted
        self._decided_text = ""  # what of that line was emitted (it still belongs to the text parsed)
        self._after_cr = False  # outside: emitted prose ended in \r; a next \n belongs to it
        self._lines: list[str] = []  # complete lines since the restart point
        self._size = 0  # characters in _lines
        self._region: _Region | None = None
        self._to_the_end = False  # past MAX_CONTEXT: everything from here is one region
        self._odd_breaks = False  # a line held one of markdown.OTHER_LINE_BREAKS (so far in this text)
        self._seen = 0  # characters of complete lines so far
        self._parsed = 0  # characters handed to the parser so far
        self._max_context = max_context

    @property
    def inside(self) -> bool:
        return self._region is not None

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
                self._add_line("\n") if not self._lines else self._extend_last("\n")
                i = 1
        if n and self._line_has_cr:
            self._line_has_cr = False
            if text[0] == "\n":
                self._line += "\n"
                i = 1
            self._complete_line(out)
        while i < n:
            j = _find_break(text, i)
            if self._region is None and self._decided:
                if j < 0:
                    out.append(Prose(text[i:]))
                    self._decided_text += text[i:]
                    break
                end = j + 1
                if text[j] == "\r":
                    if end == n:
                        self._after_cr = True
                    elif text[end] == "\n":
                        end += 1
                out.append(Prose(text[i:end]))
                self._add_line(self._decided_text + text[i:end])
                self._decided, self._decided_text = False, ""
                i = end
                continue
            if j < 0:
                self._line += text[i:]
                if self._region is None and not may_become_code(self._line):
                    out.append(Prose(self._line))
                    self._decided_text, self._line, self._decided = self._line, "", True
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
        """The text ended: decide the last line, and end an open region as unterminated."""
        out: list[Segment] = []
        self._line_has_cr = self._after_cr = False
        if self._decided:
            self._add_line(self._decided_text)
        elif self._line:
            self._complete_line(out)
        if self._region is not None:
            out.append(Close(closed=False, context=self._context()))
        self._region, self._to_the_end = None, False
        self._decided, self._decided_text = False, ""
        self._lines, self._size, self._odd_breaks = [], 0, False
        return _merged(out)

    # ------------------------------------------------------------ one complete line

    def _add_line(self, line: str) -> None:
        self._lines.append(line)
        self._size += len(line)
        self._seen += len(line)
        self._odd_breaks = self._odd_breaks or any(char in line for char in markdown.OTHER_LINE_BREAKS)

    def _extend_last(self, text: str) -> None:
        self._lines[-1] += text
        self._size += len(text)

    def _context(self) -> str:
        assert self._region is not None
        return "".join(self._lines[:self._region.first])

    def _complete_line(self, out: list[Segment]) -> None:
        line, self._line = self._line, ""
        self._add_line(line)
        region = self._region
        if self._to_the_end:
            out.append(Code(line))
            return
        if region is not None and self._continues(region, line):
            out.append(Code(line))
            return
        if region is not None and self._closes(region, line):
            out.extend((Code(line), Close(closed=True, context=self._context())))
            self._region = None
            self._forget_before(region.first)  # a top-level fence starts a top-level block: a restart point
            return
        if region is None and not could_be_code(line):
            out.append(Prose(line))
            return
        if self._size > self._max_context or self._parsed > PARSE_BUDGET_FACTOR * self._seen + PARSE_BUDGET_BASE:
            self._to_the_end = True
            if region is None:
                self._region = _Region(len(self._lines) - 1, markdown.Fence("", "", 0, 0, False), "")
                out.append(Open(""))
            out.append(Code(line))
            return
        self._decide(line, out)

    def _decide(self, line: str, out: list[Segment]) -> None:
        """Parse the text since the restart point: is this line in a block, and does a block end here?"""
        text = "".join(self._lines)
        self._parsed += len(text)
        blocks = markdown.parse_blocks(text)
        line_start = len(text) - len(line)
        covering = [b for b in blocks.fences if b.end > line_start]  # the blocks this line is in
        region = self._region
        if region is not None and not covering:  # the region's blocks ended before this line
            if not _ends_commonmark_line(self._lines[-2]):  # a region ends where a CommonMark line does
                region.ending = True
                out.append(Code(line))
                return
            out.append(Close(closed=False, context=self._context()))
            self._region = region = None
        if not covering:
            out.append(Prose(line))
            self._restart(blocks.restarts, line_start)
            return
        going_on = [b for b in covering if not (b.marker and b.closed and b.end == len(text))]
        block = (going_on or covering)[0]
        if region is None:
            self._region = region = _Region(len(self._lines) - 1, block, _prefix_of(text, block))
            out.extend((Open(block.info), Code(line)))
        else:
            if block.start != region.block.start:
                region.prefix = _prefix_of(text, block)
            region.block, region.ending = block, False
            out.append(Code(line))
        if not going_on and not _ends_commonmark_line(line):
            region.ending = True  # every block closed, but the CommonMark line goes on
        elif not going_on:  # every block this line is in closes with it
            out.append(Close(closed=True, context=self._context()))
            self._region = None
            self._restart(blocks.restarts, len(text))

    def _restart(self, restarts: list[int], limit: int) -> None:
        """Forget the lines before the last restart point at or before `limit` (outside any region)."""
        point = max((r for r in restarts if r <= limit), default=0)
        if self._region is not None or point <= 0:
            return
        dropped, count = 0, 0
        while count < len(self._lines) and dropped + len(self._lines[count]) <= point:
            dropped += len(self._lines[count])
            count += 1
        if dropped == point:
            self._forget_before(count)

    def _forget_before(self, count: int) -> None:
        self._size -= sum(len(line) for line in self._lines[:count])
        del self._lines[:count]

    def _closes(self, region: _Region, line: str) -> bool:
        """Whether `line` certainly closes the region's top-level fence (CommonMark's closing-fence rule)."""
        block, marker = region.block, region.block.marker
        if region.ending or not marker or block.level != 0 or self._odd_breaks:
            return False  # (with odd line breaks there are two readings: the parser decides)
        stripped = line.rstrip("\r\n")
        body = stripped.lstrip(" ")
        return (len(stripped) - len(body) <= 3 and body.rstrip(" \t") == marker[0] * len(body.rstrip(" \t"))
                and len(body.rstrip(" \t")) >= len(marker))

    def _continues(self, region: _Region, line: str) -> bool:
        """Whether `line` certainly stays inside the region's block without closing it (no parse needed)."""
        block = region.block
        if region.ending:
            return False
        if not line.strip().replace(">", "").strip():  # a blank line (in its quotes, if any) decides nothing:
            return True  # the next line says whether the block goes on
        if block.marker:
            if block.marker[0] * 3 in line:
                return False  # it may close the fence
            if block.level == 0:
                return True
            if ">" not in region.prefix:  # in a list item: indented at least as far as the fence
                return not line.strip() or _indent(line) >= _columns(region.prefix)
            return line.startswith(region.prefix[:region.prefix.rindex(">") + 1])
        return block.level == 0 and (not line.strip() or _indent(line) >= 4)


def _ends_commonmark_line(line: str) -> bool:
    return line.endswith(("\n", "\r"))


def _prefix_of(text: str, block: markdown.Fence) -> str:
    first_line = text[block.start:].split("\n", 1)[0]
    return first_line.split(block.marker)[0] if block.marker else ""


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
