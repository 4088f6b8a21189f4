"""Shell commands an agent wants to run: the scripts hidden inside them.

Semgrep reads `bash -lc "rm -rf ~"` as one command whose argument is a string, so a rule
for `rm -rf` never sees the inner script. Agents wrap almost everything that way (Codex
runs `["bash", "-lc", …]`, Claude Code chains with `&&`, people pipe into `sh`), so this
module unwraps, with tree-sitter-bash, every place a command carries another program:

- `bash -c '…'`, `sh -lc "…"`, `sudo bash -c …`, `xargs sh -c …`, `find … -exec sh -c … \\;`,
  `eval "…"`, `ssh host '…'` → the inner script, as bash (recursively, a few levels deep);
- `python -c '…'`, `node -e '…'`, `psql -c '…'` → the inner code in its own language;
- heredocs fed to a shell, an interpreter or a database client → their bodies likewise;
- `cat > path <<EOF` / `tee path <<EOF` → a file write, in the language of `path`;
- `echo '…' | sh` / `printf '…' | bash` → the echoed script.

Everything here is pure and total: a command that does not parse yields what could be
found, never an exception.
"""

from __future__ import annotations

import itertools
import re
import shlex
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import tree_sitter

from proxy import languages, parse

SHELLS = frozenset({"bash", "sh", "zsh", "dash", "ksh", "ash", "fish"})
# interpreter -> (language, the flag that takes inline code)
INTERPRETERS: dict[str, tuple[str, tuple[str, ...]]] = {
    "python": ("python", ("-c",)), "python3": ("python", ("-c",)), "python2": ("python", ("-c",)),
    "node": ("javascript", ("-e", "--eval", "-p", "--print")), "nodejs": ("javascript", ("-e", "--eval")),
    "deno": ("typescript", ("eval",)), "bun": ("typescript", ("-e", "--eval")),
    "psql": ("sql", ("-c", "--command")), "mysql": ("sql", ("-e", "--execute")),
    "sqlite3": ("sql", ()), "duckdb": ("sql", ("-c",)),
}
# Commands that run the rest of their arguments as another command.
PREFIXES = frozenset({"sudo", "doas", "env", "nohup", "time", "nice", "timeout", "xargs", "exec", "command",
                      "stdbuf", "unbuffer", "watch", "strace"})
_MAX_DEPTH = 4


@dataclass(frozen=True)
class ShellPart:
    """A program found inside a shell command.

    `role` is "command" for code that runs now (an inner script, `python -c`, a heredoc
    fed to an interpreter) and "file" for content written to `path` (`cat > path <<EOF`).
    """

    code: str
    language: str
    role: str = "command"
    path: str | None = None


def argv_script(argv: Sequence[object]) -> str:
    """One command line for an argv array; `["bash", "-lc", script]` is just `script`.

    Codex's shell tool and the Responses API's `local_shell_call` send argv arrays; most
    of them are a shell running one script, which is what the user would read.
    """
    words = [str(word) for word in argv]
    inner = _shell_inline(words)
    if inner is not None:
        return inner
    return shlex.join(words)


def nested_parts(script: str) -> list[ShellPart]:
    """Every program nested in `script` (not `script` itself), outermost first."""
    found: list[ShellPart] = []
    _collect(script, 0, found)
    return found


def _collect(script: str, depth: int, found: list[ShellPart]) -> None:
    if depth >= _MAX_DEPTH or not script.strip():
        return
    try:
        root = parse.syntax_tree(script, "bash")
    except (ValueError, UnicodeEncodeError):
        return
    for part in _parts_of(root):
        if part.code.strip() and part not in found:
            found.append(part)
            if part.language == "bash" and part.role == "command":
                _collect(part.code, depth + 1, found)


def _parts_of(root: tree_sitter.Node) -> Iterator[ShellPart]:
    for node in parse.walk(root):
        if node.type == "command":
            yield from _command_parts(_words(node))
        elif node.type == "redirected_statement":
            yield from _heredoc_parts(node)
        elif node.type == "pipeline":
            yield from _piped_script(node)


