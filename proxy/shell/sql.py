"""SQL handed to a database client, prepared for the SQL rule pack.

The pack's rules read SQL line by line (they were written for migration files, one
statement per line). SQL typed into `psql -c` is often one line with several statements,
comments between keywords, or a keyword inside a string literal. So, before the text is
scanned: block comments become spaces, each statement starts on its own line, and letters
inside string literals become `x` (lengths kept, so a literal password still looks like one).
"""

from __future__ import annotations

import re

_TOKENS = re.compile(r"'(?:[^']|'')*'?|/\*.*?(?:\*/|$)|--[^\n]*|;", re.DOTALL)


def for_scanning(sql: str) -> str:
    def replace(match: re.Match[str]) -> str:
        token = match.group(0)
        if token.startswith("'"):
            return re.sub(r"[A-Za-z]", "x", token)
        if token.startswith("/*"):
            return " "
        if token == ";":
            return ";\n"
        return token

    return _TOKENS.sub(replace, sql)
