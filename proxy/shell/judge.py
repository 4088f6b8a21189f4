"""Judging a shell script: the command model, every typed rule over every command, and the code it carries.

`judge` is pure and runs in-process (no Semgrep): typed rules over argv need microseconds
per command. What a command carries in another language (`python -c`, SQL to `psql`, a
file written by `cat > x.tf <<EOF`) comes back as `Inline` parts for the Semgrep pack.
"""

from __future__ import annotations

from dataclasses import dataclass

from proxy.models import UNPARSED_RULE_ID, Category, RawFinding, Severity
from proxy.shell.analyze import analyze
from proxy.shell.model import Analysis, Inline
from proxy.shell.rules import RULES, ShellRule

UNPARSED_MESSAGE = ("This shell command does not parse (or is too large to follow), so Breakwater cannot tell what "
                    "it runs; it is not treated as safe. Rewrite it as plain commands.")


@dataclass(frozen=True)
class Verdict:
    findings: tuple[RawFinding, ...]
    inline: tuple[Inline, ...]
    analysis: Analysis


def judge(script: str, rules: tuple[ShellRule, ...] = RULES, report_unparsed: bool = True) -> Verdict:
    analysis = analyze(script)
    findings: list[RawFinding] = []
    for rule in rules:
        for line in sorted(set(rule.lines(analysis, script))):
            findings.append(RawFinding(rule.id, rule.category.value, rule.severity, rule.message, line, line))
    if report_unparsed and analysis.unparsed_line is not None:
        findings.append(RawFinding(UNPARSED_RULE_ID, Category.SYNTAX_ERROR.value, Severity.MEDIUM, UNPARSED_MESSAGE,
                                   analysis.unparsed_line, analysis.unparsed_line))
    return Verdict(tuple(findings), analysis.inline, analysis)

