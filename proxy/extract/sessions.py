"""Terminal transcripts (```console, ```shell-session, ```ps1-console, ```doscon): the commands, not the output.

A transcript mixes what was typed (after a prompt: `$ `, `# `, `user@host:~$ `, `PS C:\\> `,
`C:\\> `, and continuation lines `> `, `>> `) with what the program printed. Commands are
judged, output is not (a `kubectl get ns` listing that says `prod` is not a command).
Typed lines keep their line numbers: output lines become blank lines.

Fail safe: a transcript fence with no prompt at all is read as all commands, and a Python
REPL inside a transcript (`>>> `, `... `) is returned as Python code to judge too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SESSION_WORDS = frozenset({"console", "shell-session", "shellsession", "sh-session", "terminal", "bash-session",
                           "zsh-session", "session"})
POWERSHELL_SESSION_WORDS = frozenset({"ps1-console", "pwsh-session", "powershell-session", "ps1con", "pscon",
                                      "doscon", "bat-session", "cmd-session"})

_VENV = r"(?:\([\w.@-]+\)\s)?"
_POSIX_PROMPT = re.compile(rf"^{_VENV}(?:[\w.-]+@[\w.-]+(?::[^$#\n]*)?\s?[$#%]|[$#%])(?: (?P<cmd>.*)|$)")
_USER_PROMPT = re.compile(rf"^{_VENV}(?:[\w.-]+@[\w.-]+(?::[^$#\n]*)?\s?[$#]|\$)(?: |$)")
_PS_PROMPT = re.compile(r"^PS(?: [^>\n]*)?>(?: (?P<cmd>.*)|$)")
_CMD_PROMPT = re.compile(r"^[A-Za-z]:\\[^>\n]*>(?: ?(?P<cmd>.*))$")
_CONTINUATION = re.compile(r"^(?:>>?|More\?)(?: (?P<cmd>.*)|$)")
_PYTHON_PROMPT = re.compile(r"^(?:>>>|\.\.\.)(?: (?P<cmd>.*)|$)")


@dataclass(frozen=True)
class Part:
    """Code typed in a transcript: `language` is bash, powershell or python; `code` keeps line numbers."""

    language: str
    code: str


def is_session(code: str, info_word: str) -> bool:
    """A terminal transcript rather than a script: by its label, or a prompt on its first line."""
    word = info_word.lower()
    if word in SESSION_WORDS or word in POWERSHELL_SESSION_WORDS:
        return True
    lines = [line for line in code.splitlines() if line.strip()]
    if not lines:
        return False
    first = lines[0]
    return bool(_USER_PROMPT.match(first) or _PS_PROMPT.match(first) or re.match(r"^> \S", first))


def commands(code: str, info_word: str) -> list[Part]:
    """The typed code of a transcript, by language (the shell's first), output lines blanked."""
    lines = code.splitlines()
    powershell = info_word.lower() in POWERSHELL_SESSION_WORDS or any(
        _PS_PROMPT.match(line) or _CMD_PROMPT.match(line) for line in lines)
    shell: list[str] = []
    python: list[str] = []
    in_command = False  # the line before was typed (a continuation line may follow)
    # `# ` is root's prompt, unless the transcript's prompt is `$ `: then `# …` lines are comments.
    root_prompt = not any(_USER_PROMPT.match(line) and not line.lstrip().startswith("#") for line in lines)
    for line in lines:
        if not root_prompt and re.match(r"^#(?: |$)", line):
            shell.append("")
            python.append("")
            in_command = False
            continue
        typed, repl = _typed(line, powershell, in_command)
        shell.append(typed if typed is not None else "")
        python.append(repl if repl is not None else "")
        in_command = typed is not None
    if not any(text.strip() for text in shell) and not any(text.strip() for text in python):
        shell = lines  # no prompt anywhere: every line may be a command
    end = "\n" if code.endswith("\n") else ""
    parts = [Part("powershell" if powershell else "bash", "\n".join(shell) + end)]
    if any(text.strip() for text in python):
        parts.append(Part("python", "\n".join(python) + end))
    return parts


def _typed(line: str, powershell: bool, after_command: bool) -> tuple[str | None, str | None]:
    """(shell command typed on this line, Python REPL code typed on it); None when it is output."""
    if (match := _PYTHON_PROMPT.match(line)) is not None:
        return None, match.group("cmd") or ""
    if after_command and (match := _CONTINUATION.match(line)) is not None:
        return match.group("cmd") or "", None
    prompts = (_PS_PROMPT, _CMD_PROMPT) if powershell else (_POSIX_PROMPT,)
    for prompt in prompts:
        if (match := prompt.match(line)) is not None:
            return match.group("cmd") or "", None
    if not after_command and (match := _CONTINUATION.match(line)) is not None and line.startswith("> "):
        return match.group("cmd") or "", None  # `> cmd`: a prompt some tutorials use
    return None, None
