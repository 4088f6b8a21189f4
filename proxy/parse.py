"""Tree-sitter parsing, syntax-error reporting and language detection for code snippets.

Assistants rarely show whole files: a lone Java method, Go statements without `package`,
a TypeScript class member, a Python method still indented from its class. Grammars treat
those as errors, so `parse` retries with cheap wrappers (a class, a function, a package
clause) and keeps the best result, mapping error lines back to the snippet.

`syntax_error_line` turns a parse into a `syntax-error` finding, but only for grammars that
proved reliable on real files (see `SYNTAX_CHECKED`), and only when the error survives
every wrapper and, where a second opinion is cheap, a confirming parser. A false alarm on
valid code costs the user's trust more than a missed typo, so every doubt means "no error".

`detect_language` and `looks_like_code` handle replies without fences: cheap lexical cues
pick a few candidate grammars, each is parsed, and the language whose parse leaves the
least code inside ERROR regions wins. Many grammars happily accept English (bash reads any
sentence as a command, YAML as a plain scalar), so `looks_like_code` first checks that the
text is not shaped like prose.

Parsers are created lazily, once per grammar, and reused. `tree_sitter.Parser` is not
thread-safe; the proxy scans on one asyncio thread, so a per-process cache is enough.
"""

from __future__ import annotations

import ast
import importlib
import re
import shutil
import subprocess
import textwrap
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache

import tree_sitter

# --------------------------------------------------------------------------------------------
# Grammars
# --------------------------------------------------------------------------------------------

# grammar name -> (module, function returning the language pointer). Grammar names are the
# canonical language names of `proxy.languages`, plus `tsx`, used only as a second opinion
# for JavaScript/TypeScript snippets that contain JSX.
_GRAMMAR_MODULES: dict[str, tuple[str, str]] = {
    "python": ("tree_sitter_python", "language"),
    "javascript": ("tree_sitter_javascript", "language"),
    "typescript": ("tree_sitter_typescript", "language_typescript"),
    "tsx": ("tree_sitter_typescript", "language_tsx"),
    "go": ("tree_sitter_go", "language"),
    "java": ("tree_sitter_java", "language"),
    "bash": ("tree_sitter_bash", "language"),
    "sql": ("tree_sitter_sql", "language"),
    "yaml": ("tree_sitter_yaml", "language"),
    "terraform": ("tree_sitter_hcl", "language"),
    "dockerfile": ("tree_sitter_dockerfile", "language"),
    "csharp": ("tree_sitter_c_sharp", "language"),
    "ruby": ("tree_sitter_ruby", "language"),
    "rust": ("tree_sitter_rust", "language"),
}


@cache
def _parser(grammar: str) -> tree_sitter.Parser | None:
    """The parser for a grammar, built on first use; None if its wheel is not installed.

    Loading a grammar costs a few milliseconds, so it happens once per process and only for
    grammars a request actually needs.
    """
    spec = _GRAMMAR_MODULES.get(grammar)
    if spec is None:
        return None
    module_name, function_name = spec
    try:
        with warnings.catch_warnings():
            # tree-sitter-dockerfile 0.2 hands back an int pointer, which tree-sitter 0.26
            # still accepts but deprecates; the warning is noise for our users.
            warnings.simplefilter("ignore", DeprecationWarning)
            module = importlib.import_module(module_name)
            language = tree_sitter.Language(getattr(module, function_name)())
    except (ImportError, AttributeError, ValueError):
        return None
    return tree_sitter.Parser(language)


def syntax_tree(code: str, grammar: str) -> tree_sitter.Node:
    """The root node of `code` parsed with a grammar that must be installed (extractors use this)."""
    parser = _parser(grammar)
    if parser is None:
        raise LookupError(f"no tree-sitter grammar for {grammar}")
    return parser.parse(code.encode("utf-8", "surrogatepass")).root_node


def walk(root: tree_sitter.Node) -> Iterator[tree_sitter.Node]:
    """Every node under `root`, depth first, in source order."""
    stack = [root]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(reversed(node.children))


def supported_languages() -> list[str]:
    """Canonical language names that have an installed grammar."""
    return [name for name in _GRAMMAR_MODULES if name != "tsx" and _parser(name) is not None]


# --------------------------------------------------------------------------------------------
# Parsing with fragment wrappers
# --------------------------------------------------------------------------------------------


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
    "typescript": (
        _Wrapper("class", "class _W {\n", "\n}\n"),
        _Wrapper("async-function", "async function _w() {\n", "\n}\n"),
    ),
    "javascript": (
        _Wrapper("class", "class _W {\n", "\n}\n"),
        _Wrapper("async-function", "async function _w() {\n", "\n}\n"),
    ),
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


