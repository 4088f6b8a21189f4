"""Commands that run other commands: peeled, so rules see what really runs.

`dispatch` records one command and follows whatever it executes: prefix wrappers (`sudo`,
`env A=1`, `timeout 5`, `nice -n 5`, …) are stripped before recording; shells with `-c`,
`eval`, `ssh host '…'`, `watch`, `su -c` run a script (walked as bash); `xargs`, `find
-exec`, `kubectl exec --` and `docker exec` run a command; interpreters and database
clients carry code in another language (`Inline`), including what they read on standard
input; `cd`/`pushd` move the working directory of what follows.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable
from typing import TYPE_CHECKING

from proxy import languages
from proxy.shell import embedded
from proxy.shell.model import Command, Inline, Stdin, Word
from proxy.shell.paths import join
from proxy.shell.powershell import invocation
from proxy.shell.programs import (
    INTERPRETERS,
    PREFIX_OPERANDS,
    PREFIXES,
    RUNNER_VERBS,
    SHELLS,
    SQL_CLIENT_VALUE_OPTIONS,
    SQL_CLIENTS,
    program_name,
)
from proxy.shell.sql import for_scanning

if TYPE_CHECKING:
    from proxy.shell.analyze import Scope, Walker

Handler = Callable[["Walker", Command, "Scope"], None]


def dispatch(walker: Walker, words: list[Word], scope: Scope, line: int, stdin: Stdin | None,
             writes: tuple[str, ...], via: tuple[str, ...]) -> Command | None:
    words, via, env_script, env = _peel_prefixes(words, via)
    if env_script is not None:
        walker.script(env_script, _nested(scope), line)
    if not words:
        if stdin is not None and stdin.text and {"sudo", "doas", "su"} & set(via):
            words = [Word.literal("bash")]  # `sudo -s <<EOF`, `sudo -i <<< '…'`: a login shell reads the input
        else:
            return None
    separators = scope.variables.get("IFS", " \t\n") or " "
    if any(sep in words[0].value.strip() for sep in separators) and not words[0].value.startswith("/"):
        # `X='rm -rf /'; $X`, `IFS=,; c=rm,-rf,/; $c`: an unquoted expansion is split into words before it runs.
        parts = re.split("[" + re.escape(separators) + "]+", words[0].value.strip())
        words = [*(Word.literal(part) for part in parts if part), *words[1:]]
    name = program_name(words[0].value)
    if words[0].value in scope.aliases and not words[0].dynamic:
        alias = scope.aliases[words[0].value]
        walker.script(" ".join([alias, *(shlex.quote(w.value) for w in words[1:])]), _nested(scope), line,
                      stdin=stdin)
        return None
    if name in scope.functions:
        walker.call(scope.functions[name], scope, words[1:], line, stdin)
        return None
    if name == "xargs":
        return _xargs(walker, words, scope, line, stdin, writes, via)
    runs_download = _runs_download(words, scope)
    words = [Word(name, program_name(words[0].if_empty), words[0].dynamic), *words[1:]]
    command = walker.record(Command(tuple(words), line, scope.cwd, via, stdin, writes, runs_download, env))
    if name in ("curl", "wget"):
        scope.downloaded.update(join(scope.cwd, path) for path in (*_download_targets(command), *writes))
    handler = _HANDLERS.get(name)
    if handler is None and name in SHELLS:
        handler = _shell
    if handler is None and name in INTERPRETERS:
        handler = _interpreter
    if handler is None and name in SQL_CLIENTS:
        handler = _sql_client
    if handler is not None:
        handler(walker, command, scope)
    return command


def _runs_download(words: list[Word], scope: Scope) -> bool:
    """`./x.sh`, `bash x.sh`, `python3 /tmp/x.py` where x was fetched earlier in the script."""
    if not scope.downloaded:
        return False
    candidates = [words[0].value]
    if program_name(words[0].value) in SHELLS | set(INTERPRETERS) | {"source", "."}:
        candidates += [w.value for w in words[1:] if not w.value.startswith("-")][:1]
    return any(join(scope.cwd, candidate) in scope.downloaded for candidate in candidates)


def _download_targets(command: Command) -> list[str]:
    """Where `curl -o FILE`/`-O` and `wget [-O FILE]` save what they fetch."""
    args = [w.value for w in command.args]
    targets: list[str] = []
    urls = [a for a in args if "://" in a]
    for position, arg in enumerate(args):
        following = args[position + 1] if position + 1 < len(args) else ""
        short = arg[1:] if re.fullmatch(r"-[a-zA-Z]+", arg) else ""
        if arg in ("--output", "--output-document") or short.endswith("o") or (
                command.name == "wget" and short.endswith("O")):
            targets.append(following)
        elif arg.startswith(("--output=", "--output-document=")):
            targets.append(arg.split("=", 1)[1])
        elif command.name == "curl" and (arg == "--remote-name" or "O" in short) and urls:
            targets.append(urls[0].rstrip("/").rsplit("/", 1)[-1])
    if command.name == "wget" and not targets and urls:
        targets.append(urls[0].rstrip("/").rsplit("/", 1)[-1])
    return [t for t in targets if t and t != "-"]


def _nested(scope: Scope, cwd: str | bool | None = False) -> Scope:
    inner = scope.copy()
    inner.depth += 1
    if cwd is not False:
        inner.cwd = cwd if isinstance(cwd, str) or cwd is None else None
    return inner


# -- prefixes ------------------------------------------------------------------------------------
def _peel_prefixes(words: list[Word], via: tuple[str, ...]) -> tuple[list[Word], tuple[str, ...], str | None,
                                                                      tuple[str, ...]]:
    """Strip `sudo -u x`, `env -i A=1`, `timeout -s 9 5`, `nice -n 5`, `A=1` … in front of a command;
    returns the command, the wrappers, an `env -S` script, and the `NAME=value` assignments."""
    env_script: str | None = None
    env: list[str] = []
    position = 0
    while position < len(words):
        word = words[position].value
        name = program_name(word)
        if re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", word):
            env.append(word)
            position += 1
            continue
        if name in RUNNER_VERBS and position + 1 < len(words) and (
                words[position + 1].value in RUNNER_VERBS[name] or not RUNNER_VERBS[name]):
            via = (*via, name)  # `pnpm exec prisma …`, `uv run alembic …`, `uvx ruff`
            position += 1 if not RUNNER_VERBS[name] else 2
            while position < len(words) and words[position].value.startswith("-"):
                position += 1
            continue
        if name not in PREFIXES and name != "chroot":
            break
        if name == "command" and any(w.value in ("-v", "-V") for w in words[position + 1:position + 3]):
            break  # `command -v rm` looks a name up; it runs nothing
        if name in ("sudo", "doas") and any(w.value in ("-l", "--list", "-v", "--validate", "-k", "-K")
                                            for w in words[position + 1:position + 2]):
            break
        via = (*via, name)
        takes_value = PREFIXES.get(name, frozenset())
        position += 1
        while position < len(words):
            current = words[position].value
            if name == "env" and current in ("-S", "--split-string") and position + 1 < len(words):
                env_script = words[position + 1].value
                position += 2
            elif name == "env" and current.startswith("--split-string="):
                env_script = current.split("=", 1)[1]
                position += 1
            elif current == "--":
                position += 1
                break
            elif current in takes_value:
                position += 2
            elif current.startswith("-") and len(current) > 1:
                position += 1
            elif name == "env" and "=" in current:
                env.append(current)
                position += 1
            else:
                break
        position += min(PREFIX_OPERANDS.get(name, 0), max(0, len(words) - position - 1))
    return words[position:], via, env_script, tuple(env)


# -- shells and scripts --------------------------------------------------------------------------
def _shell(walker: Walker, command: Command, scope: Scope) -> None:
    """`bash -lc 'script'`, `sh -s <<EOF`, `echo … | bash`, `sudo -i` style login shells."""
    args = [w.value for w in command.args]
    for position, arg in enumerate(args):
        if re.fullmatch(r"-[a-zA-Z]*c[a-zA-Z]*", arg) and not arg.startswith("--"):
            if position + 1 < len(args):
                walker.script(args[position + 1], _nested(scope), command.line)
            return
        if arg == "--" or not arg.startswith(("-", "+")):
            if arg != "--" and not arg.startswith(("<(", "$(")):
                return  # `bash script.sh`: a file we cannot see
            break
        if arg in ("-o", "+o", "-O", "+O", "--rcfile", "--init-file"):
            continue
    if command.stdin is not None and command.stdin.text is not None:
        walker.script(command.stdin.text, _nested(scope), command.line)


def _eval(walker: Walker, command: Command, scope: Scope) -> None:
    walker.script(" ".join(w.value for w in command.args), _nested(scope), command.line)


def _source(walker: Walker, command: Command, scope: Scope) -> None:
    """`source /dev/stdin <<EOF` / `. <(echo …)`: a script read from input runs in this shell."""
    operands = [w.value for w in command.args]
    if operands and operands[0] in ("/dev/stdin", "-") and command.stdin and command.stdin.text:
        walker.script(command.stdin.text, _nested(scope), command.line)


def _ssh(walker: Walker, command: Command, scope: Scope) -> None:
    """`ssh [opts] host cmd…`: the remote command runs in the remote user's home directory."""
    args = [w.value for w in command.args]
    with_value = set("BbcDEeFIiJLlmOopQRSWw")
    position = 0
    while position < len(args) and args[position].startswith("-"):
        flag = args[position]
        position += 2 if len(flag) == 2 and flag[1] in with_value else 1
    remote = args[position + 1:]
    if remote:
        walker.script(" ".join(remote), _nested(scope, "~"), command.line, stdin=command.stdin)
    elif command.stdin is not None and command.stdin.text:
        walker.script(command.stdin.text, _nested(scope, "~"), command.line)


