"""Shell words → their values: quotes and escapes removed, known variables substituted.

Only what the shell itself would do before running the command is done here; anything we
cannot know (an unknown variable, most command substitutions) stays visible as written and
marks the word dynamic, and `Word.if_empty` says what the word becomes if it is empty.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import tree_sitter

from proxy.shell.model import Word

HOME = "~"
_EXPANSION = re.compile(r"^\$\{(?P<length>#?)(?P<name>[A-Za-z_][A-Za-z0-9_]*|[0-9@*#?$!-])(?P<rest>.*)\}$", re.DOTALL)
_ANSI_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "a": "\a", "b": "\b", "e": "\x1b", "E": "\x1b", "f": "\f",
                 "v": "\v", "\\": "\\", "'": "'", '"': '"', "?": "?"}
_ANSI_ESCAPE = re.compile(r"\\(x[0-9A-Fa-f]{1,2}|u[0-9A-Fa-f]{1,4}|U[0-9A-Fa-f]{1,8}|[0-7]{1,3}|c.|.)", re.DOTALL)


def text_of(node: tree_sitter.Node) -> str:
    return (node.text or b"").decode("utf-8", "replace")


def resolve(node: tree_sitter.Node, variables: Mapping[str, str], cwd: str | None) -> Word:
    """The value of one word node (an argument, a command name, an assignment value)."""
    kind = node.type
    if kind == "command_name":
        return resolve(node.children[0], variables, cwd) if node.children else Word.literal("")
    if kind == "word":
        return Word.literal(_unescape_word(text_of(node)))
    if kind == "raw_string":
        return Word.literal(_strip_quotes(text_of(node), "'"))
    if kind in ("string", "translated_string"):
        return _join([resolve_in_string(child, variables, cwd) for child in node.named_children])
    if kind == "ansi_c_string":
        return Word.literal(decode_ansi_c(text_of(node)))
    if kind == "concatenation":
        return _join([resolve(child, variables, cwd) for child in node.children])
    if kind in ("simple_expansion", "expansion"):
        return _expansion(text_of(node), variables, cwd)
    if kind == "command_substitution":
        return _substitution(node, variables, cwd)
    if kind == "string_content":
        return Word.literal(re.sub(r'\\([\\"$`\n])', r"\1", text_of(node)))
    if kind in ("number", "brace_expression"):
        return Word.literal(text_of(node))
    text = text_of(node)
    return Word(text, "", True)  # arithmetic, process substitution, anything else: unknown


def resolve_in_string(node: tree_sitter.Node, variables: Mapping[str, str], cwd: str | None) -> Word:
    if node.type == "string_content":
        return Word.literal(re.sub(r'\\([\\"$`])', r"\1", text_of(node)).replace("\\\n", ""))
    return resolve(node, variables, cwd)


def _join(parts: list[Word]) -> Word:
    return Word("".join(p.value for p in parts), "".join(p.if_empty for p in parts), any(p.dynamic for p in parts))


def _unescape_word(text: str) -> str:
    text = text.replace("\\\n", "")
    return re.sub(r"\\(.)", r"\1", text, flags=re.DOTALL)


def _strip_quotes(text: str, quote: str) -> str:
    inner = text[1:] if text.startswith(quote) else text
    return inner[:-1] if inner.endswith(quote) else inner


def decode_ansi_c(text: str) -> str:
    """`$'\\x72\\x6d'` → `rm`: bash's ANSI-C quoting."""
    inner = text[2:-1] if text.startswith("$'") and text.endswith("'") and len(text) >= 3 else text

    def replace(match: re.Match[str]) -> str:
        escape = match.group(1)
        try:
            if escape[0] == "x":
                return chr(int(escape[1:], 16))
            if escape[0] in "uU":
                return chr(int(escape[1:], 16))
            if escape[0] in "01234567":
                return chr(int(escape, 8) & 0xFF)
        except (ValueError, OverflowError):
            return match.group(0)
        if escape[0] == "c" and len(escape) == 2:
            return chr(ord(escape[1]) & 0x1F)
        return _ANSI_ESCAPES.get(escape, match.group(0))

    return _ANSI_ESCAPE.sub(replace, inner)


def _known(name: str, variables: Mapping[str, str], cwd: str | None) -> str | None:
    if name in variables:
        return variables[name]
    if name == "HOME":
        return HOME
    if name == "PWD":
        return cwd or "."
    if name in ("TMPDIR", "TMP", "TEMP"):
        return "/tmp"
    return None


def _expansion(text: str, variables: Mapping[str, str], cwd: str | None) -> Word:
    if text.startswith("$") and not text.startswith("${"):
        name = text[1:]
        known = _known(name, variables, cwd)
        return Word.literal(known) if known is not None else Word(text, "", True)
    match = _EXPANSION.match(text)
    if match is None or match.group("length"):
        return Word(text, "", True)
    name, rest = match.group("name"), match.group("rest")
    known = _known(name, variables, cwd)
    if not rest:
        return Word.literal(known) if known is not None else Word(text, "", True)
    if rest.startswith((":?", "?")):  # ${X:?msg}: the shell stops when X is empty, so it never is
        return Word(known if known is not None else text, known if known is not None else f"<{name}>", True)
    if rest.startswith((":-", "-", ":=", "=")):
        default = rest[2:] if rest.startswith(":") else rest[1:]
        value = known if known else default
        return Word(value, known or default, known is None)
    return Word(text, "", True)


def _substitution(node: tree_sitter.Node, variables: Mapping[str, str], cwd: str | None) -> Word:
    """`$(echo /)`, `$(pwd)`, `$(mktemp -d)`: the few substitutions whose output we can know."""
    text = text_of(node)
    commands = [c for c in node.named_children if c.type == "command"]
    if len(node.named_children) != 1 or not commands:
        return Word(text, "", True)
    words = [resolve(child, variables, cwd) for child in commands[0].named_children
             if child.type != "variable_assignment"]
    if not words or any(w.dynamic for w in words):
        return Word(text, "", True)
    name = words[0].value.rsplit("/", 1)[-1]
    args = [w.value for w in words[1:]]
    if name == "echo":
        return Word.literal(" ".join(a for a in args if not re.fullmatch(r"-[neE]+", a)))
    if name == "printf" and args:
        text = decode_ansi_c(args[0])
        for value in args[1:]:
            text = re.sub(r"%[sbd]", value.replace("\\", "\\\\"), text, count=1)
        return Word.literal(text)
    if name in ("which", "command", "type") and args:  # `$(which rm)`, `$(command -v rm)`: the program itself
        names = [a for a in args if not a.startswith("-")]
        return Word.literal(names[0]) if names else Word(text, "", True)
    if name == "pwd":
        return Word.literal(cwd or ".")
    if name == "mktemp":
        return Word.literal("/tmp/mktemp.XXXXXX")
    return Word(text, "", True)
