"""What a typed command rule is, and the helpers rules share.

A rule is a predicate over one `Command` plus what the catalog shows (id, category,
severity, message) and its fixtures: commands it must match and look-alikes it must not.
`breakwater rules test` and the unit tests run every fixture through the real analyser.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from proxy.models import Category, Severity
from proxy.shell import options
from proxy.shell.model import Analysis, Command
from proxy.shell.paths import Target, classify


@dataclass(frozen=True)
class CommandRule:
    id: str
    category: Category
    severity: Severity
    message: str
    check: Callable[[Command], bool]
    must_match: tuple[str, ...]
    must_pass: tuple[str, ...]
    references: tuple[str, ...] = ()
    # Block an agent's command with this finding even though its category is not
    # `destructive-operation` (running code nobody can read, piped from the network).
    blocks_agents: bool = False

    def lines(self, analysis: Analysis, script: str) -> list[int]:
        """Lines of the commands this rule matches."""
        return [command.line for command in analysis.commands if _holds(self.check, command)]


@dataclass(frozen=True)
class ScriptRule:
    """A rule over the script's text rather than its commands: secrets written anywhere (heredoc data
    included, which is data for the command rules but still leaks), and loop shapes. Python regexes,
    judged in-process like the command rules; `exclude` drops matches whose text it finds."""

    id: str
    category: Category
    severity: Severity
    message: str
    pattern: re.Pattern[str]
    must_match: tuple[str, ...]
    must_pass: tuple[str, ...]
    references: tuple[str, ...] = ()
    exclude: re.Pattern[str] | None = None
    blocks_agents: bool = False

    def lines(self, analysis: Analysis, script: str) -> list[int]:
        found = []
        for match in self.pattern.finditer(script):
            if self.exclude is not None and self.exclude.search(match.group(0)):
                continue
            found.append(script.count("\n", 0, match.start() + len(match.group(0)) - len(match.group(0).lstrip()))
                         + 1)
        return found


ShellRule = CommandRule | ScriptRule


def _holds(check: Callable[[Command], bool], command: Command) -> bool:
    """A rule that raises on an odd command is a bug, but it must not lose the other rules' verdicts."""
    try:
        return bool(check(command))
    except (IndexError, ValueError, KeyError, AttributeError, TypeError):
        return False


_PREVIEW_FLAGS = frozenset({"--dry-run", "--dryrun", "--what-if", "--whatif", "--preview-only", "--simulate"})
_PRODUCTION = re.compile(r"(?i)(?:^|[^a-z0-9])(?:prod|production|prd|live)(?:[^a-z0-9]|$)")


def previews(command: Command) -> bool:
    """A preview flag (`--dry-run`, `--dry-run=server`, `--dryrun`, `--what-if`): nothing is changed."""
    for word in command.argv[1:]:
        name, _, value = word.partition("=")
        if name in _PREVIEW_FLAGS and value.lower() not in ("none", "false", "0", "no"):
            return True
    return False


def is_production(name: str) -> bool:
    return bool(_PRODUCTION.search(name))


def args(command: Command) -> list[str]:
    return list(command.argv[1:])


def parse(command: Command, with_value: Iterable[str] = (), single_dash_long: bool = False) -> options.Options:
    return options.parse(args(command), with_value, single_dash_long)


def operand_classes(command: Command, operands: Iterable[str]) -> set[Target]:
    return {classify(operand, command.cwd) for operand in operands}


def if_empty_classes(command: Command, skip: int = 0, with_value: Iterable[str] = ()) -> set[Target]:
    """Target classes of the operands that are unknown expansions, if those were empty."""
    dynamic = [w.if_empty for w in command.args if w.dynamic]
    if not dynamic:
        return set()
    parsed = options.parse([w.if_empty for w in command.args], with_value)
    candidates = [op for op in parsed.operands[skip:] if op in dynamic]
    return {classify(op, command.cwd) for op in candidates if op}
