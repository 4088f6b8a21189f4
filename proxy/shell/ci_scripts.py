"""Shell scripts inside CI configuration, so the shell command model judges them as it judges a ```bash block.

A CI job's `run:` (GitHub Actions, CircleCI) or `script:` (GitLab CI, Azure Pipelines) runs in a
shell with the pipeline's credentials: `kubectl delete namespace production` there is exactly as
destructive as at a prompt. Text rules over YAML cannot tell a command from a comment or follow
`cd /` into the next line; the command model can, once it gets the script itself.

Each script keeps the YAML line of each of its lines, so a finding is reported where the user sees
the command. YAML that does not load is read line by line instead (a broken indent must not hide a
script). `${{ … }}` expressions become a variable whose value the guard cannot know, which is what
they are when the shell runs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

import yaml

SCRIPT_KEYS = frozenset({"run", "script", "before_script", "after_script", "bash"})
# A step's `shell:` that is not a POSIX shell: its script is code in that language, or (PowerShell, cmd)
# in none the guard reads.
_STEP_LANGUAGES = {"python": "python", "node": "javascript", "pwsh": None, "powershell": None, "cmd": None}
_STEP_SHELL = re.compile(r"^\s*(\w+)")
_EXPRESSION = re.compile(r"\$\{\{.*?\}\}", re.DOTALL)
_UNKNOWN_VALUE = "${CI_EXPRESSION}"
_ANY_SCRIPT_KEY = re.compile(r"\b(?:run|script|before_script|after_script|bash)\b")
_KEY_LINE = re.compile(r"^(?P<indent>[ \t]*(?:-[ \t]+)?)(?P<key>[\w-]+)[ \t]*:(?:[ \t]+(?P<value>.*))?$")


@dataclass(frozen=True)
class CiScript:
    """A script's text and, for each of its lines, the 1-based line of the YAML it came from."""

    text: str
    yaml_lines: tuple[int, ...]
    language: str = "bash"

    def yaml_line(self, script_line: int) -> int:
        """The YAML line of a 1-based script line (the last line if a finding points past the end)."""
        return self.yaml_lines[min(max(script_line, 1), len(self.yaml_lines)) - 1]


def ci_scripts(yaml_text: str) -> list[CiScript]:
    """The shell scripts of `run:` / `script:` / `before_script:` / `after_script:` / `bash:` keys."""
    if not _ANY_SCRIPT_KEY.search(yaml_text):
        return []  # most YAML (manifests, configs) has none: no need to compose it
    try:
        documents = [d for d in yaml.compose_all(yaml_text, Loader=yaml.CSafeLoader) if d is not None]
        return _scripts_in(documents)
    except (yaml.YAMLError, RecursionError):
        return _scripts_by_lines(yaml_text.splitlines())


def _scripts_in(roots: list[yaml.Node]) -> list[CiScript]:
    """Walks the node graph once per node: an alias shares its anchor's node, so a tree of aliases
    (a "billion laughs" document) costs its size on disk, not its expanded size."""
    found: list[CiScript] = []
    pending = list(reversed(roots))
    seen: set[int] = set()
    while pending:
        node = pending.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.SequenceNode):
            pending.extend(reversed(node.value))
        elif isinstance(node, yaml.MappingNode):
            shell = next((v.value for k, v in node.value if _is_key(k, "shell") and isinstance(v, yaml.ScalarNode)),
                         "")
            later: list[yaml.Node] = []
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode) and key.value in SCRIPT_KEYS:
                    language = _step_language(str(shell))
                    if language is not None and id(value) not in seen:
                        seen.add(id(value))
                        found.extend(replace(script, language=language) for script in _script_values(value, later))
                else:
                    later.append(value)
            pending.extend(reversed(later))
    return found


def _step_language(shell: str) -> str | None:
    """The language of a step's script from its `shell:` (GitHub Actions); bash when unset or a POSIX shell."""
    match = _STEP_SHELL.match(shell)
    name = match.group(1).lower() if match else "bash"
    return _STEP_LANGUAGES.get(name, "bash")


def _is_key(node: yaml.Node, name: str) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.value == name


def _script_values(node: yaml.Node, pending: list[yaml.Node]) -> list[CiScript]:
    """A scalar script, a list of command lines (GitLab), or CircleCI's `run: {command: …}`; anything
    else under the key goes back to the walk."""
    if isinstance(node, yaml.ScalarNode):
        return [_from_scalar(node)]
    if isinstance(node, yaml.SequenceNode):
        parts = [_from_scalar(item) for item in node.value if isinstance(item, yaml.ScalarNode)]
        pending.extend(item for item in node.value if not isinstance(item, yaml.ScalarNode))
        if not parts:
            return []
        return [CiScript("\n".join(p.text for p in parts), tuple(line for p in parts for line in p.yaml_lines))]
    if isinstance(node, yaml.MappingNode):
        found: list[CiScript] = []
        for key, value in node.value:
            if _is_key(key, "command") and isinstance(value, yaml.ScalarNode | yaml.SequenceNode):
                found.extend(_script_values(value, pending))
            else:
                pending.append(value)
        return found
    return []


def _from_scalar(node: yaml.ScalarNode) -> CiScript:
    text = _EXPRESSION.sub(_UNKNOWN_VALUE, str(node.value))
    first = node.start_mark.line + (2 if node.style in ("|", ">") else 1)
    count = max(1, text.count("\n") + (0 if text.endswith("\n") else 1))
    return CiScript(text, tuple(range(first, first + count)))


def _scripts_by_lines(lines: list[str]) -> list[CiScript]:
    """YAML that did not load: each script key's inline value, or the more-indented block under it."""
    found: list[CiScript] = []
    for number, line in enumerate(lines):
        match = _KEY_LINE.match(line)
        if not match or match.group("key") not in SCRIPT_KEYS:
            continue
        value = (match.group("value") or "").strip()
        if value and value[0] not in "|>":
            found.append(CiScript(_EXPRESSION.sub(_UNKNOWN_VALUE, value.lstrip("- ")), (number + 1,)))
            continue
        indent = len(match.group("indent"))
        block: list[tuple[int, str]] = []
        for later in range(number + 1, len(lines)):
            text = lines[later]
            if text.strip() and len(text) - len(text.lstrip()) <= indent:
                break
            block.append((later + 1, re.sub(r"^\s*(?:-\s+)?", "", text)))
        if block:
            found.append(CiScript(_EXPRESSION.sub(_UNKNOWN_VALUE, "\n".join(t for _, t in block)),
                                  tuple(n for n, _ in block)))
    return found
