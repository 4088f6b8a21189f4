"""tree-sitter-bash → the command model (`Analysis`): every simple command that runs.

The walk follows the shell's own structure: lists and pipelines in order, `cd` changing
the working directory for what follows (and only inside its subshell), heredocs and
here-strings as the standard input of the command they belong to, pipes connecting one
command's output to the next one's input. Wrapper commands (`sudo`, `env`, `xargs`,
`find -exec`, `bash -c`, `ssh host '…'`, …) are peeled by `proxy.shell.wrappers`, which
calls back into this walker for the commands they run.

Comments never reach a rule: the parser drops them. Nothing here raises on odd input: a
script tree-sitter cannot parse is still walked (its ERROR nodes hold commands too), and
its first bad line is reported as `unparsed_line`.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass, field

import tree_sitter

from proxy.parse import first_error_line, syntax_tree
from proxy.shell import wrappers
from proxy.shell.model import FORK_BOMB, Analysis, Command, Inline, Stdin, Word
from proxy.shell.words import decode_ansi_c, resolve, text_of

MAX_DEPTH = 6  # nested scripts (bash -c inside ssh inside eval …)
MAX_COMMANDS = 2_000  # a script with more commands than this is judged on the first ones, and reported
MAX_STEPS = 50_000  # statements walked (loops and calls re-walk bodies): beyond this, stop and report
MAX_LINES_ALONE = 2_000  # a broken script is also walked line by line, up to this many lines
MAX_LOOP_VALUES = 8  # a `for` body is walked once per literal value, up to this many
_SEQUENTIAL = frozenset({"program", "list", "compound_statement", "do_group", "if_statement", "elif_clause",
                         "else_clause", "while_statement", "for_statement", "c_style_for_statement",
                         "case_statement", "case_item", "ERROR", "negated_command", "function_definition"})


@dataclass
class Scope:
    """What the shell knows while it runs a script: the working directory and literal variables."""

    cwd: str | None = None
    variables: dict[str, str] = field(default_factory=dict)
    depth: int = 0
    functions: dict[str, tree_sitter.Node] = field(default_factory=dict)  # shell functions defined so far
    downloaded: set[str] = field(default_factory=set)  # files fetched from the network so far
    aliases: dict[str, str] = field(default_factory=dict)

    def copy(self) -> Scope:
        return Scope(self.cwd, dict(self.variables), self.depth, dict(self.functions), set(self.downloaded),
                     dict(self.aliases))


@dataclass
class Walker:
    """Collects the commands and inline code of one script (and the scripts nested in it)."""

    commands: list[Command] = field(default_factory=list)
    inline: list[Inline] = field(default_factory=list)
    unparsed_line: int | None = None
    truncated: bool = False
    calling: list[str] = field(default_factory=list)  # the shell functions being called, innermost last
    steps: int = 0

    # -- scripts ---------------------------------------------------------------------------------
    def script(self, text: str, scope: Scope, at_line: int | None = None, line_offset: int = 0,
               stdin: Stdin | None = None) -> None:
        """Walk `text`; nested scripts pass `at_line`, the line of the command that runs them, and
        the input the script's commands read (`ssh host bash <<EOF`)."""
        if scope.depth > MAX_DEPTH or not text.strip():
            return
        try:
            root = syntax_tree(text, "bash")
        except (LookupError, ValueError, UnicodeEncodeError):
            self._unparsed(at_line or line_offset + 1)
            return
        error_line = first_error_line(root) if root.has_error else None
        if error_line is not None:
            self._unparsed(at_line or line_offset + error_line)
        walk = _Lines(at_line, line_offset)
        self.statement(root, scope, walk, stdin, ())
        if error_line is not None and at_line is None and 0 < text.strip().count("\n") < MAX_LINES_ALONE:
            self._line_by_line(text, scope, line_offset)

    def _line_by_line(self, text: str, scope: Scope, line_offset: int) -> None:
        """A script with a syntax error: each line on its own too, so one bad line hides nothing."""
        for number, line in enumerate(text.splitlines(), start=1):
            if line.strip():
                single = Walker()
                single.script(line, scope.copy(), None, line_offset + number - 1)
                for command in single.commands:
                    if command not in self.commands:
                        self.commands.append(command)
                self.inline.extend(i for i in single.inline if i not in self.inline)

    def _unparsed(self, line: int) -> None:
        if self.unparsed_line is None or line < self.unparsed_line:
            self.unparsed_line = line

    # -- statements ------------------------------------------------------------------------------
    def statement(self, node: tree_sitter.Node, scope: Scope, lines: _Lines, stdin: Stdin | None,
                  writes: tuple[str, ...]) -> Command | None:
        """Walk one statement; return the command whose output the statement produces, if known."""
        self.steps += 1
        if self.steps > MAX_STEPS:  # loops of loops: what was walked is judged, the rest is not clean
            self.truncated = True
            self._unparsed(lines.at(node))
            return None
        kind = node.type
        if kind == "command":
            return self.command(node, scope, lines, stdin, writes)
        if kind == "pipeline":
            return self.pipeline([c for c in node.named_children if c.type != "comment"], scope, lines, stdin,
                                 writes)
        if kind == "redirected_statement":
            return self.redirected(node, scope, lines, stdin, writes)
        if kind == "subshell":
            inner = scope.copy()
            last = None
            for child in node.named_children:
                last = self.statement(child, inner, lines, stdin, writes) or last
            return last
        if kind in ("variable_assignment", "variable_assignments"):
            self.assignments(node, scope, lines)
            return None
        if kind == "declaration_command":  # `export A=1`: a builtin that runs, and assignments
            self.assignments(node, scope, lines)
            words = [Word.literal(text_of(node.children[0]) if node.children else "export")]
            for child in node.named_children:
                if child.type == "variable_assignment":
                    words.append(resolve_assignment(child, scope))
                else:
                    words.append(resolve(child, scope.variables, scope.cwd))
            return self.run(words, scope, lines.at(node), stdin, writes, ())
        if kind == "unset_command":
            for child in node.named_children[1:] if node.named_children else []:
                scope.variables.pop(text_of(child), None)
            return None
        if kind in ("command_substitution", "process_substitution"):
            inner = scope.copy()
            last = None
            for child in node.named_children:
                last = self.statement(child, inner, lines, None, ())
            return last
        if kind == "comment" or kind == "heredoc_body":
            return None
        if kind == "for_statement" and node.child_by_field_name("variable") is not None:
            return self.for_loop(node, scope, lines, stdin, writes)
        if kind == "function_definition":
            name, body = node.child_by_field_name("name"), node.child_by_field_name("body")
            if body is None:
                return None
            # Walked once as written (arguments unknown), then registered: each call walks it again.
            self.statement(body, scope.copy(), lines, None, ())
            if name is not None:
                scope.functions[text_of(name)] = body
            return None
        last = None
        for child in node.named_children:
            if kind in _SEQUENTIAL or child.type in ("command", "pipeline", "redirected_statement", "subshell",
                                                     "list", "compound_statement", "command_substitution",
                                                     "process_substitution", "variable_assignment",
                                                     "declaration_command"):
                last = self.statement(child, scope, lines, stdin, writes) or last
            else:
                self.substitutions(child, scope, lines)
        return last

    def for_loop(self, node: tree_sitter.Node, scope: Scope, lines: _Lines, stdin: Stdin | None,
                 writes: tuple[str, ...]) -> Command | None:
        """`for d in / /usr; do rm -rf $d; done`: the body runs once per literal value (a few at most)."""
        variable = node.child_by_field_name("variable")
        body = node.child_by_field_name("body")
        name = text_of(variable) if variable is not None else ""
        values = [resolve(child, scope.variables, scope.cwd) for child in node.children_by_field_name("value")]
        last = None
        for value in values[:MAX_LOOP_VALUES] or [Word("", "", True)]:
            for item in (value.value.split() if not value.dynamic else [None]) or [None]:
                if item is None:
                    scope.variables.pop(name, None)
                else:
                    scope.variables[name] = item
                last = self.statement(body, scope, lines, stdin, writes) if body is not None else last
        return last

    def pipeline(self, parts: list[tree_sitter.Node], scope: Scope, lines: _Lines, stdin: Stdin | None,
                 writes: tuple[str, ...], producer: Command | None = None) -> Command | None:
        previous = producer
        for position, part in enumerate(parts):
            source = pipe_stdin(previous) if (position > 0 or producer is not None) else stdin
            part_writes = writes if position == len(parts) - 1 else ()
            previous = self.statement(part, scope, lines, source, part_writes)
        return previous

    def redirected(self, node: tree_sitter.Node, scope: Scope, lines: _Lines, stdin: Stdin | None,
                   writes: tuple[str, ...]) -> Command | None:
        body = node.child_by_field_name("body")
        continuations: list[tree_sitter.Node] = []
        for child in node.named_children:
            if child.type == "heredoc_redirect":
                text = "".join(text_of(c) for c in child.named_children if c.type == "heredoc_body")
                stdin = Stdin("heredoc", text)
                continuations.extend(c for c in child.named_children
                                     if c.type not in ("heredoc_start", "heredoc_body", "heredoc_end"))
            elif child.type == "herestring_redirect":
                stdin = Stdin("herestring", _herestring(child, scope))
            elif child.type == "file_redirect":
                destination = child.child_by_field_name("destination")
                if destination is not None and _is_write(child):
                    writes = (*writes, resolve(destination, scope.variables, scope.cwd).value)
                if destination is not None:
                    self.substitutions(destination, scope, lines)
        if body is None:  # `> /etc/fstab`: a bare redirect truncates the file
            return self.run([Word.literal(":")], scope, lines.at(node), stdin, writes, ())
        last = self.statement(body, scope, lines, stdin, writes)
        for continuation in continuations:  # `cat <<EOF | sh` / `psql <<EOF && echo ok`
            if continuation.type == "pipeline":
                parts = [c for c in continuation.named_children if c.type != "comment"]
                last = self.pipeline(parts, scope, lines, None, (), producer=last)
            else:
                last = self.statement(continuation, scope, lines, None, ())
        return last

    def assignments(self, node: tree_sitter.Node, scope: Scope, lines: _Lines) -> None:
        targets = [node] if node.type == "variable_assignment" else [
            c for c in node.named_children if c.type == "variable_assignment"]
        for assignment in targets:
            name_node = assignment.child_by_field_name("name")
            value_node = assignment.child_by_field_name("value")
            if name_node is None:
                continue
            name = text_of(name_node)
            if value_node is None:
                scope.variables[name] = ""
                continue
            self.substitutions(value_node, scope, lines)
            value = resolve(value_node, scope.variables, scope.cwd)
            if value.dynamic:
                scope.variables.pop(name, None)
            else:
                scope.variables[name] = value.value

    def substitutions(self, node: tree_sitter.Node, scope: Scope, lines: _Lines) -> None:
        """`$(…)`, backticks and `<(…)` inside a word run too: walk them."""
        stack = [node]
        while stack:
            current = stack.pop()
            if current.type in ("command_substitution", "process_substitution"):
                self.statement(current, scope, lines, None, ())
            else:
                stack.extend(current.named_children)

    # -- commands --------------------------------------------------------------------------------
    def command(self, node: tree_sitter.Node, scope: Scope, lines: _Lines, stdin: Stdin | None,
                writes: tuple[str, ...]) -> Command | None:
        local = scope
        words: list[Word] = []
        assignments: list[Word] = []  # `NAME=value cmd`: the command's environment
        for child in node.named_children:
            if child.type == "variable_assignment" and not words:
                if local is scope:
                    local = scope.copy()
                self.assignments(child, local, lines)
                assignments.append(resolve_assignment(child, local))
                continue
            if child.type == "herestring_redirect":
                stdin = Stdin("herestring", _herestring(child, local))
                continue
            if child.type == "file_redirect":
                destination = child.child_by_field_name("destination")
                if destination is not None and _is_write(child):
                    writes = (*writes, resolve(destination, local.variables, local.cwd).value)
                continue
            if child.type in ("comment",):
                continue
            if child.type in ("subshell", "compound_statement"):  # `time (rm -rf /)`
                self.statement(child, local.copy(), lines, stdin, writes)
                continue
            self.substitutions(child, local, lines)
            words.append(resolve(child, local.variables, local.cwd))
        if not words:
            return None
        return self.run([*assignments, *words], local, lines.at(node), stdin, writes, ())

    def run(self, words: list[Word], scope: Scope, line: int, stdin: Stdin | None, writes: tuple[str, ...],
            via: tuple[str, ...]) -> Command | None:
        """Record one command (after peeling its wrappers) and follow what it runs."""
        if len(self.commands) >= MAX_COMMANDS:
            self.truncated = True
            self._unparsed(line)
            return None
        return wrappers.dispatch(self, words, scope, line, stdin, writes, via)

    def call(self, body: tree_sitter.Node, scope: Scope, arguments: list[Word], line: int,
             stdin: Stdin | None) -> None:
        """A call of a shell function: its body runs with the call's arguments as $1, $2, …"""
        name_node = body.parent.child_by_field_name("name") if body.parent is not None else None
        name = text_of(name_node) if name_node is not None else ""
        if name in self.calling:
            if re.search(rf"{re.escape(name)}\s*\|&?\s*{re.escape(name)}\s*&", text_of(body)):
                self.record(Command((Word.literal(name),), line, scope.cwd, (FORK_BOMB,)))
            return
        if scope.depth > MAX_DEPTH:
            return
        inner = scope.copy()
        inner.depth += 1
        for number, argument in enumerate(arguments, start=1):
            if argument.dynamic:
                inner.variables.pop(str(number), None)
            else:
                inner.variables[str(number)] = argument.value
        self.calling.append(name)
        try:
            self.statement(body, inner, _Lines(line, 0), stdin, ())
        finally:
            self.calling.pop()

    def record(self, command: Command) -> Command:
        self.commands.append(command)
        return command

    def add_inline(self, inline: Inline) -> None:
        if inline.code.strip() and inline not in self.inline:
            self.inline.append(inline)


