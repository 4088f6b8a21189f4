"""Tool calls through the real scan path (tree-sitter + semgrep-core): findings, decisions, notes, policy."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from proxy.agents import ToolCall, review_reply, review_tool_calls
from proxy.config import ActionsConfig, ToolsConfig
from proxy.engine import SemgrepCoreEngine
from proxy.guard import Guard
from proxy.metrics import Metrics
from proxy.models import Action, Decision
from proxy.policy import Policy
from proxy.render import BLOCK_MARKER, TAG_MARKER
from proxy.rulepack import load as load_rules
from proxy.scan import Scanner
from tests.agent_cases import CASES, case_snippets

ENGINE = SemgrepCoreEngine(load_rules(), timeout_seconds=60)


def make_guard(shadow: bool = False, tools: ToolsConfig | None = None, **actions: Any) -> Guard:
    policy = Policy(ActionsConfig(**actions), tools=tools or ToolsConfig())
    return Guard(Scanner(ENGINE, policy), Metrics(), shadow=shadow)


@pytest.fixture
async def guard() -> AsyncIterator[Guard]:
    await ENGINE.start()
    yield make_guard()


@pytest.mark.parametrize("name", sorted(CASES))
async def test_agent_fixture_findings_and_decision(name: str, guard: Guard) -> None:
    case = CASES[name]
    expect = case["expect"]
    result = await guard.scanner.scan(case_snippets(case))
    rules = {f.rule_id for f in result.findings if f.rule_id != "breakwater.syntax-error"}
    if "rules" in expect:
        assert set(expect["rules"]) <= rules, result.to_json()
        if not expect["rules"]:
            assert rules == set(), result.to_json()
    if "rule_lines" in expect:
        assert sorted(f.line for f in result.findings) == expect["rule_lines"]
    assert "decision" in expect, f"{name}: every fixture states its decision, so the test can fail"
    assert result.decision.value == expect["decision"], result.to_json()


async def test_blocked_call_note_names_command_rule_category_and_line(guard: Guard) -> None:
    call = ToolCall("Bash", '{"command": "rm -rf ~/project && git push --force origin main"}', "call_1")
    [verdict] = await review_tool_calls([call], guard)
    assert not verdict.deliver and verdict.decision is Decision.BLOCK
    note = verdict.note or ""
    assert note.splitlines()[0].startswith(BLOCK_MARKER)
    assert "`Bash` tool call" in note and "rm -rf ~/project && git push --force origin main" in note
    assert "destructive-operation" in note and "bash.git-force-push" in note and "at line 1 of the command" in note


async def test_nested_script_finding_is_reported_once(guard: Guard) -> None:
    [verdict] = await review_tool_calls([ToolCall("shell", {"command": "bash -c 'rm -rf /'"})], guard)
    assert (verdict.note or "").count("bash.rm-rf-root-or-home") == 1


async def test_tagged_write_is_delivered_with_a_note(guard: Guard) -> None:
    call = ToolCall("Write", {"file_path": "app/client.py", "content": "import requests\nrequests.get(u)\n"})
    [verdict] = await review_tool_calls([call], guard)
    assert verdict.deliver and verdict.decision is Decision.TAG
    note = verdict.note or ""
    assert note.startswith(TAG_MARKER) and "write to `app/client.py`" in note
    assert "missing-timeout" in note and "at line 2 of `app/client.py`" in note


async def test_clean_call_has_no_note(guard: Guard) -> None:
    [verdict] = await review_tool_calls([ToolCall("Bash", {"command": "npm test"})], guard)
    assert verdict.deliver and verdict.note is None and verdict.decision is Decision.ALLOW


async def test_destructive_finding_in_a_command_always_blocks(guard: Guard) -> None:
    command = "git ls-files --others | xargs rm -rf"  # bash.xargs-rm is MEDIUM: a tag in chat text
    [verdict] = await review_tool_calls([ToolCall("Bash", {"command": command})], guard)
    assert verdict.decision is Decision.BLOCK
    texts = await review_reply(guard, [f"```bash\n{command}\n```\n"], [])
    assert texts.result.decision is Decision.TAG
    relaxed = make_guard(tools=ToolsConfig(block_destructive_commands=False))
    [verdict] = await review_tool_calls([ToolCall("Bash", {"command": command})], relaxed)
    assert verdict.decision is Decision.TAG


async def test_writes_to_stricter_paths_are_one_level_stricter(guard: Guard) -> None:
    code = "import requests\nrequests.get(u)\n"
    [plain] = await review_tool_calls([ToolCall("Write", {"file_path": "app/x.py", "content": code})], guard)
    [strict] = await review_tool_calls(
        [ToolCall("Write", {"file_path": "db/migrations/0003_backfill.py", "content": code})], guard)
    assert plain.decision is Decision.TAG and strict.decision is Decision.BLOCK
    assert "db/migrations/0003_backfill.py" in (strict.note or "")
    allowing = make_guard(rules={"python.requests-without-timeout": Action.ALLOW})
    [allowed] = await review_tool_calls([ToolCall("Write", {"file_path": "app/x.py", "content": code})], allowing)
    [tagged] = await review_tool_calls([ToolCall("Write", {"file_path": "main/migrations/1.py", "content": code})],
                                       allowing)
    assert allowed.decision is Decision.ALLOW and tagged.decision is Decision.TAG


async def test_findings_on_diff_context_lines_are_not_reported(guard: Guard) -> None:
    patch = ("*** Begin Patch\n*** Update File: app/x.py\n@@\n import requests\n r = requests.get(u)\n-x = 1\n+x = 2\n"
             "*** End Patch\n")
    [verdict] = await review_tool_calls([ToolCall("apply_patch", patch)], guard)
    assert verdict.decision is Decision.ALLOW and verdict.note is None
    added = patch.replace("+x = 2", "+x = requests.get(v)")
    [verdict] = await review_tool_calls([ToolCall("apply_patch", added)], guard)
    assert verdict.decision is Decision.TAG and "at line 3 of the new text of `app/x.py`" in (verdict.note or "")


async def test_fragment_edits_get_no_syntax_error(guard: Guard) -> None:
    call = ToolCall("Edit", {"file_path": "a.py", "old_string": "    x = 1", "new_string": "    x = 2\n    y = 3"})
    [verdict] = await review_tool_calls([call], guard)
    assert verdict.decision is Decision.ALLOW


async def test_texts_and_calls_are_one_scan_and_one_decision(guard: Guard) -> None:
    metrics = guard.metrics
    review = await review_reply(guard, ["Run it:\n\n```sql\nSELECT 1;\n```\n"],
                                [ToolCall("Bash", {"command": "git push -f"}), ToolCall("Bash", {"command": "ls"})])
    assert review.result.decision is Decision.BLOCK and len(review.result.snippets) == 3
    assert [v.deliver for v in review.verdicts] == [False, True]
    assert 'breakwater_decisions_total{decision="block"} 1.0' in metrics.render().decode()


async def test_shadow_mode_delivers_everything_without_notes() -> None:
    await ENGINE.start()
    shadow = make_guard(shadow=True)
    [verdict] = await review_tool_calls([ToolCall("Bash", {"command": "git push -f"})], shadow)
    assert verdict.deliver and verdict.note is None and verdict.decision is Decision.BLOCK


async def test_a_blocked_file_in_a_multi_file_diff_fence_removes_the_whole_fence(guard: Guard) -> None:
    text = ("Apply this:\n\n```diff\n--- a/a.py\n+++ b/a.py\n@@ -1,2 +1,2 @@\n import requests\n-x = 1\n"
            "+x = requests.get(u)\n--- /dev/null\n+++ b/m.sql\n@@ -0,0 +1 @@\n+DROP TABLE t;\n```\nThen deploy.\n")
    review = await guard.review_texts([text])
    [out] = review.texts
    assert "```diff" not in out and "DROP TABLE t;" not in out and "requests.get(u)" not in out
    assert out.startswith("Apply this:\n\n" + BLOCK_MARKER) and out.rstrip().endswith("Then deploy.")
    assert out.count(BLOCK_MARKER) == 1  # the tagged file's note is moot: its code is gone with the fence


async def test_tagged_tool_uses_in_text_are_blocked_in_place(guard: Guard) -> None:
    text = ("Cleaning up.\n\n<execute_command>\n<command>sh -c 'git push --force'</command>\n"
            "<requires_approval>false</requires_approval>\n</execute_command>\n")
    [out] = (await guard.review_texts([text])).texts
    assert "<execute_command>" not in out and out.startswith("Cleaning up.\n\n" + BLOCK_MARKER)
    assert "bash.git-force-push" in out
