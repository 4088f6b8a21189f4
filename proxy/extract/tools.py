"""Code inside tool calls: the commands an agent runs and the files it writes.

Agents do not agree on tool names or argument keys, so this module recognises them by
both. Given a tool's name and its arguments (a JSON string, a parsed object, an argv list,
or the free text of a custom tool), `snippets_from_tool_call` returns `Snippet`s:

- shell commands (`command`, `cmd`, `commands: [...]`, `script`, argv arrays such as
  `["bash", "-lc", "…"]`) as bash, with role `command` (what they run and carry is
  followed on the scan path, see `proxy.shell`);
- file contents (`content`, `file_text`, `contents`, `code`, `code_edit`, …) in the
  language of the path argument (`path`, `file_path`, `filename`, `target_file`, …), role
  `file`;
- string replacements (`old_string`/`new_string`, `old_str`/`new_str`, `edits[]`,
  `oldText`/`newText`): the new text, with `added_lines` set to the lines that changed;
- patches (`patch`, `diff`, `input`, or the whole free text of `apply_patch`): the new
  side of each file, origin `diff`, with `added_lines` (see `proxy.extract.patches`);
- Codex code mode (`exec` with a JavaScript program): the program itself as JavaScript
  (role `script`) and every `tools.NAME({...})` call inside it, recursively.

The role travels in `Snippet.info`, so per-tool policy can tell a command that runs now
from a file that is written. Nothing here raises on bad input: malformed or truncated JSON
is read leniently (string values of known keys), and what is left is scanned as text.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from proxy import languages, parse
from proxy.extract import js_tools, markdown, patches, shell
from proxy.models import ROLE_COMMAND, ROLE_FILE, ROLE_SCRIPT, Origin, Snippet

PATH_KEYS = ("path", "file_path", "filepath", "filename", "file", "target_file", "absolute_path",
             "relative_path", "target", "notebook_path", "file_name", "uri")
COMMAND_KEYS = ("command", "cmd", "commands", "script", "shell_command", "bash_command", "argv", "chars")
CONTENT_KEYS = ("content", "file_text", "contents", "new_content", "code_edit", "code", "new_source",
                "file_content", "text", "insert_text", "body", "source")
PATCH_KEYS = ("patch", "diff", "input", "changes", "unified_diff")
SQL_KEYS = ("sql", "query", "statement", "statements", "sql_query", "queries")  # MCP database tools
_PROSE_KEYS = frozenset({"description", "explanation", "reason", "title", "message", "summary", "prompt",
                         "instructions", "comment", "name", "id", "url", "pattern", "glob", "regex"})
EDIT_PAIRS = (("old_string", "new_string"), ("old_str", "new_str"), ("oldText", "newText"),
              ("old_text", "new_text"), ("search", "replace"), ("find", "replace"))

_SHELL_TOOLS = frozenset({
    "bash", "shell", "sh", "zsh", "run_commands", "run_command", "run_shell_command", "exec_command",
    "execute_command", "execute_bash", "run_terminal_cmd", "run_terminal_command", "run_in_terminal",
    "terminal", "local_shell", "shell_command", "container.exec", "container_exec", "bash_tool",
    "builtin_run_terminal_command", "cmd", "powershell", "pwsh", "run_powershell", "powershell_command", "run_pwsh",
    "run", "write_stdin", "exec",
})
_EDITOR_SUBCOMMANDS = frozenset({"view", "create", "str_replace", "insert", "undo_edit", "write", "append",
                                 "edit", "read", "delete", "rename"})
_CODE_MODE_TOOLS = frozenset({"exec", "code", "js", "javascript", "code_mode"})
_MAX_DEPTH = 5
_DOC_SUFFIXES = (".md", ".markdown", ".mdx", ".rst", ".txt", ".adoc")


def normalize_tool_name(name: str | None) -> str:
    """`functions.Bash`, `mcp__fs__write_file`, `default_api:run_shell_command` → `bash`, `write_file`, …"""
    bare = (name or "").strip()
    bare = re.split(r"[:]", bare)[-1]
    if bare.startswith("functions."):
        bare = bare[len("functions."):]
    if "__" in bare:
        bare = bare.rsplit("__", 1)[-1]
    return bare.lower()


def snippets_from_tool_call(name: str | None, arguments: object) -> list[Snippet]:
    """Every piece of code in one tool call, numbered from 0 (the caller renumbers when it merges)."""
    found: list[Snippet] = []
    with contextlib.suppress(RecursionError):  # a pathologically nested object: scan what was found
        _from_value(normalize_tool_name(name), arguments, found, 0)
    return _unique(found)


def _from_value(tool: str, arguments: object, found: list[Snippet], depth: int) -> None:
    if depth > _MAX_DEPTH or arguments is None:
        return
    if isinstance(arguments, str):
        parsed = _parse_json(arguments)
        if parsed is None:
            _free_text(tool, arguments, found, depth)
            return
        arguments = parsed
    if isinstance(arguments, Mapping):
        _from_object(tool, arguments, found, depth)
    elif isinstance(arguments, list) and tool in _SHELL_TOOLS and _is_argv(arguments):
        _command(shell.argv_script(arguments), found, tool)


def _is_argv(value: list[Any]) -> bool:
    return bool(value) and all(isinstance(word, str) for word in value)


def _parse_json(text: str) -> Mapping[str, Any] | list[Any] | None:
    stripped = text.strip()
    if not stripped.startswith(("{", "[")):
        return None
    try:
        value = json.loads(stripped)
    except (json.JSONDecodeError, ValueError):
        return _lenient_object(stripped)
    return value if isinstance(value, Mapping | list) else None


_STRING_FIELD = re.compile(r'"(?P<key>[A-Za-z_][\w.-]*)"\s*:\s*"(?P<value>(?:[^"\\]|\\.)*)(?:"|$)', re.DOTALL)
_ARRAY_FIELD = re.compile(r'"(?P<key>[A-Za-z_][\w.-]*)"\s*:\s*\[(?P<items>[^\]]*)(?:\]|$)', re.DOTALL)


def _lenient_object(text: str) -> dict[str, Any] | None:
    """Known string fields of malformed or truncated JSON: `{"command": "rm -rf ~/x` still says a lot."""
    found: dict[str, Any] = {}
    for match in _STRING_FIELD.finditer(text):
        found.setdefault(match.group("key"), _json_string(match.group("value")))
    for match in _ARRAY_FIELD.finditer(text):
        items = [_json_string(m.group(1)) for m in re.finditer(r'"((?:[^"\\]|\\.)*)"', match.group("items"))]
        if items:
            found.setdefault(match.group("key"), items)
    return found or None


def _json_string(body: str) -> str:
    body = body[:-1] if body.endswith("\\") and not body.endswith("\\\\") else body
    try:
        return str(json.loads(f'"{body}"'))
    except json.JSONDecodeError:
        return body.replace('\\"', '"').replace("\\n", "\n").replace("\\\\", "\\")


def _free_text(tool: str, text: str, found: list[Snippet], depth: int) -> None:
    """A custom tool's free-text input, or arguments that are not JSON at all."""
    if not text.strip():
        return
    if tool in _CODE_MODE_TOOLS and _code_mode(text, found, depth):
        return
    changes = patches.changes_in(text)
    if changes is not None or tool == "apply_patch":
        _changes(changes or [], found)
        return
    if tool in _SHELL_TOOLS:
        _command(text, found, tool)
        return
    _text(text, None, found)


