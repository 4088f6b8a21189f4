"""Code a command hands to another PowerShell (or cmd.exe): `pwsh -Command …`, `-EncodedCommand`, `cmd /c …`.

Used from PowerShell (nested `powershell -c`) and from bash (`pwsh -Command` in an agent's
Bash call), so both shells follow the same code into the same judge.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence

POWERSHELLS = frozenset({"pwsh", "powershell", "pwsh-preview", "powershell_ise"})
_COMMAND_NAMES = ("command", "c")
_ENCODED_NAMES = ("encodedcommand", "enc", "e", "ec", "en", "enco", "encod", "encode", "encoded")
# pwsh options that take a value (so that value is not mistaken for the start of the command).
_VALUE_OPTIONS = frozenset({"executionpolicy", "ep", "ex", "exec", "file", "f", "workingdirectory", "wd",
                            "configurationname", "config", "inputformat", "if", "outputformat", "of", "o",
                            "windowstyle", "w", "settingsfile", "custompipename", "version", "v", "psconsolefile",
                            "encodedarguments", "ea"})


def program(word: str) -> str:
    bare = word.replace("\\", "/").rsplit("/", 1)[-1].lower()
    return bare[:-4] if bare.endswith(".exe") else bare


def script_of(argv: Sequence[str]) -> str | None:
    """The PowerShell code `argv` runs (`pwsh -c '…'`, `powershell -EncodedCommand …`, `cmd /c …`), or None.

    As pwsh does, every word after `-Command` is joined into the script.
    """
    if not argv:
        return None
    name = program(argv[0])
    args = list(argv[1:])
    if name == "cmd":
        for position, word in enumerate(args):
            if word.lower() in ("/c", "/k", "/r"):
                return " ".join(args[position + 1:]) or None
        return None
    if name not in POWERSHELLS:
        return None
    position = 0
    while position < len(args):
        word = args[position]
        option = word.lstrip("-/").lower() if word.startswith(("-", "/")) else ""
        if not option:
            return " ".join(args[position:])  # pwsh: the first non-option word starts the command
        if option.split(":", 1)[0] in _COMMAND_NAMES or option.startswith("comm"):
            rest = args[position + 1:]
            return " ".join(rest) if rest and rest != ["-"] else None
        if option in _ENCODED_NAMES and position + 1 < len(args):
            return decode(args[position + 1])
        if option in _VALUE_OPTIONS:
            position += 1
        position += 1
    return None


def as_powershell(argv: Sequence[str]) -> str:
    """An argv as one PowerShell command line, each word a verbatim string (`'` doubled)."""
    quoted = ["'" + word.replace("'", "''") + "'" for word in argv[1:]]
    return " ".join([argv[0], *quoted]) if argv else ""


def decode(encoded: str) -> str | None:
    """`-EncodedCommand` text: base64 of UTF-16LE."""
    compact = "".join(encoded.split())
    try:
        raw = base64.b64decode(compact + "=" * (-len(compact) % 4))
    except (binascii.Error, ValueError):
        return None
    return raw.decode("utf-16-le", "replace")