def _su(walker: Walker, command: Command, scope: Scope) -> None:
    args = [w.value for w in command.args]
    for position, arg in enumerate(args[:-1]):
        if arg in ("-c", "--command", "--session-command"):
            walker.script(args[position + 1], _nested(scope, "~"), command.line)
            return
    if command.stdin is not None and command.stdin.text:
        walker.script(command.stdin.text, _nested(scope, "~"), command.line)


def _watch(walker: Walker, command: Command, scope: Scope) -> None:
    args = [w.value for w in command.args]
    position = 0
    while position < len(args) and args[position].startswith("-"):
        position += 2 if args[position] in ("-n", "--interval", "-q", "--equexit") else 1
    if position < len(args):
        walker.script(" ".join(args[position:]), _nested(scope), command.line)


def _remote_exec(walker: Walker, command: Command, scope: Scope) -> None:
    """`kubectl exec pod -- cmd…`, `docker exec [-it] ctr cmd…`: the command runs in a container."""
    args = list(command.args)
    values = [w.value for w in args]
    if not values or values[0] != "exec":
        if command.name in ("docker", "podman") and values[:2] == ["container", "exec"]:
            args, values = args[1:], values[1:]
        elif command.name in ("kubectl", "oc") and "exec" in values and "--" in values:
            pass
        else:
            return
    if "--" in values:
        inner = args[values.index("--") + 1:]
    elif command.name in ("docker", "podman"):
        inner = _after_container(args[1:])
    else:
        return
    if inner:
        walker.run(list(inner), _nested(scope, None), command.line, None, (), (*command.via, f"{command.name} exec"))