def _code_mode(program: str, found: list[Snippet], depth: int) -> bool:
    calls = js_tools.tool_calls(program)
    if not calls and "tools." not in program:
        return False
    found.append(Snippet(program, "javascript", Origin.TOOL_CALL, info=ROLE_SCRIPT, start=0, end=len(program)))
    for call in calls:
        _from_value(normalize_tool_name(call.name), call.arguments, found, depth + 1)
    return True


def _from_object(tool: str, args: Mapping[str, Any], found: list[Snippet], depth: int) -> None:
    path = _first_string(args, PATH_KEYS)
    language_word = _first_string(args, ("language", "lang", "interpreter", "runtime"))
    editor = _is_editor_call(args)
    used: set[str] = set()
    for key in COMMAND_KEYS:
        value = args.get(key)
        if value is None or (key == "command" and editor) or (key == "chars" and tool != "write_stdin"):
            continue
        if key == "script" and language_word and languages.from_alias(language_word) not in (None, "bash"):
            continue  # {"script": ..., "language": "python"} is code, handled below
        used.add(key)
        if isinstance(value, str):
            _command(value, found, tool)
        elif isinstance(value, list) and all(isinstance(v, str) for v in value):
            if key == "commands":
                for command in value:
                    _command(command, found, tool)
            else:
                _command(shell.argv_script(value), found, tool)
    for old_key, new_key in EDIT_PAIRS:
        new = args.get(new_key)
        if isinstance(new, str) and new_key not in used:
            old = args.get(old_key)
            used.update((old_key, new_key))
            code, added = patches.replacement(old if isinstance(old, str) else "", new)
            _file(code, path, language_word, found, added)
    for key in PATCH_KEYS:
        value = args.get(key)
        if isinstance(value, str) and key not in used:
            changes = patches.changes_in(value, path)
            if changes is not None:
                used.add(key)
                _changes(changes, found)
            elif tool == "apply_patch" or (key in ("patch", "diff") and path):
                used.add(key)
                _changes(_operation_hunks(value, path, args), found)
    for key in CONTENT_KEYS:
        value = args.get(key)
        if not isinstance(value, str) or key in used:
            continue
        used.add(key)
        if path or language_word or key in ("file_text", "code", "code_edit", "contents", "new_content"):
            _file(value, path, language_word, found, _fragment_lines(value) if key == "code_edit" else None)
        else:
            _text(value, None, found)
    for key in SQL_KEYS:
        value = args.get(key)
        if isinstance(value, str) and key not in used and value.strip():
            used.add(key)  # a statement a database tool runs now: judged like a command
            found.append(Snippet(value, "sql", Origin.TOOL_CALL, info=ROLE_COMMAND, start=0, end=len(value)))
    for key, value in args.items():
        if key in used:
            continue
        if isinstance(value, str) and key.lower() not in _PROSE_KEYS:
            _text(value, None, found)  # an argument name we do not know: code if it reads as code
        elif isinstance(value, Mapping):
            _from_value(tool, value, found, depth + 1)
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, Mapping):
                    _from_value(tool, {**({"path": path} if path and not _first_string(item, PATH_KEYS) else {}),
                                       **item}, found, depth + 1)


