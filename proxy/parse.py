"""tree-sitter parsing: syntax checks and language detection (interim version; see the parse branch)."""

from __future__ import annotations

import functools
import warnings
from dataclasses import dataclass
from typing import Any

import tree_sitter


@dataclass(frozen=True)
class ParseReport:
    language: str
    error_count: int
    first_error_line: int | None


@dataclass(frozen=True)
class Detection:
    language: str
    error_count: int


def _grammar_loaders() -> dict[str, Any]:
    import tree_sitter_bash
    import tree_sitter_go
    import tree_sitter_java
    import tree_sitter_javascript
    import tree_sitter_python
    import tree_sitter_typescript

    return {
        "python": tree_sitter_python.language,
        "javascript": tree_sitter_javascript.language,
        "typescript": tree_sitter_typescript.language_typescript,
        "go": tree_sitter_go.language,
        "java": tree_sitter_java.language,
        "bash": tree_sitter_bash.language,
    }


@functools.cache
def _parser(language: str) -> tree_sitter.Parser | None:
    loader = _grammar_loaders().get(language)
    if loader is None:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return tree_sitter.Parser(tree_sitter.Language(loader()))


def parse(code: str, language: str) -> ParseReport | None:
    parser = _parser(language)
    if parser is None:
        return None
    root = parser.parse(code.encode()).root_node
    errors = 0
    first: int | None = None
    stack = [root]
    while stack:
        node = stack.pop()
        if node.is_error or node.is_missing:
            errors += 1
            line = node.start_point[0] + 1
            first = line if first is None else min(first, line)
            continue
        if node.has_error:
            stack.extend(node.children)
    return ParseReport(language, errors, first)


def syntax_error_line(code: str, language: str) -> int | None:
    report = parse(code, language)
    return report.first_error_line if report and report.error_count else None


def detect_language(code: str) -> Detection | None:
    best: Detection | None = None
    for language in _grammar_loaders():
        report = parse(code, language)
        if report and (best is None or report.error_count < best.error_count):
            best = Detection(language, report.error_count)
    return best


def looks_like_code(text: str) -> Detection | None:
    detection = detect_language(text)
    return detection if detection and detection.error_count == 0 and "\n" in text.strip() else None
