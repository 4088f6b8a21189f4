"""What PowerShell does with a command name and its parameters: aliases, and parameter binding.

PowerShell is case-insensitive, resolves aliases (`rm`, `ri`, `del`, `rd`, `rmdir`, `erase` are
all Remove-Item) and accepts any unambiguous prefix of a parameter name (`-r`, `-rec`,
`-Recurse`) or one of its aliases (`-LP` for `-LiteralPath`). Binding here follows that,
leaning to the dangerous reading: an unknown or ambiguous parameter is taken as a switch,
so it never swallows the path that follows it.
"""

from __future__ import annotations

from dataclasses import dataclass

ALIASES: dict[str, str] = {
    "rm": "remove-item", "ri": "remove-item", "del": "remove-item", "rd": "remove-item", "rmdir": "remove-item",
    "erase": "remove-item",
    "gci": "get-childitem", "ls": "get-childitem", "dir": "get-childitem",
    "iex": "invoke-expression", "iwr": "invoke-webrequest", "curl": "invoke-webrequest", "wget": "invoke-webrequest",
    "irm": "invoke-restmethod", "icm": "invoke-command", "%": "foreach-object", "foreach": "foreach-object",
    "?": "where-object", "where": "where-object", "echo": "write-output", "write": "write-output",
    "sajb": "start-job", "start": "start-process", "saps": "start-process", "cd": "set-location",
    "sl": "set-location", "chdir": "set-location", "pushd": "push-location", "clc": "clear-content",
    "sc": "set-content", "ac": "add-content", "cat": "get-content", "gc": "get-content", "type": "get-content",
}
# Aliases that on Linux and macOS PowerShell are not defined: the native program runs instead.
NATIVE_TOO = frozenset({"rm", "rmdir", "ls", "cat", "curl", "wget", "echo", "dir", "type"})

COMMON_VALUES = frozenset({"erroraction", "warningaction", "informationaction", "errorvariable", "warningvariable",
                           "informationvariable", "outvariable", "outbuffer", "pipelinevariable", "progressaction"})
COMMON_SWITCHES = frozenset({"verbose", "debug", "whatif", "confirm"})
COMMON_ALIASES = {"ea": "erroraction", "wa": "warningaction", "infa": "informationaction", "ev": "errorvariable",
                  "wv": "warningvariable", "iv": "informationvariable", "ov": "outvariable", "ob": "outbuffer",
                  "pv": "pipelinevariable", "vb": "verbose", "db": "debug", "wi": "whatif", "cf": "confirm",
                  "proga": "progressaction"}


@dataclass(frozen=True)
class Spec:
    """A cmdlet's parameters: those taking a value, switches, aliases, and positional order."""

    values: frozenset[str] = frozenset()
    switches: frozenset[str] = frozenset()
    aliases: tuple[tuple[str, str], ...] = ()
    positional: tuple[str, ...] = ()

    def names(self) -> frozenset[str]:
        return self.values | self.switches | COMMON_VALUES | COMMON_SWITCHES


_PATH_VALUES = frozenset({"path", "literalpath", "filter", "include", "exclude", "credential"})
SPECS: dict[str, Spec] = {
    "remove-item": Spec(_PATH_VALUES | {"stream"}, frozenset({"recurse", "force"}),
                        (("lp", "literalpath"), ("pspath", "literalpath"), ("fullname", "literalpath")), ("path",)),
    "get-childitem": Spec(_PATH_VALUES | {"depth", "attributes"},
                          frozenset({"recurse", "force", "name", "file", "directory", "hidden", "readonly", "system",
                                     "followsymlink"}),
                          (("lp", "literalpath"), ("s", "recurse"), ("ad", "directory"), ("af", "file")),
                          ("path", "filter")),
    "invoke-expression": Spec(frozenset({"command"}), positional=("command",)),
    "format-volume": Spec(frozenset({"driveletter", "filesystem", "newfilesystemlabel", "partition", "path",
                                     "objectid", "filesystemlabel", "allocationunitsize", "inputobject",
                                     "uniqueid", "cimsession", "throttlelimit"}),
                          frozenset({"force", "full", "compress", "shortfilenamesupport", "asjob"}),
                          positional=("driveletter",)),
    "clear-disk": Spec(frozenset({"number", "uniqueid", "friendlyname", "path", "inputobject", "cimsession"}),
                       frozenset({"removedata", "removeoem", "zeroOutEntireDisk".lower(), "passthru", "asjob"}),
                       positional=("number",)),
    "invoke-sqlcmd": Spec(frozenset({"query", "serverinstance", "database", "inputfile", "username", "password",
                                     "connectionstring", "querytimeout", "hostname"}),
                          positional=("query",)),
    "start-process": Spec(frozenset({"filepath", "argumentlist", "workingdirectory", "verb", "credential",
                                     "redirectstandardoutput", "redirectstandarderror", "redirectstandardinput",
                                     "windowstyle", "environment"}),
                          frozenset({"wait", "passthru", "nonewwindow", "loaduserprofile", "usenewenvironment"}),
                          (("args", "argumentlist"), ("lup", "loaduserprofile"), ("nnw", "nonewwindow"),
                           ("rso", "redirectstandardoutput"), ("rse", "redirectstandarderror")),
                          ("filepath", "argumentlist")),
    "set-location": Spec(frozenset({"path", "literalpath", "stackname"}), frozenset({"passthru"}), (),
                         ("path",)),
}


def canonical(name: str) -> str:
    """`RM` → `remove-item`, `Remove-Item` → `remove-item`, `C:\\bin\\kubectl.exe` → `kubectl`."""
    bare = name.strip().strip("'\"").replace("\\", "/").rsplit("/", 1)[-1]
    lowered = bare.lower()
    if lowered.startswith("microsoft.powershell.") and "\\" in name:
        lowered = lowered.rsplit("\\", 1)[-1]
    if lowered.endswith(".exe"):
        lowered = lowered[:-4]
    return ALIASES.get(lowered, lowered)


def bind_name(spec: Spec | None, written: str) -> tuple[str, bool]:
    """(canonical parameter name, takes a value) for `-written`.

    Exact names and aliases win; otherwise a unique prefix of a known name. Unknown or
    ambiguous names are switches named as written (so they never consume the next argument).
    """
    name = written.lower()
    if spec is None:
        return COMMON_ALIASES.get(name, name), name in COMMON_VALUES
    aliases = dict(spec.aliases) | COMMON_ALIASES
    known = spec.names()
    if name in aliases:
        name = aliases[name]
    elif name not in known:
        matches = [candidate for candidate in known if candidate.startswith(name)]
        matches += [target for alias, target in aliases.items() if alias.startswith(name)]
        unique = set(matches)
        if len(unique) != 1:
            return name, False
        name = unique.pop()
    return name, name in spec.values or name in COMMON_VALUES
