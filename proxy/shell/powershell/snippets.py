"""The PowerShell judge on the scan path: a powershell `Snippet` → typed findings + the SQL it carries.

Every PowerShell snippet (```powershell in chat, an agent's PowerShell tool call, `pwsh -c`
inside a Bash call) comes through here. `breakwater.unparsed` is reported for what runs or is
written (an agent's command or .ps1 file: what the guard cannot parse is not clean, policy
blocks it). In chat, where a person reads the code first, a parse error is not reported:
tree-sitter-powershell rejects some valid PowerShell (`"{0}" -f $a.B, $c`) and there is no
second parser to confirm; the commands of a script that does not parse are still judged,
each line on its own as well (proxy.shell.powershell.analyze).
"""

from __future__ import annotations

from proxy.models import Snippet
from proxy.policy import runs_or_writes
from proxy.shell.powershell.judge import judge
from proxy.shell.snippets import CarriedCode, ShellJudgement


def judge_snippet(snippet: Snippet) -> ShellJudgement:
    verdict = judge(snippet.code, report_unparsed=runs_or_writes(snippet))
    carried = tuple(CarriedCode(Snippet(sql, "sql", snippet.origin, snippet.index, info=snippet.info,
                                        start=snippet.start, end=snippet.end), line)
                    for sql, line in verdict.analysis.nested_sql)
    return ShellJudgement(verdict.findings, carried)
