"""What happens to a tool call for each decision (proxy/agents.py), and what its note says (proxy/render.py).

Scan results are built by hand (no engine), and notes are compared with full expected
strings: README's promise is that a blocked call is not delivered and text says what it
would have run or written and why; a tagged one is delivered with its note; an engine error
follows `fail_closed`.
"""

from __future__ import annotations

from proxy.agents import CollectedReply, ToolCall, review_reply, verdict_for
from proxy.config import ActionsConfig
from proxy.engine import SemgrepCoreEngine
from proxy.guard import Guard
from proxy.metrics import Metrics
from proxy.models import Action, Decision, Finding, Origin, ScanResult, Severity, Snippet, SnippetResult
from proxy.policy import Policy
from proxy.render import call_block_note, call_error_note, call_tag_note, describe_call
from proxy.rulepack import load
from proxy.scan import Scanner

RM = Finding("bash.rm-rf-root-or-home", "destructive-operation", Severity.CRITICAL, Action.BLOCK, "Wipes it.", 1, 1)
CURL = Finding("bash.curl-without-timeout", "missing-timeout", Severity.LOW, Action.TAG, "No timeout.", 1, 1)
NOISE = Finding("bash.quiet", "time-handling", Severity.LOW, Action.ALLOW, "Fine.", 2, 2)


def command(code: str, findings: list[Finding], decision: Decision, error: str | None = None) -> SnippetResult:
    return SnippetResult(Snippet(code, "bash", Origin.TOOL_CALL, info="command"), "bash", 0, findings, decision, error)


def file_write(path: str, findings: list[Finding], decision: Decision, added: bool = False) -> SnippetResult:
    snippet = Snippet("x\n", "python", Origin.TOOL_CALL, info="file", path=path,
                      added_lines=frozenset({1}) if added else None)
    return SnippetResult(snippet, "python", 0, findings, decision)


BASH = ToolCall("Bash", {"command": "rm -rf ~"}, "call_1")


def test_each_decision_gives_its_verdict() -> None:
    blocked = verdict_for(BASH, ScanResult([command("rm -rf ~", [RM], Decision.BLOCK)]), fail_closed=False)
    assert (blocked.deliver, blocked.decision) == (False, Decision.BLOCK) and blocked.note is not None
    tagged = verdict_for(BASH, ScanResult([command("curl x", [CURL], Decision.TAG)]), fail_closed=True)
    assert tagged.deliver is True and tagged.note is not None and tagged.note.startswith("> ⚠️ Breakwater")
    clean = verdict_for(BASH, ScanResult([command("ls", [NOISE], Decision.ALLOW)]), fail_closed=True)
    assert (clean.deliver, clean.note) == (True, None)
    failed = ScanResult([command("ls", [], Decision.ERROR, "timeout")])
    closed, opened = verdict_for(BASH, failed, fail_closed=True), verdict_for(BASH, failed, fail_closed=False)
    assert closed.deliver is False and closed.note is not None and closed.note.startswith("> ⛔ Breakwater blocked")
    assert opened.deliver is True and opened.note is not None and opened.note.startswith("> ⚠️ Breakwater")
    assert verdict_for(BASH, ScanResult([]), fail_closed=True).deliver is True  # nothing to scan: allow


def test_block_note_names_the_command_rule_category_and_line() -> None:
    result = ScanResult([command("rm -rf ~", [RM, CURL], Decision.BLOCK)])
    assert call_block_note(BASH.name, result) == (
        "> ⛔ Breakwater blocked the `Bash` tool call (command `rm -rf ~`): it was not delivered, so it will not run.\n"
        ">\n"
        "> - **destructive-operation** `bash.rm-rf-root-or-home` at line 1 of the command (critical): Wipes it.\n"
        ">\n"
        "> Ask for a safer version, or have a second engineer review it and request a waiver.\n")


def test_tag_note_counts_and_names_findings() -> None:
    result = ScanResult([command("curl x", [CURL, NOISE], Decision.TAG)])
    assert call_tag_note(BASH.name, result) == (
        "> ⚠️ Breakwater: 1 finding in the `Bash` tool call (command `curl x`); it was delivered unchanged.\n>\n"
        "> - **missing-timeout** `bash.curl-without-timeout` at line 1 of the command (low): No timeout.\n")
    two = ScanResult([command("curl x", [CURL], Decision.TAG), file_write("a.py", [CURL], Decision.TAG)])
    assert "2 findings" in call_tag_note(BASH.name, two)


