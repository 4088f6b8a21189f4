"""A real Claude Code run: the scripted model asks for a force push, Breakwater's hook stops it.

Claude Code (from npm) talks to a scripted Anthropic upstream on loopback; its `PreToolUse` hook
is `breakwater hook claude-code`, installed with `breakwater hook install`, asking a running
Breakwater. The command is harmless if it ran anyway (a repository with no remote), and the test
proves it did not: Claude Code reports the denial and sends the hook's reason back to the model.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.support.claude_code import ScriptedAnthropic, claude_code_binary
from tests.support.servers import ServerThread

BREAKWATER = str(Path(sys.executable).parent / "breakwater")
COMMAND = "git push --force origin main"


def test_claude_code_is_stopped_by_the_hook(proxy: ServerThread, tmp_path: Path) -> None:
    claude = claude_code_binary()
    model = ScriptedAnthropic(COMMAND)
    upstream = ServerThread(model.app()).start()
    home, repo = tmp_path / "home", tmp_path / "repo"
    home.mkdir()
    repo.mkdir()
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    env = {**os.environ, "HOME": str(home), "BREAKWATER_URL": proxy.url}
    installed = subprocess.run([BREAKWATER, "hook", "install", "claude-code"], cwd=repo, env=env,
                               capture_output=True, text=True, timeout=60, check=False)
    assert installed.returncode == 0, installed.stderr
    env.update(ANTHROPIC_BASE_URL=upstream.url, ANTHROPIC_API_KEY="sk-ant-test-not-real",
               CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC="1", DISABLE_TELEMETRY="1")
    try:
        run = subprocess.run([str(claude), "-p", "push my branch", "--allowedTools", "Bash",
                              "--output-format", "json"], cwd=repo, env=env, capture_output=True, text=True,
                             timeout=180, check=False)
    finally:
        upstream.stop()
    assert run.returncode == 0, run.stderr[-2000:]
    outcome = json.loads(run.stdout)
    assert [d["tool_input"]["command"] for d in outcome["permission_denials"]] == [COMMAND]
    [result] = model.tool_results()
    assert result["is_error"] is True
    text = json.dumps(result["content"])
    assert "Breakwater blocked" in text and "destructive-operation" in text and "--force-with-lease" in text
