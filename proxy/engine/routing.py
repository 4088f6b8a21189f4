"""Which files the language server must scan so that it runs exactly what semgrep-core runs.

The reference engine hands semgrep-core one (file, analyzer) pair per analyzer the rule
directory needs, so a TypeScript snippet in a directory with JavaScript-only rules is also
parsed as JavaScript. The language server picks the analyzer from the file extension
instead, so the same snippet is scanned once per distinct extension: `.ts` runs the
TypeScript rules, a `.js` copy runs the JavaScript ones, and both run generic rules.

Every extension must also pass the rules' `paths.include` (the snippet language's
directory). When a mapping is unknown, the snippet goes to the reference engine, so an
unusual rule language costs speed, never correctness.
"""

from __future__ import annotations

from proxy import languages
from proxy.rulepack import RulePack, include_patterns

# Semgrep analyzer name (or alias) -> an extension `semgrep-core -dump_extensions` maps to it.
ANALYZER_EXTENSIONS: dict[str, str] = {
    "python": ".py", "py": ".py", "python3": ".py",
    "javascript": ".js", "js": ".js",
    "typescript": ".ts", "ts": ".ts",
    "go": ".go", "golang": ".go",
    "java": ".java",
    "bash": ".sh", "sh": ".sh",
    "yaml": ".yaml",
    "hcl": ".tf", "terraform": ".tf", "tf": ".tf",
    "dockerfile": ".dockerfile", "docker": ".dockerfile",
    "csharp": ".cs", "c#": ".cs",
    "ruby": ".rb",
    "rust": ".rs",
    "json": ".json",
}
# Analyzers that run on any file, so the snippet's own extension is the right one.
_ANY_FILE = frozenset({"generic", "regex", "none"})


def extensions_for(pack: RulePack, language: str) -> list[str] | None:
    """Extensions to scan a `language` snippet under; [] when no rule applies, None when unknown."""
    analyzers = pack.analyzers_for(language)
    own = languages.get(language).extension
    allowed = {pattern.removeprefix("*") for pattern in include_patterns(languages.get(language).rule_dir)}
    found: list[str] = []
    for analyzer in analyzers:
        extension = own if analyzer in _ANY_FILE else ANALYZER_EXTENSIONS.get(analyzer)
        if extension is None or extension not in allowed:
            return None
        if extension not in found:
            found.append(extension)
    return found


def parsing_analyzers(pack: RulePack, language: str) -> dict[str, str]:
    """Extension -> analyzer, for the analyzers that parse a `language` snippet (not generic/regex).

    These are the files whose parse the fast engine checks with a sentinel rule.
    """
    own = languages.get(language).extension
    found: dict[str, str] = {}
    for analyzer in pack.analyzers_for(language):
        if analyzer in _ANY_FILE:
            continue
        extension = ANALYZER_EXTENSIONS.get(analyzer, own)
        found.setdefault(extension, analyzer)
    return found


def all_extensions(pack: RulePack) -> set[str]:
    """Every extension a snippet of any language may be scanned under with this pack."""
    found: set[str] = set()
    for language in languages.names():
        found.update(extensions_for(pack, language) or ())
    return found