def _prepare(code: str, language: str) -> str:
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
    parser = _parser(grammar)
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


def _parse_prepared(
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
    if language not in _GRAMMAR_MODULES or language == "tsx" or _parser(language) is None:
        return None
    return _parse_prepared(_prepare(code, language), language)


# --------------------------------------------------------------------------------------------
# Syntax errors
# --------------------------------------------------------------------------------------------

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


def syntax_error_line(code: str, language: str) -> int | None:
    """The 1-based snippet line to report as a syntax error, or None.

    None unless the language is in `SYNTAX_CHECKED`, the snippet fails every wrapper and
    second-opinion grammar, and (Python, bash) the language's own parser agrees.
    """
    if language not in SYNTAX_CHECKED or not code.strip():
        return None
    if language in ("yaml", "dockerfile", "terraform") and _TEMPLATE_MARKERS.search(code):
        return None
    prepared = _prepare(code, language)
    report = _parse_prepared(prepared, language)
    if report is None or report.ok:
        return None
    for grammar in _SECOND_OPINIONS.get(language, ()):
        other = _parse_prepared(prepared, language, grammar)
        if other is not None and other.ok:
            return None
    if language == "python" and not _python_rejects(prepared):
        return None
    if language == "bash" and not _bash_rejects(prepared):
        return None
    return report.first_error_line


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


# --------------------------------------------------------------------------------------------
# Language detection
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Detection:
    """The language of an unlabelled snippet.

    `error_ratio` is the share of the snippet inside ERROR regions for that language's
    grammar (0.0 = parses cleanly); `confidence` (0..1) combines how cleanly it parsed with
    how far it beat the runner-up.
    """

    language: str
    confidence: float
    error_count: int
    error_ratio: float
    runner_up: str | None = None


_I = re.IGNORECASE
_M = re.MULTILINE

@dataclass(frozen=True)
class _Cue:
    """A lexical hint for a language. `needles` are literals of which one must occur for
    the pattern to match: a substring test rules most cues out far faster than `re` can."""

    pattern: re.Pattern[str]
    weight: float
    needles: tuple[str, ...] | None
    ignore_case: bool

    def matches(self, code: str, lowered: str) -> bool:
        if self.needles is not None:
            haystack = lowered if self.ignore_case else code
            if not any(needle in haystack for needle in self.needles):
                return False
        return self.pattern.search(code) is not None


# Lexical cues per language. A cue counts once however often it matches; cues only pick
# the candidate grammars and break ties, the parse decides.
_CUES: dict[str, list[_Cue]] = {}


def _cue(language: str, pattern: str, weight: float, flags: int = 0) -> None:
    needles = _required_literals(pattern)
    if needles is not None and flags & re.IGNORECASE:
        needles = tuple(needle.lower() for needle in needles)
    _CUES.setdefault(language, []).append(
        _Cue(re.compile(pattern, _M | flags), weight, needles, bool(flags & re.IGNORECASE))
    )


def _required_literals(pattern: str) -> tuple[str, ...] | None:
    """Literals of which every match of the regex contains one; None when that cannot be
    told cheaply, and the regex must always run.

    Per top-level alternative: its longest literal run outside groups and classes, or else
    the literals of a mandatory group (`(get|post)`), found the same way.
    """
    needles: list[str] = []
    for alternative in _split_alternatives(pattern):
        found = _alternative_literals(alternative)
        if found is None:
            return None
        needles.extend(found)
    return tuple(needles)


def _alternative_literals(alternative: str) -> tuple[str, ...] | None:
    best = run = ""
    groups: list[str] = []
    depth = i = 0
    group_start = 0
    while i < len(alternative):
        char = alternative[i]
        literal = ""
        if char == "\\" and i + 1 < len(alternative):
            escaped = alternative[i + 1]
            i += 2
            if depth == 0 and not (escaped.isalnum() or escaped == "_"):
                run += escaped
                continue
        elif char in "([":
            if depth == 0:
                group_start = i
            depth += 1
            i += 1
        elif char in ")]":
            depth -= 1
            i += 1
            optional = i < len(alternative) and alternative[i] in "?*{"
            if depth == 0 and char == ")" and not optional:
                groups.append(alternative[group_start + 1 : i - 1])
        elif depth == 0 and char in "*?{":
            run = run[:-1]  # the previous character is optional
            i += 1
        elif depth == 0 and char == "+":
            i += 1
        else:
            literal = char if depth == 0 and char not in ".^$|" else ""
            i += 1
        if literal:
            run += literal
        else:
            best = max(best, run, key=len)
            run = ""
    best = max(best, run, key=len)
    if len(best) >= 2:
        return (best,)
    for group in groups:
        if group.startswith(("?=", "?!", "?<")):
            continue  # lookarounds consume nothing
        found = _required_literals(group.removeprefix("?:"))
        if found is not None:
            return found
    return None


def _split_alternatives(pattern: str) -> list[str]:
    parts, depth, start, i = [], 0, 0, 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            i += 2
            continue
        if char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        elif char == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
        i += 1
    parts.append(pattern[start:])
    return parts


_JS_LIKE = ("javascript", "typescript")
for _lang in _JS_LIKE:
    _cue(_lang, r"^\s*(export\s+)?(const|let|var)\s+[\w${}\[\], ]+\s*=", 2)
    _cue(_lang, r"=>", 1.5)
    _cue(_lang, r"\bfunction\b\s*\*?\s*\w*\s*\(", 2.5)
    _cue(_lang, r"\bconsole\.\w+\(", 3)
    _cue(_lang, r"\brequire\(\s*['\"]", 3)
    _cue(_lang, r"^\s*import\s.*\bfrom\s+['\"]|^\s*import\s+['\"]", 3)
    _cue(_lang, r"^\s*export\s+(default|const|function|class|async|\{)", 3)
    _cue(_lang, r"\b(document|window|localStorage|process\.env)\b", 2)
    _cue(_lang, r"===|!==", 2)
    _cue(_lang, r"\.then\(|\bnew Promise\(|\bawait\s+fetch\(", 2)
    _cue(_lang, r"\bmodule\.exports\b|\bexports\.\w+\s*=", 3)
    _cue(_lang, r"\b(app|router)\.(get|post|put|delete|use|listen)\(", 2)
    _cue(_lang, r"`[^`]*\$\{", 1.5)
    _cue(_lang, r"\bundefined\b|\bnull\b", 0.5)
    _cue(_lang, r"\}\);?\s*$", 1)
_cue("typescript", r"\w\??:\s*(string|number|boolean|any|void|unknown|never|Date|Promise<|Record<|Array<)"
     r"(\[\])?\s*[,;)=|{]", 4)
_cue("typescript", r"^\s*(export\s+)?(interface|type)\s+\w+(<[^>]*>)?\s*(=|\{|extends)", 4)
_cue("typescript", r"\)\s*:\s*[\w<>\[\]|, ]+\s*(\{|=>)", 2)
_cue("typescript", r"\bas\s+(const|string|number|any|unknown|\w+\[\])\b", 2)
_cue("typescript", r"^\s*import\s+type\b|\bkeyof\b|\breadonly\s+\w+\s*:", 3)
_cue("typescript", r"\b(private|public|protected)\s+(readonly\s+)?\w+\s*[:?]", 3)
_cue("typescript", r"^\s*@(Component|Injectable|Module|Controller|Input|Output|Get|Post)\(", 3)
_cue("typescript", r"\w<(string|number|\w+\[\]|[A-Z]\w*)(,\s*[\w\[\]]+)*>\s*\(", 1.5)
_cue("typescript", r"\b(private|public|protected)\s+readonly\s+\w+\s*[=:;]", 3)
_cue("typescript", r"^\s*(export\s+)?(const\s+)?enum\s+\w+\s*\{", 2)
_cue("typescript", r"\b(let|const|var)\s+\w+\s*:\s*[\w<>\[\]|. ]+=", 4)

_cue("python", r"^\s*(async\s+)?def\s+\w+\s*\(.*\)\s*(->\s*[^:]+)?:\s*(#.*)?$", 5)
_cue("python", r"^\s*(from\s+[\w.]+\s+import\s+[\w*(]|import\s+[\w.]+(\s+as\s+\w+)?(\s*,\s*[\w.]+)*\s*$)", 4)
_cue("python", r"^\s*class\s+\w+(\([^)]*\))?:\s*$", 5)
_cue("python", r"^\s*(if|elif|while|for|with|try|except|else|finally)\b[^{;]*:\s*(#.*)?$", 3)
_cue("python", r"\bself\.\w+", 1.5)
_cue("python", r"\b(None|True|False)\b", 2)
_cue("python", r"\w\((?:[^()]*,\s*)?[a-z_]\w*=[^=\s]", 2)
_cue("python", r"^[a-z_][\w.]*(\[[^\]]+\])?\s*=\s*[^=\s][^;{]*$", 1)
_cue("python", r"\bprint\(", 0.5)
_cue("python", r"\b__(name|init|main|file|dict|class)__\b", 3)
_cue("python", r"^\s*(elif|except)\b", 2)
_cue("python", r"\bf['\"][^'\"]*\{", 1.5)
_cue("python", r"^\s*@\w+(\.\w+)*(\(.*\))?\s*$", 0.5)
_cue("python", r"\b(not in|is not|lambda\s+\w*:)", 1.5)
_cue("python", r"^\s*\w+\s*=\s*\[.*\bfor\b.*\bin\b.*\]", 2)
_cue("python", r"^\s*\"\"\"|'''", 1.5)
_cue("python", r"^\s*(return|raise|yield|pass|await)\b", 0.5)

_cue("go", r"^package\s+\w+\s*$", 6)
_cue("go", r"^\s*func\s+(\([^)]*\)\s*)?\w+(\[[^\]]*\])?\s*\(", 5)
_cue("go", r"\w\s*:=\s*", 2.5)
_cue("go", r"\bfmt\.\w+\(|\blog\.(Printf|Fatal|Println)", 3)
_cue("go", r"if\s+err\s*!=\s*nil", 5)
_cue("go", r"^\s*import\s+(\($|\"|\w+\s+\")", 3)
_cue("go", r"\bchan\b|\bgo\s+func\b|^\s*defer\s", 2.5)
_cue("go", r"\[\][\w*.]+\{?|\bmap\[\w+\]", 2)
_cue("go", r"\bnil\b", 1)
_cue("go", r"^\s*type\s+\w+\s+(struct|interface)\s*\{", 5)
_cue("go", r"\berr\b", 1)
_cue("go", r"\bcontext\.Context\b|\bhttp\.\w+|\*http\.Request\b", 1.5)

_cue("java", r"^\s*(public|private|protected)\s+(static\s+)?(final\s+)?(synchronized\s+)?"
     r"[\w<>\[\], ?]+\s+[a-z]\w*\s*\(", 3)
_cue("java", r"\bSystem\.(out|err)\.print", 4)
_cue("java", r"^\s*import\s+(static\s+)?[\w.]+(\.\*)?;", 4)
_cue("java", r"^\s*package\s+[\w.]+;", 6)
_cue("java", r"@(Override|Autowired|Test|Service|RestController|Controller|GetMapping|PostMapping|"
     r"Entity|Bean|Component|Transactional|Value|Repository|Slf4j|Data|Id)\b", 3)
_cue("java", r"\bString\[\]\s+args|\bthrows\s+\w+", 3)
_cue("java", r"\b(ArrayList|HashMap|Optional|CompletableFuture|List<|Map<|Set<)", 1.5)
_cue("java", r"\.stream\(\)|Collectors\.|\.getMessage\(\)|\.equals\(", 2)
_cue("java", r"\b(boolean|final)\s+\w+|\bString\s+\w+\s*[=;,)]", 1.5)
_cue("java", r"\bnew\s+\w+(<[^>]*>)?\(", 1)
_cue("java", r"\bfor\s*\(\s*(int|long|var|final\s+\w+)\s+\w+\s*[=:]|\.(size|length)\(\)|\.get[A-Z]\w*\(", 2)
_cue("java", r"\(\s*(\w+|\([^()]*\))\s*->\s*[\w{(!]|\w::\w", 2.5)
_cue("java", r"^\s*[A-Z]\w*(<[\w<>, ?]+>)?(\[\])?\s+[a-z]\w*\s*=[^=]", 2)
_cue("java", r"\bcatch\s*\(\s*\w+(Exception|Error)\s+\w+\s*\)", 1.5)

_cue("csharp", r"^\s*using\s+[\w.]+;|^\s*using\s+(var|\()", 4)
_cue("csharp", r"^\s*namespace\s+[\w.]+", 4)
_cue("csharp", r"\bConsole\.(Write|Read)", 4)
_cue("csharp", r"\{\s*get;|\bget\s*\{|\binit;", 5)
_cue("csharp", r"\basync\s+Task\b|\bTask<|\bValueTask\b", 4)
_cue("csharp", r"^\s*(public|private|protected|internal)\s+(static\s+|async\s+|override\s+|virtual\s+)*"
     r"[\w<>\[\], ?]+\s+[A-Z]\w*\s*\(", 3)
_cue("csharp", r"^\s*\[(HttpGet|HttpPost|ApiController|Route|Fact|Test|Authorize|Required|Key)\b", 4)
_cue("csharp", r"\bforeach\s*\(\s*var\b|\bvar\s+\w+\s*=\s*new\b", 2)
_cue("csharp", r"\b(string|bool|decimal)\s+\w+\s*[=;,)]|\bstring\?", 1.5)
_cue("csharp", r"\.(Where|Select|FirstOrDefault|ToList|Any|Include)\(|\bnameof\(|\$\"", 2)
_cue("csharp", r"\b(Dictionary|IEnumerable|IList|ILogger|HttpClient|DbContext)\b", 2)
_cue("csharp", r"\bawait\s+\w+.*Async\(", 2)
_cue("csharp", r"\b(private|public|protected|internal)\s+(static\s+)?readonly\s+"
     r"[A-Z][\w<>, ]*\s+_?\w+\s*[;=]", 4)
_cue("csharp", r"\.[A-Z][a-z]\w*(<\w+>)?\(|\bvar\s+\w+\s*=|\bfor\s*\(\s*(int|var)\s+\w+\s*=", 2)
_cue("csharp", r"\bcatch\s*\(\s*\w*Exception(\s+\w+)?\s*\)|\b_[a-z]\w*\.\w", 1.5)
_cue("csharp", r"^\s*[A-Z]\w*(<[\w<>, ?]+>)?(\[\])?\s+[a-z]\w*\s*=[^=]", 1.5)

_cue("rust", r"\bfn\s+\w+\s*(<[^>]*>)?\s*\(", 5)
_cue("rust", r"^\s*let\s+(mut\s+)?\w+", 1.5)
_cue("rust", r"\b(println|vec|format|panic|assert_eq|assert|eprintln|write|writeln|macro_rules)!", 4)
_cue("rust", r"\b(impl|pub\s+fn|pub\s+struct|pub\s+enum|mod\s+\w+;|&mut|&self|&str|Box<|Vec<|Arc<)", 3)
_cue("rust", r"^\s*use\s+[\w:{}, *]+;", 4)
_cue("rust", r"\b(Option|Result)<|\b(Some|Ok|Err)\(", 2.5)
_cue("rust", r"\.unwrap\(\)|\.expect\(\"|\?;|\.await\??", 3)
_cue("rust", r"#\[(derive|test|tokio|cfg)\b", 5)
_cue("rust", r"\bmatch\s+[\w.&*()]+\s*\{|=>\s*\{?", 1)
_cue("rust", r"\w::\w", 1)

_cue("ruby", r"^\s*def\s+(self\.)?\w+[?!]?(\s*\(.*\))?\s*$", 4)
_cue("ruby", r"^\s*end\s*$", 3)
_cue("ruby", r"\bdo\s*\|\s*\w+(\s*,\s*\w+)*\s*\|", 4)
_cue("ruby", r"^\s*require(_relative)?\s+['\"]", 4)
_cue("ruby", r"\bputs\b|\battr_(accessor|reader|writer)\b", 3)
_cue("ruby", r"\.(each|map|select|reject|find_each)\s*(\{|do\b)|\.each_with_index\b", 3)
_cue("ruby", r"\b(has_many|belongs_to|validates|before_action|has_one)\b", 4)
_cue("ruby", r"^\s*class\s+\w+\s*<\s*[\w:]+\s*$|^\s*module\s+\w+\s*$", 4)
_cue("ruby", r"\bnil\b|\bunless\b|\belsif\b", 1.5)
_cue("ruby", r"#\{", 2)
_cue("ruby", r"(?<![\w@])@\w+\s*(=|\.)|\w+:\s+:\w+|:\w+\s*=>", 2)
_cue("ruby", r"^\s*rescue\b|\.new\(", 1)

_SHELL_COMMANDS = (
    r"sudo|apt-get|apt|yum|dnf|apk|brew|pip3?|pipx|npm|npx|yarn|pnpm|docker|docker-compose|kubectl|"
    r"helm|git|curl|wget|chmod|chown|mkdir|rm|cp|mv|ls|cd|echo|printf|export|source|cat|grep|sed|awk|"
    r"find|tar|ssh|scp|rsync|systemctl|journalctl|make|cargo|terraform|aws|gcloud|az|openssl|psql|mysql|"
    r"python3?|node|go|java|mvn|gradle|ln|touch|unzip|kill|ps|df|du|set|trap|exit|read|local|shift|"
    r"export|alias|crontab|useradd|chmod|systemd-run|nohup|xargs|tee|sleep|exec"
)
_cue("bash", r"^#!.*\b(ba|z|k|da)?sh\b", 10)
_cue("bash", r"^\s*\$ \S", 4)
_cue("bash", rf"^\s*(sudo\s+)?({_SHELL_COMMANDS})(\s|$)", 3)
_cue("bash", r"^\s*(fi|done|esac)\s*$|;\s*(then|do)\s*$", 4)
_cue("bash", r"\|\s*(grep|xargs|awk|sed|sort|uniq|head|tail|wc|tee|bash|sh|jq|cut|tr)\b", 3)
_cue("bash", r"2>&1|>\s*/dev/null|\|\|\s*(true|exit)", 3)
_cue("bash", r"\$\{?[A-Za-z_][A-Za-z_0-9]*\}?|\$\(|\$\d|\"\$@\"", 1.5)
_cue("bash", r"^\s*(if|while|until)\s+\[\[?\s|^\s*for\s+\w+\s+in\b[^:]*$", 3)
_cue("bash", r"\s--?[a-zA-Z][\w-]*", 1)
_cue("bash", r"^\s*[A-Za-z_][A-Za-z_0-9]*=(\S*|\"[^\"]*\"|'[^']*')\s*$", 1)
_cue("bash", r"\\\s*$", 0.5)

_cue("sql", r"\bSELECT\b[\s\S]+?\bFROM\b", 5, _I)
_cue("sql", r"^\s*(INSERT\s+INTO|UPDATE\s+[\w.\"]+\s+SET|DELETE\s+FROM|CREATE\s+(OR\s+REPLACE\s+)?"
     r"(TABLE|INDEX|UNIQUE\s+INDEX|VIEW|FUNCTION|PROCEDURE|TRIGGER|EXTENSION|SCHEMA|TYPE|MATERIALIZED)|"
     r"ALTER\s+(TABLE|INDEX)|DROP\s+(TABLE|INDEX|VIEW|SCHEMA|DATABASE)|TRUNCATE\b|WITH\s+\w+\s+AS\s*\(|"
     r"GRANT\s|REVOKE\s|BEGIN\s*;|COMMIT\s*;|EXPLAIN\s)", 6, _I)
_cue("sql", r"\b(WHERE|JOIN|GROUP\s+BY|ORDER\s+BY|LIMIT|VALUES|PRIMARY\s+KEY|NOT\s+NULL|REFERENCES|"
     r"VARCHAR|INTEGER|BIGINT|SERIAL|TIMESTAMPTZ?|RETURNING|ON\s+CONFLICT|HAVING)\b", 2)
_cue("sql", r";\s*$", 0.5)
_cue("sql", r"^\s*--\s", 0.5)

_cue("yaml", r"^(apiVersion|kind|metadata|spec):", 6)
_cue("yaml", r"^\s*- (name|uses|run|image|key|path|port|containerPort|hosts):", 3)
_cue("yaml", r"^[\w.-]+:\s*$", 2)
_cue("yaml", r"^---\s*$", 2)
_cue("yaml", r"^\s*(on|jobs|steps|runs-on|uses|services|image|ports|environment|volumes|version|"
     r"stages|script|tasks|hosts|become|replicas|containers|env|resources|limits|labels):", 2)
_cue("yaml", r"^\s+[\w.-]+:\s+\S", 1)

_cue("terraform", r"^\s*(resource|data|module|variable|output|provider|locals|terraform|backend|"
     r"required_providers)\s*(\"[^\"]*\"\s*)*\{", 7)
_cue("terraform", r"\b(var|local|module|data|each|count)\.\w+", 2)
_cue("terraform", r"^\s*(count|for_each|depends_on|source|ami|instance_type|cidr_block|tags|region|"
     r"bucket|acl|version|description|type|default|name)\s*=\s", 1.5)
_cue("terraform", r"\$\{[\w.\[\]\"]+\}", 0.5)
_cue("terraform", r"^\s*\w+\s*=\s*(\"|\[|\{|true|false|\d)", 0.5)
_cue("terraform", r"^\s*(dynamic|lifecycle|ingress|egress|provisioner)\s+(\"\w+\"\s*)?\{", 3)

_DOCKER_INSTRUCTIONS = r"RUN|CMD|ENTRYPOINT|COPY|ADD|WORKDIR|EXPOSE|ENV|ARG|USER|LABEL|HEALTHCHECK|VOLUME"
_cue("dockerfile", r"^FROM\s+(--platform=\S+\s+)?[\w.:/${}@-]+(\s+AS\s+\w+)?\s*$", 6, _I)
_cue("dockerfile", rf"^({_DOCKER_INSTRUCTIONS})\s", 3)
_cue("dockerfile", r"^(RUN|COPY|ADD)\s.*\n(?:.*\n)*?(CMD|ENTRYPOINT|EXPOSE|WORKDIR)\s", 3)
_cue("dockerfile", r"^(CMD|ENTRYPOINT)\s+\[\s*\"", 3)

# Candidates considered when no cue fires at all: grammars that reject random text.
_FALLBACK_CANDIDATES = ("python", "javascript", "go", "java")
# Which candidates get parsed: at most this many, and only those whose cue score is close
# enough to the best one to win on parse quality. Parsing in the wrong grammar is the
# expensive part (error recovery costs 5-15 ms on 40 lines), so this pruning is what keeps
# detection within a few milliseconds.
_MAX_CANDIDATES = 4
_CANDIDATE_CUE_GAP = 8.0
_CANDIDATE_CUE_SHARE = 0.4
# In detection, wrappers are tried only when at most this share of the text is in error.
_WRAP_BELOW = 0.5
# Final score = cue score - weight * error_ratio. Grammars that reject much valid code
# (tree-sitter-sql) get a lighter weight so that real SQL keeps its cue lead.
_ERROR_WEIGHT = 40.0
_ERROR_WEIGHTS = {"sql": 10.0}
# Languages whose grammar accepts nearly any text, so a clean parse proves nothing.
_PERMISSIVE = frozenset({"bash", "yaml"})
_YAML_LINE = re.compile(r"^\s*(- )?(\"[^\"]*\"|'[^']*'|[\w./${}-]+):(\s|$)|^\s*- \S|^\s*#|^\s*$")
_DETECTION_ORDER = (
    "python", "javascript", "typescript", "go", "java", "csharp", "rust", "ruby",
    "bash", "sql", "terraform", "dockerfile", "yaml",
)


def _cue_scores(code: str) -> dict[str, float]:
    scores: dict[str, float] = {}
    lowered = code.lower()
    for language, cues in _CUES.items():
        score = sum(cue.weight for cue in cues if cue.matches(code, lowered))
        if score > 0:
            scores[language] = score
    yaml_score = scores.get("yaml", 0.0)
    if yaml_score:
        lines = [line for line in code.splitlines() if line.strip()]
        share = sum(1 for line in lines if _YAML_LINE.match(line)) / max(1, len(lines))
        # YAML reads any text as a scalar; only a mapping/sequence shape makes it YAML.
        scores["yaml"] = yaml_score + (4 if share >= 0.9 else -6 if share < 0.6 else 0)
    return scores


def detect_language(code: str) -> Detection | None:
    """The most likely language of unlabelled code, or None for empty input.

    Cheap lexical cues rank the languages; the top few are parsed (with fragment
    wrappers) and the winner maximises cue score minus a penalty proportional to the share
    of the snippet inside ERROR regions. Assumes the text is code: use `looks_like_code`
    for replies that may be prose.
    """
    if not code.strip():
        return None
    return _detect(code, _cue_scores(code))


def _detect(code: str, cues: dict[str, float]) -> Detection | None:
    ranked = sorted(cues, key=lambda lang: (-cues[lang], _DETECTION_ORDER.index(lang)))
    top = cues[ranked[0]] if ranked else 0.0
    floor = max(top - _CANDIDATE_CUE_GAP, top * _CANDIDATE_CUE_SHARE)
    candidates = [lang for lang in ranked if cues[lang] >= floor and _parser(lang) is not None]
    candidates = candidates[:_MAX_CANDIDATES]
    if not candidates:
        candidates = [lang for lang in _FALLBACK_CANDIDATES if _parser(lang) is not None]
    scored: list[tuple[float, int, str, ParseReport]] = []
    for language in candidates:
        report = _parse_prepared(_prepare(code, language), language, wrap_below=_WRAP_BELOW)
        if report is None:
            continue
        weight = _ERROR_WEIGHTS.get(language, _ERROR_WEIGHT)
        score = cues.get(language, 0.0) - weight * report.error_ratio - 0.5 * min(report.error_count, 6)
        scored.append((score, -_DETECTION_ORDER.index(language), language, report))
    if not scored:
        return None
    scored.sort(reverse=True)
    best_score, _, language, report = scored[0]
    margin = best_score - scored[1][0] if len(scored) > 1 else best_score
    cleanliness = max(0.0, 1.0 - 4 * report.error_ratio)
    decisiveness = min(1.0, max(0.0, margin) / 6)
    confidence = round(cleanliness * (0.5 + 0.5 * decisiveness), 3)
    return Detection(
        language=language,
        confidence=confidence,
        error_count=report.error_count,
        error_ratio=round(report.error_ratio, 4),
        runner_up=scored[1][2] if len(scored) > 1 else None,
    )


# --------------------------------------------------------------------------------------------
# Code or prose?
# --------------------------------------------------------------------------------------------

_LIST_MARKER = re.compile(r"^\s*(?:[-*+>]|\d+[.)]|#{1,6})\s+")
_COMMENT_START = re.compile(r"^\s*(#(?!#)|//|--|/\*|\*|<!--)")
_WORD = re.compile(r"^[(\"'“‘]?[A-Za-z][A-Za-z'’-]*[)\"'”’]?[,.;:!?]?[)\"'”’]?$")
_CODE_CHARS = re.compile(r"[{}()\[\];=<>$|&_`\\]")
_FUNCTION_WORD_LIST = (
    "a an the to of and or but is are was were be been it its this that these those you your we our "
    "i me my they their he she in on at by for with as if so can could will would should may might "
    "not no do does did have has had there here what which who how why when then than also just "
    "only more most some any each all into about because like let's don't it's isn't you'll"
)
_FUNCTION_WORDS = frozenset(_FUNCTION_WORD_LIST.split())
# At most this share of the (non-comment) lines may read like sentences.
_MAX_PROSE_SHARE = 0.25
# Largest share of ERROR regions accepted for unfenced code, and the smallest cue score.
_MAX_RAW_ERROR_RATIO = 0.03
# tree-sitter-sql rejects plenty of valid SQL (see SYNTAX_CHECKED), so its error share
# says little; SQL needs strong statement cues instead.
_MAX_RAW_ERROR_RATIOS = {"sql": 0.5}
_MIN_RAW_CUE_SCORE = 3.0
_MIN_RAW_CUE_SCORES = {"sql": 5.0}


def _is_prose_line(line: str) -> bool:
    """A line shaped like a sentence: mostly plain words, some of them the little words
    English cannot do without, little code punctuation.

    Commands (`sudo apt-get install -y nginx`) and Python headers (`for x in xs:`) are
    mostly words too; it is the function words that set prose apart.
    """
    stripped = _LIST_MARKER.sub("", line).strip()
    tokens = stripped.split()
    if len(tokens) < 5:
        return False
    words = [token for token in tokens if _WORD.match(token)]
    if len(words) / len(tokens) < 0.7:
        return False
    if len(_CODE_CHARS.findall(stripped)) / len(stripped) >= 0.03:
        return False
    function_words = sum(1 for word in words if word.strip("\"'()“”‘’,.;:!?").lower() in _FUNCTION_WORDS)
    return function_words / len(tokens) >= 0.15 or stripped.endswith((".", "?", "!"))


def _prose_share(text: str) -> float:
    """Share of the lines that read like prose, ignoring comments and docstrings."""
    prose = total = 0
    in_docstring = False
    for line in text.splitlines():
        if not line.strip():
            continue
        quotes = line.count('"""') + line.count("'''")
        if in_docstring or quotes:
            if quotes % 2 == 1:
                in_docstring = not in_docstring
            continue
        if _COMMENT_START.match(line) and not _LIST_MARKER.match(line):
            continue
        total += 1
        prose += _is_prose_line(line)
    return prose / total if total else 1.0


def looks_like_code(text: str) -> Detection | None:
    """A detection when an unfenced reply is code as a whole, None when it is prose (or a
    mix, or code too broken to trust).

    Prose is rejected before any parse: bash and YAML accept most English. Code must then
    parse in its detected language with almost no ERROR region and carry enough lexical
    evidence for that language.
    """
    if not text.strip() or _prose_share(text) > _MAX_PROSE_SHARE:
        return None
    cues = _cue_scores(text)
    if not cues or max(cues.values()) < _MIN_RAW_CUE_SCORE:
        return None  # no language has enough evidence: skip the parses
    detection = _detect(text, cues)
    if detection is None:
        return None
    language = detection.language
    if detection.error_ratio > _MAX_RAW_ERROR_RATIOS.get(language, _MAX_RAW_ERROR_RATIO):
        return None
    if cues.get(language, 0.0) < _MIN_RAW_CUE_SCORES.get(language, _MIN_RAW_CUE_SCORE):
        return None
    return detection