def _command_parts(words: list[str]) -> Iterator[ShellPart]:
    words = _strip_prefixes(words)
    if not words:
        return
    name = _basename(words[0])
    inline = _shell_inline(words)
    if inline is not None:
        yield ShellPart(inline, "bash")
    elif name == "eval" and len(words) > 1:
        yield ShellPart(" ".join(words[1:]), "bash")
    elif name == "ssh":
        remote = _ssh_remote_command(words[1:])
        if remote:
            yield ShellPart(remote, "bash")
    elif name in INTERPRETERS:
        language, flags = INTERPRETERS[name]
        for position, word in enumerate(words[1:-1], start=1):
            if word in flags:
                yield ShellPart(words[position + 1], language)
    elif name == "find":
        yield from _find_exec(words)


def _shell_inline(words: Sequence[str]) -> str | None:
    """The script of `bash [-flags] -c SCRIPT` (any prefix like sudo/env/xargs stripped)."""
    words = _strip_prefixes(list(words))
    if len(words) < 2 or _basename(words[0]) not in SHELLS:
        return None
    for position, word in enumerate(words[1:], start=1):
        if re.fullmatch(r"-[a-zA-Z]*c[a-zA-Z]*", word) and position + 1 < len(words):
            return words[position + 1]
        if not word.startswith("-") and not word.startswith("+"):
            return None
    return None


_VALUE_FLAGS = {  # options of the prefix commands that take a separate value
    "sudo": {"-u", "-g", "-C", "-D", "-h", "-p", "-r", "-t", "-U", "--user", "--group", "--chdir"},
    "doas": {"-u", "-C"},
    "env": {"-u", "-C", "-S", "--unset", "--chdir"},
    "xargs": {"-I", "-n", "-P", "-L", "-s", "-E", "-a", "-d", "--max-args", "--max-procs", "--arg-file"},
    "timeout": {"-s", "-k", "--signal", "--kill-after"},
    "nice": {"-n", "--adjustment"},
    "watch": {"-n", "--interval", "-d"},
    "stdbuf": {"-i", "-o", "-e"},
}


def _strip_prefixes(words: list[str]) -> list[str]:
    """Drop `sudo -u x`, `env A=1`, `xargs -0 -n1`, `timeout 5` … in front of the real command."""
    position = 0
    while position < len(words):
        word = words[position]
        name = _basename(word)
        if "=" in word and not word.startswith("-"):
            position += 1  # A=1 cmd, or env's A=1
        elif name in PREFIXES:
            position += 1
            takes_value = _VALUE_FLAGS.get(name, set())
            while position < len(words):
                current = words[position]
                if current in takes_value:
                    position += 2
                elif current.startswith("-") or "=" in current or (
                        name in {"timeout", "nice", "watch"} and current[:1].isdigit()):
                    position += 1
                else:
                    break
        else:
            break
    return words[position:]


def _ssh_remote_command(args: list[str]) -> str | None:
    position = 0
    with_value = set("bcDEeFIiJLlmOopQRSWw")
    while position < len(args) and args[position].startswith("-"):
        flag = args[position]
        position += 2 if len(flag) == 2 and flag[1] in with_value else 1
    rest = args[position + 1:]  # after the host
    return " ".join(rest) if rest else None


def _find_exec(words: list[str]) -> Iterator[ShellPart]:
    """`find … -exec CMD {} \\;` runs CMD per file: scan it as a command of its own."""
    for position, word in enumerate(words):
        if word in {"-exec", "-execdir", "-ok", "-okdir"}:
            end = position + 1
            while end < len(words) and words[end] not in {";", "\\;", "+"}:
                end += 1
            command = words[position + 1:end]
            inline = _shell_inline(command)
            if inline is not None:
                yield ShellPart(inline, "bash")


def _heredoc_parts(node: tree_sitter.Node) -> Iterator[ShellPart]:
    body_node = node.child_by_field_name("body")
    heredocs = [child for child in node.children if child.type == "heredoc_redirect"]
    if body_node is None or not heredocs:
        return
    for heredoc in heredocs:
        body = "".join(_text(c) for c in heredoc.children if c.type == "heredoc_body")
        if not body.strip():
            continue
        target = _heredoc_piped_into(heredoc) or _heredoc_target(body_node, node)
        if target is not None:
            language, role, path = target
            yield ShellPart(body, language, role, path)


