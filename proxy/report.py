"""Output formats of `breakwater scan`: text, the CONTRACT.md JSON, and SARIF 2.1.0."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass

from proxy import __version__
from proxy.models import Decision, Finding, ScanResult, Severity, SnippetResult

_CODEQUALITY_SEVERITY = {Severity.CRITICAL: "blocker", Severity.HIGH: "critical", Severity.MEDIUM: "major",
                         Severity.LOW: "minor"}
_SARIF_LEVEL = {Severity.CRITICAL: "error", Severity.HIGH: "error", Severity.MEDIUM: "warning", Severity.LOW: "note"}


@dataclass
class ScannedInput:
    """One scanned input: its name for reports, its text, and what the scan found."""

    name: str
    text: str
    result: ScanResult


def combined_decision(inputs: list[ScannedInput]) -> Decision:
    return ScanResult([s for i in inputs for s in i.result.snippets]).decision


def to_json(inputs: list[ScannedInput]) -> str:
    if len(inputs) == 1:
        return json.dumps(inputs[0].result.to_json(), indent=2, ensure_ascii=False)
    merged = ScanResult([s for i in inputs for s in i.result.snippets])
    document = merged.to_json()
    document["inputs"] = [{"path": i.name, **i.result.to_json()} for i in inputs]
    return json.dumps(document, indent=2, ensure_ascii=False)


def to_text(inputs: list[ScannedInput]) -> str:
    lines: list[str] = []
    for item in inputs:
        lines.append(f"{item.name}: {item.result.decision.value} ({len(item.result.snippets)} snippet(s))")
        for snippet in item.result.snippets:
            lines.append(
                f"  snippet {snippet.snippet.index} [{snippet.language or 'unknown'}, {snippet.snippet.origin.value}]"
                f": {snippet.decision.value}" + (f" ({snippet.error})" if snippet.error else "")
            )
            for f in snippet.findings:
                lines.append(f"    line {f.line}: {f.action.value.upper()} {f.category} {f.rule_id} "
                             f"({f.severity.value}) {f.message}")
    lines.append(f"decision: {combined_decision(inputs).value}")
    return "\n".join(lines)


def _file_line(item: ScannedInput, start: int, line: int) -> int:
    """Snippet-relative line → line in the scanned file (a fenced block starts after its fence line)."""
    if start == 0 and not item.text.startswith(("```", "~~~")):
        return line
    return item.text[:start].count("\n") + 1 + line


def _located(inputs: list[ScannedInput]) -> Iterator[tuple[ScannedInput, SnippetResult, Finding]]:
    for item in inputs:
        for snippet in item.result.snippets:
            for finding in snippet.findings:
                yield item, snippet, finding


def to_codequality(inputs: list[ScannedInput]) -> str:
    """GitLab's Code Quality report (a JSON array of issues), for the merge request widget."""
    issues = []
    for item, snippet, f in _located(inputs):
        line = _file_line(item, snippet.snippet.start, f.line)
        fingerprint = hashlib.sha256(f"{f.rule_id}|{item.name}|{line}".encode()).hexdigest()
        issues.append({
            "description": f"{f.rule_id}: {f.message}",
            "check_name": f.rule_id,
            "fingerprint": fingerprint,
            "severity": _CODEQUALITY_SEVERITY[f.severity],
            "categories": ["Bug Risk" if f.category != "hardcoded-secret" else "Security"],
            "location": {"path": item.name, "lines": {"begin": line}},
        })
    return json.dumps(issues, indent=2, ensure_ascii=False)


def to_sarif(inputs: list[ScannedInput]) -> str:
    rules: dict[str, dict[str, object]] = {}
    results: list[dict[str, object]] = []
    for item, snippet, f in _located(inputs):
        rules.setdefault(f.rule_id, {
            "id": f.rule_id,
            "shortDescription": {"text": f.message},
            "properties": {"category": f.category, "severity": f.severity.value},
        })
        results.append({
            "ruleId": f.rule_id,
            "level": _SARIF_LEVEL[f.severity],
            "message": {"text": f.message},
            "properties": {"category": f.category, "action": f.action.value,
                           "language": snippet.language, "snippet": snippet.snippet.index},
            "locations": [{"physicalLocation": {
                "artifactLocation": {"uri": item.name},
                "region": {"startLine": _file_line(item, snippet.snippet.start, f.line),
                           "endLine": _file_line(item, snippet.snippet.start, f.end_line)},
            }}],
        })
    document = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "breakwater", "version": __version__,
                                "informationUri": "https://github.com/breakwater/breakwater",
                                "rules": list(rules.values())}},
            "results": results,
        }],
    }
    return json.dumps(document, indent=2, ensure_ascii=False)
