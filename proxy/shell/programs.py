"""What well-known programs do with their arguments and their standard input.

One table per question the analyser asks: does this program run a shell script, code in
another language, SQL, or another command given in its arguments? Everything not listed is
an ordinary command whose arguments and input are data.
"""

from __future__ import annotations

import re

SHELLS = frozenset({"bash", "sh", "zsh", "dash", "ksh", "ash", "fish", "mksh", "busybox-sh", "rbash"})

# program -> (language, options whose value is inline code). Programs read code from standard
# input when given no script file (`python - <<EOF`, `echo … | node`).
INTERPRETERS: dict[str, tuple[str, frozenset[str]]] = {
    "python": ("python", frozenset({"-c"})),
    "pypy": ("python", frozenset({"-c"})),
    "node": ("javascript", frozenset({"-e", "--eval", "-p", "--print"})),
    "nodejs": ("javascript", frozenset({"-e", "--eval", "-p", "--print"})),
    "bun": ("typescript", frozenset({"-e", "--eval", "-p", "--print"})),
    "ts-node": ("typescript", frozenset({"-e", "--eval", "-p", "--print"})),
    "tsx": ("typescript", frozenset({"-e", "--eval", "-p", "--print"})),
    "ruby": ("ruby", frozenset({"-e"})),
    "perl": ("perl", frozenset({"-e", "-E"})),
    "php": ("php", frozenset({"-r"})),
}
# SQL clients: program -> options whose value is SQL. They read SQL from standard input too.
SQL_CLIENTS: dict[str, frozenset[str]] = {
    "psql": frozenset({"-c", "--command"}),
    "mysql": frozenset({"-e", "--execute"}),
    "mariadb": frozenset({"-e", "--execute"}),
    "sqlite3": frozenset(),
    "duckdb": frozenset({"-c"}),
    "clickhouse-client": frozenset({"-q", "--query"}),
    "sqlcmd": frozenset({"-Q", "-q"}),
    "cockroach": frozenset({"-e", "--execute"}),
    "snowsql": frozenset({"-q", "--query"}),
    "cqlsh": frozenset({"-e", "--execute"}),
}
# Options of SQL clients that take a separate value (so the value is not mistaken for SQL or a database).
SQL_CLIENT_VALUE_OPTIONS = frozenset({
    "-h", "-p", "-U", "-d", "-u", "-P", "-S", "-f", "-o", "-v", "-D", "-W", "-F", "-R", "-T", "--host", "--port",
    "--username", "--dbname", "--user", "--database", "--file", "--output", "--set", "--variable", "-cmd",
    "--password", "-init", "-separator",
})
# Languages whose inline code we hand to the Semgrep pack (others are only searched for shell strings).
ENGINE_LANGUAGES = frozenset({"python", "javascript", "typescript", "ruby", "sql", "yaml"})

# Prefix commands that run the rest of their arguments as a command: name -> options taking a value.
PREFIXES: dict[str, frozenset[str]] = {
    "sudo": frozenset({"-u", "-g", "-C", "-D", "-h", "-p", "-r", "-t", "-U", "-T", "--user", "--group", "--chdir",
                       "--prompt", "--role", "--type", "--other-user", "--host", "--close-from", "--command-timeout"}),
    "doas": frozenset({"-u", "-C"}),
    "env": frozenset({"-u", "-C", "--unset", "--chdir", "-P", "--split-string"}),
    "nice": frozenset({"-n", "--adjustment"}),
    "ionice": frozenset({"-c", "-n", "-p", "--class", "--classdata"}),
    "nohup": frozenset(),
    "time": frozenset({"-f", "-o", "--format", "--output"}),
    "timeout": frozenset({"-s", "-k", "--signal", "--kill-after"}),
    "command": frozenset(),
    "builtin": frozenset(),
    "exec": frozenset({"-a"}),
    "stdbuf": frozenset({"-i", "-o", "-e", "--input", "--output", "--error"}),
    "unbuffer": frozenset(),
    "setsid": frozenset(),
    "strace": frozenset({"-e", "-o", "-p", "-s", "-u", "-E"}),
    "ltrace": frozenset({"-e", "-o", "-p", "-s", "-u"}),
    "chrt": frozenset(),
    "taskset": frozenset(),
    "flock": frozenset({"-w", "-E", "--timeout", "--conflict-exit-code"}),
    "caffeinate": frozenset({"-t", "-w"}),
    "torsocks": frozenset(),
    "proxychains": frozenset({"-f"}),
    "proxychains4": frozenset({"-f"}),
    "firejail": frozenset(),
    "unshare": frozenset(),
    "runuser": frozenset({"-u", "-g", "-G", "--user", "--group"}),
    "chronic": frozenset(),
    "faketime": frozenset(),
    "catchsegv": frozenset(),
    "busybox": frozenset(),
    "npx": frozenset({"-p", "--package", "-c", "--call"}),
    "pnpx": frozenset({"-p", "--package"}),
    "bunx": frozenset({"-p", "--package"}),
}
# Package runners whose next word says whether a tool follows (`pnpm exec x`, `yarn dlx x`, `bun x x`).
RUNNER_VERBS = {"pnpm": frozenset({"exec", "dlx"}), "yarn": frozenset({"exec", "dlx"}), "bun": frozenset({"x"}),
                "uv": frozenset({"run", "tool"}), "uvx": frozenset(), "pipx": frozenset({"run"}),
                "poetry": frozenset({"run"}), "pipenv": frozenset({"run"}), "bundle": frozenset({"exec"})}
# Prefixes whose first operand is consumed before the command: `timeout 5 cmd`, `chroot DIR cmd`.
PREFIX_OPERANDS = {"timeout": 1, "taskset": 1, "chrt": 1, "flock": 1, "chroot": 1, "faketime": 1}

# Commands that only read or print their arguments and input: what they are given is data.
DATA_COMMANDS = frozenset({
    "cat", "tee", "grep", "egrep", "fgrep", "rg", "ag", "sed", "awk", "gawk", "wc", "base64", "sha256sum",
    "sha1sum", "md5sum", "sha512sum", "cksum", "echo", "printf", "head", "tail", "less", "more", "sort", "uniq",
    "jq", "yq", "tr", "cut", "diff", "xxd", "od", "hexdump", "column", "fold", "nl", "gzip", "wl-copy", "pbcopy",
    "xclip", "logger", "wall", "write", "mail", "git-commit", "tac", "rev", "strings",
})

_VERSIONED = re.compile(r"^(?P<name>python|pypy|perl|ruby|php|node)[0-9.]*$")


def program_name(word: str) -> str:
    """`/usr/bin/python3.11` → `python`, `\\rm` → `rm`, `RM.EXE` stays `RM` (case is kept)."""
    name = word.rsplit("/", 1)[-1].removeprefix("\\")
    if name.lower().endswith(".exe"):
        name = name[:-4]
    if "@" in name[1:]:  # `wrangler@3`, `prisma@latest` (npx pins a version)
        name = name.split("@", 1)[0] or name
    match = _VERSIONED.match(name)
    return match.group("name") if match else name