def _heredoc_piped_into(heredoc: tree_sitter.Node) -> tuple[str, str, str | None] | None:
    """`cat <<EOF | sh`: tree-sitter puts the pipe after the heredoc start inside the redirect."""
    for child in heredoc.children:
        if child.type == "pipeline":
            commands = [c for c in child.children if c.type == "command"]
            last = _strip_prefixes(_words(commands[-1])) if commands else []
            if last and _basename(last[0]) in SHELLS:
                return "bash", "command", None
            if last and _basename(last[0]) in INTERPRETERS:
                return INTERPRETERS[_basename(last[0])][0], "command", None
    return None


def _heredoc_target(body_node: tree_sitter.Node, statement: tree_sitter.Node) -> tuple[str, str, str | None] | None:
    """What reads a heredoc: a shell, an interpreter, or `cat`/`tee` writing a file."""
    command = body_node
    if command.type == "pipeline":  # `cat <<EOF | sh`: the last command reads it
        commands = [c for c in command.children if c.type == "command"]
        if commands and len(commands) > 1:
            last = _strip_prefixes(_words(commands[-1]))
            if last and _basename(last[0]) in SHELLS:
                return "bash", "command", None
        command = commands[0] if commands else command
    if command.type != "command":
        return None
    words = _strip_prefixes(_words(command))
    if not words:
        return None
    name = _basename(words[0])
    if name in SHELLS or name == "ssh":
        return "bash", "command", None
    if name in INTERPRETERS:
        return INTERPRETERS[name][0], "command", None
    if name in {"kubectl", "oc"} and "apply" in words:
        return "yaml", "command", None
    if name in {"cat", "tee"}:
        path = _redirect_destination(statement) or (words[-1] if name == "tee" and len(words) > 1 else None)
        if path:
            language = languages.from_path(path)
            if language:
                return language, "file", path
    return None


def _redirect_destination(statement: tree_sitter.Node) -> str | None:
    for child in statement.children:
        if child.type == "file_redirect":
            destination = child.child_by_field_name("destination")
            if destination is not None:
                return _word_value(destination)
    return None


def _piped_script(node: tree_sitter.Node) -> Iterator[ShellPart]:
    """`echo 'rm -rf /' | sh`: the echoed words are the script the shell runs."""
    commands = [c for c in node.children if c.type == "command"]
    for source, sink in itertools.pairwise(commands):
        sink_words = _strip_prefixes(_words(sink))
        source_words = _words(source)
        if (sink_words and _basename(sink_words[0]) in SHELLS and len(sink_words) == 1 and source_words
                and source_words[0] in {"echo", "printf"}):
            args = [w for w in source_words[1:] if not re.fullmatch(r"-[neE]+", w)]
            if args:
                yield ShellPart(" ".join(args).replace("\\n", "\n"), "bash")


def _words(command: tree_sitter.Node) -> list[str]:
    words: list[str] = []
    for child in command.children:
        if child.type == "variable_assignment" and not words:
            continue
        if child.type == "command_name" or command.field_name_for_child(_index(command, child)) == "argument":
            words.append(_word_value(child))
    return words


def _index(parent: tree_sitter.Node, child: tree_sitter.Node) -> int:
    for position, candidate in enumerate(parent.children):
        if candidate.id == child.id:
            return position
    return -1


def _word_value(node: tree_sitter.Node) -> str:
    """A shell word's value after quote removal (expansions are kept as written)."""
    kind = node.type
    text = _text(node)
    if kind == "command_name" and node.children:
        return _word_value(node.children[0])
    if kind == "raw_string":
        return _unquote(text, "'")
    if kind == "string":
        inner = _unquote(text, '"')
        return re.sub(r'\\([\\"$`])', r"\1", inner)
    if kind == "ansi_c_string":
        inner = text[2:-1] if len(text) >= 3 else text
        return inner.replace("\\n", "\n").replace("\\t", "\t").replace("\\'", "'")
    if kind == "concatenation":
        return "".join(_word_value(child) for child in node.children)
    if kind == "word":
        return re.sub(r"\\(.)", r"\1", text)
    return text


def _unquote(text: str, quote: str) -> str:
    inner = text[1:] if text.startswith(quote) else text
    return inner[:-1] if len(inner) >= 1 and inner.endswith(quote) else inner


def _text(node: tree_sitter.Node) -> str:
    return (node.text or b"").decode("utf-8", "replace")


def _basename(word: str) -> str:
    return word.rsplit("/", 1)[-1]