_DOCKER_EXEC_VALUES = frozenset({"-u", "--user", "-w", "--workdir", "-e", "--env", "--env-file", "--detach-keys"})


def _after_container(args: list[Word]) -> list[Word]:
    position = 0
    while position < len(args) and args[position].value.startswith("-"):
        position += 2 if args[position].value in _DOCKER_EXEC_VALUES else 1
    return args[position + 1:]


# -- commands that run commands ------------------------------------------------------------------
def _xargs(walker: Walker, words: list[Word], scope: Scope, line: int, stdin: Stdin | None,
           writes: tuple[str, ...], via: tuple[str, ...]) -> Command | None:
    """`… | xargs [-0] [-I{}] cmd args`: cmd runs with the input's items as more arguments."""
    xargs = walker.record(Command(tuple(words), line, scope.cwd, via, stdin, writes))
    values = [w.value for w in words]
    position, replace_token, null_separated = 1, None, False
    takes_value = {"-I", "-n", "-P", "-L", "-s", "-E", "-a", "-d", "--max-args", "--max-procs", "--arg-file",
                   "--delimiter", "--replace", "--max-lines", "--eof"}
    while position < len(values) and values[position].startswith("-"):
        flag = values[position]
        if flag in ("-0", "--null") or flag in ("-d", "--delimiter") or flag.startswith("--delimiter="):
            null_separated = True
        if flag == "-I" and position + 1 < len(values):
            replace_token = values[position + 1]
        elif flag.startswith("-I") and len(flag) > 2:
            replace_token = flag[2:]
        elif flag.startswith(("--replace=", "-i")):
            replace_token = flag.split("=", 1)[1] if "=" in flag else "{}"
        position += 2 if flag in takes_value else 1
    inner = words[position:] or [Word.literal("echo")]
    items = _input_items(stdin, scope)
    inner = [_substitute(w, replace_token, items[0]) for w in inner] if replace_token else [*inner, *items]
    label = "xargs -0" if null_separated else "xargs"
    from_find = stdin is not None and bool(stdin.producer) and program_name(stdin.producer[0]) == "find"
    walker.run(inner, scope, line, None, writes, (*via, label, *(("find | xargs",) if from_find else ())))
    return xargs


