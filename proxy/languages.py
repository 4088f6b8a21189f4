"""The languages Breakwater knows: names, aliases, file names, and how Semgrep analyzes them.

One table, so that the extractor, the parser, the engine and the CLI agree on what
"bash" or "terraform" means.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath


@dataclass(frozen=True)
class Language:
    name: str
    extension: str  # used for engine target files and rule `paths.include`
    rule_dir: str  # rules/<rule_dir>/ holds the rules for this language
    aliases: tuple[str, ...] = ()
    file_suffixes: tuple[str, ...] = ()
    file_names: tuple[str, ...] = ()


LANGUAGES: tuple[Language, ...] = (
    Language("python", ".py", "python", ("py", "python3", "py3", "python2", "ipython", "pycon"),
             (".py", ".pyw", ".pyi")),
    Language("javascript", ".js", "javascript", ("js", "jsx", "node", "nodejs", "mjs", "cjs", "javascriptreact"),
             (".js", ".jsx", ".mjs", ".cjs")),
    Language("typescript", ".ts", "javascript", ("ts", "tsx", "typescriptreact", "mts", "cts"),
             (".ts", ".tsx", ".mts", ".cts")),
    Language("go", ".go", "go", ("golang",), (".go",)),
    Language("java", ".java", "java", (), (".java",)),
    Language("bash", ".sh", "bash", ("sh", "shell", "zsh", "ksh", "console", "shell-session", "shellsession",
                                       "terminal", "bash-session", "shellscript"), (".sh", ".bash", ".zsh", ".ksh"),
             (".bashrc", ".profile", ".zshrc")),
    Language("sql", ".sql", "sql", ("postgresql", "postgres", "psql", "mysql", "sqlite", "plsql", "tsql", "pgsql",
                                      "plpgsql", "mssql"), (".sql",)),
    Language("yaml", ".yaml", "yaml", ("yml",), (".yaml", ".yml")),
    Language("terraform", ".tf", "terraform", ("tf", "hcl", "terraform", "tfvars", "opentofu"),
             (".tf", ".tfvars", ".hcl")),
    Language("dockerfile", ".dockerfile", "dockerfile", ("docker", "containerfile"), (".dockerfile",),
             ("Dockerfile", "Containerfile")),
    Language("csharp", ".cs", "csharp", ("cs", "c#"), (".cs",)),
    Language("ruby", ".rb", "ruby", ("rb",), (".rb",), ("Gemfile", "Rakefile")),
    Language("rust", ".rs", "rust", ("rs",), (".rs",)),
    # Judged in-process by the PowerShell command model (proxy.shell.powershell); no Semgrep rules.
    Language("powershell", ".ps1", "powershell", ("ps1", "pwsh", "ps", "posh", "psm1", "psd1", "ps1-console",
                                                  "pwsh-session", "powershell-session", "ps1con", "pscon"),
             (".ps1", ".psm1", ".psd1")),
    # Data, not programs: recognised so that no grammar of a programming language reports
    # them as broken code (proxy.parse.data_formats). Data is still judged by text rules where
    # it can do harm: rules/json/ (feature flags, manifests), rules/xml/ (Liquibase changelogs).
    Language("json", ".json", "json", ("jsonc", "json5", "jsonl", "ndjson", "geojson", "jsonld", "json-ld"),
             (".json", ".jsonc", ".json5", ".jsonl", ".ndjson", ".geojson")),
    Language("xml", ".xml", "xml", ("liquibase", "svg", "xsd", "xsl", "xslt", "wsdl", "plist", "csproj", "xaml",
                                    "rss", "atom", "pom"),
             (".xml", ".svg", ".xsd", ".xsl", ".xslt", ".plist", ".csproj", ".xaml", ".props", ".targets")),
    Language("html", ".html", "html", ("htm", "xhtml", "vue-html", "jinja-html", "handlebars", "hbs"),
             (".html", ".htm", ".xhtml")),
    Language("toml", ".toml", "toml", (), (".toml",), ("Pipfile", "Cargo.lock", "poetry.lock")),
    Language("ini", ".ini", "ini", ("cfg", "dosini", "editorconfig", "gitconfig"), (".ini", ".cfg")),
    Language("csv", ".csv", "csv", ("tsv", "psv"), (".csv", ".tsv")),
    # Prisma schema files: no grammar; judged by text rules (`languages: [generic]`).
    Language("prisma", ".prisma", "prisma", (), (".prisma",)),
)

# Languages whose content is data: never parsed as code, never a syntax error (proxy.parse.data_formats).
DATA_LANGUAGES = frozenset({"json", "xml", "html", "toml", "ini", "csv"})

_BY_NAME = {lang.name: lang for lang in LANGUAGES}
_BY_ALIAS = {alias: lang for lang in LANGUAGES for alias in (lang.name, *lang.aliases)}


def get(name: str) -> Language:
    return _BY_NAME[name]


def names() -> list[str]:
    return [lang.name for lang in LANGUAGES]


def from_alias(word: str) -> str | None:
    """The canonical language for a fence info word such as `py` or `shell`, else None."""
    lang = _BY_ALIAS.get(word.strip().lower())
    return lang.name if lang else None


def from_path(path: str) -> str | None:
    """The language of a file path by its name or extension (`Dockerfile`, `main.tf`), else None."""
    pure = PurePath(path)
    for lang in LANGUAGES:
        if pure.name in lang.file_names or pure.name.startswith(tuple(f"{n}." for n in lang.file_names)):
            return lang.name
    suffix = pure.suffix.lower()
    for lang in LANGUAGES:
        if suffix in lang.file_suffixes:
            return lang.name
    return None
