"""tree-sitter-powershell → the command model (`PsAnalysis`): every command that runs.

The walk goes through pipelines in order (each command knows what pipes into it, and
commands inside `ForEach-Object { … }` see the same input through `$_`), script blocks,
subexpressions and parenthesised commands; literal variables and hashtables assigned
earlier are substituted (so splatting resolves when it can); code handed to
`Invoke-Expression '…'`, `pwsh -Command …`, `-EncodedCommand …` and `cmd /c …` is walked as
PowerShell too. A script with a syntax error is walked as far as it parses, each line on its
own as well, and its first bad line reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import tree_sitter

from proxy.parse import first_error_line, syntax_tree
from proxy.shell.powershell import cmdlets, invocation
from proxy.shell.powershell.model import Arg, PsAnalysis, PsCommand
from proxy.shell.powershell.words import expand, unquote

MAX_DEPTH = 4  # nested scripts (iex inside pwsh -c inside …)
MAX_COMMANDS = 2_000
MAX_LINES_ALONE = 2_000
DOWNLOAD = re.compile(r"(?i)\b(?:invoke-webrequest|invoke-restmethod|iwr|irm|curl|wget|start-bitstransfer|"
                      r"bitsadmin)\b|download(?:string|data|file)(?:async|taskasync)?\b|net\.webclient|"
                      r"httpclient|getstring(?:async)?\(|webrequest\]::create|https?://")
_SPLAT = re.compile(r"^@[A-Za-z_]\w*$")
_CMD_SWITCH = re.compile(r"^/[A-Za-z]$")
_CMD_STYLE = {"/s": "recurse", "/q": "force", "/f": "force"}
_PIPE_READERS = frozenset({"foreach-object", "where-object"})
# Filters that hand on (some of) the objects they receive: `gci C:\ -r | ? {…} | Remove-Item` deletes what gci listed.
_PASS_THROUGH = frozenset({"where-object", "sort-object", "select-object", "tee-object", "out-gridview"})
_SCRIPTBLOCK_CREATE = re.compile(r"(?i)scriptblock\]::create\(")


@dataclass
class _Producer:
    """What the previous pipeline element hands on: a command, or an expression's text."""

    command: PsCommand | None
    downloaded: bool
    filtered: bool = False  # objects passed through a filter on the way