@dataclass(frozen=True)
class _Lines:
    """Line numbers: a node's own line, or, inside a nested script, the outer command's line."""

    fixed: int | None
    offset: int

    def at(self, node: tree_sitter.Node) -> int:
        return self.fixed if self.fixed is not None else self.offset + node.start_point[0] + 1


def resolve_assignment(node: tree_sitter.Node, scope: Scope) -> Word:
    """`NAME=value` as one word, its value resolved."""
    name = node.child_by_field_name("name")
    value = node.child_by_field_name("value")
    resolved = resolve(value, scope.variables, scope.cwd) if value is not None else Word.literal("")
    prefix = f"{text_of(name) if name is not None else ''}="
    return Word(prefix + resolved.value, prefix + resolved.if_empty, resolved.dynamic)


def _is_write(redirect: tree_sitter.Node) -> bool:
    """`>`, `>|`, `&>` truncate their file; `>>` appends and `>&2` duplicates a descriptor."""
    operators = [child.type for child in redirect.children if not child.is_named]
    destination = redirect.child_by_field_name("destination")
    if destination is None or destination.type in ("number", "file_descriptor"):
        return False
    return any(op in (">", ">|", "&>") for op in operators)


def _herestring(node: tree_sitter.Node, scope: Scope) -> str:
    values = [resolve(child, scope.variables, scope.cwd).value for child in node.named_children]
    return " ".join(values) + "\n"


