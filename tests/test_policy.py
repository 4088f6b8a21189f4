"""Policy and per-tool policy: which action a finding gets and which decision a snippet gets.

Pure functions of the configuration, so every branch is stated here with hand-written
expectations (the precedence rule > category > severity is README's promise). Fast: these
are the tests `make mutation` runs against proxy/policy.py and proxy/tool_policy.py.
"""

from __future__ import annotations

import pytest

from proxy.config import ActionsConfig, Settings, ToolsConfig
from proxy.models import Action, Decision, Finding, Origin, RawFinding, Severity, Snippet, strongest
from proxy.policy import Policy
from proxy.tool_policy import adjust, matches_any


def raw(rule: str = "sql.drop-table-or-database", category: str = "destructive-operation",
        severity: Severity = Severity.HIGH) -> RawFinding:
    return RawFinding(rule, category, severity, "message", 3, 4)


def finding(action: Action, category: str = "missing-timeout") -> Finding:
    return Finding("r.x", category, Severity.MEDIUM, action, "m", 1, 1)


@pytest.mark.parametrize(("severity", "action"), [(Severity.CRITICAL, Action.BLOCK), (Severity.HIGH, Action.BLOCK),
                                                  (Severity.MEDIUM, Action.TAG), (Severity.LOW, Action.TAG)])
def test_severity_defaults(severity: Severity, action: Action) -> None:
    assert Policy(ActionsConfig()).action_for(raw(severity=severity)) is action


@pytest.mark.parametrize("severity", list(Severity))
def test_a_severity_missing_from_the_config_falls_back_to_the_default(severity: Severity) -> None:
    policy = Policy(ActionsConfig(severity={}))
    expected = Action.BLOCK if severity in (Severity.CRITICAL, Severity.HIGH) else Action.TAG
    assert policy.action_for(raw(severity=severity)) is expected


def test_rule_beats_category_beats_severity() -> None:
    actions = ActionsConfig(severity={Severity.HIGH: Action.TAG},
                            categories={"destructive-operation": Action.ALLOW},
                            rules={"sql.drop-table-or-database": Action.BLOCK})
    policy = Policy(actions)
    assert policy.action_for(raw()) is Action.BLOCK  # rule
    assert policy.action_for(raw(rule="sql.truncate-table")) is Action.ALLOW  # category
    assert policy.action_for(raw(rule="other.rule", category="injection")) is Action.TAG  # severity
    assert Policy(ActionsConfig(categories={"destructive-operation": Action.ALLOW})).action_for(raw()) is Action.ALLOW


def test_an_unknown_category_uses_the_severity() -> None:
    policy = Policy(ActionsConfig(categories={"injection": Action.ALLOW}))
    assert policy.action_for(raw(category="not-a-category", severity=Severity.HIGH)) is Action.BLOCK
    assert policy.action_for(raw(category="not-a-category", severity=Severity.LOW)) is Action.TAG


def test_apply_keeps_every_field_and_sets_the_action() -> None:
    policy = Policy(ActionsConfig(rules={"r.low": Action.ALLOW}))
    found = policy.apply([raw(), raw(rule="r.low", category="time-handling", severity=Severity.LOW)])
    assert found == [
        Finding("sql.drop-table-or-database", "destructive-operation", Severity.HIGH, Action.BLOCK, "message", 3, 4),
        Finding("r.low", "time-handling", Severity.LOW, Action.ALLOW, "message", 3, 4),
    ]


@pytest.mark.parametrize(("actions", "decision"), [
    ([], Decision.ALLOW), ([Action.ALLOW], Decision.ALLOW), ([Action.ALLOW, Action.TAG], Decision.TAG),
    ([Action.TAG, Action.BLOCK, Action.ALLOW], Decision.BLOCK), ([Action.BLOCK], Decision.BLOCK),
])
def test_the_decision_is_the_strongest_action(actions: list[Action], decision: Decision) -> None:
    assert Policy(ActionsConfig()).decide([finding(a) for a in actions]) is decision
    assert strongest(actions) is Action(decision.value)


def test_from_settings_reads_failure_policy_mode_and_tools() -> None:
    policy = Policy.from_settings(Settings(on_engine_error="fail_closed", mode="shadow",
                                           tools=ToolsConfig(block_destructive_commands=False)))
    assert policy.fail_closed and policy.shadow and not policy.tools.block_destructive_commands
    default = Policy.from_settings(Settings())
    assert not default.fail_closed and not default.shadow and default.tools.block_destructive_commands


def command(code: str = "rm -rf build") -> Snippet:
    return Snippet(code, "bash", Origin.TOOL_CALL, info="command")


def write(path: str | None, origin: Origin = Origin.TOOL_CALL) -> Snippet:
    return Snippet("x = 1\n", "python", origin, info="file", path=path)


def test_a_destructive_command_blocks_whatever_its_action() -> None:
    findings = [finding(Action.TAG, "destructive-operation"), finding(Action.TAG), finding(Action.ALLOW,
                                                                                         "destructive-operation")]
    adjusted = adjust(ToolsConfig(), findings, command())
    assert [f.action for f in adjusted] == [Action.BLOCK, Action.TAG, Action.BLOCK]
    assert adjusted[1] is findings[1]
    off = adjust(ToolsConfig(block_destructive_commands=False), findings, command())
    assert [f.action for f in off] == [Action.TAG, Action.TAG, Action.ALLOW]