def test_error_notes_follow_the_failure_policy() -> None:
    result = ScanResult([command("ls", [], Decision.ERROR, "overloaded: 256 snippets already waiting")])
    assert call_error_note(BASH.name, result, fail_closed=True) == (
        "> ⛔ Breakwater blocked the `Bash` tool call (command `ls`): the scanner failed (overloaded: 256 snippets"
        " already waiting) and policy is fail-closed, so it was not delivered.\n")
    assert call_error_note(BASH.name, result, fail_closed=False) == (
        "> ⚠️ Breakwater could not scan the `Bash` tool call (command `ls`) (overloaded: 256 snippets already"
        " waiting); it is passed on unscanned.\n")
    bare = ScanResult([command("ls", [], Decision.ERROR)])
    assert "(engine error)" in call_error_note(BASH.name, bare, fail_closed=True)


def test_describe_says_what_the_call_would_do() -> None:
    write = ToolCall("Write", {}, "c")
    assert describe_call(write.name, ScanResult([file_write("b.py", [], Decision.ALLOW),
                                       file_write("a.py", [], Decision.ALLOW),
                                       file_write("a.py", [], Decision.ALLOW)])) == (
        "the `Write` tool call (write to `a.py`, `b.py`)")
    script = SnippetResult(Snippet("await tools.x()", "javascript", Origin.TOOL_CALL, info="script"), "javascript", 0)
    assert describe_call("exec", ScanResult([script])) == "the `exec` tool call (a script that calls tools)"
    assert describe_call(None, ScanResult([])) == "the tool call"
    nameless_file = SnippetResult(Snippet("x", "python", Origin.TOOL_CALL, info="file"), "python", 0)
    assert describe_call("Edit", ScanResult([nameless_file])) == "the `Edit` tool call"
    long = "echo " + "x" * 200
    assert describe_call(BASH.name, ScanResult([command(long, [], Decision.ALLOW)])).endswith(" …`)")


def test_nested_scripts_and_files_are_located_and_not_repeated() -> None:
    outer = command("bash -c 'rm -rf ~'", [RM], Decision.BLOCK)
    inner = command("rm -rf ~", [RM, Finding("bash.other", "injection", Severity.HIGH, Action.BLOCK, "Other.", 1, 1)],
                    Decision.BLOCK)
    edit = file_write("db/x.py", [RM], Decision.BLOCK, added=True)
    whole = file_write("app/y.py", [RM], Decision.BLOCK)
    note = call_block_note(BASH.name, ScanResult([outer, inner, edit, whole]))
    lines = [line for line in note.splitlines() if line.startswith("> - ")]
    assert lines == [
        "> - **destructive-operation** `bash.rm-rf-root-or-home` at line 1 of the command (critical): Wipes it.",
        "> - **injection** `bash.other` at line 1 of the nested bash script `rm -rf ~` (high): Other.",
        "> - **destructive-operation** `bash.rm-rf-root-or-home` at line 1 of the new text of `db/x.py` (critical):"
        " Wipes it.",
        "> - **destructive-operation** `bash.rm-rf-root-or-home` at line 1 of `app/y.py` (critical): Wipes it.",
    ]
    twice = call_block_note(BASH.name, ScanResult([file_write("a.py", [RM, RM], Decision.BLOCK)]))
    assert twice.count("bash.rm-rf-root-or-home") == 1


def test_where_for_plain_code_and_scripts() -> None:
    script = SnippetResult(Snippet("x", "javascript", Origin.TOOL_CALL, info="script"), "javascript", 0, [RM],
                           Decision.BLOCK)
    plain = SnippetResult(Snippet("x", None, Origin.TOOL_CALL), None, 0, [RM], Decision.BLOCK)
    typed = SnippetResult(Snippet("x", "go", Origin.TOOL_CALL), "go", 0, [RM], Decision.BLOCK)
    note = call_block_note(ToolCall("exec", "x").name, ScanResult([script, plain, typed]))
    assert "at line 1 of the script (critical)" in note
    assert "at line 1 of the code (critical)" in note
    assert "at line 1 of the go (critical)" in note


