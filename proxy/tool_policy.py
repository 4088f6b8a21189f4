"""Per-tool policy: stricter actions for what an agent runs and where it writes.

A suggestion in chat is read by a person before it runs; an agent's tool call runs (or is
written to disk) as soon as it is approved, often automatically. So two rules apply on top
of the normal rule/category/severity actions, to snippets that come from tool calls or
edits (origin `tool_call` or `diff`, role in `Snippet.info`, see proxy.extract.tools):

- a shell command (role `command`) with a `destructive-operation` finding is blocked, and so is
  one with a finding of a typed shell rule marked `blocks_agents` (code piped from the
  network or decoded from base64 into a shell: nobody can review what it runs);
- a file write or edit (role `file`) to a path matching `tools.stricter_paths` gets every
  finding one action stronger (allow → tag, tag → block).

The change is made on the findings themselves, so notes name the finding that blocked
and the metrics count the action that was taken.
"""

from __future__ import annotations

import functools
import re
from dataclasses import replace

from proxy.config import ToolsConfig
from proxy.models import ROLE_COMMAND, ROLE_FILE, Action, Category, Finding, Origin, Snippet
from proxy.shell.powershell.rules import AGENT_BLOCKING as POWERSHELL_AGENT_BLOCKING
from proxy.shell.rules import AGENT_BLOCKING

_STRONGER = {Action.ALLOW: Action.TAG, Action.TAG: Action.BLOCK, Action.BLOCK: Action.BLOCK}


def adjust(config: ToolsConfig, findings: list[Finding], snippet: Snippet) -> list[Finding]:
    if snippet.origin not in (Origin.TOOL_CALL, Origin.DIFF):
        return findings
    if snippet.info == ROLE_COMMAND and config.block_destructive_commands:
        findings = [replace(f, action=Action.BLOCK) if _blocks_commands(f) else f for f in findings]
    if snippet.info == ROLE_FILE and snippet.path and matches_any(snippet.path, tuple(config.stricter_paths)):
        findings = [replace(f, action=_STRONGER[f.action]) for f in findings]
    return findings


def _blocks_commands(finding: Finding) -> bool:
    return finding.category == Category.DESTRUCTIVE_OPERATION.value or finding.rule_id in AGENT_BLOCKING or (
        finding.rule_id in POWERSHELL_AGENT_BLOCKING)


def matches_any(path: str, globs: tuple[str, ...]) -> bool:
    """Gitignore-like matching: a glob without `/` matches the file name; others match the path or any
    trailing part of it, so `db/migrations/**` matches `/home/me/app/db/migrations/001.sql` too."""
    normalized = path.replace("\\", "/").removeprefix("./")
    name = normalized.rsplit("/", 1)[-1]
    parts = normalized.strip("/").split("/")
    suffixes = ["/".join(parts[i:]) for i in range(len(parts))]
    for glob in globs:
        pattern = _compile(glob)
        if "/" not in glob.strip("/"):
            if pattern.fullmatch(name):
                return True
        elif any(pattern.fullmatch(suffix) for suffix in suffixes):
            return True
    return False


@functools.cache
def _compile(glob: str) -> re.Pattern[str]:
    glob = glob.strip().lstrip("/")
    out: list[str] = []
    position = 0
    while position < len(glob):
        if glob.startswith("**/", position):
            out.append("(?:.*/)?")
            position += 3
        elif glob.startswith("/**", position) and position + 3 == len(glob):
            out.append("(?:/.*)?")
            position += 3
        elif glob.startswith("**", position):
            out.append(".*")
            position += 2
        elif glob[position] == "*":
            out.append("[^/]*")
            position += 1
        elif glob[position] == "?":
            out.append("[^/]")
            position += 1
        else:
            out.append(re.escape(glob[position]))
            position += 1
    return re.compile("".join(out))
