"""What a commit or a branch adds: for `breakwater scan --staged` and `scan --diff BASE`.

Each changed file is scanned whole, in its new version, so that it parses as the file it is;
only findings on added lines count (`Snippet.added_lines`, the same filter agent edits use).
The new version is the staged blob for `--staged`, and the working-tree file for `--diff`
(which compares the working tree with BASE, as `git diff BASE` does).
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from proxy import languages
from proxy.models import ROLE_FILE, Origin, Snippet

_FILE = re.compile(r"^\+\+\+ b/(.+)$")
_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")


class GitError(Exception):
    """git is missing, this is not a repository, or BASE is not a revision."""


def added_lines_by_file(diff: str) -> dict[str, frozenset[int]]:
    """`git diff -U0` output → the new-side line numbers each file adds."""
    found: dict[str, set[int]] = {}
    current: set[int] | None = None
    for line in diff.splitlines():
        if line.startswith("+++ "):
            match = _FILE.match(line)
            current = found.setdefault(match.group(1), set()) if match else None
        elif current is not None and (hunk := _HUNK.match(line)):
            start, count = int(hunk.group(1)), int(hunk.group(2) or "1")
            current.update(range(start, start + count))
    return {path: frozenset(lines) for path, lines in found.items() if lines}


def changed_snippets(root: Path, staged: bool, base: str | None) -> list[Snippet]:
    """One snippet per added or modified text file, with the lines the change adds."""
    revision = ["--cached"] if staged else [base or "HEAD"]
    diff = _git(root, "diff", "-U0", "--no-color", "--no-ext-diff", "--diff-filter=AM", *revision, "--")
    snippets: list[Snippet] = []
    for path, added in sorted(added_lines_by_file(diff).items()):
        code = _git(root, "show", f":{path}") if staged else _read(root / path)
        if code is None:
            continue  # binary or unreadable: nothing a rule could read
        snippets.append(Snippet(code, languages.from_path(path), Origin.DIFF, len(snippets), info=ROLE_FILE,
                                path=path, end=len(code), added_lines=added))
    return snippets


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _git(root: Path, *args: str) -> str:
    try:
        completed = subprocess.run(["git", *args], cwd=root, capture_output=True, check=False)
    except FileNotFoundError:
        raise GitError("git is not installed") from None
    if completed.returncode != 0:
        raise GitError(completed.stderr.decode(errors="replace").strip() or f"git {args[0]} failed")
    return completed.stdout.decode("utf-8", errors="replace")
