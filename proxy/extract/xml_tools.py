"""Tool calls written as XML-like tags in assistant text (Cline, Roo Code, Kilo Code).

These agents ask the model to answer in text and to call tools with tags:

    <write_to_file>
    <path>src/app.py</path>
    <content>
    ...file...
    </content>
    </write_to_file>

    <execute_command>
    <command>npm run build</command>
    <requires_approval>false</requires_approval>
    </execute_command>

    <replace_in_file>
    <path>src/app.py</path>
    <diff>
    <<<<<<< SEARCH
    old
    =======
    new
    >>>>>>> REPLACE
    </diff>
    </replace_in_file>

The content is not XML-escaped, so this is not an XML parser: like Cline's own parser, an
element runs from its opening tag to its closing tag (or the end of the text, when the
model was cut off), and the `content`/`diff` parameters run to the *last* closing tag of
their name inside the element, so code that happens to contain `</content>` survives. The
parameters become an ordinary argument object for `proxy.extract.tools`, and every snippet
found gets the element's range, so a block note replaces the whole tool use.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from proxy.extract.tools import snippets_from_tool_call
from proxy.models import Snippet

# tool -> its parameters (those whose value is code or a path)
TOOLS: dict[str, tuple[str, ...]] = {
    "write_to_file": ("path", "content"),
    "replace_in_file": ("path", "diff"),
    "apply_diff": ("path", "diff"),
    "insert_content": ("path", "line", "content"),
    "search_and_replace": ("path", "search", "replace"),
    "execute_command": ("command", "cwd"),
    "attempt_completion": ("command",),
    "new_rule": ("path", "content"),
    "use_mcp_tool": ("server_name", "tool_name", "arguments"),
}
_GREEDY = frozenset({"content", "diff", "arguments"})
_OPENING = re.compile(r"<(" + "|".join(TOOLS) + r")>")


@dataclass(frozen=True)
class XmlToolUse:
    name: str
    params: dict[str, str]
    start: int
    end: int
    closed: bool


def find_tool_uses(text: str) -> list[XmlToolUse]:
    uses: list[XmlToolUse] = []
    position = 0
    while (opening := _OPENING.search(text, position)) is not None:
        name = opening.group(1)
        closing = text.find(f"</{name}>", opening.end())
        body_end = len(text)
        if closing >= 0:  # the last closing tag before the next tool use: code may contain the tag itself
            following = _OPENING.search(text, closing)
            body_end = text.rfind(f"</{name}>", opening.end(), following.start() if following else len(text))
        closed = body_end < len(text)
        end = body_end + len(f"</{name}>") if closed else len(text)
        if closed and text[end:end + 1] == "\n":
            end += 1
        body = text[opening.end():body_end]
        uses.append(XmlToolUse(name, _params(name, body), opening.start(), end, closed))
        position = end
    return uses


def _params(tool: str, body: str) -> dict[str, str]:
    params: dict[str, str] = {}
    for param in TOOLS[tool]:
        start_tag, end_tag = f"<{param}>", f"</{param}>"
        start = body.find(start_tag)
        if start < 0:
            continue
        value_start = start + len(start_tag)
        end = body.rfind(end_tag) if param in _GREEDY else body.find(end_tag, value_start)
        value = body[value_start:end if end >= value_start else len(body)]
        params[param] = _trim(value) if param in _GREEDY else value.strip()
    return params


def _trim(value: str) -> str:
    """Cline drops one line break after the opening tag and before the closing one."""
    value = value[1:] if value.startswith("\n") else value
    return value[:-1] if value.endswith("\n") and not value.endswith("\n\n") else value


def snippets_from_xml_tools(text: str) -> list[Snippet]:
    """The code of every tagged tool use in `text`, each snippet spanning its whole element."""
    found: list[Snippet] = []
    for use in find_tool_uses(text):
        for snippet in _snippets(use):
            found.append(replace(snippet, index=len(found), start=use.start, end=use.end))
    return found


def _snippets(use: XmlToolUse) -> list[Snippet]:
    params = use.params
    if use.name == "use_mcp_tool":
        return snippets_from_tool_call(params.get("tool_name"), params.get("arguments", ""))
    if use.name == "insert_content":  # inserted lines are a fragment: all new, not a whole file
        return snippets_from_tool_call(use.name, {"path": params.get("path", ""),
                                                  "new_string": params.get("content", "")})
    if use.name in ("replace_in_file", "apply_diff"):
        return snippets_from_tool_call("apply_patch", {"path": params.get("path", ""),
                                                       "patch": params.get("diff", "")})
    return snippets_from_tool_call(use.name, dict(params))
