"""The PowerShell command model: each command that runs, its cmdlet resolved and its parameters bound.

Rules read `PsCommand`, never the script text, so `Remove-Item -Recurse -Force C:\\`,
`rm -r -fo C:\\`, `ri C:\\ -Recurse:$true`, `& 'Remove-Item' -LiteralPath 'C:\\' -rec` and a
splatted `Remove-Item @args` are the same command to them.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Arg:
    """One argument after quote removal and variable expansion.

    `value` substitutes what is known (`$env:USERPROFILE` → `~`, literal variables); `if_empty`
    is the same argument with every unknown variable empty (`"$dir\\*"` → `\\*`, the drive root).
    """

    value: str
    if_empty: str
    dynamic: bool = False
    pipe_item: bool = False  # `$_`, `$PSItem`: the object the pipeline hands in


@dataclass(frozen=True)
class PsCommand:
    """One command: `name` is the cmdlet (lower case, aliases resolved) or the native program name."""

    name: str
    written: str  # the name as written (`rm`, `Remove-Item`, `kubectl.exe`)
    line: int
    params: dict[str, Arg | bool] = field(default_factory=dict)  # canonical parameter name -> value / switch
    positionals: tuple[Arg, ...] = ()
    argv: tuple[str, ...] = ()  # the native view: every argument as written, resolved (for native programs)
    unresolved_splat: bool = False  # `@args` whose content is not known
    input_from: PsCommand | None = None  # the command piping objects into this one
    input_downloaded: bool = False  # what it reads on the pipeline came from the network
    input_filtered: bool = False  # a filter (Where-Object, Select-Object) sits between it and `input_from`
    text: str = ""  # the command's source text (for checks on embedded expressions)

    def switch(self, name: str) -> bool:
        """A switch parameter given and not turned off (`-Recurse`, `-Recurse:$true`, not `-Recurse:$false`)."""
        value = self.params.get(name)
        if isinstance(value, Arg):
            return value.value.lower() not in ("$false", "false", "0")
        return bool(value)

    def value(self, name: str) -> Arg | None:
        value = self.params.get(name)
        return value if isinstance(value, Arg) else None


@dataclass(frozen=True)
class PsAnalysis:
    commands: tuple[PsCommand, ...] = ()
    unparsed_line: int | None = None
    unresolved_lines: tuple[int, ...] = ()  # destructive cmdlets whose splatted arguments are unknown
    nested_sql: tuple[tuple[str, int], ...] = ()  # (SQL text, line) given to Invoke-Sqlcmd -Query
