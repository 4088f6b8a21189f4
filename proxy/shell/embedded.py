"""Shell commands embedded in code: `os.system("…")`, `execSync('…')`, `system "…"`, backticks.

Interpreter one-liners (`python -c`, `node -e`, `perl -e`, `awk '{ system(…) }'`) often
just call the shell; the commands they pass are walked as shell too, so `rm -rf /` is
caught whatever language wraps it. This reads string literals after known process-spawning
calls; it over-approximates (a `run("pytest")` is harmless to walk), never the reverse.
"""

from __future__ import annotations

import re
import shlex

_STRING = r"""(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|`(?:[^`\\]|\\.)*`)"""
_CALLS = (r"(?:system|exec|execSync|execFile|execFileSync|spawn|spawnSync|popen|popen2|popen3|shell_exec|passthru|"
          r"proc_open|getoutput|getstatusoutput|check_output|check_call|call|run|Popen|capture2|capture2e|capture3|"
          r"pipeline|execa|execaSync|\$|sh|bash)")
_CALL = re.compile(rf"\b{_CALLS}\s*\(?\s*(?P<args>(?:{_STRING}|\[[^\]]*\])(?:\s*,\s*(?:{_STRING}|\[[^\]]*\]))*)",
                   re.DOTALL)
_BACKTICK = re.compile(r"`((?:[^`\\]|\\.)+)`|%x\{([^}]*)\}|qx\{([^}]*)\}|qx\(([^)]*)\)")
_LITERAL = re.compile(_STRING, re.DOTALL)
_ESCAPES = {"n": "\n", "t": "\t", "\\": "\\", "'": "'", '"': '"', "`": "`"}


def _unquote(literal: str) -> str:
    body = literal[1:-1]
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), body, flags=re.DOTALL)


def shell_strings(code: str) -> list[str]:
    """Shell command lines that `code` hands to a shell or runs as an argv."""
    found: list[str] = []
    for match in _CALL.finditer(code):
        parts: list[str] = []
        for piece in re.finditer(rf"{_STRING}|\[[^\]]*\]", match.group("args"), re.DOTALL):
            text = piece.group(0)
            if text.startswith("["):
                parts.extend(_unquote(item) for item in _LITERAL.findall(text))
            else:
                parts.append(_unquote(text))
        if parts:
            found.append(parts[0] if len(parts) == 1 else shlex.join(parts))
    for match in _BACKTICK.finditer(code):
        body = next(group for group in match.groups() if group is not None)
        found.append(body)
    return [text for text in found if text.strip()]
