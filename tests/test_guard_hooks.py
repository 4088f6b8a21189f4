"""The guard's named hooks (proxy/guard.py): a request's caller is an argument, never ambient state.

The same reply, judged for two callers through `Guard.for_caller`, gets each caller's policy and
mode, and the after-decision observers are told which caller it was. Real engine, real rules.
"""

from __future__ import annotations

from proxy.agents import ToolCall, review_reply
from proxy.config import ActionsConfig, ToolsConfig
from proxy.engine import SemgrepCoreEngine
from proxy.guard import Guard, GuardHooks
from proxy.metrics import Metrics
from proxy.models import Action, Category, Decision, ScanResult
from proxy.policy import Policy
from proxy.request_context import RequestContext
from proxy.rulepack import load
from proxy.scan import Scanner

WIPE = ToolCall("Bash", {"command": "rm -rf /"}, "c1")
LENIENT = Policy(ActionsConfig(categories={Category.DESTRUCTIVE_OPERATION: Action.TAG}),
                 tools=ToolsConfig(block_destructive_commands=False))


def caller(team: str) -> RequestContext:
    return RequestContext(request_id=f"req-{team}", endpoint="/v1/chat/completions", team=team)


def hooked_guard(seen: list[tuple[Decision, str | None]]) -> Guard:
    def policy_for(base: Policy, who: RequestContext | None) -> Policy:
        return LENIENT if who is not None and who.team == "lenient" else base

    def mode_for(who: RequestContext | None) -> bool | None:
        return True if who is not None and who.team == "watching" else None

    def observe(result: ScanResult, who: RequestContext | None) -> None:
        seen.append((result.decision, who.team if who else None))

    hooks = GuardHooks(policy_for=policy_for, mode_for=mode_for, after_decision=(observe,))
    return Guard(Scanner(SemgrepCoreEngine(load()), Policy(ActionsConfig())), Metrics(), hooks=hooks)


async def test_each_caller_is_judged_by_its_own_policy_and_mode() -> None:
    seen: list[tuple[Decision, str | None]] = []
    guard = hooked_guard(seen)
    strict = await review_reply(guard.for_caller(caller("strict")), [], [WIPE])
    lenient = await review_reply(guard.for_caller(caller("lenient")), [], [WIPE])
    watching = await review_reply(guard.for_caller(caller("watching")), [], [WIPE])
    assert [v.deliver for v in strict.verdicts] == [False]  # the base policy blocks it
    assert [v.deliver for v in lenient.verdicts] == [True] and lenient.verdicts[0].note is not None  # tagged
    assert [(v.deliver, v.note) for v in watching.verdicts] == [(True, None)]  # shadow: nothing changed
    assert seen == [(Decision.BLOCK, "strict"), (Decision.TAG, "lenient"), (Decision.BLOCK, "watching")]


async def test_binding_leaves_the_apps_guard_as_it_was() -> None:
    seen: list[tuple[Decision, str | None]] = []
    guard = hooked_guard(seen)
    bound = guard.for_caller(caller("lenient"))
    assert bound.scanner.policy is LENIENT and guard.scanner.policy is not LENIENT
    assert bound.scanner.engine is guard.scanner.engine and bound.scanner.shared is guard.scanner.shared
    assert bound.bound_from is guard  # keeps the app's guard (and its engine) alive across a reload
    assert guard.caller is None and not guard.in_shadow
    unbound = await review_reply(guard.for_caller(None), [], [WIPE])
    assert [v.deliver for v in unbound.verdicts] == [False] and seen == [(Decision.BLOCK, None)]
