"""Each agent's hook format: its payload in, a scan request out; a verdict in, its answer out.

Formats were written from the vendors' public hook documentation (captured examples live
in tests/data/hooks/). This module is deliberately light on imports: a hook runs as a new
process before every tool call, and the common path (ask a running Breakwater) must start
fast. Requests are plain dicts in the shape of the scan API's body (`proxy.scan_api`).

Fail safe: a payload an agent format does not recognise as one of its guarded events is
answered with "no opinion" (the agent's own permission flow goes on); a payload that *is*
a guarded event but cannot be read (no command, arguments that are not an object) is
judged as unreadable by the caller, which applies the fail-closed setting.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import Enum
from typing import Any


class Verdict(Enum):
    ALLOW = "allow"  # no objection: the agent's own permission flow decides
    ASK = "ask"  # findings worth a look: ask the person (where the agent can), else warn
    DENY = "deny"  # must not run or be written


@dataclass(frozen=True)
class HookAnswer:
    """What the hook process prints on stdout, and its exit code."""

    stdout: str
    exit_code: int = 0


class UnreadablePayload(ValueError):
    """A guarded event whose content could not be read: judged by the fail-closed setting."""


Request = dict[str, Any]


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def _object(value: object) -> dict[str, Any]:
    """Tool arguments as an object: some agents send them as a JSON string."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise UnreadablePayload("tool arguments are not JSON") from None
    if not isinstance(value, dict):
        raise UnreadablePayload("tool arguments are not an object")
    return value


def _tool_call(tool: str, arguments: object) -> Request:
    return {"kind": "tool_call", "tool": tool, "arguments": _object(arguments)}


def _command(command: object, tool: str) -> Request:
    if not isinstance(command, str):
        raise UnreadablePayload("the command is missing or not a string")
    return {"kind": "command", "content": command, "tool": tool}


# ---------------------------------------------------------------- Claude Code (and Codex CLI)


class ClaudeCode:
    """`PreToolUse`: `{"tool_name", "tool_input"}` → `hookSpecificOutput.permissionDecision`."""

    name = "claude-code"
    settings_event = "PreToolUse"
    matcher = "Bash|PowerShell|Write|Edit|MultiEdit|NotebookEdit|mcp__.*"  # PowerShell: Claude Code on Windows

    def requests(self, payload: dict[str, Any]) -> list[Request]:
        if payload.get("hook_event_name", "PreToolUse") != "PreToolUse" or "tool_name" not in payload:
            return []
        tool = str(payload["tool_name"])
        tool_input = _object(payload.get("tool_input", {}))
        if tool == "Bash":
            return [_command(tool_input.get("command"), tool)]
        if tool == "MultiEdit":
            edits = tool_input.get("edits")
            if not isinstance(edits, list):
                raise UnreadablePayload("MultiEdit without a list of edits")
            path = tool_input.get("file_path")
            return [_tool_call("Edit", {"file_path": path, **_object(edit)}) for edit in edits]
        return [_tool_call(tool, tool_input)]

    def answer(self, verdict: Verdict, reason: str, event: str | None = None) -> HookAnswer:
        if verdict is Verdict.ALLOW:
            return HookAnswer("{}")  # never "allow": that would skip the person's own approval
        return HookAnswer(_dumps({"hookSpecificOutput": {
            "hookEventName": "PreToolUse",
            "permissionDecision": verdict.value,
            "permissionDecisionReason": reason,
        }}))


class Codex(ClaudeCode):
    """Codex CLI's hooks follow Claude Code's shape (`.codex/hooks.json`, `PreToolUse` on `Bash`).

    Codex does not document `ask` for `PreToolUse`, so a tag is shown as a system message and
    the command runs under Codex's own approval policy."""

    name = "codex"
    matcher = "Bash"

    def answer(self, verdict: Verdict, reason: str, event: str | None = None) -> HookAnswer:
        if verdict is Verdict.ASK:
            return HookAnswer(_dumps({"systemMessage": reason}))
        return super().answer(verdict, reason, event)