def _input_items(stdin: Stdin | None, scope: Scope) -> list[Word]:
    """What `xargs` appends: `find`'s start directories, literal input, or an unknown item."""
    if stdin is not None and stdin.producer and program_name(stdin.producer[0]) == "find":
        roots, filtered = find_roots(list(stdin.producer[1:]))
        return [Word.literal(root if not filtered else _under(root)) for root in roots]
    if stdin is not None and stdin.text is not None:
        items = stdin.text.split()
        if items:
            return [Word.literal(item) for item in items[:50]]
    return [Word("<stdin>", "", True)]


def _under(root: str) -> str:
    return "/{}" if root == "/" else f"{root.rstrip('/')}/{{}}"


def _substitute(word: Word, token: str, item: Word) -> Word:
    if token not in word.value:
        return word
    return Word(word.value.replace(token, item.value), word.if_empty.replace(token, item.if_empty),
                word.dynamic or item.dynamic)


_FIND_FILTERS = frozenset({
    "-name", "-iname", "-path", "-ipath", "-wholename", "-iwholename", "-regex", "-iregex", "-newer", "-mtime",
    "-mmin", "-atime", "-amin", "-ctime", "-cmin", "-size", "-user", "-group", "-perm", "-empty", "-links",
    "-inum", "-samefile", "-lname", "-ilname", "-uid", "-gid", "-newermt", "-nouser", "-nogroup", "-used",
})
_FIND_GLOBAL = frozenset({"-H", "-L", "-P"})


def find_roots(args: list[str]) -> tuple[list[str], bool]:
    """`find`'s start directories (default `.`) and whether a filter narrows what it matches."""
    position = 0
    while position < len(args) and (args[position] in _FIND_GLOBAL or args[position].startswith(("-O", "-D"))):
        position += 2 if args[position] == "-D" else 1
    roots: list[str] = []
    while position < len(args) and not args[position].startswith(("-", "(", "!", "\\(")):
        roots.append(args[position])
        position += 1
    filtered = any(arg in _FIND_FILTERS for arg in args[position:])
    return roots or ["."], filtered


def _find(walker: Walker, command: Command, scope: Scope) -> None:
    """`find ROOT … -exec CMD {} +` runs CMD on what it finds (`{}` stands for ROOT's contents)."""
    args = list(command.args)
    values = [w.value for w in args]
    roots, filtered = find_roots(values)
    item = Word.literal(_under(roots[0]) if filtered else roots[0].rstrip("/") + "/*" if roots[0] != "/"
                        else "/*")
    position = 0
    while position < len(values):
        if values[position] in ("-exec", "-execdir", "-ok", "-okdir"):
            end = position + 1
            while end < len(values) and values[end] not in (";", "+", "\\;"):
                end += 1
            inner = [_substitute(w, "{}", item) for w in args[position + 1:end]]
            if inner:
                walker.run(inner, scope, command.line, None, (), (*command.via, f"find {values[position]}"))
            position = end
        position += 1


