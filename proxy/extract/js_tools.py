"""Tool calls made from JavaScript: Codex "code mode".

In code mode the model does not emit one tool call per action; it emits a JavaScript
program as the input of a custom tool named `exec`, and that program calls the real tools:

    const dir = "build";
    await tools.exec_command({cmd: `rm -rf ${dir}`});
    await tools.apply_patch({input: "*** Begin Patch\\n*** Add File: a.sql\\n+DROP TABLE x;\\n*** End Patch"});

So the commands and file contents are JavaScript values. tree-sitter-javascript finds every
call `tools.NAME(…)` / `tools["NAME"](…)` (awaited or not, anywhere in the program) whose
first argument is an object literal, and turns the literal into plain Python values:
strings (escapes decoded), template literals (substitutions resolved when they name a
`const`/`let` bound to a literal, else kept as `${…}`), `+` concatenations, numbers,
booleans, null, arrays and nested objects. Values it cannot know (a call result, a
variable bound at run time) become their source text, which is still worth scanning.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from typing import Any

import tree_sitter

from proxy import parse

_TOOL_OBJECTS = frozenset({"tools", "codex", "functions"})


@dataclass(frozen=True)
class JsToolCall:
    name: str
    arguments: Any  # a dict for object literals; a string or list for other first arguments
    line: int  # 1-based line of the call in the program


def tool_calls(program: str) -> list[JsToolCall]:
    """Every `tools.NAME(arg)` call in `program`, with `arg` as a Python value."""
    try:
        root = parse.syntax_tree(program, "javascript")
    except (ValueError, UnicodeEncodeError):
        return []
    constants = _constants(root)
    calls: list[JsToolCall] = []
    for node in parse.walk(root):
        if node.type != "call_expression":
            continue
        name = _tool_name(node.child_by_field_name("function"))
        arguments = node.child_by_field_name("arguments")
        if name is None or arguments is None:
            continue
        values = [child for child in arguments.named_children if child.type != "comment"]
        value = _value(values[0], constants) if values else {}
        calls.append(JsToolCall(name, value, node.start_point[0] + 1))
    return calls


def _tool_name(function: tree_sitter.Node | None) -> str | None:
    if function is None:
        return None
    if function.type == "member_expression":
        obj, prop = function.child_by_field_name("object"), function.child_by_field_name("property")
        if obj is not None and prop is not None and _text(obj) in _TOOL_OBJECTS:
            return _text(prop)
    if function.type == "subscript_expression":
        obj, index = function.child_by_field_name("object"), function.child_by_field_name("index")
        if obj is not None and index is not None and _text(obj) in _TOOL_OBJECTS and index.type == "string":
            return _string(index)
    return None


def _constants(root: tree_sitter.Node) -> dict[str, Any]:
    """Names bound once to a literal (`const dir = "build"`), for resolving template substitutions."""
    found: dict[str, Any] = {}
    for node in parse.walk(root):
        if node.type == "variable_declarator":
            name, value = node.child_by_field_name("name"), node.child_by_field_name("value")
            if name is not None and value is not None and name.type == "identifier":
                resolved = _value(value, found)
                if isinstance(resolved, str | int | float | bool | dict | list):
                    found[_text(name)] = resolved
    return found


def _value(node: tree_sitter.Node, constants: dict[str, Any]) -> Any:
    kind = node.type
    if kind == "string":
        return _string(node)
    if kind == "template_string":
        return _template(node, constants)
    if kind == "number":
        text = _text(node)
        try:
            return float(text) if re.search(r"[.eE]", text) and not text.startswith("0x") else int(text, 0)
        except ValueError:
            return text
    if kind in ("true", "false"):
        return kind == "true"
    if kind in ("null", "undefined"):
        return None
    if kind == "array":
        return [_value(child, constants) for child in node.named_children if child.type != "comment"]
    if kind == "object":
        return _object(node, constants)
    if kind == "identifier":
        return constants.get(_text(node), _text(node))
    if kind == "parenthesized_expression" and node.named_children:
        return _value(node.named_children[0], constants)
    if kind == "binary_expression" and _operator(node) == "+":
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        if left is not None and right is not None:
            lv, rv = _value(left, constants), _value(right, constants)
            if isinstance(lv, str) or isinstance(rv, str):
                return f"{lv}{rv}"
    if kind == "call_expression":  # ["a", "b"].join("\n") is a common way to build a script
        joined = _joined_array(node, constants)
        if joined is not None:
            return joined
    return _text(node)


def _object(node: tree_sitter.Node, constants: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for child in node.named_children:
        if child.type == "pair":
            key, value = child.child_by_field_name("key"), child.child_by_field_name("value")
            if key is None or value is None:
                continue
            name = _string(key) if key.type == "string" else _text(key)
            result[name] = _value(value, constants)
        elif child.type == "shorthand_property_identifier":
            result[_text(child)] = constants.get(_text(child), _text(child))
    return result


def _joined_array(node: tree_sitter.Node, constants: dict[str, Any]) -> str | None:
    function = node.child_by_field_name("function")
    arguments = node.child_by_field_name("arguments")
    if function is None or function.type != "member_expression" or arguments is None:
        return None
    obj, prop = function.child_by_field_name("object"), function.child_by_field_name("property")
    if obj is None or prop is None or _text(prop) != "join" or obj.type != "array":
        return None
    items = _value(obj, constants)
    separator_nodes = arguments.named_children
    separator = _value(separator_nodes[0], constants) if separator_nodes else ","
    return str(separator).join(str(item) for item in items)


def _operator(node: tree_sitter.Node) -> str:
    operator = node.child_by_field_name("operator")
    return _text(operator) if operator is not None else ""


def _string(node: tree_sitter.Node) -> str:
    return _template(node, {})  # a string literal is a template without substitutions


def _template(node: tree_sitter.Node, constants: dict[str, Any]) -> str:
    parts: list[str] = []
    for child in node.children:
        if child.type == "string_fragment":
            parts.append(_text(child))
        elif child.type == "escape_sequence":
            parts.append(_unescape(_text(child)))
        elif child.type == "template_substitution":
            parts.append(_substitution(child, constants))
    return "".join(parts)


def _substitution(node: tree_sitter.Node, constants: dict[str, Any]) -> str:
    """`${dir}` → the constant's value, `${"x"}` → x; anything computed at run time stays as written."""
    inner = node.named_children
    if len(inner) == 1:
        if inner[0].type == "identifier" and _text(inner[0]) in constants:
            return str(constants[_text(inner[0])])
        if inner[0].type in ("string", "number", "template_string"):
            return str(_value(inner[0], constants))
    return _text(node)


_SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}


def _unescape(sequence: str) -> str:
    body = sequence[1:]
    if body in _SIMPLE_ESCAPES:
        return _SIMPLE_ESCAPES[body]
    if body[:1] in ("u", "x"):
        try:
            return codecs.decode(sequence.replace("\\u{", "\\U000").rstrip("}"), "unicode_escape")
        except (UnicodeDecodeError, ValueError):
            return sequence
    if body.startswith(("\n", "\r\n")):
        return ""  # a line continuation
    return body


def _text(node: tree_sitter.Node) -> str:
    return (node.text or b"").decode("utf-8", "replace")