def _operation_hunks(diff: str, path: str | None, args: Mapping[str, Any]) -> list[patches.FileChange]:
    """The Responses API `apply_patch_call` operation: `create_file` diffs are all `+` lines."""
    whole = args.get("type") == "create_file"
    plain = whole and not all(line.startswith("+") for line in diff.splitlines() if line.strip())
    code, added = (diff, frozenset[int]()) if plain else patches.new_side_of_hunks(diff)
    if not code.strip():
        return []
    return [patches.FileChange(path, code, None if whole else added, 0, len(diff), "add" if whole else "update")]


def _is_editor_call(args: Mapping[str, Any]) -> bool:
    """`str_replace_editor` style: `command` is a sub-command (`create`, `str_replace`), not a shell line."""
    command = args.get("command")
    return isinstance(command, str) and command.strip() in _EDITOR_SUBCOMMANDS and (
        _first_string(args, PATH_KEYS) is not None or any(k in args for k in ("file_text", "old_str", "new_str"))
    )


def _first_string(args: Mapping[str, Any], keys: Sequence[str]) -> str | None:
    for key in keys:
        value = args.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


# Shell tools whose commands are PowerShell (Claude Code's `PowerShell` tool on Windows, Copilot's `powershell`).
POWERSHELL_TOOLS = frozenset({"powershell", "pwsh", "run_powershell", "powershell_command", "run_pwsh"})