# -- code in other languages ---------------------------------------------------------------------
def _code_option_values(args: list[str], options: frozenset[str]) -> list[str]:
    """Values of `-c CODE`, `-e CODE`, `--eval=CODE`, and clustered `-pe CODE` (perl, ruby)."""
    found: list[str] = []
    position = 0
    short_letters = {o[1] for o in options if len(o) == 2}
    while position < len(args):
        arg = args[position]
        if arg in options and position + 1 < len(args):
            found.append(args[position + 1])
            position += 2
            continue
        if arg.startswith("--") and "=" in arg and arg.split("=", 1)[0] in options:
            found.append(arg.split("=", 1)[1])
        elif not arg.startswith("--") and len(arg) > 2 and arg[:2] in options:
            found.append(arg[2:])  # `mysql -e"DELETE …"`, `python -c'code'`
        elif (re.fullmatch(r"-[A-Za-z]+", arg) and arg[-1] in short_letters and position + 1 < len(args)
              and len(arg) > 2):
            found.append(args[position + 1])
            position += 2
            continue
        position += 1
    return found


def _operands(args: list[str], value_options: frozenset[str]) -> list[str]:
    operands: list[str] = []
    position = 0
    while position < len(args):
        arg = args[position]
        if arg == "--":
            operands.extend(args[position + 1:])
            break
        if arg in value_options:
            position += 2
            continue
        if not arg.startswith("-") or arg == "-":
            operands.append(arg)
        position += 1
    return operands


def _interpreter(walker: Walker, command: Command, scope: Scope) -> None:
    """`python -c`, `node -e`, `ruby -e`, `perl -e`, `php -r`, or code on standard input."""
    language, options = INTERPRETERS[command.name]
    args = [w.value for w in command.args]
    codes = _code_option_values(args, options)
    if not codes and command.stdin is not None and command.stdin.text is not None:
        operands = _operands(args, frozenset({"-m", "-W", "-X", "-r", "--require", "-I"}))
        if "-m" not in args and (not operands or operands[0] == "-"):
            codes = [command.stdin.text]
    for code in codes:
        _inline_code(walker, code, language, command, scope)


def _inline_code(walker: Walker, code: str, language: str, command: Command, scope: Scope) -> None:
    if language in ("python", "javascript", "typescript", "ruby"):
        walker.add_inline(Inline(code, language, command.line))
    for script in (*embedded.shell_strings(code, language), *embedded.tree_deletes(code),
                   *embedded.sdk_deletes(code)):
        walker.script(script, _nested(scope), command.line)


def _sql_client(walker: Walker, command: Command, scope: Scope) -> None:
    """SQL given to a database client (option, operand or standard input) is scanned as SQL."""
    args = [w.value for w in command.args]
    sql = _code_option_values(args, SQL_CLIENTS[command.name])
    if command.name in ("sqlite3", "duckdb"):
        operands = _operands(args, SQL_CLIENT_VALUE_OPTIONS)
        sql.extend(operands[1:])
    if command.name == "cockroach" and "sql" not in args:
        sql = []
    if command.stdin is not None and command.stdin.text is not None:
        sql.append(command.stdin.text)
    for text in sql:
        walker.add_inline(Inline(for_scanning(text), "sql", command.line))


def _deno(walker: Walker, command: Command, scope: Scope) -> None:
    """`deno eval 'code'`: TypeScript run from the command line."""
    operands = [w.value for w in command.args if not w.value.startswith("-")]
    if len(operands) >= 2 and operands[0] == "eval":
        _inline_code(walker, operands[1], "typescript", command, scope)


def _wrangler(walker: Walker, command: Command, scope: Scope) -> None:
    """`wrangler d1 execute DB --command "SQL"`: SQL for Cloudflare D1."""
    args = [w.value for w in command.args]
    if args[:2] == ["d1", "execute"]:
        for text in _code_option_values(args, frozenset({"--command"})):
            walker.add_inline(Inline(for_scanning(text), "sql", command.line))


