"""Which parse errors become `syntax-error` findings: only for reliable grammars, and only when every
wrapper and second opinion agree. A false alarm on valid code costs more trust than a missed typo.
"""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
from functools import cache

from proxy.parse.fragments import parse_prepared, prepare
from proxy.parse.prose import is_prose_line, prose_share

# Languages whose parse errors become `syntax-error` findings, with the evidence behind each
# choice (real files on the build machine and from public repositories, parsed with the
# grammar versions pinned by pyproject):
#   python      0 of 1,500 real .py files flagged; confirmed by CPython's own parser (ast),
#               so only code that CPython also rejects is reported.
#   javascript  0 of 800 real .js files flagged; JSX is in the grammar. Not reported when
#               the TypeScript or TSX grammar accepts the snippet (TS labelled as JS).
#   typescript  modern syntax (satisfies, decorators, template literal types) parses;
#               retried with TSX for JSX.
#   go          real files and generics / range-over-int parse cleanly.
#   java        records, sealed types, text blocks, switch patterns parse cleanly.
#   csharp      records, raw strings, primary constructors, collection expressions parse.
#   rust, ruby  mature grammars; let-else, async/await, pattern matching parse.
#   bash        about 5% of real scripts trip the grammar (`[ "$op" "$x" ]`, extglob,
#               zsh-isms), so an error is reported only when `bash -n` agrees.
#   terraform   real modules (for expressions, heredocs, dynamic blocks, template
#               directives, moved/import/check blocks) parse cleanly.
#   dockerfile  real Dockerfiles, BuildKit heredocs and --mount flags parse cleanly.
#   yaml        3 of 1,500 real YAML files flagged (two were XML); Helm/Jinja templates
#               (`{{ }}`, `{% %}`) are skipped since they are not YAML until rendered.
# Not checked:
#   sql         tree-sitter-sql 0.3 flags all 159 PostgreSQL files shipped with
#               PostgreSQL 15 (`LIMIT $2`, `TRUNCATE … RESTART IDENTITY`, `$$` bodies,
#               GRANT, dialect syntax): its errors say nothing about the snippet.
SYNTAX_CHECKED: frozenset[str] = frozenset(
    {
        "python", "javascript", "typescript", "go", "java", "csharp", "rust", "ruby",
        "bash", "terraform", "dockerfile", "yaml",
    }
)

# Grammars that, if they accept the snippet, prove it valid after all.
_SECOND_OPINIONS: dict[str, tuple[str, ...]] = {
    "javascript": ("typescript", "tsx"),
    "typescript": ("tsx",),
}

_TEMPLATE_MARKERS = re.compile(r"\{\{|\{%|<%")

# Placeholders an example leaves for the reader to fill in: `<your-table>`, `<BUCKET NAME>`, `[your
# value]`, an elision (`...`, `…`, `# ... rest of code`), YOUR_API_KEY-style names. A parse error on
# such a line is the placeholder, not a bug in the suggestion.
_PLACEHOLDER = re.compile(
    r"<\s*(?:(?:your|my|insert|enter|replace)[-_ ]?[A-Za-z][\w .-]*|[A-Za-z][A-Za-z0-9]*(?:[-_ ][A-Za-z0-9]+)+)\s*>"
    r"|\[\s*(?:your|insert|enter|replace|put)[\w .-]*\]"
    r"|\.\.\.|…"
    r"|\b(?:YOUR|your)[-_][A-Za-z_-]+\b"
    r"|\b(?:TODO|FIXME|TBD)\b"
)
# The error line and this many lines before it are checked for a placeholder (tree-sitter often
# reports an error one line after the token that caused it).
_PLACEHOLDER_REACH = 1
# A snippet mostly made of sentences is prose in a code fence, not code with an error.
_MAX_PROSE_SHARE = 0.5


def syntax_error_line(code: str, language: str) -> int | None:
    """The 1-based snippet line to report as a syntax error, or None.

    None unless the language is in `SYNTAX_CHECKED`, the snippet fails every wrapper and
    second-opinion grammar, and (Python, bash) the language's own parser agrees.
    """
    if language not in SYNTAX_CHECKED or not code.strip():
        return None
    if language in ("yaml", "dockerfile", "terraform") and _TEMPLATE_MARKERS.search(code):
        return None
    prepared = prepare(code, language)
    report = parse_prepared(prepared, language)
    if report is None or report.ok:
        return None
    for grammar in _SECOND_OPINIONS.get(language, ()):
        other = parse_prepared(prepared, language, grammar)
        if other is not None and other.ok:
            return None
    if language == "python" and not _python_rejects(prepared):
        return None
    if language == "bash" and not _bash_rejects(prepared):
        return None
    line = report.first_error_line
    if line is not None and _explained_by_example_text(code, line):
        return None
    return line


def _explained_by_example_text(code: str, line: int) -> bool:
    """True when the parse error sits on a placeholder or a sentence, or the snippet is mostly prose:
    an example written for a reader to complete, not code that fails to run."""
    lines = code.splitlines()
    nearby = lines[max(0, line - 1 - _PLACEHOLDER_REACH):line]
    if any(_PLACEHOLDER.search(text) for text in nearby):
        return True
    if 0 < line <= len(lines) and is_prose_line(lines[line - 1]):
        return True
    return prose_share(code) > _MAX_PROSE_SHARE


def _python_rejects(code: str) -> bool:
    """True when CPython's parser rejects the code too (tree-sitter-python is lenient in
    places and strict in others; agreement of both is what we report)."""
    try:
        ast.parse(code)
    except SyntaxError:
        return True
    except (ValueError, RecursionError, MemoryError):
        return False
    return False


@cache
def _bash_path() -> str | None:
    return shutil.which("bash")


def _bash_rejects(code: str) -> bool:
    """True when `bash -n` (parse without running) rejects the code too, or when bash is
    not installed (then tree-sitter's word stands). Only runs after tree-sitter has
    already found an error, so valid snippets never pay for the subprocess."""
    bash = _bash_path()
    if bash is None:
        return True
    try:
        result = subprocess.run(
            [bash, "-n"], input=code.encode(), capture_output=True, timeout=2, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return result.returncode != 0