def test_tag_note_with_nothing_to_show_still_agrees_in_number() -> None:
    result = ScanResult([command("ls", [NOISE], Decision.TAG)])
    assert call_tag_note(BASH.name, result).startswith("> ⚠️ Breakwater: 0 findings in")


def test_a_long_nested_script_is_cut_at_sixty_characters() -> None:
    outer = command("bash -c '…'", [], Decision.ALLOW)
    inner = command("echo " + "y" * 100, [CURL], Decision.TAG)
    note = call_tag_note(BASH.name, ScanResult([outer, inner]))
    assert f"of the nested bash script `echo {'y' * 55} …`" in note


def test_a_collected_reply_holds_texts_and_calls() -> None:
    collected = CollectedReply(["text"], [BASH])
    assert (collected.texts, collected.calls) == (["text"], [BASH])


async def test_review_reply_gives_each_call_its_own_snippets_and_says_when_it_changed() -> None:
    guard = Guard(Scanner(SemgrepCoreEngine(load()), Policy(ActionsConfig())), Metrics())
    write = ToolCall("Write", {"file_path": "app/a.py", "content": "x = 1\n"}, "c1")
    wipe = ToolCall("Bash", {"command": "rm -rf /"}, "c2")
    texts = ["Plan:\n\n```python\nprint('ok')\n```\n", "Then:\n\n```sql\nSELECT 1;\n```\n"]
    review = await review_reply(guard, texts, [write, wipe])
    assert [r.snippet.code for r in review.verdicts[0].result.snippets] == ["x = 1\n"]
    assert review.verdicts[1].result.snippets[0].snippet.code == "rm -rf /"
    assert [v.deliver for v in review.verdicts] == [True, False] and review.changed
    assert [[r.snippet.code for r in part.snippets] for part in review.text_results] == [["print('ok')\n"],
                                                                                          ["SELECT 1;\n"]]
    assert review.texts == texts  # clean texts are left alone
    clean = await review_reply(guard, texts, [write])
    assert clean.changed is False and clean.verdicts[0].note is None


def test_block_note_leaves_out_allowed_and_tagged_findings() -> None:
    note = call_block_note(BASH.name, ScanResult([command("rm -rf ~", [NOISE, RM, CURL], Decision.BLOCK)]))
    assert "bash.rm-rf-root-or-home" in note and "bash.quiet" not in note and "bash.curl-without-timeout" not in note


def test_describe_uses_roles_exactly_and_the_first_command() -> None:
    plain = SnippetResult(Snippet("x", "python", Origin.TOOL_CALL, info="", path="a.py"), "python", 0)
    assert describe_call("run", ScanResult([plain])) == "the `run` tool call"
    outer, inner = command("bash -c 'ls'", [], Decision.ALLOW), command("ls", [], Decision.ALLOW)
    assert describe_call(BASH.name, ScanResult([outer, inner])) == "the `Bash` tool call (command `bash -c 'ls'`)"


async def test_review_reply_records_by_default_and_shadow_delivers_everything() -> None:
    engine = SemgrepCoreEngine(load())
    guard = Guard(Scanner(engine, Policy(ActionsConfig())), Metrics())
    wipe = ToolCall("Bash", {"command": "rm -rf /"}, "c2")
    await review_reply(guard, [], [wipe])
    assert 'breakwater_decisions_total{decision="block"} 1.0' in guard.metrics.render().decode()
    shadow = Guard(Scanner(engine, Policy(ActionsConfig())), Metrics(), shadow=True)
    review = await review_reply(shadow, ["```sql\nDROP TABLE t;\n```\n"], [wipe])
    assert [(v.deliver, v.note) for v in review.verdicts] == [(True, None)]
    assert review.texts == ["```sql\nDROP TABLE t;\n```\n"] and review.changed is False
    assert review.result.decision is Decision.BLOCK


async def test_review_reply_texts_alone_report_a_change() -> None:
    guard = Guard(Scanner(SemgrepCoreEngine(load()), Policy(ActionsConfig())), Metrics())
    tagged = await review_reply(guard, ["Do:\n\n```python\nimport requests\nrequests.get(u)\n```\n"], [])
    blocked = await review_reply(guard, ["Run:\n\n```sql\nDROP TABLE t;\n```\n"], [])
    assert tagged.changed and blocked.changed