def _command(command: str, found: list[Snippet], tool: str = "") -> None:
    """A shell command: one bash snippet (PowerShell for a PowerShell tool). What it runs and carries
    (nested scripts, `python -c`, SQL, heredoc file writes) is followed by the shell judge on the scan
    path (proxy.shell, proxy.shell.powershell)."""
    if not command.strip():
        return
    language = "powershell" if tool in POWERSHELL_TOOLS else "bash"
    found.append(Snippet(command, language, Origin.TOOL_CALL, info=ROLE_COMMAND, start=0, end=len(command)))


def _file(code: str, path: str | None, language_word: str | None, found: list[Snippet],
          added: frozenset[int] | None) -> None:
    if not code.strip():
        return
    language = (languages.from_path(path) if path else None) or (
        languages.from_alias(language_word) if language_word else None)
    if language is None and path and "." in path.rsplit("/", 1)[-1]:
        if path.lower().endswith(_DOC_SUFFIXES):
            _text(code, path, found, fences_only=True)
        return  # a file type we have no rules for (.toml, .css, …): never guess
    if language is None:
        detection = parse.looks_like_code(code)
        if detection is None:
            return  # prose or markdown: nothing our rules read
        language = detection.language
    found.append(Snippet(code, language, Origin.TOOL_CALL, info=ROLE_FILE, path=path, start=0, end=len(code),
                         added_lines=added))


def _changes(changes: list[patches.FileChange], found: list[Snippet]) -> None:
    for change in changes:
        language = change.language
        if language is None and change.added_lines is None:
            detection = parse.looks_like_code(change.code)
            language = detection.language if detection else None
        if language is None:
            continue
        found.append(Snippet(change.code, language, Origin.DIFF, info=ROLE_FILE, path=change.path,
                             start=0, end=len(change.code), added_lines=change.added_lines))


def _text(text: str, path: str | None, found: list[Snippet], fences_only: bool = False) -> None:
    """Text that is neither a command nor a file we can place: its fences, or itself if it is code."""
    fences = markdown.find_fences(text)
    for fence in fences:
        language = markdown.fence_language(fence.info)
        if language:
            found.append(Snippet(fence.code, language, Origin.TOOL_CALL, info=ROLE_FILE,
                                 path=path or markdown.info_path(fence.info), start=fence.start, end=fence.end))
    if not any(fence.marker for fence in fences) and not fences_only:  # indented blocks alone: maybe bare code
        detection = parse.looks_like_code(text)
        if detection is not None:
            found.append(Snippet(text, detection.language, Origin.TOOL_CALL, info=ROLE_FILE, path=path,
                                 start=0, end=len(text)))


def _fragment_lines(code: str) -> frozenset[int]:
    """Every line of a partial edit (Cursor's `code_edit` with `// ... existing code ...`): all are new,
    but the text is not a whole file, so a parse error in it says nothing."""
    return frozenset(range(1, len(code.splitlines()) + 1))


def _unique(found: list[Snippet]) -> list[Snippet]:
    seen: set[tuple[str, str | None, str, str | None]] = set()
    unique: list[Snippet] = []
    for snippet in found:
        key = (snippet.code, snippet.language, snippet.info, snippet.path)
        if key not in seen:
            seen.add(key)
            unique.append(snippet)
    return [Snippet(s.code, s.language, s.origin, number, s.info, s.path, s.start, s.end, s.added_lines)
            for number, s in enumerate(unique)]
