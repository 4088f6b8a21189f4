"""Paths as the shell sees them, and the class of what a command targets.

A target's class is what rules care about: deleting `/`, the home directory, a system
directory or everything in the project is a different act from deleting `build/`.
"""

from __future__ import annotations

import posixpath
import re
from enum import StrEnum


class Target(StrEnum):
    ROOT = "root"  # `/`, `/*`, `"/"*`
    HOME = "home"  # `~`, `$HOME`, `/home/me`, `/root`, or everything in it
    SYSTEM = "system"  # `/usr`, `/etc`, `/var/lib`, … or everything in one
    DEVICE = "device"  # a disk: `/dev/sda`, `/dev/nvme0n1`
    PARENT = "parent"  # the directory above the project: `..`, `../*`, `../..`
    PROJECT_WHOLE = "project-whole"  # the whole working directory: `.`, `*`, `./*`, `.*`
    ABSOLUTE = "absolute"  # outside the project: `/srv/app`, `~/work/x`
    TEMP = "temp"  # `/tmp/x`, `$TMPDIR/x`, a `mktemp` result, a cache that is rebuilt (`~/.cache/pip`)
    PROJECT = "project"  # relative: `build`, `./dist/*`, a sibling checkout `../repo-worktrees/x`
    UNKNOWN = "unknown"  # an expansion we could not resolve


DANGEROUS = frozenset({Target.ROOT, Target.HOME, Target.SYSTEM, Target.DEVICE})

SYSTEM_DIRS = frozenset({
    "/bin", "/boot", "/dev", "/etc", "/lib", "/lib32", "/lib64", "/libx32", "/opt", "/proc", "/sbin", "/srv",
    "/sys", "/usr", "/var", "/home", "/snap", "/run", "/mnt", "/media", "/Users", "/System", "/Library",
    "/Applications", "/private", "/Volumes", "/nix", "/usr/bin", "/usr/sbin", "/usr/lib", "/usr/lib64",
    "/usr/local", "/usr/share", "/usr/include", "/usr/local/bin", "/usr/local/lib", "/usr/local/sbin", "/var/lib",
    "/var/log", "/var/www", "/var/spool", "/var/mail", "/var/backups", "/etc/ssl", "/etc/ssh", "/etc/systemd",
    "/private/etc", "/private/var", "/System/Library", "/boot/efi", "/var/lib/docker", "/var/lib/postgresql",
    "/var/lib/mysql",
})
_TEMP_PREFIXES = ("/tmp/", "/var/tmp/", "/dev/shm/", "/private/tmp/", "/private/var/folders/", "/var/folders/")
_HOME_DIR = re.compile(r"^(?:/home/[^/]+|/Users/[^/]+|/root|~[A-Za-z0-9_.-]*)$")
_DEVICE = re.compile(r"^/dev/(?:sd[a-z]|hd[a-z]|vd[a-z]|xvd[a-z]|nvme\d|mmcblk\d|disk\d|rdisk\d|md\d|dm-\d|mapper/|"
                     r"root\b|loop\d)")
_WHOLE_GLOB = re.compile(r"^(?:\*|\.\*|\*\.\*|\.\[!.\]\*|\.\?\*|\{\*,\.\*\}|\{\.\*,\*\}|\*\*|\.\[\^.\]\*)$")


def join(cwd: str | None, path: str) -> str:
    """`path` as seen from `cwd` (None: the project directory), normalised; `~` stays symbolic."""
    if path.startswith(("/", "~")):
        full = path
    elif cwd:
        full = posixpath.join(cwd, path)
    else:
        full = path
    return normalize(full)


def normalize(path: str) -> str:
    if not path:
        return path
    if path.startswith("~"):
        head, _, rest = path.partition("/")
        if not rest:
            return head
        tail = posixpath.normpath("/" + rest)
        if tail.startswith("//"):
            tail = tail[1:]
        return head if tail == "/" else head + tail  # `~/..` is kept below home, conservatively
    normalized = posixpath.normpath(path)
    return "/" if normalized.startswith("//") and normalized.strip("/") == "" else normalized


def classify(path: str, cwd: str | None = None) -> Target:
    """The class of a path a command acts on, in the directory `cwd`.

    An unresolved expansion inside the path (`/tmp/$X`) stands for some name there; a path
    that starts with one (`$X/y`, `<(…)`) is unknown.
    """
    if not path or path.startswith(("$", "<(", ">(", "`")):
        return Target.UNKNOWN
    if "$" in path or "`" in path:
        path = re.sub(r"\$\{[^}]*\}|\$\([^)]*\)|\$\w+|`[^`]*`|\$", "_var_", path)
    return _classify_known(path, cwd)


def _classify_known(path: str, cwd: str | None) -> Target:
    full = join(cwd, path.rstrip("/") or "/")
    whole = False
    while True:
        head, _, last = full.rpartition("/")
        if "/" in full and _WHOLE_GLOB.match(last):
            whole = True
            full = head or "/"
            continue
        if "/" not in full and _WHOLE_GLOB.match(full):
            whole = True
            full = cwd or "."
            if cwd:
                full = normalize(cwd)
        break
    return _class_of_dir(full, whole)


_CACHE_DIRS = frozenset({".cache", "_cacache", "caches", "Caches", ".npm", ".pnpm-store", ".yarn", "__pycache__",
                         ".pytest_cache", ".mypy_cache", ".ruff_cache", ".gradle", ".m2", "DerivedData", ".ccache",
                         ".sccache", ".next", ".nuxt", ".turbo", ".parcel-cache", "node_modules", ".bundle",
                         ".terraform", ".tox", ".nox", ".venv", "venv", ".cargo", ".rustup", "go-build", ".expo",
                         ".angular", ".eslintcache", ".cache-loader", "build-cache", "site-packages"})


def _is_cache(full: str) -> bool:
    """A path inside a cache or dependency directory: deleting it costs a rebuild, not data."""
    if full.startswith(("/var/cache/", "/var/lib/apt/lists")):
        return True
    parts = full.split("/")
    return len(parts) >= 2 and any(part in _CACHE_DIRS for part in parts[1:])


def _class_of_dir(full: str, whole: bool) -> Target:
    if full in ("/", "/.", ""):
        return Target.ROOT if full or whole else Target.UNKNOWN
    if full == "~" or _HOME_DIR.match(full):
        return Target.HOME
    if full.startswith(("/", "~")) and _is_cache(full):
        return Target.TEMP
    if full.startswith("/"):
        if _DEVICE.match(full):
            return Target.DEVICE
        if full in SYSTEM_DIRS:
            return Target.SYSTEM
        if (full + "/").startswith(_TEMP_PREFIXES) or full in ("/tmp", "/var/tmp"):
            return Target.TEMP
        return Target.ABSOLUTE
    if full.startswith("~"):
        return Target.ABSOLUTE
    if all(part == ".." for part in full.split("/")):
        return Target.PARENT
    if full == ".":
        return Target.PROJECT_WHOLE
    return Target.PROJECT



_BRACES = re.compile(r"\{([^{}]*,[^{}]*)\}")


def expand_braces(word: str, limit: int = 32) -> list[str]:
    """`/{bin,etc}` → `/bin`, `/etc` (bash brace expansion, a bounded number of results)."""
    found = [word]
    while any(_BRACES.search(item) for item in found) and len(found) < limit:
        expanded: list[str] = []
        for item in found:
            match = _BRACES.search(item)
            if match is None:
                expanded.append(item)
                continue
            expanded.extend(item[:match.start()] + part + item[match.end():] for part in match.group(1).split(","))
        found = expanded[:limit]
    return found
