"""Parsing snippets that are often fragments: cheap wrappers (a class, a function, a package clause) are
tried when the plain parse fails, and the best result wins, with error lines mapped back to the snippet.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable
from dataclasses import dataclass

import tree_sitter

from proxy.parse.grammars import GRAMMAR_MODULES, parser_for


@dataclass(frozen=True)
class ParseReport:
    """How well a snippet parses in one language.

    `error_count` counts ERROR and MISSING nodes; lines are 1-based and relative to the
    snippet as given, even when a wrapper was needed. `error_ratio` is the share of the
    snippet's bytes inside ERROR regions (a MISSING node counts as one byte): it compares
    fairly across snippet sizes and grammars, which a bare count does not. `wrapper` names
    the fragment wrapper that gave this result (None: the snippet parsed as is).
    """

    language: str
    error_count: int
    first_error_line: int | None
    error_lines: tuple[int, ...] = ()
    error_ratio: float = 0.0
    wrapper: str | None = None
    line_count: int = 0

    @property
    def ok(self) -> bool:
        return self.error_count == 0


@dataclass(frozen=True)
class _Wrapper:
    name: str
    prefix: str
    suffix: str
    applies: Callable[[str], bool] = lambda code: True


def _no_package(code: str) -> bool:
    return _GO_PACKAGE.search(code) is None


_GO_PACKAGE = re.compile(r"^\s*package\s+\w+", re.M)

_JS_WRAPPERS = (
    _Wrapper("class", "class _W {\n", "\n}\n"),
    _Wrapper("async-function", "async function _w() {\n", "\n}\n"),
)

# Tried in order when the plain parse has errors; the best result wins. Prefixes put the
# snippet on a fresh line so that line mapping is a plain subtraction.
_WRAPPERS: dict[str, tuple[_Wrapper, ...]] = {
    "java": (
        _Wrapper("class", "class _W {\n", "\n}\n"),
        _Wrapper("method", "class _W { void _m() throws Exception {\n", "\n}}\n"),
    ),
    "csharp": (
        _Wrapper("class", "class _W {\n", "\n}\n"),
        _Wrapper("method", "class _W { async Task _M() {\n", "\n}}\n"),
    ),
    "go": (
        _Wrapper("package", "package main\n", "", _no_package),
        _Wrapper("func", "package main\nfunc _() {\n", "\n}\n", _no_package),
    ),
    "typescript": _JS_WRAPPERS,
    "javascript": _JS_WRAPPERS,
    "rust": (
        _Wrapper("fn", "fn _w() {\n", "\n}\n"),
        _Wrapper("impl", "impl _W {\n", "\n}\n"),
    ),
    "ruby": (_Wrapper("class", "class W_\n", "\nend\n"),),
    "terraform": (_Wrapper("block", "_w {\n", "\n}\n"),),
}

# Assistants elide code with a line holding only "..." (or "…"); in most languages that is
# not syntax, and it is not the user's code either.
_ELLIPSIS_LINE = re.compile(r"^[ \t]*(?:\.\.\.|…)[ \t]*$", re.M)


def prepare(code: str, language: str) -> str:
    """Neutralise what assistants add to code but which is not code, keeping line numbers."""
    if language == "python":
        # `...` is valid Python (Ellipsis); a class member indented from its class is not
        # valid at top level, but dedenting keeps every line where it was.
        return textwrap.dedent(code)
    code = _ELLIPSIS_LINE.sub("", code)
    if language == "bash":
        lines = code.split("\n")
        prompts = sum(1 for line in lines if line.startswith("$ "))
        if prompts and prompts * 2 >= sum(1 for line in lines if line.strip()) - prompts:
            # Keep the commands, blank the program output between them.
            lines = [line[2:] if line.startswith("$ ") else "" for line in lines]
            return "\n".join(lines)
    return code


@dataclass(frozen=True)
class _Errors:
    count: int
    rows: tuple[int, ...]  # 0-based rows in the parsed text, in document order
    error_bytes: int


def _collect_errors(tree: tree_sitter.Tree, lo: int, hi: int) -> _Errors:
    """ERROR/MISSING nodes of a tree, visiting only subtrees that contain errors.

    `lo`/`hi` delimit the snippet's bytes inside the parsed text, so that error regions
    reaching into a wrapper are clipped to the snippet when sizing them.
    """
    count = 0
    rows: list[int] = []
    error_bytes = 0
    stack = [tree.root_node]
    while stack:
        node = stack.pop()
        if node.is_missing:
            count += 1
            rows.append(node.start_point.row)
            error_bytes += 1
        elif node.is_error:
            count += 1
            rows.append(node.start_point.row)
            error_bytes += max(0, min(node.end_byte, hi) - max(node.start_byte, lo))
            # Errors nested in this region count, but their bytes are already included.
            inner = list(node.children)
            while inner:
                child = inner.pop()
                count += child.is_error or child.is_missing
                if child.has_error:
                    inner.extend(child.children)
        elif node.has_error:
            stack.extend(reversed(node.children))
    return _Errors(count, tuple(rows), error_bytes)


def _parse_once(text: str, grammar: str, language: str, wrapper: _Wrapper | None) -> ParseReport | None:
    parser = parser_for(grammar)
    if parser is None:
        return None
    prefix, suffix = (wrapper.prefix, wrapper.suffix) if wrapper else ("", "")
    source = (prefix + text + suffix).encode()
    lo = len(prefix.encode())
    hi = lo + len(text.encode())
    tree = parser.parse(source)
    errors = _collect_errors(tree, lo, hi)
    line_count = text.count("\n") + (0 if text.endswith("\n") else 1)
    offset = prefix.count("\n")
    lines = sorted({min(max(row - offset, 0), max(line_count - 1, 0)) + 1 for row in errors.rows})
    first = None
    if errors.rows:
        first = min(max(errors.rows[0] - offset, 0), max(line_count - 1, 0)) + 1
    size = max(1, hi - lo)
    return ParseReport(
        language=language,
        error_count=errors.count,
        first_error_line=first,
        error_lines=tuple(lines),
        error_ratio=min(1.0, errors.error_bytes / size),
        wrapper=wrapper.name if wrapper else None,
        line_count=line_count,
    )


def _rank(report: ParseReport) -> tuple[float, int]:
    return (report.error_ratio, report.error_count)


def parse_prepared(
    text: str, language: str, grammar: str | None = None, wrap_below: float = 1.0
) -> ParseReport | None:
    """Parse as is, then inside each applicable wrapper while errors remain. Wrappers are
    skipped when more than `wrap_below` of the text is in error: a wrapper rescues a
    fragment, not a snippet in another language."""
    grammar = grammar or language
    best = _parse_once(text, grammar, language, None)
    if best is None or best.ok or best.error_ratio > wrap_below:
        return best
    for wrapper in _WRAPPERS.get(language, ()):
        if not wrapper.applies(text):
            continue
        report = _parse_once(text, grammar, language, wrapper)
        if report is not None and _rank(report) < _rank(best):
            best = report
            if best.ok:
                break
    return best


def parse(code: str, language: str) -> ParseReport | None:
    """Parse a snippet in a canonical language; None when no grammar is installed for it.

    Fragments are retried inside the wrappers of `_WRAPPERS`, and the best parse (smallest
    error region, then fewest errors) is reported with lines relative to `code`.
    """
    if language not in GRAMMAR_MODULES or language == "tsx" or parser_for(language) is None:
        return None
    return parse_prepared(prepare(code, language), language)
