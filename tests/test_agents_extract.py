"""Extraction of code from agents' tool calls, tagged tools, patches and edit blocks (no engine)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from proxy.extract import js_tools, patches, shell, xml_tools
from proxy.extract.tools import ROLE_COMMAND, ROLE_FILE, normalize_tool_name, snippets_from_tool_call
from proxy.models import Origin, Snippet
from proxy.scan import snippets_from_text
from proxy.tool_policy import matches_any
from tests.agent_cases import CASES, case_snippets


def _matches(snippet: Snippet, expected: dict[str, Any]) -> bool:
    checks = [
        snippet.language == expected.get("language", snippet.language),
        snippet.info == expected.get("role", snippet.info),
        snippet.path == expected.get("path", snippet.path),
        expected.get("contains", "") in snippet.code,
    ]
    if "added_lines" in expected:
        checks.append(snippet.added_lines == frozenset(expected["added_lines"]))
    return all(checks)


@pytest.mark.parametrize("name", sorted(CASES))
def test_agent_fixture_snippets_are_found(name: str) -> None:
    case = CASES[name]
    found = case_snippets(case)
    for expected in case["expect"]["snippets"]:
        assert any(_matches(s, expected) for s in found), (expected, found)


# ---------------------------------------------------------------- shell


def test_argv_becomes_the_inner_script_or_a_quoted_line() -> None:
    assert shell.argv_script(["bash", "-lc", "make test"]) == "make test"
    assert shell.argv_script(["rm", "-rf", "my dir"]) == "rm -rf 'my dir'"


# ---------------------------------------------------------------- patches


def test_unified_diff_new_side_keeps_context_and_marks_added_lines() -> None:
    diff = ("diff --git a/x.py b/x.py\n--- a/x.py\n+++ b/x.py\n@@ -1,3 +1,3 @@\n import os\n-a = 1\n+a = 2\n"
            " b = 3\n--- /dev/null\n+++ b/new.sql\n@@ -0,0 +1 @@\n+DROP TABLE t;\n--- a/gone.py\n+++ /dev/null\n"
            "@@ -1 +0,0 @@\n-x = 1\n")
    changes = patches.parse_unified_diff(diff)
    assert [(c.path, c.code, c.added_lines) for c in changes] == [
        ("x.py", "import os\na = 2\nb = 3\n", frozenset({2})),
        ("new.sql", "DROP TABLE t;\n", None),
    ]
    assert diff[changes[0].start:].startswith("diff --git")


def test_removed_sql_comment_is_not_a_file_header() -> None:
    diff = "--- a/q.sql\n+++ b/q.sql\n@@ -1,2 +1,1 @@\n--- old comment\n SELECT 1;\n"
    [change] = patches.parse_unified_diff(diff)
    assert change.code == "SELECT 1;\n" and change.added_lines == frozenset()


def test_codex_patch_add_update_move_delete() -> None:
    patch = ("*** Begin Patch\n*** Add File: a.py\n+print(1)\n*** Update File: b.py\n*** Move to: c.py\n"
             "@@ def f():\n     x = 1\n-    y = 2\n+    y = 3\n*** End of File\n*** Delete File: d.py\n*** End Patch")
    changes = patches.parse_codex_patch(patch)
    assert [(c.path, c.code, c.added_lines, c.kind) for c in changes] == [
        ("a.py", "print(1)\n", None, "add"),
        ("c.py", "    x = 1\n    y = 3\n", frozenset({2}), "update"),
    ]


def test_search_replace_marks_only_changed_lines_and_finds_aider_path() -> None:
    text = ("Edit:\n\nsrc/app.py\n```python\n<<<<<<< SEARCH\na = 1\nb = 2\n=======\na = 1\nb = 3\nc = 4\n"
            ">>>>>>> REPLACE\n```\nok\n")
    [change] = patches.parse_search_replace(text)
    assert change.path == "src/app.py" and change.code == "a = 1\nb = 3\nc = 4\n"
    assert change.added_lines == frozenset({2, 3})
    assert text[change.start:change.end] == text[text.index("src/app.py"):text.index("ok\n")]


def test_roo_apply_diff_headers_are_skipped() -> None:
    diff = "<<<<<<< SEARCH\n:start_line:3\n-------\nold()\n=======\nnew()\n>>>>>>> REPLACE"
    [change] = patches.parse_search_replace(diff, "m.py")
    assert change.path == "m.py" and change.code == "new()\n" and change.added_lines == frozenset({1})


def test_replacement_counts_moved_and_new_lines() -> None:
    code, added = patches.replacement("a\nb\nc", "a\nx\nc\nd")
    assert code == "a\nx\nc\nd" and added == frozenset({2, 4})


# ---------------------------------------------------------------- Codex code mode


def test_code_mode_calls_are_read_from_javascript() -> None:
    program = (
        'const dir = "dist";\n'
        "const r = await tools.exec_command({cmd: `rm -rf ${dir} ${other}`, workdir: '/w', yield_time_ms: 500});\n"
        'await tools["apply_patch"]({input: "*** Begin Patch\\n" + "*** End Patch"});\n'
        'await tools.shell({command: ["bash", "-lc", ["a", "b"].join(" && ")]});\n'
        "notTools.exec_command({cmd: 'x'});\n"
    )
    calls = js_tools.tool_calls(program)
    assert [(c.name, c.line) for c in calls] == [("exec_command", 2), ("apply_patch", 3), ("shell", 4)]
    assert calls[0].arguments == {"cmd": "rm -rf dist ${other}", "workdir": "/w", "yield_time_ms": 500}
    assert calls[1].arguments == {"input": "*** Begin Patch\n*** End Patch"}
    assert calls[2].arguments == {"command": ["bash", "-lc", "a && b"]}


def test_code_mode_script_is_scanned_as_javascript_too() -> None:
    found = snippets_from_tool_call("exec", "await tools.exec_command({cmd: 'git push -f'})")
    assert [(s.language, s.info) for s in found] == [("javascript", "script"), ("bash", ROLE_COMMAND)]


# ---------------------------------------------------------------- tagged tools (Cline)


def test_xml_tool_content_may_contain_its_own_closing_tag() -> None:
    text = ("<write_to_file>\n<path>doc.py</path>\n<content>\nS = '</content>'\nx = 1\n</content>\n"
            "</write_to_file>\nafter")
    [use] = xml_tools.find_tool_uses(text)
    assert use.params["content"] == "S = '</content>'\nx = 1"
    assert text[use.end:] == "after"


def test_unterminated_xml_tool_runs_to_the_end() -> None:
    [use] = xml_tools.find_tool_uses("<execute_command>\n<command>rm -rf /</command>\n")
    assert use.params == {"command": "rm -rf /"} and not use.closed


def test_fences_inside_a_tagged_tool_belong_to_it() -> None:
    text = ("<write_to_file>\n<path>README.md</path>\n<content>\n```bash\nrm -rf /\n```\n</content>\n"
            "</write_to_file>\n")
    found = snippets_from_text(text)
    assert len(found) == 1 and found[0].origin is Origin.TOOL_CALL and found[0].start == 0


def test_mcp_tool_arguments_are_read_as_a_tool_call() -> None:
    text = ("<use_mcp_tool>\n<server_name>shell</server_name>\n<tool_name>run_command</tool_name>\n"
            '<arguments>\n{"command": "git push --force"}\n</arguments>\n</use_mcp_tool>')
    [snippet] = snippets_from_text(text)
    assert snippet.code == "git push --force" and snippet.info == ROLE_COMMAND


# ---------------------------------------------------------------- arguments, names, robustness


@pytest.mark.parametrize(("name", "normal"), [
    ("functions.Bash", "bash"), ("mcp__filesystem__write_file", "write_file"),
    ("default_api:run_shell_command", "run_shell_command"), (None, ""),
])
def test_tool_names_are_normalized(name: str | None, normal: str) -> None:
    assert normalize_tool_name(name) == normal


def test_editor_subcommand_is_not_a_shell_command() -> None:
    found = snippets_from_tool_call("str_replace_editor", {"command": "view", "path": "/x.py"})
    assert found == []


def test_documents_and_data_files_are_not_guessed_as_code() -> None:
    assert snippets_from_tool_call("Write", {"file_path": "NOTES.md", "content": "# Title\n\nrm the file\n"}) == []
    assert snippets_from_tool_call("Write", {"file_path": "styles.css", "content": "a { color: red }\n"}) == []
    [data] = snippets_from_tool_call("Write", {"file_path": "flags.json", "content": '{"a": 1}\n'})
    assert data.language == "json"  # data by its name (the flag-file rules read it), never guessed as code
    [fenced] = snippets_from_tool_call("Write", {"file_path": "README.md", "content": "```sh\nrm -rf /\n```\n"})
    assert fenced.language == "bash" and fenced.info == ROLE_FILE


def test_responses_apply_patch_operation() -> None:
    [created] = snippets_from_tool_call("apply_patch", {"type": "create_file", "path": "m/1.sql",
                                                        "diff": "+DROP TABLE t;\n"})
    assert (created.code, created.added_lines, created.origin) == ("DROP TABLE t;\n", None, Origin.DIFF)
    [updated] = snippets_from_tool_call("apply_patch", {"type": "update_file", "path": "a.py",
                                                        "diff": "@@ def f():\n     a = 1\n-    b = 1\n+    b = 2\n"})
    assert updated.code == "    a = 1\n    b = 2\n" and updated.added_lines == frozenset({2})


@settings(max_examples=300, deadline=None)
@given(name=st.sampled_from(["Bash", "Write", "Edit", "apply_patch", "exec", "shell", "x", ""]),
       arguments=st.one_of(
           st.text(max_size=200),
           st.text(alphabet='{}[]":,\\ab n-rf/<>=*+@', max_size=120),
           st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=30)),
                        lambda children: st.lists(children, max_size=4)
                        | st.dictionaries(st.sampled_from(["command", "cmd", "content", "path", "edits",
                                                           "new_string", "input", "patch", "commands"]),
                                          children, max_size=4),
                        max_leaves=12)))
def test_extraction_never_raises(name: str, arguments: object) -> None:
    for snippet in snippets_from_tool_call(name, arguments):
        assert isinstance(snippet.code, str) and snippet.code.strip()
    if isinstance(arguments, str):
        snippets_from_text(arguments)
        snippets_from_tool_call(name, json.dumps(arguments)[:-3])


@pytest.mark.parametrize(("path", "expected"), [
    ("db/migrations/0001_init.sql", True), ("/home/me/app/migrations/x.py", True), ("migrations.py", False),
    ("infra/main.tf", True), ("./main.tf", True), ("src/app.py", False), ("main.tf.bak", False),
])
def test_stricter_path_globs(path: str, expected: bool) -> None:
    assert matches_any(path, ("**/migrations/**", "*.tf")) is expected
