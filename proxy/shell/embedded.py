"""Shell commands embedded in code: `os.system("…")`, `execSync('…')`, `system "…"`, backticks.

Interpreter one-liners (`python -c`, `node -e`, `perl -e`, `awk '{ system(…) }'`) often
just call the shell; the commands they pass are walked as shell too, so `rm -rf /` is
caught whatever language wraps it. This reads string literals after known process-spawning
calls; it over-approximates (a `run("pytest")` is harmless to walk), never the reverse.
"""

from __future__ import annotations

import re
import shlex

_STRING = r"""(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|`(?:[^`\\]|\\.)*`)"""
_CALLS = (r"(?:system|exec|execSync|execFile|execFileSync|spawn|spawnSync|popen|popen2|popen3|shell_exec|passthru|"
          r"proc_open|getoutput|getstatusoutput|check_output|check_call|call|run|Popen|capture2|capture2e|capture3|"
          r"pipeline|execa|execaSync|\$|sh|bash)")
_CALL = re.compile(rf"\b{_CALLS}\s*\(?\s*(?P<args>(?:{_STRING}|\[[^\]]*\])(?:\s*,\s*(?:{_STRING}|\[[^\]]*\]))*)",
                   re.DOTALL)
_BACKTICK = re.compile(r"`((?:[^`\\]|\\.)+)`|%x\{([^}]*)\}|qx\{([^}]*)\}|qx\(([^)]*)\)")
_LITERAL = re.compile(_STRING, re.DOTALL)
_ESCAPES = {"n": "\n", "t": "\t", "\\": "\\", "'": "'", '"': '"', "`": "`"}


def _unquote(literal: str) -> str:
    body = literal[1:-1]
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), body, flags=re.DOTALL)


def shell_strings(code: str, language: str = "") -> list[str]:
    """Shell command lines that `code` hands to a shell or runs as an argv. Backticks run a shell in
    Ruby, Perl and PHP; in JavaScript they are template strings, and Python has none."""
    found: list[str] = []
    for match in _CALL.finditer(code):
        parts: list[str] = []
        for piece in re.finditer(rf"{_STRING}|\[[^\]]*\]", match.group("args"), re.DOTALL):
            text = piece.group(0)
            if text.startswith("["):
                parts.extend(_unquote(item) for item in _LITERAL.findall(text))
            else:
                parts.append(_unquote(text))
        if parts:
            found.append(parts[0] if len(parts) == 1 else shlex.join(parts))
    for match in _BACKTICK.finditer(code) if language not in ("javascript", "typescript", "python") else ():
        body = next(group for group in match.groups() if group is not None)
        found.append(body)
    return [text for text in found if text.strip()]


# Library calls that delete a tree, by language: what `rm -rf PATH` is called in Python, Node, Deno,
# Ruby and Perl. Their literal (or home-directory) argument becomes an equivalent shell command, so
# the filesystem rules judge `shutil.rmtree('/')` exactly like `rm -rf /`.
_TREE_DELETES = re.compile(
    r"(?<![\w$])(?:shutil\.)?(?:rmtree|remove_tree|rm_rf|rm_r|remove_dir|remove_entry_secure|remove_entry|"
    r"rimraf(?:\.sync)?|removeSync|emptyDirSync|(?:fs|fsp|fse|promises|Deno)\.(?:rmSync|rm|rmdirSync|rmdir|"
    r"removeSync|remove|emptyDirSync|emptyDir)|rmSync|rmdirSync|FileUtils\.(?:rm_rf|rm_r|remove_dir|"
    r"remove_entry|rmtree))\s*\(\s*")
_NEEDS_RECURSIVE = re.compile(r"\b(?:rmSync|rm|rmdirSync|rmdir|remove|removeSync)\s*\(\s*$")
_HOME_EXPRESSIONS = re.compile(
    r"""^(?:os\.path\.expanduser\(\s*(['"])~\1\s*\)|(?:pathlib\.)?Path\.home\(\)|os\.environ\[\s*(['"])HOME\2\s*\]|"""
    r"""os\.getenv\(\s*(['"])HOME\3\s*\)|(?:require\(\s*(['"])os\4\s*\)|os)\.homedir\(\)|process\.env\.HOME|"""
    r"""Dir\.home|ENV\[\s*(['"])HOME\5\s*\]|\$ENV\{HOME\}|Deno\.env\.get\(\s*(['"])HOME\6\s*\)|homedir\(\))""")
_EXPANDUSER = re.compile(r"""^os\.path\.expanduser\(\s*(['"])(~[^'"]*)\1\s*\)""")


def tree_deletes(code: str) -> list[str]:
    """`shutil.rmtree('/')`, `fs.rmSync(os.homedir(), {recursive: true})`, `FileUtils.rm_rf(Dir.home)` → `rm -rf …`."""
    found: list[str] = []
    for match in _TREE_DELETES.finditer(code):
        rest = code[match.end():match.end() + 300]
        path = _path_argument(rest)
        if path is None:
            continue
        call = match.group(0)
        recursive = not _NEEDS_RECURSIVE.search(call) or re.search(r"recursive\s*:\s*true", rest.split(")", 1)[0]
                                                                  + rest[:120])
        quoted = path if re.fullmatch(r"~[\w./-]*", path) else shlex.quote(path)  # keep `~` expandable
        found.append(f"rm {'-rf' if recursive else '-f'} {quoted}")
    return found


def _path_argument(text: str) -> str | None:
    literal = _LITERAL.match(text)
    if literal:
        return _unquote(literal.group(0))
    expanded = _EXPANDUSER.match(text)
    if expanded:
        return expanded.group(2)
    if _HOME_EXPRESSIONS.match(text):
        return "~"
    return None


# Cloud SDK calls that empty or delete storage, as the CLI command that does the same.
_SDK_DELETES = (
    (re.compile(r"""Bucket\(\s*(['"])([^'"]+)\1\s*\)\.(?:objects|object_versions)\.(?:all\(\)|filter\([^)]*\))"""
                r"""\.delete\(\)"""), "aws s3 rm s3://{} --recursive"),
    (re.compile(r"""Bucket\(\s*(['"])([^'"]+)\1\s*\)\.delete\(\)"""), "aws s3 rb s3://{}"),
    (re.compile(r"""\.delete_bucket\(\s*Bucket\s*=\s*(['"])([^'"]+)\1"""), "aws s3 rb s3://{}"),
    (re.compile(r"""\.bucket\(\s*(['"])([^'"]+)\1\s*\)\.delete\(\s*force\s*=\s*True"""), "gsutil rb gs://{}"),
)


def sdk_deletes(code: str) -> list[str]:
    """`boto3.resource('s3').Bucket('b').objects.all().delete()` → `aws s3 rm s3://b --recursive`."""
    return [template.format(match.group(2)) for pattern, template in _SDK_DELETES
            for match in pattern.finditer(code)]