DOWNLOADERS = frozenset({"curl", "wget", "fetch", "http", "https", "xh", "aria2c", "lwp-request", "GET", "iwr",
                         "Invoke-WebRequest", "nc", "ncat", "socat"})

def pipe_stdin(producer: Command | None) -> Stdin:
    """What the next command in a pipeline reads: the producer's output, when we can know it."""
    if producer is None:
        return Stdin("pipe", None)
    upstream = producer.stdin
    decoded = bool(upstream and upstream.decoded) or _is_decoder(producer)
    downloaded = bool(upstream and upstream.downloaded) or producer.name in DOWNLOADERS
    return Stdin("pipe", output_text(producer), producer.argv, decoded, downloaded)


def _is_decoder(command: Command) -> bool:
    name = command.name
    args = command.argv[1:]
    if name in ("base64", "base32", "basenc"):
        return any(a in ("-d", "--decode", "-D") or (a.startswith("-") and not a.startswith("--") and "d" in a)
                   for a in args)
    if name == "xxd":
        return any(a.startswith("-") and "r" in a for a in args)
    if name in ("openssl", "gpg", "uudecode", "gunzip", "zcat", "bunzip2", "unxz", "rev"):
        return True
    if name in ("gzip", "bzip2", "xz", "zstd"):
        return any(a in ("-d", "--decompress", "-dc", "-cd") for a in args)
    return False


