"""Loading the rule pack from `rules/<dir>/<name>.yaml` and preparing it for the engine.

The pack is read once. Each rule is scoped to its directory's languages by adding
`paths.include` patterns, so a generic (regex) SQL rule never runs on a shell snippet:
the engine names every snippet file with its language's extension.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from proxy import languages
from proxy.models import Category, Severity
from proxy.shell.powershell import rules as powershell_rules
from proxy.shell.powershell.rules import RULES as POWERSHELL_RULES
from proxy.shell.rules import RULES as COMMAND_RULES
from proxy.shell.rules import SOURCES as COMMAND_RULE_SOURCES

RULES_DIR_ENV = "BREAKWATER_RULES_DIR"

_SEVERITY_FROM_SEMGREP = {
    "CRITICAL": Severity.CRITICAL,
    "HIGH": Severity.HIGH,
    "ERROR": Severity.HIGH,
    "MEDIUM": Severity.MEDIUM,
    "WARNING": Severity.MEDIUM,
    "LOW": Severity.LOW,
    "INFO": Severity.LOW,
}


class RulePackError(Exception):
    """The rule pack cannot be used; the message names the file and the problem."""


@dataclass(frozen=True)
class Rule:
    id: str
    rule_dir: str
    languages: tuple[str, ...]
    category: str
    severity: Severity
    message: str
    references: tuple[str, ...]
    path: Path
    engine: str = "semgrep"  # "semgrep" (a YAML rule) or "shell" (a typed command rule, proxy.shell.rules)

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "languages": list(self.languages),
            "category": self.category,
            "severity": self.severity.value,
            "message": self.message,
            "references": list(self.references),
        }


@dataclass(frozen=True)
class RulePack:
    rules: tuple[Rule, ...]  # the Semgrep rules (what the engine runs)
    root: Path
    engine_config: Path  # one YAML file with every rule, scoped by `paths.include`
    command_rules: tuple[Rule, ...] = ()  # typed shell command rules, judged in-process (proxy.shell)

    def by_id(self) -> dict[str, Rule]:
        return {rule.id: rule for rule in self.rules}

    @property
    def catalog(self) -> tuple[Rule, ...]:
        """Every rule a user can meet, Semgrep and typed, by directory and id (`rules list`, docs/rules.md)."""
        return tuple(sorted((*self.rules, *self.command_rules), key=lambda rule: (rule.rule_dir, rule.id)))

    def analyzers_for(self, language: str) -> list[str]:
        """Semgrep analyzers to run on a snippet of `language`: one per distinct rule language."""
        rule_dir = languages.get(language).rule_dir
        found: list[str] = []
        for rule in self.rules:
            if rule.rule_dir != rule_dir:
                continue
            analyzer = _analyzer(rule.languages, language)
            if analyzer not in found:
                found.append(analyzer)
        return found


def _analyzer(rule_languages: tuple[str, ...], snippet_language: str) -> str:
    if snippet_language in rule_languages:
        return snippet_language
    if snippet_language == "terraform" and "hcl" in rule_languages:
        return "hcl"
    return rule_languages[0]


def default_rules_dir() -> Path:
    """`$BREAKWATER_RULES_DIR`, else the pack bundled in the wheel, else the checkout's `rules/`."""
    if env := os.environ.get(RULES_DIR_ENV):
        return Path(env)
    bundled = Path(__file__).parent / "_rules"
    if bundled.is_dir():
        return bundled
    return Path(__file__).resolve().parent.parent / "rules"


def rule_files(root: Path) -> list[Path]:
    return sorted(p for p in root.glob("*/*.yaml") if not p.name.endswith(".test.yaml"))


