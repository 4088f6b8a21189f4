"""What the editor sees: tag and block notes written back into the reply text (proxy/render.py).

Scan results are built by hand here (no engine), and every expected text is written out in
full, so the tests state CONTRACT.md's note formats independently of the code: a tag note
follows the code, a block note replaces it, an engine error follows `fail_closed`.
"""

from __future__ import annotations

from proxy.models import Action, Decision, Finding, Origin, ScanResult, Severity, Snippet, SnippetResult
from proxy.render import (
    BLOCK_MARKER,
    TAG_MARKER,
    block_note,
    error_note,
    hold_limit_note,
    note_for,
    rewrite_text,
    shorten,
    tag_note,
)

DROP = Finding("sql.drop-table-or-database", "destructive-operation", Severity.HIGH, Action.BLOCK,
               "Drops a table.", 1, 1)
TIMEOUT = Finding("python.requests-without-timeout", "missing-timeout", Severity.MEDIUM, Action.TAG,
                  "No timeout.", 2, 2)
QUIET = Finding("python.naive-datetime-now", "time-handling", Severity.LOW, Action.ALLOW, "Naive time.", 3, 3)


def located(text: str, code: str, language: str = "python", **fields: object) -> Snippet:
    start = text.index(code)
    return Snippet(code, language, fields.pop("origin", Origin.MARKDOWN), start=start, end=start + len(code),
                   **fields)  # type: ignore[arg-type]


def result(snippet: Snippet, findings: list[Finding], decision: Decision, error: str | None = None) -> SnippetResult:
    return SnippetResult(snippet, snippet.language, 0, findings, decision, error)


def test_markers_are_the_contract_strings() -> None:
    assert TAG_MARKER == "> ⚠️ Breakwater"
    assert BLOCK_MARKER == "> ⛔ Breakwater blocked"


def test_tag_note_lists_findings_that_are_not_allowed() -> None:
    text = "x\n```python\nimport requests\nrequests.get(u)\n```\n"
    snippet = located(text, "import requests\nrequests.get(u)\n")
    assert tag_note(result(snippet, [TIMEOUT, QUIET], Decision.TAG)) == (
        "> ⚠️ Breakwater: 1 finding in this python block\n>\n"
        "> - **missing-timeout** `python.requests-without-timeout` at line 2 (medium): No timeout.\n")
    two = tag_note(result(snippet, [TIMEOUT, TIMEOUT], Decision.TAG))
    assert two.startswith("> ⚠️ Breakwater: 2 findings in this python block\n")


def test_block_note_lists_only_blocking_findings() -> None:
    snippet = Snippet("DROP TABLE t;\n", "sql", Origin.MARKDOWN)
    assert block_note(result(snippet, [DROP, TIMEOUT], Decision.BLOCK)) == (
        "> ⛔ Breakwater blocked this sql block: it was not delivered.\n>\n"
        "> - **destructive-operation** `sql.drop-table-or-database` at line 1 (high): Drops a table.\n>\n"
        "> Ask for a safer version, or have a second engineer review it and request a waiver.\n")


def test_subjects_name_commands_paths_and_languages() -> None:
    command = Snippet("rm -rf `x`\nmore", "bash", Origin.TOOL_CALL, info="command")
    assert block_note(result(command, [], Decision.BLOCK)).startswith(
        "> ⛔ Breakwater blocked the command `rm -rf 'x' …`: it was not delivered.")
    chat_command = Snippet("rm -rf x", "bash", Origin.MARKDOWN, info="command")
    assert "this bash block" in block_note(result(chat_command, [], Decision.BLOCK))
    edit = Snippet("x = 1\n", "python", Origin.DIFF, info="file", path="app/x.py")
    assert "the change to `app/x.py`" in tag_note(result(edit, [TIMEOUT], Decision.TAG))
    unknown = Snippet("???", None, Origin.RAW)
    assert "this code block" in block_note(SnippetResult(unknown, None, 0, [], Decision.BLOCK))


def test_shorten_keeps_one_line_and_neutralises_backticks() -> None:
    assert shorten("  ls -la  ") == "ls -la"
    assert shorten("a`b`c") == "a'b'c"
    assert shorten("one\ntwo") == "one …"
    assert shorten("x" * 130) == "x" * 120 + " …"
    assert shorten("x" * 120) == "x" * 120
    assert shorten("abcdef", limit=3) == "abc …"
    assert shorten("") == ""


def test_error_notes_follow_the_failure_policy() -> None:
    snippet = Snippet("x = 1\n", "python", Origin.MARKDOWN)
    failed = result(snippet, [], Decision.ERROR, "timeout: scan took over 10s")
    assert error_note(failed, fail_closed=True) == (
        "> ⛔ Breakwater blocked this python block: the scanner failed (timeout: scan took over 10s) and policy is"
        " fail-closed, so it was not delivered.\n")
    assert error_note(failed, fail_closed=False) == (
        "> ⚠️ Breakwater could not scan this python block (timeout: scan took over 10s); it is passed on unscanned.\n")
    assert "(engine error)" in error_note(result(snippet, [], Decision.ERROR), fail_closed=True)


