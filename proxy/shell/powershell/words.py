"""PowerShell arguments as values: quotes removed, backtick escapes applied, variables expanded.

`'…'` is literal (`''` is a quote); `"…"` and bare words expand `$name`, `${name}`,
`$env:NAME` and `${env:ProgramFiles(x86)}`. What is not known stays as written in `value`
and is dropped in `if_empty`, the value the argument has when the variable is empty.
"""

from __future__ import annotations

import re

from proxy.shell.powershell.model import Arg
from proxy.shell.powershell.paths import KNOWN_VARIABLES

_VARIABLE = re.compile(r"\$\{(?P<braced>[^}]+)\}|\$\((?P<sub>[^)]*)\)?|\$(?P<name>(?:env:|global:|script:|local:)?"
                       r"[A-Za-z_][\w]*|_|\?|\^)")
_BACKTICK = re.compile(r"`(.)", re.DOTALL)
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "0": "", "a": "", "b": "", "e": "", "f": "", "v": ""}
_CMD_VARIABLE = re.compile(r"%(\w+(?:\(\w+\))?)%")  # cmd.exe's %USERPROFILE% (doscon, cmd /c)
_PIPE_ITEM = re.compile(r"^\$(?:_|PSItem)\b", re.IGNORECASE)


def unquote(text: str) -> tuple[str, bool]:
    """(content, expands): the text inside quotes and whether `$` expands in it."""
    stripped = text.strip()
    if stripped.startswith("@'") and stripped.endswith("'@"):
        return stripped[2:-2].strip("\r\n"), False
    if stripped.startswith('@"') and stripped.endswith('"@'):
        return stripped[2:-2].strip("\r\n"), True
    if len(stripped) >= 2 and stripped[0] == stripped[-1] == "'":
        return stripped[1:-1].replace("''", "'"), False
    if len(stripped) >= 2 and stripped[0] == stripped[-1] == '"':
        return stripped[1:-1].replace('""', '"'), True
    return stripped, True


def expand(text: str, variables: dict[str, str]) -> Arg:
    """The argument written as `text`, with `variables` (lower-case names) and known paths substituted."""
    content, expands = unquote(text)
    pipe_item = bool(_PIPE_ITEM.match(text.strip()))
    if not expands:
        return Arg(content, content, False, pipe_item)
    content = _BACKTICK.sub(lambda m: _ESCAPES.get(m.group(1), m.group(1)), content)
    content = _CMD_VARIABLE.sub(lambda m: KNOWN_VARIABLES.get(f"env:{m.group(1).lower()}", m.group(0)), content)
    dynamic = False
    value_parts: list[str] = []
    empty_parts: list[str] = []
    position = 0
    for match in _VARIABLE.finditer(content):
        value_parts.append(content[position:match.start()])
        empty_parts.append(content[position:match.start()])
        position = match.end()
        name = (match.group("braced") or match.group("name") or "").lower()
        known = variables.get(name, KNOWN_VARIABLES.get(name)) if name else None
        if known is None:
            dynamic = True
            value_parts.append(match.group(0))
        else:
            value_parts.append(known)
            empty_parts.append(known)
    value_parts.append(content[position:])
    empty_parts.append(content[position:])
    return Arg("".join(value_parts), "".join(empty_parts), dynamic, pipe_item)
