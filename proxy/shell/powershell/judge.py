"""Judging a PowerShell script: typed PowerShell rules, the shell rules on native programs, and fail-safe notes.

Pure and in-process, like the bash judge (proxy.shell.judge). Native programs run from
PowerShell (`kubectl delete ns prod`, `git push --force`, `terraform destroy`, and `rm -rf /`
where `rm` is /bin/rm on Linux and macOS) are the same commands there: the shell's typed
command rules judge their argv.
"""

from __future__ import annotations

from dataclasses import dataclass

from proxy.models import UNPARSED_RULE_ID, Category, RawFinding, Severity
from proxy.shell.model import Command, Word
from proxy.shell.powershell.analyze import analyze
from proxy.shell.powershell.cmdlets import NATIVE_TOO
from proxy.shell.powershell.invocation import program
from proxy.shell.powershell.model import PsAnalysis, PsCommand
from proxy.shell.powershell.rules import RULES, PsRule
from proxy.shell.rules import RULES as SHELL_RULES
from proxy.shell.rules import CommandRule

UNPARSED_MESSAGE = ("This PowerShell does not parse (or is too large to follow), so Breakwater cannot tell what it "
                    "runs; it is not treated as safe. Rewrite it as plain commands.")
SPLAT_MESSAGE = ("This destructive cmdlet takes its arguments from a splatted variable (@args) whose content is not "
                 "known here, so Breakwater cannot tell what it deletes; it is not treated as safe. Pass the "
                 "parameters explicitly.")
# Shell rules that apply to native programs run from PowerShell (hygiene rules speak bash idioms).
_NATIVE_CATEGORIES = frozenset({Category.DESTRUCTIVE_OPERATION, Category.INJECTION, Category.UNSAFE_CONFIG})
NATIVE_RULES: tuple[CommandRule, ...] = tuple(
    rule for rule in SHELL_RULES if isinstance(rule, CommandRule) and rule.category in _NATIVE_CATEGORIES)
_DESTRUCTIVE_CMDLETS = frozenset({"remove-item", "format-volume", "clear-disk", "remove-partition"})


@dataclass(frozen=True)
class PsVerdict:
    findings: tuple[RawFinding, ...]
    analysis: PsAnalysis


def judge(script: str, rules: tuple[PsRule, ...] = RULES, report_unparsed: bool = True,
          native_rules: tuple[CommandRule, ...] = NATIVE_RULES) -> PsVerdict:
    analysis = analyze(script)
    found: set[tuple[str, int]] = set()
    findings: list[RawFinding] = []

    def add(rule_id: str, category: str, severity: Severity, message: str, line: int) -> None:
        if (rule_id, line) not in found:
            found.add((rule_id, line))
            findings.append(RawFinding(rule_id, category, severity, message, line, line))

    for command in analysis.commands:
        for rule in rules:
            if rule.holds(command):
                add(rule.id, rule.category.value, rule.severity, rule.message, command.line)
        native = native_command(command)
        for shell_rule in native_rules if native is not None else ():
            if native is not None and shell_rule.check(native):
                add(shell_rule.id, shell_rule.category.value, shell_rule.severity, shell_rule.message, command.line)
        if command.unresolved_splat and command.name in _DESTRUCTIVE_CMDLETS:
            add(UNPARSED_RULE_ID, Category.SYNTAX_ERROR.value, Severity.MEDIUM, SPLAT_MESSAGE, command.line)
    if report_unparsed and analysis.unparsed_line is not None:
        add(UNPARSED_RULE_ID, Category.SYNTAX_ERROR.value, Severity.MEDIUM, UNPARSED_MESSAGE, analysis.unparsed_line)
    return PsVerdict(tuple(findings), analysis)


def native_command(command: PsCommand) -> Command | None:
    """The shell's view of a native program run from PowerShell (`kubectl.exe delete ns prod`), else None."""
    written = program(command.written)
    if not written or ("-" in command.name and written not in NATIVE_TOO):
        return None  # a cmdlet (Verb-Noun): the PowerShell rules judge it
    return Command(tuple(Word.literal(word) for word in (written, *command.argv[1:])), command.line)
