"""`breakwater hook install|uninstall <agent>`: merges, never clobbers, is idempotent and reversible."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from proxy.hooks import install

BREAKWATER = str(Path(sys.executable).parent / "breakwater")

# The user's own settings, which every install must keep as they are.
EXISTING: dict[str, dict] = {
    "claude-code": {"model": "opus", "permissions": {"deny": ["Read(./.env)"]},
                    "hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [{"type": "command", "command": "lint.sh"}]}],
                              "Stop": [{"hooks": [{"type": "command", "command": "notify.sh"}]}]}},
    "codex": {"hooks": {"SessionStart": [{"hooks": [{"type": "command", "command": "ctx.sh"}]}]}},
    "cursor": {"version": 1, "hooks": {"beforeShellExecution": [{"command": "audit.sh"}]}},
    "gemini": {"theme": "GitHub", "hooks": {"BeforeTool": [{"matcher": "read_file",
                                                            "hooks": [{"type": "command", "command": "r.sh"}]}]}},
    "copilot": {"version": 1, "hooks": {"sessionStart": [{"type": "command", "bash": "hello.sh"}]}},
}


def cli(*args: str, cwd: Path, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HOME": str(home)}
    return subprocess.run([BREAKWATER, "hook", *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=60, check=False)


@pytest.mark.parametrize("agent", list(EXISTING))
def test_install_merges_is_idempotent_and_uninstall_restores(agent: str, tmp_path: Path) -> None:
    home, project = tmp_path / "home", tmp_path / "project"
    home.mkdir()
    project.mkdir()
    scope = "project" if agent == "copilot" else "user"
    path = install.settings_path(agent, scope, project, home)
    path.parent.mkdir(parents=True, exist_ok=True)
    original = json.dumps(EXISTING[agent], indent=2) + "\n"
    path.write_text(original)

    first = cli("install", agent, "--scope", scope, cwd=project, home=home)
    assert first.returncode == 0, first.stderr
    installed = json.loads(path.read_text())
    commands = json.dumps(installed)
    assert f"hook {agent}" in commands
    for key, value in EXISTING[agent].items():  # nothing of the user's is lost
        if key != "hooks":
            assert installed[key] == value
    for event, entries in EXISTING[agent]["hooks"].items():
        assert all(entry in installed["hooks"][event] for entry in entries)
    assert Path(f"{path}.breakwater-backup").read_text() == original

    again = cli("install", agent, "--scope", scope, cwd=project, home=home)
    assert again.returncode == 0 and "nothing to change" in again.stdout
    assert json.loads(path.read_text()) == installed

    removed = cli("uninstall", agent, "--scope", scope, cwd=project, home=home)
    assert removed.returncode == 0, removed.stderr
    assert json.loads(path.read_text()) == EXISTING[agent]


@pytest.mark.parametrize("agent", list(EXISTING))
def test_install_into_a_missing_file_and_uninstall_leaves_nothing(agent: str, tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    command = install.hook_command(agent, "/opt/bw/bin/breakwater")
    assert install.install(agent, path, command)
    assert "/opt/bw/bin/breakwater hook " + agent in path.read_text()
    assert install.uninstall(agent, path, command)
    assert json.loads(path.read_text()) == {}
    assert not install.uninstall(agent, path, command)


def test_claude_code_hook_covers_shell_writes_edits_and_mcp(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    install.install("claude-code", path, "breakwater hook claude-code")
    [entry] = json.loads(path.read_text())["hooks"]["PreToolUse"]
    import re

    for tool in ("Bash", "Write", "Edit", "MultiEdit", "mcp__postgres__query"):
        assert re.fullmatch(entry["matcher"], tool)
    assert not re.fullmatch(entry["matcher"], "Read")


def test_a_settings_file_that_is_not_json_is_left_alone(tmp_path: Path) -> None:
    home = tmp_path / "home"
    path = home / ".claude" / "settings.json"
    path.parent.mkdir(parents=True)
    path.write_text("{ this is not json")
    result = cli("install", "claude-code", cwd=tmp_path, home=home)
    assert result.returncode == 2 and "nothing was changed" in result.stderr
    assert path.read_text() == "{ this is not json"


def test_copilot_has_no_user_scope(tmp_path: Path) -> None:
    result = cli("install", "copilot", "--scope", "user", cwd=tmp_path, home=tmp_path)
    assert result.returncode == 2 and "--scope project" in result.stderr