@dataclass
class Walker:
    commands: list[PsCommand] = field(default_factory=list)
    variables: dict[str, str] = field(default_factory=dict)  # literal string variables (lower-case names)
    tables: dict[str, dict[str, str]] = field(default_factory=dict)  # hashtables assigned literally
    downloaded: set[str] = field(default_factory=set)  # variables holding downloaded content
    unparsed_line: int | None = None
    unresolved: list[int] = field(default_factory=list)
    sql: list[tuple[str, int]] = field(default_factory=list)

    def script(self, text: str, depth: int = 0, at_line: int | None = None, offset: int = 0) -> None:
        if depth > MAX_DEPTH or not text.strip():
            return
        try:
            root = syntax_tree(_grammar_friendly(text), "powershell")
        except (LookupError, ValueError, UnicodeEncodeError):
            self._unparsed(at_line or offset + 1)
            return
        error_line = first_error_line(root) if root.has_error else None
        if error_line is not None:
            self._unparsed(at_line or offset + error_line)
        lines = _Lines(at_line, offset, depth)
        self.walk(root, lines, None)
        if error_line is not None and at_line is None and 0 < text.count("\n") < MAX_LINES_ALONE:
            self._line_by_line(text, depth, offset)

    def _line_by_line(self, text: str, depth: int, offset: int) -> None:
        """A script with a syntax error: each line on its own too, so one bad line hides nothing."""
        seen = {(c.line, c.argv) for c in self.commands}
        for number, line in enumerate(text.splitlines(), start=1):
            if len(self.commands) >= MAX_COMMANDS:
                self._unparsed(offset + number)
                return
            single = Walker(variables=dict(self.variables), tables=dict(self.tables), downloaded=set(self.downloaded))
            single.script(line, depth, None, offset + number - 1)
            for command in single.commands:
                if (command.line, command.argv) not in seen:
                    seen.add((command.line, command.argv))
                    self.commands.append(command)

    def _unparsed(self, line: int) -> None:
        if self.unparsed_line is None or line < self.unparsed_line:
            self.unparsed_line = line

    # -- structure -------------------------------------------------------------------------------
    def walk(self, node: tree_sitter.Node, lines: _Lines, pipe_input: _Producer | None) -> None:
        stack: list[tuple[tree_sitter.Node, _Producer | None]] = [(node, pipe_input)]
        while stack:
            current, producer = stack.pop()
            if len(self.commands) >= MAX_COMMANDS:
                self._unparsed(lines.at(current))
                return
            kind = current.type
            if kind == "pipeline_chain" or (kind == "pipeline" and any(c.type == "|" for c in current.children)):
                self.pipeline(current, lines, producer)
            elif kind == "command":
                self.command(current, lines, producer)
            elif kind == "assignment_expression":
                self.assignment(current, lines)
            elif kind == "invokation_expression" and _SCRIPTBLOCK_CREATE.search(_text(current)):
                self._record(PsCommand("invoke-expression", "[scriptblock]::Create", lines.at(current),
                                       text=_text(current)))
                stack.extend((child, producer) for child in reversed(current.children))
            else:
                stack.extend((child, producer) for child in reversed(current.children))

    def pipeline(self, node: tree_sitter.Node, lines: _Lines, pipe_input: _Producer | None) -> None:
        producer = pipe_input
        elements = [c for c in node.named_children if c.type != "comment"]
        for element in elements:
            if element.type == "command":
                command = self.command(element, lines, producer)
                if command.name not in _PASS_THROUGH or producer is None:
                    producer = _Producer(command, _downloads(command))
                else:
                    producer = _Producer(producer.command, producer.downloaded, True)
            elif pipe_input is not None and re.fullmatch(r"(?i)\$(?:_|PSItem)", _text(element).strip()):
                producer = pipe_input  # `$_ | Remove-Item` inside ForEach-Object: the outer pipeline's objects
            else:
                self.walk(element, lines, None)
                text = _text(element)
                producer = _Producer(None, bool(DOWNLOAD.search(text)) or self._mentions_download(text))

    def assignment(self, node: tree_sitter.Node, lines: _Lines) -> None:
        """`$x = 'C:\\'`, `$p = @{ Path = …; Recurse = $true }`, `$s = irm …`: remembered for later commands."""
        left = node.child_by_field_name("left") or (node.named_children[0] if node.named_children else None)
        right = node.named_children[-1] if len(node.named_children) >= 2 else None
        if left is None or right is None:
            return
        name = _text(left).strip().lstrip("$").lower()
        self.walk(right, lines, None)
        text = _text(right).strip()
        self.variables.pop(name, None)
        self.tables.pop(name, None)
        self.downloaded.discard(name)
        if DOWNLOAD.search(text) or self._mentions_download(text):
            self.downloaded.add(name)
        table = _hashtable(right, self.variables)
        if table is not None:
            self.tables[name] = table
        elif re.fullmatch(r"'[^']*'|\"[^\"$`]*\"|[\w.:\\/-]+", text) and not text.startswith("$"):
            self.variables[name] = unquote(text)[0]

    def _mentions_download(self, text: str) -> bool:
        return any(re.search(rf"(?i)\${re.escape(name)}\b", text) for name in self.downloaded)

    # -- commands --------------------------------------------------------------------------------
    def command(self, node: tree_sitter.Node, lines: _Lines, producer: _Producer | None) -> PsCommand:
        written, name = self._name(node)
        spec = cmdlets.SPECS.get(name)
        elements = _elements(node)
        params: dict[str, Arg | bool] = {}
        positionals: list[Arg] = []
        argv = [written]
        unresolved = False
        index = 0
        while index < len(elements):
            element = elements[index][0]
            text = _text(element)
            reads_pipeline = name in _PIPE_READERS and element.type == "script_block_expression"
            if (element.type != "command_parameter" or _is_number(text)) and not reads_pipeline:
                self.walk(element, lines, None)
            if element.type == "command_parameter" and not _is_number(text):
                argv.append(text.rstrip(":"))
                key, takes_value = cmdlets.bind_name(spec, text.lstrip("-").rstrip(":"))
                following = elements[index + 1] if index + 1 < len(elements) else None
                if following is not None and (following[1] or (takes_value and following[0].type not in (
                        "command_parameter",))):
                    value = self._argument(following[0])
                    argv.append(value.value)
                    params[key] = value
                    self.walk(following[0], lines, None)
                    index += 2
                    continue
                params[key] = True
            elif _SPLAT.match(text.strip()):
                table = self.tables.get(text.strip()[1:].lower())
                if table is None:
                    unresolved = True
                else:
                    for key, written_value in table.items():
                        bound, _ = cmdlets.bind_name(spec, key)
                        lowered = written_value.lower()
                        params[bound] = lowered not in ("$false", "0") if lowered in (
                            "$true", "$false", "1", "0") else expand(written_value, self.variables)
            elif name == "remove-item" and _CMD_SWITCH.match(text.strip()):
                params[_CMD_STYLE.get(text.strip().lower(), text.strip().lower())] = True
                argv.append(text.strip())
            else:
                value = self._argument(element)
                positionals.append(value)
                argv.append(value.value)
            index += 1
        downloaded = bool(producer and producer.downloaded) or (
            name == "invoke-expression" and self._mentions_download(" ".join(argv[1:])))
        command = PsCommand(name, written, lines.at(node), params, tuple(positionals), tuple(argv), unresolved,
                            producer.command if producer else None, downloaded, bool(producer and producer.filtered),
                            _text(node))
        self._record(command)
        if unresolved:
            self.unresolved.append(command.line)
        self._follow(command, node, lines, producer)
        return command

    def _argument(self, node: tree_sitter.Node) -> Arg:
        """One argument; an array (`'C:\\a', 'C:\\b'`) is its items joined by commas, each unquoted."""
        items = [c for c in node.named_children if c.type != "comment"]
        if node.type != "array_literal_expression" or not any(c.type == "," for c in node.children) or not items:
            return expand(_text(node), self.variables)
        parts = [expand(_text(item), self.variables) for item in items]
        return Arg(",".join(p.value for p in parts), ",".join(p.if_empty for p in parts),
                   any(p.dynamic for p in parts), any(p.pipe_item for p in parts))

    def _name(self, node: tree_sitter.Node) -> tuple[str, str]:
        name_node = next((c for c in node.named_children if c.type in ("command_name", "command_name_expr")), None)
        if name_node is None:
            return "", ""
        written = _text(name_node).strip()
        if name_node.type == "command_name_expr":
            if _SCRIPTBLOCK_CREATE.search(written):
                return written, "invoke-expression"  # `& ([scriptblock]::Create($code))` runs $code
            written = expand(written, self.variables).value
        return written, cmdlets.canonical(written)

    def _follow(self, command: PsCommand, node: tree_sitter.Node, lines: _Lines, producer: _Producer | None) -> None:
        """What the command runs in turn: script blocks over the pipeline, code in strings, SQL."""
        depth = lines.depth
        if command.name in _PIPE_READERS:
            for block in (c for c in _descendants(node) if c.type == "script_block"):
                self.walk(block, lines, producer)
        if command.name == "invoke-expression":
            code = command.value("command") or (command.positionals[0] if command.positionals else None)
            if code is not None and not code.dynamic:
                self.script(code.value, depth + 1, command.line)
        nested = invocation.script_of(_started_argv(command) if command.name == "start-process" else command.argv)
        if nested is not None:
            self.script(nested, depth + 1, command.line)
        if command.name == "invoke-sqlcmd":
            query = command.value("query") or (command.positionals[0] if command.positionals else None)
            if query is not None:
                self.sql.append((query.value, command.line))

    def _record(self, command: PsCommand) -> None:
        self.commands.append(command)