def test_hold_limit_notes() -> None:
    snippet = Snippet("x = 1\n", "python", Origin.MARKDOWN)
    held = result(snippet, [], Decision.ERROR)
    assert hold_limit_note(held, "over 30s", blocked=True) == (
        "> ⛔ Breakwater blocked this python block: it exceeded the streaming hold limit (over 30s) before it could"
        " be scanned, so it was not delivered.\n")
    assert hold_limit_note(held, "over 256 KiB", blocked=False) == (
        "> ⚠️ Breakwater could not hold this python block to its end (over 256 KiB); it is passed on unscanned.\n")


def test_note_for_each_decision() -> None:
    snippet = Snippet("x = 1\n", "python", Origin.MARKDOWN)
    assert note_for(result(snippet, [], Decision.ALLOW), True) is None
    blocked = note_for(result(snippet, [DROP], Decision.BLOCK), False)
    assert blocked is not None and blocked[1] is True and blocked[0].startswith(BLOCK_MARKER)
    tagged = note_for(result(snippet, [TIMEOUT], Decision.TAG), True)
    assert tagged is not None and tagged[1] is False and tagged[0].startswith(TAG_MARKER)
    assert note_for(result(snippet, [], Decision.ERROR, "x"), True)[1] is True  # type: ignore[index]
    assert note_for(result(snippet, [], Decision.ERROR, "x"), False)[1] is False  # type: ignore[index]


def test_rewrite_replaces_a_blocked_fence_and_keeps_the_prose() -> None:
    text = "Run this:\n\n```sql\nDROP TABLE t;\n```\n\nDone."
    fence = text[text.index("```sql"):text.index("```\n\nDone") + 4]
    snippet = Snippet("DROP TABLE t;\n", "sql", Origin.MARKDOWN, start=text.index(fence), end=text.index(fence) + len(
        fence))
    out = rewrite_text(text, ScanResult([result(snippet, [DROP], Decision.BLOCK)]), fail_closed=False)
    assert out == "Run this:\n\n" + block_note(result(snippet, [DROP], Decision.BLOCK)) + "\nDone."


def test_rewrite_appends_a_tag_note_after_the_code() -> None:
    text = "Try:\n```python\nrequests.get(u)\n```"
    snippet = Snippet("requests.get(u)\n", "python", Origin.MARKDOWN, start=5, end=len(text))
    tagged = result(snippet, [TIMEOUT], Decision.TAG)
    out = rewrite_text(text + " after", ScanResult([tagged]), fail_closed=False)
    assert out == text + "\n\n" + tag_note(tagged) + " after"


def test_rewrite_leaves_allowed_code_alone() -> None:
    text = "a\n```python\nx = 1\n```\nb"
    snippet = Snippet("x = 1\n", "python", Origin.MARKDOWN, start=2, end=text.index("\nb"))
    assert rewrite_text(text, ScanResult([result(snippet, [QUIET], Decision.ALLOW)]), fail_closed=True) == text
    assert rewrite_text(text, ScanResult([]), fail_closed=True) == text


def test_rewrite_on_engine_error_follows_fail_closed() -> None:
    text = "A\n```python\nx = 1\n```\nB"
    snippet = Snippet("x = 1\n", "python", Origin.MARKDOWN, start=2, end=text.index("\nB"))
    failed = result(snippet, [], Decision.ERROR, "overloaded")
    closed = rewrite_text(text, ScanResult([failed]), fail_closed=True)
    assert closed == "A\n" + error_note(failed, True) + "\nB"
    opened = rewrite_text(text, ScanResult([failed]), fail_closed=False)
    assert opened == text[:text.index("\nB")] + "\n\n" + error_note(failed, False) + "\nB"


def test_overlapping_snippets_are_one_unit_and_any_block_removes_it_all() -> None:
    text = "Apply:\n```diff\n+++ a.py\n+x\n+++ b.sql\n+DROP TABLE t;\n```\nok"
    start, end = text.index("```diff"), text.index("\nok")
    first = Snippet("x\n", "python", Origin.DIFF, start=start, end=end, path="a.py")
    second = Snippet("DROP TABLE t;\n", "sql", Origin.DIFF, start=start, end=end, path="b.sql")
    tagged, blocked = result(first, [TIMEOUT], Decision.TAG), result(second, [DROP], Decision.BLOCK)
    out = rewrite_text(text, ScanResult([tagged, blocked]), fail_closed=False)
    assert out == "Apply:\n" + block_note(blocked) + "\nok"
    both_tagged = rewrite_text(text, ScanResult([tagged, result(second, [TIMEOUT], Decision.TAG)]), False)
    assert both_tagged == text[:end] + "\n\n" + tag_note(tagged) + "\n" + tag_note(
        result(second, [TIMEOUT], Decision.TAG)) + "\nok"


