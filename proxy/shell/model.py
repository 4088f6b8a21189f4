"""The command model: what a shell script runs, after quoting, wrappers and nesting are resolved.

Rules read these dataclasses, never the script text, so `"rm" -rf /`, `\\rm -rf /`,
`sudo /bin/rm -r --force /` and `bash -c 'rm -rf /'` are the same `Command` to them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

FORK_BOMB = "fork bomb"  # the `via` of a call of a function that pipes into itself in the background


@dataclass(frozen=True)
class Word:
    """One argument after quote removal.

    `value` is the best known value: literal text, known variables substituted, unknown
    expansions kept as written (`$DIR`). `if_empty` is the same word when every unknown,
    unguarded expansion is empty, which is what `rm -rf "$DIR/"*` becomes when DIR is unset.
    """

    value: str
    if_empty: str
    dynamic: bool = False

    @classmethod
    def literal(cls, text: str) -> Word:
        return cls(text, text, False)


@dataclass(frozen=True)
class Stdin:
    """What a command reads on standard input: a heredoc, a here-string, or another command's output.

    `text` is known when the source is literal (a heredoc, `echo '…' |`, `base64 -d <<< …`);
    `producer` is the argv of the command piped in, `decoded` says the text went through a
    decoder (base64, xxd -r) on the way, i.e. someone hid it; `downloaded` that it came from
    the network.
    """

    source: str  # "heredoc" | "herestring" | "pipe"
    text: str | None
    producer: tuple[str, ...] = ()
    decoded: bool = False
    downloaded: bool = False  # the text came from the network (`curl … |`)


@dataclass(frozen=True)
class Command:
    """One simple command that runs, with its wrappers peeled and its name normalised."""

    words: tuple[Word, ...]
    line: int
    cwd: str | None = None  # the working directory when known (`cd /` before it); None = the project
    via: tuple[str, ...] = ()  # wrappers peeled on the way: ("sudo", "bash -c", "find -exec")
    stdin: Stdin | None = None
    writes: tuple[str, ...] = ()  # files it truncates and writes (`>`, `&>`, not `>>`)
    runs_download: bool = False  # it runs a file fetched earlier in the script (`curl -o x.sh …; sh x.sh`)
    env: tuple[str, ...] = ()  # `NAME=value` assignments in front of it (`GIT_SSL_NO_VERIFY=1 git clone …`)

    @property
    def argv(self) -> tuple[str, ...]:
        return tuple(word.value for word in self.words)

    @property
    def name(self) -> str:
        return self.words[0].value if self.words else ""

    @property
    def args(self) -> tuple[Word, ...]:
        return self.words[1:]


@dataclass(frozen=True)
class Inline:
    """Code a command carries in another language (`python -c`, `psql <<EOF`, `cat > x.tf <<EOF`).

    `role` is "command" for code that runs now and "file" for content written to `path`.
    """

    code: str
    language: str
    line: int
    role: str = "command"
    path: str | None = None


@dataclass(frozen=True)
class Analysis:
    commands: tuple[Command, ...] = ()
    inline: tuple[Inline, ...] = ()
    unparsed_line: int | None = None  # first line tree-sitter-bash could not parse
    notes: tuple[str, ...] = field(default=())