def test_destructive_findings_outside_commands_keep_their_action() -> None:
    findings = [finding(Action.TAG, "destructive-operation")]
    assert adjust(ToolsConfig(), findings, write("app/x.py")) == findings
    chat = Snippet("rm -rf build", "bash", Origin.MARKDOWN, info="command")
    assert adjust(ToolsConfig(), findings, chat) == findings  # a chat suggestion is read before it runs
    assert Policy(ActionsConfig(), tools=ToolsConfig()).apply([raw(severity=Severity.LOW)], chat)[0].action is (
        Action.TAG)


@pytest.mark.parametrize("origin", [Origin.TOOL_CALL, Origin.DIFF])
def test_writes_to_stricter_paths_are_one_action_stronger(origin: Origin) -> None:
    findings = [finding(Action.ALLOW), finding(Action.TAG), finding(Action.BLOCK)]
    stricter = adjust(ToolsConfig(), findings, write("db/migrations/0001.sql", origin))
    assert [f.action for f in stricter] == [Action.TAG, Action.BLOCK, Action.BLOCK]
    assert adjust(ToolsConfig(), findings, write("app/models.py", origin)) == findings
    assert adjust(ToolsConfig(), findings, write(None, origin)) == findings
    assert adjust(ToolsConfig(stricter_paths=[]), findings, write("db/migrations/0001.sql", origin)) == findings


def test_policy_apply_uses_the_tool_rules_only_with_a_snippet() -> None:
    policy = Policy(ActionsConfig(categories={"destructive-operation": Action.TAG}))
    assert policy.apply([raw()])[0].action is Action.TAG
    assert policy.apply([raw()], command())[0].action is Action.BLOCK


@pytest.mark.parametrize(("path", "globs", "expected"), [
    ("main.tf", ("*.tf",), True),
    ("infra/prod/main.tf", ("*.tf",), True),
    ("infra/main.tf.bak", ("*.tf",), False),
    ("maintf", ("*.tf",), False),
    ("aXc", ("a**bc",), False),
    ("srcabc", ("src/**",), False),
    ("a(b).py", ("a(b).py",), True),
    ("axbx.py", ("a(b).py",), False),
    ("aXbc", ("a**bc",), True),
    ("/home/me/app/db/migrations/001.sql", ("**/migrations/**",), True),
    ("./db/migrations/001.sql", ("db/migrations/**",), True),
    ("db/migrations", ("db/migrations/**",), True),
    ("db/other/001.sql", ("db/migrations/**",), False),
    ("C:\\repo\\db\\migrations\\1.sql", ("**/migrations/**",), True),
    ("src/a.py", ("src/?.py",), True),
    ("src/ab.py", ("src/?.py",), False),
    ("src/deep/a.py", ("src/*.py",), False),
    ("src/deep/a.py", ("src/**",), True),
    ("migrations.py", ("**/migrations/**",), False),
    ("a+b.tf", ("a+b.tf",), True),
    ("aab.tf", ("a+b.tf",), False),
    ("x.py", (), False),
    ("ab", ("a/**b",), False),  # `/**` inside a glob is a separator then `**`, not an optional directory part
    ("a/xb", ("a/**b",), True),
    ("x.py", ("*.tf", "*.py"), True),
])
def test_glob_matching(path: str, globs: tuple[str, ...], expected: bool) -> None:
    assert matches_any(path, globs) is expected


def test_a_bare_policy_fails_open_and_enforces() -> None:
    """README's defaults (`on_engine_error: fail_open`, `mode: enforce`) hold for a Policy built in code too."""
    policy = Policy(ActionsConfig())
    assert policy.fail_closed is False and policy.shadow is False
    assert policy.tools == ToolsConfig()


def test_only_file_writes_get_stricter_paths_and_only_commands_the_destructive_rule() -> None:
    findings = [finding(Action.TAG, "destructive-operation")]
    script = Snippet("await tools.x()", "javascript", Origin.TOOL_CALL, info="script", path="db/migrations/x.js")
    assert adjust(ToolsConfig(), findings, script) == findings
    role = "".join(["comm", "and"])  # the role compared by value, as any extractor may build it
    built = Snippet("rm -rf build", "bash", Origin.TOOL_CALL, info=role)
    assert [f.action for f in adjust(ToolsConfig(), findings, built)] == [Action.BLOCK]


def test_roles_are_compared_exactly() -> None:
    """Only the `command` role gets the destructive rule and only the `file` role the stricter paths; other
    categories than destructive-operation keep their action."""
    destructive, blocking = finding(Action.TAG, "destructive-operation"), finding(Action.TAG, "blocking-in-async")
    no_role = Snippet("rm -rf build", "bash", Origin.TOOL_CALL, info="")
    assert adjust(ToolsConfig(), [destructive], no_role) == [destructive]
    assert adjust(ToolsConfig(), [blocking], command()) == [blocking]
    command_with_path = Snippet("terraform apply", "bash", Origin.TOOL_CALL, info="command", path="main.tf")
    assert adjust(ToolsConfig(), [blocking], command_with_path) == [blocking]
    built_file_role = Snippet("x = 1\n", "python", Origin.TOOL_CALL, info="".join(["fi", "le"]), path="main.tf")
    assert [f.action for f in adjust(ToolsConfig(), [blocking], built_file_role)] == [Action.BLOCK]