def _awk(walker: Walker, command: Command, scope: Scope) -> None:
    """`awk 'BEGIN { system("…") }'`: awk's system() and pipes to "sh" run shell commands."""
    args = [w.value for w in command.args]
    if "-f" in args:
        return
    operands = _operands(args, frozenset({"-F", "-v", "--assign", "--field-separator"}))
    if operands:
        for script in embedded.shell_strings(operands[0]):
            walker.script(script, _nested(scope), command.line)


def _file_write(walker: Walker, command: Command, scope: Scope) -> None:
    """`cat > app.py <<EOF` / `tee main.tf <<EOF`: the heredoc is a file's content, in the file's language."""
    if command.stdin is None or command.stdin.text is None or command.stdin.source == "pipe":
        return
    targets = list(command.writes)
    if command.name == "tee":
        targets += [w.value for w in command.args if not w.value.startswith("-")]
    for path in targets:
        language = languages.from_path(path)
        if language:
            walker.add_inline(Inline(command.stdin.text, language, command.line, "file", path))


def _kubectl(walker: Walker, command: Command, scope: Scope) -> None:
    values = [w.value for w in command.args]
    if "exec" in values:
        _remote_exec(walker, command, scope)
    elif "apply" in values and command.stdin is not None and command.stdin.text and command.stdin.source != "pipe":
        walker.add_inline(Inline(command.stdin.text, "yaml", command.line))


def _docker(walker: Walker, command: Command, scope: Scope) -> None:
    _remote_exec(walker, command, scope)


def _alias(walker: Walker, command: Command, scope: Scope) -> None:
    for word in command.args:
        name, equals, value = word.value.partition("=")
        if equals and name and not word.dynamic:
            scope.aliases[name] = value


def _read(walker: Walker, command: Command, scope: Scope) -> None:
    """`… | while read f; do rm -rf "$f"; done`: `read` sets its variables from the input."""
    names = [w.value for w in command.args if not w.value.startswith("-")]
    items = [w for w in _input_items(command.stdin, scope) if not w.dynamic] if command.stdin else []
    for position, name in enumerate(names):
        if position < len(items):
            scope.variables[name] = items[position].value
        else:
            scope.variables.pop(name, None)


def _cd(walker: Walker, command: Command, scope: Scope) -> None:
    operands = [w for w in command.args if not (w.value.startswith("-") and len(w.value) > 1)]
    if not operands:
        scope.cwd = "~"
    elif operands[0].dynamic or operands[0].value == "-":
        scope.cwd = None
    else:
        scope.cwd = join(scope.cwd, operands[0].value)


def _popd(walker: Walker, command: Command, scope: Scope) -> None:
    scope.cwd = None


def _powershell(walker: Walker, command: Command, scope: Scope) -> None:
    """`pwsh -Command '…'`, `powershell.exe -EncodedCommand …`, or a script on standard input: PowerShell code.

    The command itself is handed over (quoted for PowerShell), so the PowerShell judge follows
    `-Command` and `-EncodedCommand` the way it does inside PowerShell, and flags what it cannot decode."""
    walker.add_inline(Inline(invocation.as_powershell(command.argv), "powershell", command.line))
    if invocation.script_of(command.argv) is None and command.stdin is not None and command.stdin.text is not None:
        walker.add_inline(Inline(command.stdin.text, "powershell", command.line))


_HANDLERS: dict[str, Handler] = {
    "eval": _eval, "source": _source, ".": _source, "ssh": _ssh, "su": _su, "watch": _watch, "find": _find,
    "deno": _deno, "awk": _awk, "gawk": _awk, "mawk": _awk, "cat": _file_write, "tee": _file_write,
    "kubectl": _kubectl, "oc": _kubectl, "docker": _docker, "podman": _docker, "cd": _cd, "pushd": _cd,
    "popd": _popd, "alias": _alias, "read": _read, "wrangler": _wrangler,
    "pwsh": _powershell, "powershell": _powershell, "pwsh-preview": _powershell,
}