@dataclass(frozen=True)
class _Lines:
    fixed: int | None
    offset: int
    depth: int = 0

    def at(self, node: tree_sitter.Node) -> int:
        return self.fixed if self.fixed is not None else self.offset + node.start_point[0] + 1


_VARIABLE_PATH = re.compile(r"(?<=[\s,])(\$(?:\{[^}\s]*\}|[\w:]+)[\\/][^\s;|)'\"`,]*)")


def _grammar_friendly(text: str) -> str:
    """The same script in spellings tree-sitter-powershell parses (same lines, same meaning)."""
    return _space_before_commas(_quote_variable_paths(text))


def _space_before_commas(text: str) -> str:
    """`Select-Object Name, Id` (a bare word right before a comma) trips the grammar; `Name ,Id` does not.
    Outside quotes only, so string values are unchanged; line breaks are kept, so line numbers hold."""
    if "," not in text:
        return text
    out: list[str] = []
    quote = ""
    position = 0
    while position < len(text):
        char = text[position]
        position += 1
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "#":
            quote = "\n"  # a comment runs to the end of the line
        elif char == "," and position > 1 and (text[position - 2].isalnum() or text[position - 2] in "_.-*\\/:]"):
            out.append(" ,")
            while position < len(text) and text[position] in " \t":
                position += 1
            continue
        out.append(char)
    return "".join(out)


