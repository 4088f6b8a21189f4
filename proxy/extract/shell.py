"""Shell commands given as argv arrays (Codex `["bash", "-lc", "…"]`, `local_shell_call`) → one command line.

What a command line runs is worked out by `proxy.shell` (the command model) on the scan
path; this module only turns an argv array into the text the user would read and the
analyser parses.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Sequence

from proxy.shell.programs import SHELLS, program_name


def argv_script(argv: Sequence[object]) -> str:
    """One command line for an argv array; `["bash", "-lc", script]` is just `script`."""
    words = [str(word) for word in argv]
    if len(words) >= 3 and program_name(words[0]) in SHELLS:
        for position, word in enumerate(words[1:], start=1):
            if re.fullmatch(r"-[a-zA-Z]*c[a-zA-Z]*", word) and position + 1 < len(words):
                if position + 2 == len(words):
                    return words[position + 1]
                break
            if not word.startswith(("-", "+")):
                break
    return shlex.join(words)