# ---------------------------------------------------------------- Cursor


class Cursor:
    """`beforeShellExecution` / `beforeMCPExecution` → `{"permission", "userMessage", "agentMessage"}`.

    `afterFileEdit` cannot stop an edit; it is scanned (and audited in team mode) and answered
    with an empty object."""

    name = "cursor"
    events = ("beforeShellExecution", "beforeMCPExecution", "afterFileEdit")

    def requests(self, payload: dict[str, Any]) -> list[Request]:
        event = payload.get("hook_event_name")
        if event == "beforeShellExecution":
            return [_command(payload.get("command"), "Shell")]
        if event == "beforeMCPExecution":
            return [_tool_call(str(payload.get("tool_name") or "mcp"), payload.get("tool_input", {}))]
        if event == "afterFileEdit":
            path = payload.get("file_path")
            edits = payload.get("edits") or []
            return [_tool_call("Edit", {"file_path": path, **_object(edit)}) for edit in edits]
        return []

    def answer(self, verdict: Verdict, reason: str, event: str | None = None) -> HookAnswer:
        if event == "afterFileEdit":
            return HookAnswer("{}")
        body: dict[str, str] = {"permission": verdict.value}
        if verdict is not Verdict.ALLOW:
            # Both spellings: Cursor's docs have used camelCase and snake_case over time.
            body.update(userMessage=reason, agentMessage=reason, user_message=reason, agent_message=reason)
        return HookAnswer(_dumps(body))


# ---------------------------------------------------------------- Gemini CLI


class Gemini:
    """`BeforeTool`: `{"tool_name", "tool_input"}` → `{"decision": "deny", "reason"}`.

    Gemini has no "ask" for tools: a tag is shown to the person as a `systemMessage`."""

    name = "gemini"
    settings_event = "BeforeTool"
    matcher = "run_shell_command|write_file|replace|mcp__.*"

    def requests(self, payload: dict[str, Any]) -> list[Request]:
        if payload.get("hook_event_name", "BeforeTool") != "BeforeTool" or "tool_name" not in payload:
            return []
        tool = str(payload["tool_name"])
        tool_input = _object(payload.get("tool_input", {}))
        if tool == "run_shell_command":
            return [_command(tool_input.get("command"), tool)]
        return [_tool_call(tool, tool_input)]

    def answer(self, verdict: Verdict, reason: str, event: str | None = None) -> HookAnswer:
        if verdict is Verdict.DENY:
            return HookAnswer(_dumps({"decision": "deny", "reason": reason}))
        if verdict is Verdict.ASK:
            return HookAnswer(_dumps({"systemMessage": reason}))
        return HookAnswer("{}")


# ---------------------------------------------------------------- GitHub Copilot CLI


class Copilot:
    """`preToolUse`: `{"toolName", "toolArgs"}` (args a JSON string) → `permissionDecision`."""

    name = "copilot"

    def requests(self, payload: dict[str, Any]) -> list[Request]:
        if "toolName" not in payload:
            return []
        tool = str(payload["toolName"])
        args = _object(payload.get("toolArgs", {}))
        if tool in ("bash", "shell", "powershell"):
            return [_command(args.get("command"), tool)]
        return [_tool_call(tool, args)]

    def answer(self, verdict: Verdict, reason: str, event: str | None = None) -> HookAnswer:
        if verdict is Verdict.ALLOW:
            return HookAnswer("{}")
        return HookAnswer(_dumps({"permissionDecision": verdict.value, "permissionDecisionReason": reason}))


AGENTS: dict[str, ClaudeCode | Codex | Cursor | Gemini | Copilot] = {
    agent.name: agent for agent in (ClaudeCode(), Codex(), Cursor(), Gemini(), Copilot())
}
