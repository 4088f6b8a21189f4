"""`breakwater hook <agent>`: one agent hook payload on stdin → that agent's answer on stdout.

The hook asks a running Breakwater first (`POST /scan` at `--url`; in team mode with the key in
`BREAKWATER_API_KEY`, so the team's policy applies and the call is audited). When none answers,
it judges in process with the same rules and policy (`--config`). Only if both fail does the
`on_error` setting decide: `closed` (the default) denies, `open` lets the agent's own flow go on.

Imports of the scanning stack happen only on the in-process path: the remote path must start
in a few tens of milliseconds, since it runs before every tool call.
"""

from __future__ import annotations

import json
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from proxy.hooks.agents import AGENTS, HookAnswer, Request, UnreadablePayload, Verdict
from proxy.render import hook_unjudged_reason

DEFAULT_URL = "http://127.0.0.1:8787"
REMOTE_TIMEOUT_SECONDS = 10.0


@dataclass(frozen=True)
class HookSettings:
    url: str = DEFAULT_URL
    api_key: str | None = None
    on_error: Literal["closed", "open"] = "closed"
    on_tag: Literal["ask", "allow"] = "ask"
    config: Path | None = None
    remote: bool = True


class JudgeUnavailable(Exception):
    """Neither a running Breakwater nor the in-process scanner could judge the request."""


def run_hook(agent_name: str, stdin_text: str, settings: HookSettings) -> HookAnswer:
    agent = AGENTS[agent_name]
    try:
        payload = json.loads(stdin_text)
        if not isinstance(payload, dict):
            raise UnreadablePayload("the hook payload is not a JSON object")
        requests = agent.requests(payload)
    except (ValueError, RecursionError) as exc:  # UnreadablePayload is a ValueError
        return _on_error(agent_name, f"unreadable hook payload ({exc})", settings, None)
    event = payload.get("hook_event_name")
    if not requests:
        return agent.answer(Verdict.ALLOW, "", event)
    try:
        answers = judge_all(requests, settings)
    except JudgeUnavailable as exc:
        return _on_error(agent_name, str(exc), settings, event)
    verdict, reason = combine(answers, settings.on_tag)
    return agent.answer(verdict, reason, event)


def _on_error(agent_name: str, problem: str, settings: HookSettings, event: object) -> HookAnswer:
    agent = AGENTS[agent_name]
    event_name = event if isinstance(event, str) else None
    if settings.on_error == "closed":
        return agent.answer(Verdict.DENY, hook_unjudged_reason(problem), event_name)
    print(f"breakwater hook: could not judge ({problem}); failing open", file=sys.stderr)
    return agent.answer(Verdict.ALLOW, "", event_name)


def combine(answers: list[dict[str, Any]], on_tag: str) -> tuple[Verdict, str]:
    """The strictest verdict over a tool call's parts (a MultiEdit is several edits)."""
    verdict, reasons = Verdict.ALLOW, []
    for answer in answers:
        decision = answer.get("decision")
        reason = plain(answer.get("reason") or "")
        if not answer.get("deliver", False):
            verdict = Verdict.DENY
        elif decision in ("tag", "error") and on_tag == "ask" and verdict is Verdict.ALLOW:
            verdict = Verdict.ASK
        if reason and decision != "allow":
            reasons.append(reason)
    return verdict, "\n\n".join(reasons)


def plain(note: str) -> str:
    """A Breakwater markdown note as plain text: agents show hook reasons verbatim."""
    lines = [line.removeprefix(">").strip() for line in note.strip().splitlines()]
    return "\n".join(line for line in lines if line).replace("**", "")


def judge_all(requests: list[Request], settings: HookSettings) -> list[dict[str, Any]]:
    if settings.remote:
        try:
            return [_ask_service(request, settings) for request in requests]
        except (OSError, ValueError) as exc:  # no service, or an answer that is not ours
            print(f"breakwater hook: no answer from {settings.url} ({exc}); judging in process", file=sys.stderr)
    import asyncio  # only the in-process path needs the event loop

    try:
        return asyncio.run(judge_in_process(requests, settings.config))
    except Exception as exc:  # the in-process scanner failing is what on_error is for
        raise JudgeUnavailable(f"in-process scan failed: {type(exc).__name__}") from exc


def _ask_service(request: Request, settings: HookSettings) -> dict[str, Any]:
    headers = {"Content-Type": "application/json"}
    if settings.api_key:
        headers["Authorization"] = f"Bearer {settings.api_key}"
    http_request = urllib.request.Request(f"{settings.url.rstrip('/')}/scan", data=json.dumps(request).encode(),
                                          headers=headers, method="POST")
    with urllib.request.urlopen(http_request, timeout=REMOTE_TIMEOUT_SECONDS) as response:
        answer = json.loads(response.read())
    if not isinstance(answer, dict) or "deliver" not in answer:
        raise ValueError("not a Breakwater scan answer")
    return answer


async def judge_in_process(requests: list[Request], config: Path | None) -> list[dict[str, Any]]:
    """The same judgement as `POST /scan`, with the reference engine (no servers to keep warm)."""
    from proxy import scan_api
    from proxy.config import load_settings
    from proxy.engine import SemgrepCoreEngine
    from proxy.guard import Guard
    from proxy.metrics import Metrics
    from proxy.policy import Policy
    from proxy.rulepack import load as load_rules
    from proxy.scan import Scanner

    settings = load_settings(config)
    engine = SemgrepCoreEngine(load_rules(settings.rules_dir), timeout_seconds=settings.scan_timeout_seconds)
    await engine.start()
    try:
        guard = Guard(Scanner(engine, Policy.from_settings(settings)), Metrics())
        return [(await scan_api.judge(guard, scan_api.parse_request(r))).to_json() for r in requests]
    finally:
        await engine.close()
