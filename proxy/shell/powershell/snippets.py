"""The PowerShell judge on the scan path: a powershell `Snippet` → typed findings + the SQL it carries.

Every PowerShell snippet (```powershell in chat, an agent's PowerShell tool call, `pwsh -c`
inside a Bash call) comes through here. `breakwater.unparsed` is reported for commands
(what the guard cannot parse is not clean) and for chat code whose parse fails too: the
walk still judged what it could read.
"""

from __future__ import annotations

from proxy.models import Snippet
from proxy.shell.powershell.judge import judge
from proxy.shell.snippets import CarriedCode, ShellJudgement


def judge_snippet(snippet: Snippet) -> ShellJudgement:
    verdict = judge(snippet.code, report_unparsed=snippet.added_lines is None)
    carried = tuple(CarriedCode(Snippet(sql, "sql", snippet.origin, snippet.index, info=snippet.info,
                                        start=snippet.start, end=snippet.end), line)
                    for sql, line in verdict.analysis.nested_sql)
    return ShellJudgement(verdict.findings, carried)