def output_text(command: Command) -> str | None:
    """The text a few literal producers print: `echo`, `printf`, `cat` of its input, decoders."""
    name, args = command.name, [w.value for w in command.args]
    stdin_text = command.stdin.text if command.stdin else None
    if name == "echo":
        interpret = any(re.fullmatch(r"-[nEe]*e[nEe]*", a) for a in args)
        words = [a for a in args if not re.fullmatch(r"-[neE]+", a)]
        text = " ".join(words)
        return (decode_ansi_c(text) if interpret else text) + "\n"
    if name == "printf" and args:
        fmt, rest = args[0], args[1:]
        text = decode_ansi_c(fmt)
        for value in rest:
            text = re.sub(r"%[sbd]", value.replace("\\", "\\\\"), text, count=1)
        return text
    if name in ("cat", "tac") and not [a for a in args if not a.startswith("-") or a == "-"]:
        return stdin_text
    if name in ("base64", "base32", "basenc") and _is_decoder(command) and stdin_text is not None:
        return _b64decode(stdin_text)
    if name == "xxd" and _is_decoder(command) and stdin_text is not None:
        try:
            return bytes.fromhex(re.sub(r"\s", "", stdin_text)).decode("utf-8", "replace")
        except ValueError:
            return None
    if name == "rev" and stdin_text is not None:
        return "\n".join(line[::-1] for line in stdin_text.splitlines()) + "\n"
    return None


