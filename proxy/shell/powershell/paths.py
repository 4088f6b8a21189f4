"""Windows paths (and PowerShell's variables for them) in the classes of `proxy.shell.paths.Target`.

`C:\\`, `D:`, `\\`, `$env:SystemDrive\\` are a drive root; `C:\\Windows`, `$env:ProgramFiles`,
`HKLM:\\SOFTWARE` are the system; `~`, `$HOME`, `$env:USERPROFILE`, `C:\\Users\\me` a profile.
Paths without a drive (PowerShell on Linux and macOS) are classified as the shell rules do.
"""

from __future__ import annotations

import re

from proxy.shell.paths import Target, classify

# PowerShell variables and environment variables -> a path of known class (`~` = the profile).
KNOWN_VARIABLES: dict[str, str] = {
    "home": "~", "env:userprofile": "~", "env:home": "~", "env:homepath": "~", "env:homedrive": "c:",
    "env:systemdrive": "c:", "env:systemroot": "c:/windows", "env:windir": "c:/windows",
    "env:programfiles": "c:/program files", "env:programfiles(x86)": "c:/program files (x86)",
    "env:programw6432": "c:/program files", "env:commonprogramfiles": "c:/program files/common files",
    "env:programdata": "c:/programdata", "env:allusersprofile": "c:/programdata", "env:public": "c:/users/public",
    "env:appdata": "~/appdata/roaming", "env:localappdata": "~/appdata/local",
    "env:temp": "~/appdata/local/temp", "env:tmp": "~/appdata/local/temp", "pshome": "c:/windows/system32/psh",
    "pwd": ".", "psscriptroot": ".", "null": "",
}
_PROFILE_DIRS = frozenset({"appdata", "appdata/roaming", "appdata/local", "documents", "desktop", "downloads",
                           "pictures", "onedrive", "source", "source/repos", ".ssh"})
_SYSTEM_TOP = frozenset({"windows", "program files", "program files (x86)", "programdata", "users", "boot",
                         "recovery", "system volume information", "$recycle.bin", "perflogs", "inetpub"})
_TEMP_PARTS = ("appdata/local/temp", "windows/temp")
_CACHE_PARTS = frozenset({"node_modules", "__pycache__", ".cache", "bin", "obj", ".vs", "packages", "dist", "build",
                          "nuget/packages", ".gradle", ".m2", "target"})
_DRIVE = re.compile(r"^(?P<drive>[a-z]):(?P<rest>.*)$", re.IGNORECASE)
_PROVIDER = re.compile(r"^(?:microsoft\.powershell\.core\\)?filesystem::", re.IGNORECASE)
_REGISTRY = re.compile(r"^(?:hklm|hkcu|hkcr|hku|hkcc|registry::hkey_[a-z_]+)(?::)?[\\/]?(?P<rest>.*)$", re.IGNORECASE)
_WHOLE = frozenset({"*", "*.*", ".*"})


def classify_windows(path: str) -> Target:
    """The class of a path a PowerShell command acts on (after variable expansion)."""
    if not path or path.startswith(("$", "@", "(")):
        return Target.UNKNOWN
    path = _PROVIDER.sub("", path.strip())
    registry = _REGISTRY.match(path)
    if registry is not None:
        parts = [p for p in re.split(r"[\\/]+", registry.group("rest")) if p and p not in _WHOLE]
        return Target.SYSTEM if len(parts) <= 1 else Target.ABSOLUTE
    slashed = path.replace("\\", "/")
    if slashed.startswith("//"):  # a UNC share: the whole share, or a path on it
        parts = [p for p in slashed.split("/") if p and p not in _WHOLE]
        return Target.ROOT if len(parts) <= 2 else Target.ABSOLUTE
    drive = _DRIVE.match(slashed)
    if drive is not None:
        return _on_drive(drive.group("rest"))
    if slashed.startswith("~"):
        return _in_profile(slashed[1:])
    if slashed.startswith("/") and (not slashed.strip("/*") or (_parts(slashed)[:1] and
                                    _parts(slashed)[0] in _SYSTEM_TOP)):
        return _on_drive(slashed)  # `\\`, `\\Windows`: on the current drive
    return classify(slashed)


def _parts(rest: str) -> list[str]:
    parts: list[str] = []
    for part in rest.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if parts:
                parts.pop()
            continue
        parts.append(part.lower())
    while parts and parts[-1] in _WHOLE:
        parts.pop()
    return parts


def _on_drive(rest: str) -> Target:
    parts = _parts(rest)
    if not parts:
        return Target.ROOT
    joined = "/".join(parts)
    if joined.startswith(_TEMP_PARTS) and len(parts) > 2:
        return Target.TEMP
    if parts[0] == "users" and len(parts) >= 2:
        return _in_profile("/" + "/".join(parts[2:]))
    if parts[0] == "windows" or (parts[0] in _SYSTEM_TOP and len(parts) == 1):
        return Target.SYSTEM
    if any(part in _CACHE_PARTS for part in parts[1:]):
        return Target.TEMP
    return Target.ABSOLUTE


def _in_profile(rest: str) -> Target:
    """A path under a user's profile (`rest` after `~` or `C:\\Users\\name`)."""
    parts = _parts(rest)
    joined = "/".join(parts)
    if not parts or joined in _PROFILE_DIRS:
        return Target.HOME
    if joined.startswith("appdata/local/temp") or any(part in _CACHE_PARTS or part.endswith("cache")
                                                      for part in parts):
        return Target.TEMP
    return Target.ABSOLUTE
