"""`breakwater hook <agent>`: each agent's captured payload on stdin → the exact answer it expects.

Every case runs the real console script in a new process, against a running proxy (the
scan API) and, for a representative set, with no service listening (in-process judging).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.servers import ServerThread

HOOKS = Path(__file__).parent / "data" / "hooks"
BREAKWATER = str(Path(sys.executable).parent / "breakwater")


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


def run_hook(agent: str, payload: str, url: str, *extra: str) -> tuple[dict, int, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("BREAKWATER_URL", "BREAKWATER_API_KEY")}
    done = subprocess.run([BREAKWATER, "hook", agent, "--url", url, *extra], input=payload.encode(),
                          capture_output=True, timeout=120, env=env, check=False)
    return json.loads(done.stdout), done.returncode, done.stderr.decode()


def payload(name: str) -> str:
    return (HOOKS / f"{name}.json").read_text(encoding="utf-8")


def claude(decision: str) -> object:
    return lambda out: out["hookSpecificOutput"]["permissionDecision"] == decision and \
        out["hookSpecificOutput"]["hookEventName"] == "PreToolUse"


# (agent, captured payload, check of the agent's answer, a category the reason must name, or None)
CASES = [
    ("claude-code", "claude-code-bash", claude("deny"), "destructive-operation"),
    ("claude-code", "claude-code-write", claude("ask"), "missing-timeout"),
    ("claude-code", "claude-code-mcp", claude("deny"), "destructive-operation"),
    ("claude-code", "claude-code-edit-safe", lambda out: out == {}, None),
    ("claude-code", "claude-code-read", lambda out: out == {}, None),
    ("claude-code", "claude-code-powershell", claude("deny"), "destructive-operation"),
    ("codex", "codex-bash", claude("deny"), "destructive-operation"),
    ("cursor", "cursor-shell", lambda out: out["permission"] == "deny", "destructive-operation"),
    ("cursor", "cursor-shell-safe", lambda out: out == {"permission": "allow"}, None),
    ("cursor", "cursor-mcp", lambda out: out["permission"] == "deny", "destructive-operation"),
    ("cursor", "cursor-after-edit", lambda out: out == {}, None),
    ("gemini", "gemini-shell", lambda out: out["decision"] == "deny", "destructive-operation"),
    ("gemini", "gemini-write", lambda out: out == {}, None),
    ("copilot", "copilot-bash", lambda out: out["permissionDecision"] == "deny", "destructive-operation"),
    ("copilot", "copilot-view", lambda out: out == {}, None),
    ("copilot", "copilot-powershell", lambda out: out["permissionDecision"] == "deny", "injection"),
]


def reason_of(out: dict) -> str:
    return json.dumps(out)


@pytest.mark.parametrize(("agent", "name", "check", "rule"), CASES, ids=[c[1] for c in CASES])
def test_hook_answers_through_a_running_service(proxy: ServerThread, agent: str, name: str, check, rule) -> None:
    out, code, stderr = run_hook(agent, payload(name), proxy.url)
    assert code == 0
    assert check(out), out
    if rule:
        assert rule in reason_of(out)
    assert "judging in process" not in stderr  # the service answered


@pytest.mark.parametrize(("agent", "name", "check", "rule"),
                         [c for c in CASES if c[1] in ("claude-code-bash", "gemini-shell", "cursor-shell-safe")],
                         ids=["claude-code-bash", "cursor-shell-safe", "gemini-shell"])
def test_hook_judges_in_process_when_no_service_answers(agent: str, name: str, check, rule) -> None:
    out, code, stderr = run_hook(agent, payload(name), closed_port_url())
    assert code == 0 and check(out), out
    assert "judging in process" in stderr
    if rule:
        assert rule in reason_of(out)


def test_a_blocked_command_names_the_rule_and_what_to_do_instead(proxy: ServerThread) -> None:
    out, _, _ = run_hook("claude-code", payload("codex-bash"), proxy.url)
    reason = out["hookSpecificOutput"]["permissionDecisionReason"]
    assert "destructive-operation `bash." in reason and "rm -rf / --no-preserve-root" in reason
    finding = next(line for line in reason.splitlines() if "destructive-operation" in line)
    assert len(finding.split("): ", 1)[1]) > 20  # the rule's advice (what to do instead) travels to the agent
    assert not reason.startswith(">")  # plain text, not the markdown note


@pytest.mark.parametrize(("on_error", "decision"), [("closed", "deny"), ("open", None)])
def test_unreadable_payload_follows_the_fail_setting(on_error: str, decision: str | None) -> None:
    broken = '{"hook_event_name": "PreToolUse", "tool_name": "Bash", "tool_input": "{not json'
    out, code, _ = run_hook("claude-code", broken, closed_port_url(), "--on-error", on_error)
    assert code == 0
    if decision:
        assert out["hookSpecificOutput"]["permissionDecision"] == decision
    else:
        assert out == {}


def test_a_bash_call_without_a_command_is_not_waved_through() -> None:
    out, _, _ = run_hook("gemini", json.dumps({"hook_event_name": "BeforeTool", "tool_name": "run_shell_command",
                                               "tool_input": {"command": ["rm", "-rf", "/"]}}), closed_port_url())
    assert out["decision"] == "deny"


def test_on_tag_allow_lets_a_tagged_write_through(proxy: ServerThread) -> None:
    out, _, _ = run_hook("claude-code", payload("claude-code-write"), proxy.url, "--on-tag", "allow")
    assert out == {}