def _b64decode(text: str) -> str | None:
    compact = re.sub(r"\s", "", text)
    try:
        return base64.b64decode(compact + "=" * (-len(compact) % 4)).decode("utf-8", "replace")
    except (binascii.Error, ValueError):
        return None


def analyze(script: str) -> Analysis:
    """The command model of a shell script. Pure and total: odd input gives what could be found."""
    walker = Walker()
    try:
        walker.script(script, Scope())
    except RecursionError:  # nested deeper than Python's stack: judge every command on its own
        walker._unparsed(1)
        _flat(script, walker)
    notes = ("truncated",) if walker.truncated else ()
    return Analysis(tuple(walker.commands), tuple(walker.inline), walker.unparsed_line, notes)


def _flat(script: str, walker: Walker) -> None:
    """Every simple command of `script`, found without recursion, judged without context."""
    try:
        root = syntax_tree(script, "bash")
    except (LookupError, ValueError, UnicodeEncodeError):
        return
    stack = [root]
    while stack:
        node = stack.pop()
        if node.type == "command":
            try:
                walker.command(node, Scope(), _Lines(None, 0), None, ())
            except RecursionError:
                continue
        stack.extend(node.children)


__all__ = ["Scope", "Walker", "analyze", "output_text", "pipe_stdin"]
