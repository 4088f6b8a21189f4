"""`breakwater hook install|uninstall <agent>`: add our hook to the agent's settings file, or take it out.

Install merges: every key, event and hook already there stays, the file is backed up beside
itself (`<file>.breakwater-backup`) before the first change, and installing twice changes
nothing. Uninstall removes exactly the entries whose command is our hook command for that
agent, and the containers that only held them.
"""

from __future__ import annotations

import json
import shlex
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from proxy.hooks.agents import ClaudeCode, Codex, Cursor, Gemini

Scope = Literal["user", "project"]


@dataclass(frozen=True)
class SettingsFile:
    """Where an agent keeps its hooks, for each scope (None: the agent has no such file)."""

    user: str | None
    project: str | None


SETTINGS_FILES: dict[str, SettingsFile] = {
    "claude-code": SettingsFile("~/.claude/settings.json", ".claude/settings.json"),
    "codex": SettingsFile("~/.codex/hooks.json", ".codex/hooks.json"),
    "cursor": SettingsFile("~/.cursor/hooks.json", ".cursor/hooks.json"),
    "gemini": SettingsFile("~/.gemini/settings.json", ".gemini/settings.json"),
    "copilot": SettingsFile(None, ".github/hooks/breakwater.json"),
}


class InstallError(Exception):
    """The settings file cannot be merged safely (not JSON, not an object): nothing is written."""


def hook_command(agent: str, executable: str | None = None) -> str:
    """The command the agent will run: this very `breakwater` (by absolute path), so the hook works
    even where the agent's PATH does not reach the virtualenv it was installed in."""
    running = Path(sys.argv[0])
    exe = executable or (str(running.resolve()) if running.name == "breakwater" else None) \
        or shutil.which("breakwater") or "breakwater"
    return f"{shlex.quote(exe)} hook {agent}"


def settings_path(agent: str, scope: Scope, root: Path, home: Path) -> Path:
    files = SETTINGS_FILES[agent]
    name = files.user if scope == "user" else files.project
    if name is None:
        raise InstallError(f"{agent} has no {scope}-level hook settings; use --scope "
                           f"{'project' if scope == 'user' else 'user'}")
    return home / name.removeprefix("~/") if name.startswith("~/") else root / name


def entries(agent: str, command: str) -> dict[str, list[dict[str, Any]]]:
    """Our hook entries, by event, in the agent's own settings shape."""
    if agent in ("claude-code", "codex"):
        matcher = Codex.matcher if agent == "codex" else ClaudeCode.matcher
        return {"PreToolUse": [{"matcher": matcher, "hooks": [{"type": "command", "command": command}]}]}
    if agent == "gemini":
        return {"BeforeTool": [{"matcher": Gemini.matcher,
                                "hooks": [{"type": "command", "command": command, "name": "breakwater"}]}]}
    if agent == "cursor":
        return {event: [{"command": command}] for event in Cursor.events}
    return {"preToolUse": [{"type": "command", "bash": command, "timeoutSec": 30}]}


def install(agent: str, path: Path, command: str) -> bool:
    """Merge our entries into `path`; True when the file changed."""
    document = _read(path)
    if agent in ("cursor", "copilot"):
        document.setdefault("version", 1)
    hooks = document.setdefault("hooks", {})
    if not isinstance(hooks, dict):
        raise InstallError(f"{path}: `hooks` is not an object")
    changed = False
    for event, wanted in entries(agent, command).items():
        present = hooks.setdefault(event, [])
        if not isinstance(present, list):
            raise InstallError(f"{path}: `hooks.{event}` is not a list")
        for entry in wanted:
            if entry not in present:
                present.append(entry)
                changed = True
    if changed:
        _write(path, document)
    return changed


def uninstall(agent: str, path: Path, command: str) -> bool:
    """Remove our entries from `path`; True when the file changed."""
    if not path.exists():
        return False
    document = _read(path)
    hooks = document.get("hooks")
    if not isinstance(hooks, dict):
        return False
    changed = False
    for event, ours in entries(agent, command).items():
        present = hooks.get(event)
        if not isinstance(present, list):
            continue
        kept = [entry for entry in present if entry not in ours]
        if len(kept) != len(present):
            changed = True
            if kept:
                hooks[event] = kept
            else:
                del hooks[event]
    if changed:
        if not hooks:
            del document["hooks"]
            if set(document) == {"version"} and agent in ("cursor", "copilot"):
                document = {}
        _write(path, document)
    return changed


def _read(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    try:
        document = json.loads(path.read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError) as exc:
        raise InstallError(f"{path} cannot be read as JSON ({exc}); fix it first, nothing was changed") from None
    if not isinstance(document, dict):
        raise InstallError(f"{path} is not a JSON object; nothing was changed")
    return document


def _write(path: Path, document: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    backup = path.with_name(path.name + ".breakwater-backup")
    if path.exists() and not backup.exists():
        shutil.copy2(path, backup)
    temporary = path.with_name(path.name + ".breakwater-tmp")
    temporary.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    temporary.replace(path)
