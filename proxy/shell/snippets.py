"""The shell judge on the scan path: a bash `Snippet` → typed findings + the code it carries, as snippets.

Every bash snippet (an agent's command, a ```bash block in chat, a `.sh` file) goes through
here in `proxy.scan.Scanner`. Inline code (`python -c`, SQL to `psql`, `cat > x.tf <<EOF`)
becomes a snippet of its language for the Semgrep pack; its findings are reported on the
command's line of the bash snippet, so notes name what the user sees.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from proxy.models import ROLE_COMMAND, RawFinding, Severity, Snippet
from proxy.shell.ci_scripts import ci_scripts
from proxy.shell.judge import judge
from proxy.shell.powershell import judge as powershell
from proxy.shell.programs import ENGINE_LANGUAGES


@dataclass(frozen=True)
class CarriedCode:
    """Code a command carries: scanned as `snippet`, reported at `line` of the bash snippet."""

    snippet: Snippet
    line: int


@dataclass(frozen=True)
class ShellJudgement:
    findings: tuple[RawFinding, ...]
    carried: tuple[CarriedCode, ...]


def judge_snippet(snippet: Snippet) -> ShellJudgement:
    """Typed findings for a bash snippet, and what it carries in other languages.

    `breakwater.unparsed` is reported for commands (an agent's tool call): what the guard cannot
    parse is not clean. For a script in chat or a file, the syntax check of the scan path decides.
    """
    is_command = snippet.info == ROLE_COMMAND
    verdict = judge(snippet.code, report_unparsed=is_command)
    carried = []
    findings = list(verdict.findings)
    for part in verdict.inline:
        if part.language == "powershell":  # `pwsh -Command …`: judged in-process, reported on the command's line
            nested = powershell.judge(part.code, report_unparsed=is_command).findings
            findings += [replace(f, line=part.line, end_line=part.line) for f in nested]
            continue
        if part.language not in ENGINE_LANGUAGES and part.role != "file":
            continue
        info = part.role if is_command else snippet.info
        carried.append(CarriedCode(Snippet(part.code, part.language, snippet.origin, snippet.index, info=info,
                                           path=part.path, start=snippet.start, end=snippet.end), part.line))
    return ShellJudgement(tuple(findings), tuple(carried))


def judge_ci_yaml(snippet: Snippet) -> ShellJudgement:
    """The shell scripts of a CI file's `run:` / `script:` keys, judged like a bash snippet, on the YAML's lines.

    Only block-level findings are kept: the YAML rules already weigh a job's hygiene (timeouts,
    pinning), and a tag per `curl` in every workflow would teach users to ignore tags. The code a
    script carries (`psql -c`, `python -c`) goes to the engine as from a bash snippet.
    """
    findings: list[RawFinding] = []
    carried: list[CarriedCode] = []
    for script in ci_scripts(snippet.code):
        if script.language != "bash":  # `shell: python` / `shell: node` steps: the script is that code
            carried.append(CarriedCode(replace(snippet, code=script.text, language=script.language),
                                       script.yaml_line(1)))
            continue
        verdict = judge(script.text, report_unparsed=False)
        findings.extend(replace(f, line=script.yaml_line(f.line), end_line=script.yaml_line(f.end_line))
                        for f in verdict.findings if f.severity.rank >= Severity.HIGH.rank)
        for part in verdict.inline:
            if part.language in ENGINE_LANGUAGES or part.role == "file":
                carried.append(CarriedCode(Snippet(part.code, part.language, snippet.origin, snippet.index,
                                                   info=snippet.info, path=part.path, start=snippet.start,
                                                   end=snippet.end), script.yaml_line(part.line)))
    return ShellJudgement(tuple(findings), tuple(carried))
