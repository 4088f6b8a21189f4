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

from proxy.parse.detect import Detection, detect_language
from proxy.parse.fragments import ParseReport, parse
from proxy.parse.grammars import first_error_line, supported_languages, syntax_tree, walk
from proxy.parse.prose import looks_like_code
from proxy.parse.syntax import SYNTAX_CHECKED, syntax_error_line

__all__ = [
    "SYNTAX_CHECKED",
    "Detection",
    "ParseReport",
    "detect_language",
    "first_error_line",
    "looks_like_code",
    "parse",
    "supported_languages",
    "syntax_error_line",
    "syntax_tree",
    "walk",
]