def test_separate_blocks_get_their_own_notes_in_order() -> None:
    text = "1\n```sql\nDROP TABLE a;\n```\n2\n```python\nrequests.get(u)\n```\n3"
    a_start, a_end = text.index("```sql"), text.index("\n2")
    b_start, b_end = text.index("```python"), text.index("\n3")
    blocked = result(Snippet("DROP TABLE a;\n", "sql", Origin.MARKDOWN, start=a_start, end=a_end), [DROP],
                     Decision.BLOCK)
    tagged = result(Snippet("requests.get(u)\n", "python", Origin.MARKDOWN, start=b_start, end=b_end), [TIMEOUT],
                    Decision.TAG)
    out = rewrite_text(text, ScanResult([tagged, blocked]), fail_closed=False)  # order of results does not matter
    assert out == "1\n" + block_note(blocked) + "\n2\n" + text[b_start:b_end] + "\n\n" + tag_note(tagged) + "\n3"


def test_a_tool_call_file_write_is_named_by_its_path_and_a_command_by_value() -> None:
    write = Snippet("x = 1\n", "python", Origin.TOOL_CALL, info="file", path="app/x.py")
    assert tag_note(result(write, [TIMEOUT], Decision.TAG)).startswith(
        "> ⚠️ Breakwater: 1 finding in the change to `app/x.py`\n")
    role = "".join(["comm", "and"])
    built = Snippet("ls -la", "bash", Origin.TOOL_CALL, info=role)
    assert "the command `ls -la`" in tag_note(result(built, [TIMEOUT], Decision.TAG))


def test_adjacent_snippets_are_separate_units() -> None:
    text = "```sql\nDROP TABLE a;\n``````python\nrequests.get(u)\n```\nend"
    middle = text.index("``````") + 3
    blocked = result(Snippet("DROP TABLE a;\n", "sql", Origin.MARKDOWN, start=0, end=middle), [DROP], Decision.BLOCK)
    tagged = result(Snippet("requests.get(u)\n", "python", Origin.MARKDOWN, start=middle, end=len(text) - 4),
                    [TIMEOUT], Decision.TAG)
    out = rewrite_text(text, ScanResult([blocked, tagged]), fail_closed=False)
    assert out == block_note(blocked) + text[middle:len(text) - 4] + "\n\n" + tag_note(tagged) + "\nend"


def test_nested_snippets_put_the_outer_note_first() -> None:
    text = "<tool>bash -c 'requests.get(u)'</tool> after"
    end = text.index(" after")
    inner = result(Snippet("requests.get(u)", "python", Origin.MARKDOWN, start=0, end=20), [TIMEOUT], Decision.TAG)
    outer = result(Snippet(text[:end], "bash", Origin.MARKDOWN, start=0, end=end), [TIMEOUT], Decision.TAG)
    out = rewrite_text(text, ScanResult([inner, outer]), fail_closed=False)
    assert out == text[:end] + "\n\n" + tag_note(outer) + "\n" + tag_note(inner) + " after"


def test_a_snippet_overlapping_the_last_unit_joins_it_not_an_earlier_one() -> None:
    text = "aaaaaaaaaa----------bbbbbbbbbbcccccccccc tail"
    first = result(Snippet("a", "python", Origin.MARKDOWN, start=0, end=10), [TIMEOUT], Decision.TAG)
    second = result(Snippet("b", "python", Origin.MARKDOWN, start=20, end=30), [TIMEOUT], Decision.TAG)
    third = result(Snippet("c", "sql", Origin.MARKDOWN, start=25, end=40), [DROP], Decision.BLOCK)
    out = rewrite_text(text, ScanResult([first, second, third]), fail_closed=False)
    assert out == text[:10] + "\n\n" + tag_note(first) + "----------\n" + block_note(third) + " tail"


def test_block_note_leaves_out_allowed_findings_and_adjacent_units_need_no_extra_newline() -> None:
    snippet = Snippet("DROP TABLE t;\n", "sql", Origin.MARKDOWN)
    assert "python.naive-datetime-now" not in block_note(result(snippet, [QUIET, DROP], Decision.BLOCK))
    text = "aaaabbbb!"
    tagged = result(Snippet("a", "python", Origin.MARKDOWN, start=0, end=4), [TIMEOUT], Decision.TAG)
    blocked = result(Snippet("b", "sql", Origin.MARKDOWN, start=4, end=8), [DROP], Decision.BLOCK)
    out = rewrite_text(text, ScanResult([tagged, blocked]), fail_closed=False)
    assert out == "aaaa\n\n" + tag_note(tagged) + block_note(blocked) + "!"


def test_a_role_less_tool_call_snippet_is_named_by_language_and_no_shown_finding_is_plural() -> None:
    plain = Snippet("x = 1\n", "python", Origin.TOOL_CALL, info="")
    assert "this python block" in block_note(result(plain, [DROP], Decision.BLOCK))
    assert tag_note(result(plain, [QUIET], Decision.TAG)).startswith("> ⚠️ Breakwater: 0 findings in")
