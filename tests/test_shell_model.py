"""The command model (proxy.shell.analyze): argv resolution, wrappers, working directory, input, inline code.

Real tree-sitter-bash; no engine. Each table is a family of spellings that must come out the same.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from proxy.shell import analyze
from proxy.shell.model import Command
from proxy.shell.paths import Target, classify


def commands(script: str) -> list[Command]:
    return list(analyze(script).commands)


def argvs(script: str) -> list[tuple[str, ...]]:
    return [c.argv for c in commands(script)]


# ---------------------------------------------------------------- argv resolution


@pytest.mark.parametrize("script", [
    "rm -rf /", "\\rm -rf /", '"rm" -rf /', "'rm' -rf /", "/bin/rm -rf /", "/usr/bin/rm -rf /", "command rm -rf /",
    "r\\m -rf /", "$'\\x72\\x6d' -rf /", "rm -rf '/'", 'rm -rf "/"', "rm \\\n  -rf /", "rm -rf $(echo /)",
    "D=/; rm -rf $D", "X='rm -rf /'; $X", "rm.exe -rf /",
])
def test_spellings_of_one_command_resolve_to_the_same_argv(script: str) -> None:
    assert ("rm", "-rf", "/") in argvs(script)


@pytest.mark.parametrize(("script", "inner"), [
    ("sudo rm -rf /", ("rm", "-rf", "/")),
    ("sudo -u root -E rm -rf /", ("rm", "-rf", "/")),
    ("env A=1 B=2 rm -rf /", ("rm", "-rf", "/")),
    ("env -i PATH=/bin rm -rf /", ("rm", "-rf", "/")),
    ("nice -n 10 nohup timeout -s KILL 30 time rm -rf /", ("rm", "-rf", "/")),
    ("A=1 rm -rf /", ("rm", "-rf", "/")),
    ("bash -c 'rm -rf /'", ("rm", "-rf", "/")),
    ("sh -lc \"rm -rf /\"", ("rm", "-rf", "/")),
    ("zsh -xec 'rm -rf /'", ("rm", "-rf", "/")),
    ("eval 'rm -rf /'", ("rm", "-rf", "/")),
    ("echo $(rm -rf /)", ("rm", "-rf", "/")),
    ("echo `rm -rf /`", ("rm", "-rf", "/")),
    ("(rm -rf /)", ("rm", "-rf", "/")),
    ("{ rm -rf /; }", ("rm", "-rf", "/")),
    ("if true; then rm -rf /; fi", ("rm", "-rf", "/")),
    ("for i in 1; do rm -rf /; done", ("rm", "-rf", "/")),
    ("watch -n 5 rm -rf /", ("rm", "-rf", "/")),
    ("ssh host 'rm -rf /'", ("rm", "-rf", "/")),
    ("ssh -p 22 -i key host rm -rf /", ("rm", "-rf", "/")),
    ("kubectl exec -it web-0 -n prod -- rm -rf /", ("rm", "-rf", "/")),
    ("docker exec -u root -it web rm -rf /", ("rm", "-rf", "/")),
    ("su -c 'rm -rf /'", ("rm", "-rf", "/")),
    ("echo 'rm -rf /' | sh", ("rm", "-rf", "/")),
    ("printf 'rm -rf /\\n' | bash", ("rm", "-rf", "/")),
    ("cat <<'EOF' | sh\nrm -rf /\nEOF", ("rm", "-rf", "/")),
    ("bash <<'EOF'\nrm -rf /\nEOF", ("rm", "-rf", "/")),
    ("sh -s <<< 'rm -rf /'", ("rm", "-rf", "/")),
    ("base64 -d <<< cm0gLXJmIC8K | sh", ("rm", "-rf", "/")),
    ("echo cm0gLXJmIC8K | base64 --decode | bash", ("rm", "-rf", "/")),
    ("env -S 'rm -rf /'", ("rm", "-rf", "/")),
    ("f() { rm -rf \"$1\"; }; f /", ("rm", "-rf", "/")),
    ("python3 -c \"import os; os.system('rm -rf /')\"", ("rm", "-rf", "/")),
    ("node -e \"require('child_process').execSync('rm -rf /')\"", ("rm", "-rf", "/")),
    ("python -c \"import shutil; shutil.rmtree('/')\"", ("rm", "-rf", "/")),
    ("ruby -e 'FileUtils.rm_rf(\"/\")'", ("rm", "-rf", "/")),
    ("perl -e 'system(\"rm -rf /\")'", ("rm", "-rf", "/")),
    ("php -r 'shell_exec(\"rm -rf /\");'", ("rm", "-rf", "/")),
    ("awk 'BEGIN { system(\"rm -rf /\") }'", ("rm", "-rf", "/")),
    ("find . -exec sh -c 'rm -rf /' \\;", ("rm", "-rf", "/")),
    ("bash -c \"sh -c 'eval \\\"rm -rf /\\\"'\"", ("rm", "-rf", "/")),
    ("time (rm -rf /)", ("rm", "-rf", "/")),
    ("for d in /tmp/x /; do rm -rf $d; done", ("rm", "-rf", "/")),
    ("alias x='rm -rf'; x /", ("rm", "-rf", "/")),
    ("echo / | while read d; do rm -rf \"$d\"; done", ("rm", "-rf", "/")),
    ("while read d; do rm -rf $d; done <<< /", ("rm", "-rf", "/")),
    ("sudo -s <<'EOF'\nrm -rf /\nEOF", ("rm", "-rf", "/")),
    ("sudo -i <<< 'rm -rf /'", ("rm", "-rf", "/")),
    ("IFS=,; c='rm,-rf,/'; $c", ("rm", "-rf", "/")),
    ("npx -y rimraf@5 /", ("rimraf", "/")),
    ("pnpm exec rm -rf /", ("rm", "-rf", "/")),
    ("uv run rm -rf /", ("rm", "-rf", "/")),
])
def test_wrappers_are_peeled_down_to_what_runs(script: str, inner: tuple[str, ...]) -> None:
    assert inner in argvs(script)


def test_xargs_and_find_exec_get_find_roots_as_targets() -> None:
    assert ("rm", "-rf", "/") in argvs("find / -print0 | xargs -0 rm -rf")
    assert ("rm", "-f", "/*") in argvs("find / -exec /bin/rm -f {} +")
    assert ("rm", "-f", "./{}") in argvs("find . -name '*.pyc' -exec rm -f {} +")
    [rm] = [c for c in commands("ls | xargs rm -r") if c.name == "rm"]
    assert rm.via == ("xargs",) and rm.args[-1].dynamic


def test_working_directory_follows_cd_and_stays_in_its_subshell() -> None:
    by_name = {c.argv: c.cwd for c in commands("cd / && rm -rf a; (cd /tmp; rm -rf b); rm -rf c; cd; rm -rf d")}
    assert by_name[("rm", "-rf", "a")] == "/"
    assert by_name[("rm", "-rf", "b")] == "/tmp"
    assert by_name[("rm", "-rf", "c")] == "/"
    assert by_name[("rm", "-rf", "d")] == "~"
    assert [c.cwd for c in commands("pushd ~/x && rm -rf y") if c.name == "rm"] == ["~/x"]
    assert [c.cwd for c in commands("ssh h 'rm -rf *'") if c.name == "rm"] == ["~"]


def test_unknown_expansions_say_what_they_become_when_empty() -> None:
    [rm] = commands('rm -rf "$DIR/"*')
    assert rm.args[1].value == "$DIR/*" and rm.args[1].if_empty == "/*" and rm.args[1].dynamic
    [guarded] = commands('rm -rf "${DIR:?}/"*')
    assert guarded.args[1].if_empty == "<DIR>/*"
    [default] = commands('rm -rf "${DIR:-build}/x"')
    assert default.args[1].if_empty == "build/x"


def test_comments_are_dropped_by_the_parser_not_by_a_regex() -> None:
    assert argvs("echo '#'; rm -rf /*  # tidy") == [("echo", "#"), ("rm", "-rf", "/*")]
    assert argvs("# rm -rf /\ngit status") == [("git", "status")]


# ---------------------------------------------------------------- input and inline code


def test_heredocs_and_here_strings_are_the_input_of_their_command() -> None:
    [cat] = commands("cat <<'EOF'\nrm -rf /\nEOF")
    assert cat.stdin is not None and cat.stdin.source == "heredoc" and cat.stdin.text == "rm -rf /\n"
    [grep] = commands("grep x <<< 'git push --force'")
    assert grep.stdin is not None and grep.stdin.source == "herestring"
    assert argvs("cat <<'EOF'\nrm -rf /\nEOF") == [("cat",)]  # data: never a command


@pytest.mark.parametrize(("script", "code", "language"), [
    ("python3 -c 'import os'", "import os", "python"),
    ("python - <<'EOF'\nimport os\nEOF", "import os\n", "python"),
    ("echo 'import os' | python3", "import os\n", "python"),
    ("node -e 'fs.rmSync(x)'", "fs.rmSync(x)", "javascript"),
    ("node --eval='x()'", "x()", "javascript"),
    ("ruby -e 'puts 1'", "puts 1", "ruby"),
    ("deno eval 'Deno.exit()'", "Deno.exit()", "typescript"),
    ("psql \"$DB\" -c 'DROP TABLE users'", "DROP TABLE users", "sql"),
    ("psql --command='DROP TABLE users'", "DROP TABLE users", "sql"),
    ("mysql -u root -e 'DROP DATABASE shop'", "DROP DATABASE shop", "sql"),
    ("mysql -uroot -e\"DELETE FROM users\"", "DELETE FROM users", "sql"),
    ("npx wrangler d1 execute db --remote --command 'DROP TABLE t'", "DROP TABLE t", "sql"),
    ("sqlite3 app.db 'DROP TABLE users'", "DROP TABLE users", "sql"),
    ("psql <<'SQL'\nDROP TABLE users;\nSQL", "DROP TABLE users;\n\n", "sql"),
    ("mysql shop <<< 'DROP TABLE users'", "DROP TABLE users\n", "sql"),
    ("echo 'DROP TABLE users' | psql", "DROP TABLE users\n", "sql"),
    ("kubectl apply -f - <<EOF\nkind: Pod\nEOF", "kind: Pod\n", "yaml"),
])
def test_inline_code_is_extracted_in_its_language(script: str, code: str, language: str) -> None:
    assert any(i.code == code and i.language == language for i in analyze(script).inline), analyze(script).inline


def test_heredoc_into_a_file_is_a_file_write_in_the_files_language() -> None:
    [part] = analyze("cat > infra/main.tf <<'EOF'\nresource \"x\" \"y\" {}\nEOF").inline
    assert (part.language, part.role, part.path) == ("terraform", "file", "infra/main.tf")
    assert analyze("cat >> notes.txt <<'EOF'\nx\nEOF").inline == ()


def test_sql_for_the_pack_has_one_statement_per_line_and_no_keywords_in_literals() -> None:
    [part] = analyze("psql -c \"SELECT 1; DROP /* x */ TABLE t; SELECT 'DROP TABLE'\"").inline
    assert part.code.splitlines()[1].strip() == "DROP   TABLE t;"
    assert "DROP TABLE'" not in part.code


# ---------------------------------------------------------------- targets


@pytest.mark.parametrize(("path", "cwd", "target"), [
    ("/", None, Target.ROOT), ("/*", None, Target.ROOT), ("//", None, Target.ROOT), ("*", "/", Target.ROOT),
    ("~", None, Target.HOME), ("~/", None, Target.HOME), ("~/*", None, Target.HOME),
    ("/home/ubuntu", None, Target.HOME), ("/root", None, Target.HOME), ("*", "~", Target.HOME),
    ("/usr", None, Target.SYSTEM), ("/etc/", None, Target.SYSTEM),
    ("/var/lib/*", None, Target.SYSTEM), ("usr", "/", Target.SYSTEM), ("/dev/sda", None, Target.DEVICE),
    ("*", None, Target.PROJECT_WHOLE), (".", None, Target.PROJECT_WHOLE), (".*", None, Target.PROJECT_WHOLE),
    ("..", None, Target.PARENT), ("../*", None, Target.PARENT), ("/srv/app", None, Target.ABSOLUTE),
    ("~/work/x", None, Target.ABSOLUTE), ("/tmp/x", None, Target.TEMP), ("~/.cache/pip", None, Target.TEMP),
    ("build", None, Target.PROJECT), ("./dist/*", None, Target.PROJECT), ("$X", None, Target.UNKNOWN),
    ("/tmp/$X", None, Target.TEMP),
])
def test_targets_are_classified(path: str, cwd: str | None, target: Target) -> None:
    assert classify(path, cwd) == target


# ---------------------------------------------------------------- fail safe


def test_a_script_that_does_not_parse_is_reported_and_still_walked() -> None:
    analysis = analyze("x=``; rm -rf /*")
    assert analysis.unparsed_line == 1 and ("rm", "-rf", "/*") in [c.argv for c in analysis.commands]
    broken = analyze("echo ok\nif then (\nrm -rf ~")
    assert broken.unparsed_line is not None and ("rm", "-rf", "~") in [c.argv for c in broken.commands]
    assert analyze("git status && npm test").unparsed_line is None


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("rm -f/*'\"\\$(){}`;|&<>\n#=~.ab")), max_size=80))
def test_analysis_is_total_on_odd_input(script: str) -> None:
    analysis = analyze(script)
    assert all(isinstance(c.argv, tuple) for c in analysis.commands)


def test_deep_nesting_is_bounded_and_still_judged_near_the_top() -> None:
    deep = "( " * 400 + "rm -rf /" + " )" * 400  # deeper than Python's stack: judged flat
    assert ("rm", "-rf", "/") in argvs(deep)
    assert analyze("((((rm -rf /))))").unparsed_line == 1  # arithmetic to tree-sitter: not clean
    nested = "rm -rf /"
    for _ in range(12):
        nested = f"eval {nested}"
    assert analyze(nested).commands  # bounded depth: no recursion error, no hang


def test_loops_of_loops_are_bounded_and_reported_not_clean() -> None:
    values = " ".join(str(n) for n in range(8))
    script = "".join(f"for v{depth} in {values}; do " for depth in range(7)) + "rm -rf /; " + "done; " * 7
    analysis = analyze(script)
    assert analysis.unparsed_line is not None and "truncated" in analysis.notes
    assert ("rm", "-rf", "/") in [c.argv for c in analysis.commands]  # what was walked is still judged
