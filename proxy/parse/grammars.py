"""Tree-sitter grammars from the per-language wheels: loaded lazily, one cached parser per grammar.
"""

from __future__ import annotations

import importlib
import warnings
from collections.abc import Iterator
from functools import cache

import tree_sitter

# grammar name -> (module, function returning the language pointer). Grammar names are the
# canonical language names of `proxy.languages`, plus `tsx`, used only as a second opinion
# for JavaScript/TypeScript snippets that contain JSX.
GRAMMAR_MODULES: dict[str, tuple[str, str]] = {
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
    "powershell": ("tree_sitter_powershell", "language"),
}


@cache
def parser_for(grammar: str) -> tree_sitter.Parser | None:
    """The parser for a grammar, built on first use; None if its wheel is not installed.

    Loading a grammar costs a few milliseconds, so it happens once per process and only for
    grammars a request actually needs.
    """
    spec = GRAMMAR_MODULES.get(grammar)
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
    parser = parser_for(grammar)
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


def first_error_line(root: tree_sitter.Node) -> int | None:
    """The first line (1-based) holding an ERROR or MISSING node; only subtrees that have errors are read."""
    stack = [root]
    found: int | None = None
    while stack:
        node = stack.pop()
        if node.is_error or node.is_missing:
            line = node.start_point[0] + 1
            found = line if found is None else min(found, line)
        elif node.has_error:
            stack.extend(node.children)
    return found


def supported_languages() -> list[str]:
    """Canonical language names that have an installed grammar."""
    return [name for name in GRAMMAR_MODULES if name != "tsx" and parser_for(name) is not None]