def _quote_variable_paths(text: str) -> str:
    r"""`$env:USERPROFILE\x` and `$HOME/*` as arguments are expandable words to PowerShell, but
    tree-sitter-powershell cannot parse them: written as the equivalent `"$env:USERPROFILE\x"`."""
    return _VARIABLE_PATH.sub(lambda m: f'"{m.group(1)}"', text) if "$" in text else text


def _text(node: tree_sitter.Node) -> str:
    return node.text.decode("utf-8", "surrogatepass") if node.text else ""


def _is_number(text: str) -> bool:
    """`-1` is a negative number, not a parameter."""
    return bool(re.fullmatch(r"-\d[\d.]*", text.strip()))


def _elements(node: tree_sitter.Node) -> list[tuple[tree_sitter.Node, bool]]:
    """The arguments of a command, each with whether it is attached to the parameter before it (`-X:value`)."""
    container = next((c for c in node.named_children if c.type == "command_elements"), None)
    if container is None:
        return []
    found: list[tuple[tree_sitter.Node, bool]] = []
    attach = False
    for child in container.named_children:
        if child.type == "command_argument_sep":
            attach = _text(child).strip() == ":"
            continue
        if child.type in ("comment", "redirection", "file_redirection_operator"):
            continue
        previous_colon = bool(found) and found[-1][0].type == "command_parameter" and (
            _text(found[-1][0]).endswith(":") or any(c.type == ":" for c in found[-1][0].children))
        found.append((child, attach or previous_colon))
        attach = False
    return found


def _descendants(node: tree_sitter.Node) -> list[tree_sitter.Node]:
    found = []
    stack = list(node.children)
    while stack:
        current = stack.pop()
        found.append(current)
        stack.extend(current.children)
    return found


def _hashtable(node: tree_sitter.Node, variables: dict[str, str]) -> dict[str, str] | None:
    """`@{ Path = 'C:\\'; Recurse = $true }` → {"path": "C:\\", "recurse": "$true"}; None if not a literal table."""
    table_node = next((n for n in [node, *_descendants(node)] if n.type == "hash_literal_expression"), None)
    if table_node is None or _text(node).strip() != _text(table_node).strip():
        return None
    table: dict[str, str] = {}
    for entry in (n for n in _descendants(table_node) if n.type == "hash_entry"):
        key = next((c for c in entry.named_children if c.type == "key_expression"), None)
        value = entry.named_children[-1] if entry.named_children else None
        if key is None or value is None:
            continue
        table[unquote(_text(key))[0].lower()] = _text(value).strip().rstrip(";").strip()
    return table


def _started_argv(command: PsCommand) -> list[str]:
    """`Start-Process pwsh -ArgumentList '-Command', '…'` as the argv of the process it starts."""
    file = command.value("filepath") or (command.positionals[0] if command.positionals else None)
    arguments = command.value("argumentlist") or (command.positionals[1] if len(command.positionals) > 1 else None)
    if file is None:
        return []
    items = arguments.value.split(",") if arguments is not None else []
    if len(items) == 1:
        items = items[0].split()  # one string: pwsh splits it into arguments
    return [file.value, *items]


def _downloads(command: PsCommand) -> bool:
    return command.name in ("invoke-webrequest", "invoke-restmethod", "start-bitstransfer") or command.input_downloaded


def analyze(script: str) -> PsAnalysis:
    """The command model of a PowerShell script. Pure and total: odd input gives what could be found."""
    walker = Walker()
    try:
        walker.script(script)
    except RecursionError:
        walker._unparsed(1)
    return PsAnalysis(tuple(walker.commands), walker.unparsed_line, tuple(walker.unresolved), tuple(walker.sql))
