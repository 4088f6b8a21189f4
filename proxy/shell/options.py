"""Command-line options in any order and spelling: `-rf`, `-r -f`, `--recursive`, `--force=true`, `--rec`.

`parse` splits arguments into short letters, long options (with their values) and operands,
the way getopt does, so a rule asks `opts.has("r", "recursive")` and never looks at text.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

_FALSE = frozenset({"false", "0", "no", "off", "none"})


@dataclass(frozen=True)
class Options:
    short: frozenset[str]
    long: tuple[tuple[str, str | None], ...]
    operands: tuple[str, ...]
    values: tuple[tuple[str, str], ...] = ()  # (option, value) for options that take one

    def has(self, short: str = "", *long: str) -> bool:
        """True when any of the short letters in `short` or a long name (or its getopt prefix) is set."""
        if any(letter in self.short for letter in short):
            return True
        return any(self._long_set(name) for name in long)

    def _long_set(self, name: str) -> bool:
        for given, value in self.long:
            if (given == name or (len(given) >= 3 and name.startswith(given))) and (
                    value is None or value.lower() not in _FALSE):
                return True
        return False

    def value(self, *names: str) -> str | None:
        for given, value in self.values:
            if given in names:
                return value
        for given, long_value in self.long:
            if given in names and long_value is not None:
                return long_value
        return None


def parse(args: Sequence[str], with_value: Iterable[str] = (), single_dash_long: bool = False) -> Options:
    """Options of one command. `with_value` names options that take a value (`-o`, `--output`);
    `single_dash_long` reads `-auto-approve` as a long option (Terraform, Go tools)."""
    takes = set(with_value)
    short: set[str] = set()
    long: list[tuple[str, str | None]] = []
    values: list[tuple[str, str]] = []
    operands: list[str] = []
    position = 0
    while position < len(args):
        arg = args[position]
        position += 1
        if arg == "--":
            operands.extend(args[position:])
            break
        if arg.startswith("--") or (single_dash_long and arg.startswith("-") and len(arg) > 2):
            name, equals, value = arg.lstrip("-").partition("=")
            if not equals and f"--{name}" in takes | {f"-{name}"} and position < len(args):
                value, equals = args[position], "="
                position += 1
            long.append((name, value if equals else None))
            if equals:
                values.append((f"--{name}", value))
            continue
        if arg.startswith("-") and len(arg) > 1 and not arg[1].isdigit():
            for index, letter in enumerate(arg[1:], start=1):
                if f"-{letter}" in takes:
                    rest = arg[index + 1:]
                    if rest:
                        values.append((f"-{letter}", rest))
                    elif position < len(args):
                        values.append((f"-{letter}", args[position]))
                        position += 1
                    short.add(letter)
                    break
                short.add(letter)
            continue
        operands.append(arg)
    return Options(frozenset(short), tuple(long), tuple(operands), tuple(values))