def load(root: Path | None = None) -> RulePack:
    root = root or default_rules_dir()
    if not root.is_dir():
        raise RulePackError(f"rules directory not found: {root}")
    rules: list[Rule] = []
    engine_rules: list[dict[str, Any]] = []
    for path in rule_files(root):
        for raw in _read_rules(path):
            rule = _to_rule(raw, path)
            rules.append(rule)
            engine_rules.append(_scoped(raw, rule.rule_dir))
    if not rules:
        raise RulePackError(f"no rules found under {root}")
    command_rules = command_rule_entries()
    seen: set[str] = set()
    for rule in (*rules, *command_rules):
        if rule.id in seen:
            raise RulePackError(f"duplicate rule id {rule.id}")
        seen.add(rule.id)
    return RulePack(tuple(rules), root, _write_engine_config(engine_rules), command_rules)


def command_rule_entries() -> tuple[Rule, ...]:
    """The typed shell command rules (proxy.shell.rules) as catalog entries."""
    entries = []
    for typed in COMMAND_RULES:
        entries.append(Rule(
            id=typed.id, rule_dir="bash", languages=("bash",), category=typed.category.value,
            severity=typed.severity, message=typed.message, references=typed.references,
            path=Path(COMMAND_RULE_SOURCES[typed.id]), engine="shell",
        ))
    for ps in POWERSHELL_RULES:
        entries.append(Rule(
            id=ps.id, rule_dir="powershell", languages=("powershell",), category=ps.category.value,
            severity=ps.severity, message=ps.message, references=ps.references,
            path=Path(powershell_rules.__file__ or ""), engine="shell",
        ))
    return tuple(entries)


def _read_rules(path: Path) -> list[dict[str, Any]]:
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise RulePackError(f"{path}: cannot read rules: {exc}") from exc
    if not isinstance(doc, dict) or not isinstance(doc.get("rules"), list):
        raise RulePackError(f"{path}: expected a mapping with a `rules:` list")
    return [r for r in doc["rules"] if isinstance(r, dict)]


def _to_rule(raw: dict[str, Any], path: Path) -> Rule:
    rule_dir = path.parent.name
    rule_id = str(raw.get("id", ""))
    where = f"{path}: rule {rule_id or '?'}"
    if not rule_id.startswith(f"{rule_dir}."):
        raise RulePackError(f"{where}: id must start with '{rule_dir}.'")
    metadata = raw.get("metadata") or {}
    category = metadata.get("category")
    if category not in {c.value for c in Category}:
        raise RulePackError(f"{where}: metadata.category {category!r} is not a contract category")
    severity = _SEVERITY_FROM_SEMGREP.get(str(raw.get("severity", "")).upper())
    if severity is None:
        raise RulePackError(f"{where}: severity {raw.get('severity')!r} is not one of CRITICAL/HIGH/MEDIUM/LOW")
    rule_languages = tuple(str(lang) for lang in raw.get("languages") or ())
    if not rule_languages:
        raise RulePackError(f"{where}: no languages")
    references = metadata.get("references") or ()
    return Rule(
        id=rule_id,
        rule_dir=rule_dir,
        languages=rule_languages,
        category=str(category),
        severity=severity,
        message=" ".join(str(raw.get("message", "")).split()),
        references=tuple(str(r) for r in references),
        path=path,
    )


def include_patterns(rule_dir: str) -> list[str]:
    """File patterns of the snippets a rule in `rule_dir` may run on."""
    return sorted({f"*{lang.extension}" for lang in languages.LANGUAGES if lang.rule_dir == rule_dir})


def _scoped(raw: dict[str, Any], rule_dir: str) -> dict[str, Any]:
    scoped = dict(raw)
    scoped["paths"] = {"include": include_patterns(rule_dir)}
    return scoped


def _write_engine_config(engine_rules: list[dict[str, Any]]) -> Path:
    return write_rules_file(engine_rules, "pack")


def write_rules_file(rules: list[dict[str, Any]], prefix: str) -> Path:
    """Write a Semgrep rules file once per content (the file name is the content hash), atomically, so
    processes and replicas starting together share it."""
    text = yaml.safe_dump({"rules": rules}, sort_keys=False, allow_unicode=True)
    digest = hashlib.sha256(text.encode()).hexdigest()[:16]
    directory = Path(tempfile.gettempdir()) / "breakwater-rules"
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / f"{prefix}-{digest}.yaml"
    if not target.exists():
        tmp = target.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(target)
    return target
