"""`breakwater rules test`: checks every rule against the fixtures beside it.

Semgrep's `--test` convention: a comment `ruleid: <id>` marks the next code line as one
the rule must match; `ok: <id>` marks one it must not. A trailing annotation on a code
line marks that line itself. Fixtures run through our own engine, the same one the proxy
uses, so a passing test means the rule works in production too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from proxy import languages
from proxy.engine.base import Engine, ScanTarget
from proxy.rulepack import RulePack
from proxy.shell import judge
from proxy.shell.powershell import rules as powershell_rules
from proxy.shell.powershell.judge import judge as powershell_judge
from proxy.shell.powershell.rules import RULES as POWERSHELL_RULES
from proxy.shell.powershell.rules import PsRule
from proxy.shell.rules import RULES as COMMAND_RULES
from proxy.shell.rules import SOURCES, ShellRule

_ANNOTATION = re.compile(r"(?:#|//|--|/\*|<!--)\s*(?P<kind>ruleid|ok|todoruleid|todook)\s*:\s*(?P<ids>[\w.,\s-]+)")
_COMMENT_ONLY = re.compile(r"^\s*(?:#|//|--|/\*|<!--)")


@dataclass
class Expectations:
    expected: dict[str, set[int]] = field(default_factory=dict)  # rule id -> lines it must match
    forbidden: dict[str, set[int]] = field(default_factory=dict)  # rule id -> lines it must not match

    @property
    def cases(self) -> int:
        return sum(map(len, self.expected.values())) + sum(map(len, self.forbidden.values()))


@dataclass
class FixtureResult:
    rule_id: str
    fixture: Path
    missed: list[int]  # ruleid lines without a match
    false_alarms: list[int]  # matched lines not marked ruleid
    cases: int

    @property
    def ok(self) -> bool:
        return not self.missed and not self.false_alarms


def parse_annotations(text: str) -> Expectations:
    found = Expectations()
    lines = text.splitlines()
    for number, line in enumerate(lines, start=1):
        match = _ANNOTATION.search(line)
        if not match or match.group("kind").startswith("todo"):
            continue
        target = _annotated_line(lines, number) if _COMMENT_ONLY.match(line) else number
        bucket = found.expected if match.group("kind") == "ruleid" else found.forbidden
        for rule_id in re.split(r"[,\s]+", match.group("ids").strip()):
            if rule_id:
                bucket.setdefault(rule_id, set()).add(target)
    return found


def _annotated_line(lines: list[str], number: int) -> int:
    """The first line after `number` that is not itself an annotation comment."""
    for following in range(number + 1, len(lines) + 1):
        if not _ANNOTATION.search(lines[following - 1]) or not _COMMENT_ONLY.match(lines[following - 1]):
            return following
    return number + 1


def fixtures_for(rule_file: Path) -> list[Path]:
    stem = rule_file.name.removesuffix(".yaml")
    return sorted(
        p for p in rule_file.parent.iterdir()
        if p != rule_file and (p.name.startswith(f"{stem}.") and p.name[len(stem) + 1:].count(".") <= 1)
        and (p.name == f"{stem}.test.yaml" or not p.name.endswith(".yaml"))
    )


def fixture_language(path: Path) -> str | None:
    if path.name.endswith(".test.yaml") or path.name.endswith(".test.yml"):
        return "yaml"
    return languages.from_path(path.name)


async def run(pack: RulePack, engine: Engine) -> tuple[list[FixtureResult], list[str]]:
    """Scan every fixture once; return per-(rule, fixture) results and rules without fixtures."""
    jobs: list[tuple[list[str], Path, Expectations]] = []
    targets: list[ScanTarget] = []
    missing: list[str] = []
    rules_by_file: dict[Path, list[str]] = {}
    for rule in pack.rules:
        rules_by_file.setdefault(rule.path, []).append(rule.id)
    for rule_file, rule_ids in rules_by_file.items():
        fixtures = [f for f in fixtures_for(rule_file) if fixture_language(f)]
        if not fixtures:
            missing.extend(rule_ids)
        for fixture in fixtures:
            text = fixture.read_text(encoding="utf-8")
            jobs.append((rule_ids, fixture, parse_annotations(text)))
            targets.append(ScanTarget(text, fixture_language(fixture) or ""))
    findings = await engine.scan(targets)
    results: list[FixtureResult] = []
    for (rule_ids, fixture, expect), found in zip(jobs, findings, strict=True):
        for rule_id in rule_ids:
            matched = {f.line for f in found if f.rule_id == rule_id}
            wanted = expect.expected.get(rule_id, set())
            cases = len(wanted) + len(expect.forbidden.get(rule_id, set()))
            results.append(FixtureResult(rule_id, fixture, sorted(wanted - matched), sorted(matched - wanted), cases))
    return results, missing


def run_command_rules(pack: RulePack, rules: tuple[ShellRule, ...] = COMMAND_RULES) -> list[FixtureResult]:
    """Typed shell rules: each `must_match` example must raise the rule and each `must_pass` one must not
    (judged one by one, so a `cd` in one example never moves the next); and `rules/bash/<name>.sh`,
    when present, is judged as one script against its `ruleid:`/`ok:` annotations."""
    results: list[FixtureResult] = []
    for rule in rules:
        source = Path(SOURCES.get(rule.id, ""))
        missed = [n for n, example in enumerate(rule.must_match, 1) if not _raises(rule, example)]
        false_alarms = [n for n, example in enumerate(rule.must_pass, 1) if _raises(rule, example)]
        results.append(FixtureResult(rule.id, source, missed, false_alarms,
                                     len(rule.must_match) + len(rule.must_pass)))
        fixture = pack.root / "bash" / f"{rule.id.removeprefix('bash.')}.sh"
        if fixture.is_file():
            text = fixture.read_text(encoding="utf-8")
            expect = parse_annotations(text)
            matched = {f.line for f in judge(text, (rule,), report_unparsed=False).findings}
            wanted = expect.expected.get(rule.id, set())
            cases = len(wanted) + len(expect.forbidden.get(rule.id, set()))
            results.append(FixtureResult(rule.id, fixture, sorted(wanted - matched), sorted(matched - wanted), cases))
    return results


def run_powershell_rules(rules: tuple[PsRule, ...] = POWERSHELL_RULES) -> list[FixtureResult]:
    """Typed PowerShell rules: each `must_match` example must raise the rule and each `must_pass` one must not."""
    results: list[FixtureResult] = []
    for rule in rules:
        source = Path(powershell_rules.__file__ or "")
        missed = [n for n, example in enumerate(rule.must_match, 1) if not _ps_raises(rule, example)]
        false_alarms = [n for n, example in enumerate(rule.must_pass, 1) if _ps_raises(rule, example)]
        results.append(FixtureResult(rule.id, source, missed, false_alarms,
                                     len(rule.must_match) + len(rule.must_pass)))
    return results


def _ps_raises(rule: PsRule, script: str) -> bool:
    verdict = powershell_judge(script, (rule,), report_unparsed=False, native_rules=())
    return any(f.rule_id == rule.id for f in verdict.findings)


def _raises(rule: ShellRule, command: str) -> bool:
    return bool(judge(command, (rule,), report_unparsed=False).findings)
