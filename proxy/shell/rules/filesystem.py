"""Filesystem destroyers: rm, find -delete, disks, recursive permission changes, rsync --delete."""

from __future__ import annotations

from proxy.models import Category, Severity
from proxy.shell.model import FORK_BOMB, Command
from proxy.shell.paths import DANGEROUS, Target, classify, expand_braces, join
from proxy.shell.rules.base import CommandRule, if_empty_classes, operand_classes, parse, previews
from proxy.shell.wrappers import find_roots

DESTRUCTIVE = Category.DESTRUCTIVE_OPERATION
_DELETERS = frozenset({"rm", "shred", "unlink", "srm", "wipe", "truncate", "rmdir"})


def _rm_recursive(command: Command) -> tuple[bool, list[str]]:
    """Whether a delete is recursive, and its targets (braces expanded). `rimraf` always recurses."""
    if command.name in ("rimraf", "del-cli"):
        return True, [p for operand in parse(command).operands for p in expand_braces(operand)]
    if command.name != "rm":
        return False, []
    opts = parse(command)
    # `find ROOT | xargs rm -f` removes every file find lists under ROOT: recursive in effect.
    recursive = opts.has("rR", "recursive", "no-preserve-root") or "find | xargs" in command.via
    return recursive, [path for operand in opts.operands for path in expand_braces(operand)]


def rm_root_or_home(command: Command) -> bool:
    recursive, operands = _rm_recursive(command)
    return recursive and bool(operand_classes(command, operands) & DANGEROUS)


def rm_unchecked_variable(command: Command) -> bool:
    recursive, _ = _rm_recursive(command)
    return recursive and bool(if_empty_classes(command) & {Target.ROOT, Target.SYSTEM, Target.HOME})


def rm_whole_directory(command: Command) -> bool:
    recursive, operands = _rm_recursive(command)
    if recursive and (operand_classes(command, operands) & {Target.PROJECT_WHOLE, Target.PARENT}
                      or any(_is_git_dir(op, command) for op in operands)):
        return True
    if command.name == "find":
        roots, filtered = find_roots(list(command.argv[1:]))
        wipes = "-delete" in command.argv or _find_runs_deleter(command)
        return wipes and not filtered and bool(operand_classes(command, roots) & {Target.PROJECT_WHOLE,
                                                                                  Target.PARENT})
    return False


def _is_git_dir(operand: str, command: Command) -> bool:
    """The repository's own history (`.git` of the project), not a throwaway clone's in /tmp."""
    return operand.rstrip("/").rsplit("/", 1)[-1] == ".git" and classify(operand, command.cwd) == Target.PROJECT


def rm_absolute_path(command: Command) -> bool:
    recursive, operands = _rm_recursive(command)
    if command.name == "shred":  # shred destroys files beyond recovery: outside the project, like rm -rf
        operands = list(parse(command, ("-n", "-s", "--iterations", "--size")).operands)
        return Target.ABSOLUTE in operand_classes(command, operands)
    return recursive and Target.ABSOLUTE in operand_classes(command, operands)


_CRITICAL_FILES = frozenset({"/etc/passwd", "/etc/shadow", "/etc/group", "/etc/gshadow", "/etc/sudoers",
                             "/etc/fstab", "/etc/hosts", "/etc/resolv.conf", "/etc/ssh/sshd_config",
                             "/etc/crypttab", "/etc/pam.conf", "/etc/nsswitch.conf", "/etc/environment"})
_SYSTEM_FILE_DIRS = ("/etc/", "/boot/", "/usr/bin/", "/usr/sbin/", "/usr/lib/", "/bin/", "/sbin/", "/lib/",
                     "/lib64/", "/var/lib/dpkg/", "/var/lib/rpm/")


def _system_file(path: str, command: Command) -> bool:
    full = join(command.cwd, path)
    return full in _CRITICAL_FILES or full.startswith(_SYSTEM_FILE_DIRS)


def truncates_system_file(command: Command) -> bool:
    """`truncate -s 0 /etc/passwd`, `> /etc/fstab`, `cat /dev/null > /etc/shadow`, `cp /dev/null /etc/x`."""
    if command.name == "truncate":
        return any(_system_file(op, command) for op in parse(command, ("-s", "--size", "-r", "--reference")).operands)
    if command.name in ("cp", "mv") and "/dev/null" in command.argv[1:]:
        return any(_system_file(op, command) for op in parse(command).operands[1:])
    empty_output = command.name in (":", "true") or (command.name in ("echo", "printf") and not [
        w for w in command.argv[1:] if not w.startswith("-") and w]) or command.argv[1:] == ("/dev/null",)
    return any(full in _CRITICAL_FILES or (empty_output and _system_file(full, command))
               for full in (join(command.cwd, w) for w in command.writes))


def xargs_rm(command: Command) -> bool:
    """`… | xargs rm -r` without -0: names split on blanks (find's own listing is split the same way)."""
    return command.name == "rm" and "xargs" in command.via and parse(command).has("rR", "recursive")


def _find_runs_deleter(command: Command) -> bool:
    argv = command.argv
    for position, word in enumerate(argv[:-1]):
        if word in ("-exec", "-execdir", "-ok", "-okdir"):
            inner = argv[position + 1].rsplit("/", 1)[-1]
            if inner in _DELETERS or (inner in ("sudo", "sh", "bash") and any(
                    d in " ".join(argv[position + 1:]) for d in ("rm ", "shred ", "unlink "))):
                return True
    return False


def find_delete_root(command: Command) -> bool:
    """Deleting with find over /, ~, a disk or a top-level system directory (any filter: `-name '*.log'`
    over / is still everywhere), or over a deeper system directory (`/var/log`) with no filter at all."""
    if command.name != "find":
        return False
    roots, filtered = find_roots(list(command.argv[1:]))
    if not ("-delete" in command.argv or _find_runs_deleter(command)):
        return False
    for root in roots:
        target = classify(root, command.cwd)
        top_level = join(command.cwd, root).rstrip("/").count("/") <= 1
        if target in (Target.ROOT, Target.HOME, Target.DEVICE) or (
                target == Target.SYSTEM and (top_level or not filtered)):
            return True
    return False


def disk_wipe(command: Command) -> bool:
    name, argv = command.name, command.argv
    if any(classify(path) == Target.DEVICE for path in command.writes):
        return True
    if name == "dd":
        return any(arg.startswith("of=") and classify(arg[3:]) in (Target.DEVICE,) for arg in argv[1:])
    if name.startswith("mkfs") or name in ("mke2fs", "mkswap", "blkdiscard", "newfs"):
        return any(arg.startswith("/dev/") for arg in argv[1:])
    if name == "wipefs":
        return parse(command).has("a", "all")
    if name == "shred":
        return bool(operand_classes(command, parse(command, ("-n", "-s", "--iterations", "--size")).operands)
                    & DANGEROUS)
    if name == "sgdisk":
        return parse(command).has("Zo", "zap-all", "clear")
    return False


_OPEN_MODES = frozenset({"777", "0777", "1777", "a+rwx", "ugo+rwx", "o+rwx", "o+w", "a+w", "go+w", "a=rwx",
                         "ugo=rwx", "666", "0666"})


def chmod_777_recursive(command: Command) -> bool:
    if command.name != "chmod":
        return False
    opts = parse(command, ("--reference",))
    return opts.has("R", "recursive") and bool(opts.operands) and opts.operands[0] in _OPEN_MODES


def chmod_chown_system(command: Command) -> bool:
    if command.name not in ("chmod", "chown", "chgrp"):
        return False
    opts = parse(command, ("--reference", "--from"))
    if not opts.has("R", "recursive") or len(opts.operands) < 2:
        return False
    return any(_os_tree(path, command) for path in opts.operands[1:])


_OS_TREES = frozenset({"/usr/bin", "/usr/lib", "/usr/lib64", "/usr/sbin", "/usr/local", "/usr/share", "/var/lib",
                       "/etc/ssh", "/etc/ssl", "/etc/sudoers.d", "/etc/systemd"})


def _os_tree(path: str, command: Command) -> bool:
    """/, the home directory, a top-level system directory or a tree the OS runs from: ownership or
    permissions changed there break sudo, ssh and services (a web root such as /var/www does not)."""
    target = classify(path, command.cwd)
    if target in (Target.ROOT, Target.HOME):
        return True
    full = join(command.cwd, path).rstrip("/*").rstrip("/") or "/"
    return target == Target.SYSTEM and (full.count("/") <= 1 or full in _OS_TREES)


def rsync_delete_root(command: Command) -> bool:
    if command.name != "rsync" or previews(command):
        return False
    opts = parse(command, ("-e", "--rsh", "--exclude", "--include", "--filter", "-f", "--files-from"))
    deletes = any(name.startswith("del") for name, _ in opts.long) or opts.has("", "remove-source-files")
    if not deletes or opts.has("n") or len(opts.operands) < 2:
        return False
    destination = opts.operands[-1].split(":", 1)[-1] if ":" in opts.operands[-1] else opts.operands[-1]
    return classify(destination, command.cwd) in {Target.ROOT, Target.HOME, Target.SYSTEM}


RULES = (
    CommandRule(
        "bash.fork-bomb", DESTRUCTIVE, Severity.CRITICAL,
        "This runs a function that pipes into itself in the background (a fork bomb): it fills the process "
        "table and takes the machine down until it is rebooted. Remove it.",
        lambda command: FORK_BOMB in command.via,
        (":(){ :|:& };:", "bomb() { bomb | bomb & }; bomb", ":(){ :|: & } ; :"),
        ("f() { g | h & }; f", "echo ':(){ :|:& };:' > trivia.txt", "retry() { cmd || retry; }; retry",
         ":(){ :|:& }"),
    ),
    CommandRule(
        "bash.rm-rf-root-or-home", DESTRUCTIVE, Severity.CRITICAL,
        "This recursive rm targets the filesystem root, a system directory, a disk or the whole home directory, "
        "which is unrecoverable. Delete the specific subdirectory you mean (e.g. rm -rf -- \"$HOME/.cache/myapp\").",
        rm_root_or_home,
        ("rm -rf /", "rm -r /*", 'rm -rf "/"*', "rm -r --force /*", "rm -fr ~", "rm -R -f $HOME",
         "sudo /bin/rm --recursive --force /usr", "\\rm -rf /etc/", 'cd / && rm -rf *', "rm -rf --no-preserve-root /",
         "rm -rf ~/", "rm -rf /home/ubuntu", "rm --recursive /var/lib", "rm -rf /.", "rm -rf //",
         "npx rimraf /"),
        ("rm -rf ./build", "rm -rf /tmp/build-cache", "rm -f /etc/nginx/sites-enabled/default", "echo rm -rf /",
         "rm -rf node_modules dist", "grep -r 'rm -rf /' .", "rm /tmp/x.log"),
        ("https://www.gnu.org/software/coreutils/manual/html_node/Treating-_002f-specially.html",),
    ),
    CommandRule(
        "bash.rm-rf-unchecked-variable", DESTRUCTIVE, Severity.CRITICAL,
        "rm -rf on \"$VAR/\", \"$VAR/\"*, or \"$VAR/usr\" with an unchecked variable: if the variable is empty or "
        "unset this becomes rm -rf / (or /*, /usr) and wipes the machine (the Steam and Bumblebee incidents). "
        "Guard it with \"${DIR:?}\" and quote it, e.g. rm -rf -- \"${BUILD_DIR:?}/\"*.",
        rm_unchecked_variable,
        ('rm -rf "$STEAMROOT/"*', "rm -rf $PREFIX/usr", 'rm -fr "${DIR}"/*', "rm -rf $HOME/$SUBDIR",
         'rm -rf "$1/"'),
        ('rm -rf "${BUILD_DIR:?}/"*', 'rm -rf "$BUILD_DIR"', 'rm -rf "$TMPDIR/x"', 'D=build; rm -rf "$D/"*'),
        ("https://www.shellcheck.net/wiki/SC2115", "https://github.com/valvesoftware/steam-for-linux/issues/3671"),
    ),
    CommandRule(
        "bash.rm-rf-whole-directory", DESTRUCTIVE, Severity.HIGH,
        "This deletes everything in the working directory, its parent, or the repository's .git history. "
        "Name the generated directories to delete (rm -rf build dist), or use git clean -n first to see what goes.",
        rm_whole_directory,
        ("rm -rf *", "rm -rf ./*", "rm -rf .", "rm -rf ..", "rm -rf .*", "cd .. && rm -rf *", "rm -rf .git",
         "find . -delete", "find . -mindepth 1 -exec rm -rf {} +", "rm -rf ./.git/"),
        ("rm -rf build/*", "rm -rf dist", "find . -name '*.pyc' -delete", "rm -rf ./node_modules",
         "cd /tmp/work && rm -rf *", "rm -f *.log", 'cd "$(mktemp -d)" && git clone https://x/r.git . && rm -rf .git',
         "rm -rf ../sibling-checkout"),
    ),
    CommandRule(
        "bash.rm-rf-absolute-path", DESTRUCTIVE, Severity.MEDIUM,
        "Recursive delete of a path outside the working tree (absolute, under ~, or a sibling directory): one wrong "
        "path or environment and data outside the project is gone. Delete a path relative to the project, or check "
        "the target first; an agent running this needs a human to confirm it.",
        rm_absolute_path,
        ("rm -rf /srv/app/data", "rm -rf ~/projects/old", "rm -r /opt/myapp", "shred -u ~/.ssh/id_ed25519",
         "cd /srv && rm -rf app"),
        ("rm -rf /tmp/x", "rm -rf build", "rm -f /srv/app/pid", "rm -rf $TMPDIR/cache", "rm -rf ~/.cache/pip",
         "rm -rf ../repo-worktrees/feature-x", "shred -u secret.txt", "rm -rf ~/.npm/_cacache"),
        ("https://www.gnu.org/software/coreutils/manual/html_node/rm-invocation.html",),
    ),
    CommandRule(
        "bash.xargs-rm", DESTRUCTIVE, Severity.MEDIUM,
        "`xargs rm -r` splits its input on spaces and newlines, so a path like `my dir` becomes two paths (`my` and "
        "`dir`) and deletes the wrong things. Use `find … -delete`, or `find … -print0 | xargs -0 rm -r`.",
        xargs_rm,
        ("git ls-files --others | xargs rm -rf", "ls | xargs rm -r", "cat list.txt | xargs -n1 rm -rf"),
        ("find . -name '*.tmp' -print0 | xargs -0 rm -rf", "ls | xargs rm -f", "ls | xargs echo rm -rf",
         "find . -name '*.pyc' | xargs rm -f"),
    ),
    CommandRule(
        "bash.find-delete-root", DESTRUCTIVE, Severity.CRITICAL,
        "`find` over the filesystem root, the home directory or a system tree with `-delete` or `-exec rm` deletes "
        "everything it matches there, and a wrong or missing filter deletes far more than meant. Start `find` in "
        "the project directory, list the matches first (`-print`), then delete.",
        find_delete_root,
        ("find / -delete", 'find "/" -delete', "find / -exec /bin/rm -f {} +", "find ~ -name '*.log' -delete",
         "find /usr -type f -exec rm {} \\;", "find -L / -execdir rm -rf {} +", "find $HOME -delete"),
        ("find . -name '*.pyc' -delete", "find / -name '*.conf' -print", "find /tmp -mtime +7 -delete",
         "find / -exec grep -l x {} +", "find /var/log -name '*.gz' -mtime +7 -delete"),
    ),
    CommandRule(
        "bash.disk-wipe", DESTRUCTIVE, Severity.CRITICAL,
        "This writes directly to a block device (dd of=/dev/..., mkfs, wipefs, shred, a redirect to /dev/sdX), "
        "erasing the disk or partition. Double-check the device with lsblk, and never target devices from "
        "unchecked variables.",
        disk_wipe,
        ("dd if=/dev/zero of=/dev/sda bs=1M", "mkfs.ext4 /dev/nvme0n1p1", "wipefs -a /dev/sdb", "shred -n 3 /dev/sda",
         "cat image.iso > /dev/sdb", "sudo mkfs -t xfs /dev/vdb", "sgdisk --zap-all /dev/sda"),
        ("dd if=/dev/zero of=./disk.img bs=1M count=10", "mkfs.ext4 ./disk.img", "shred -u secret.txt",
         "echo x > /dev/null", "wipefs /dev/sda"),
        ("https://man7.org/linux/man-pages/man8/mkfs.8.html",),
    ),
    CommandRule(
        "bash.chmod-777-recursive", Category.UNSAFE_CONFIG, Severity.MEDIUM,
        "Recursive world-writable permissions (chmod -R 777 / a+rwx) let any local user or compromised service "
        "modify code, configs and data, and on system paths break sudo/ssh. Grant only what is needed to the owning "
        "user or group (e.g. chown -R app: dir && chmod -R u+rwX,go-w dir).",
        chmod_777_recursive,
        ("chmod -R 777 /var/www", "chmod --recursive a+rwx .", "sudo chmod -fR 0777 storage"),
        ("chmod 777 /tmp/sock", "chmod -R 755 public", "chmod -R u+rwX,go-w app"),
        ("https://cwe.mitre.org/data/definitions/732.html",),
    ),
    CommandRule(
        "bash.chmod-chown-recursive-system", DESTRUCTIVE, Severity.HIGH,
        "A recursive chmod/chown/chgrp on /, the home directory or a system directory rewrites the ownership or "
        "permissions of everything below it; sudo, ssh and services stop working and there is no undo. Change the "
        "one directory that needs it (e.g. chown -R \"$USER\" ~/.npm).",
        chmod_chown_system,
        ("chown -R me:me /", "sudo chmod -R 755 /usr", "chown -R $USER ~", "chgrp -R staff /etc",
         "chmod -R go-rwx ~/"),
        ("chown -R me:me ./data", "sudo chown -R $(whoami) ~/.npm", "chmod -R 755 /var/www/app/public",
         "chown me /etc/app.conf"),
    ),
    CommandRule(
        "bash.truncate-system-file", DESTRUCTIVE, Severity.CRITICAL,
        "This empties or overwrites a system file (/etc/passwd, /etc/fstab, /etc/sudoers, files under /etc, /boot, "
        "/usr/bin …); the machine may no longer boot or let anyone log in. Edit the one setting you need with a "
        "reviewed change, after a backup.",
        truncates_system_file,
        ("sudo truncate -s 0 /etc/passwd", "sudo sh -c '> /etc/fstab'", "cat /dev/null > /etc/shadow",
         "echo '' > /etc/sudoers", ": > /etc/ssh/sshd_config", "sudo cp /dev/null /etc/hosts",
         "echo 127.0.0.1 x > /etc/hosts"),
        ("echo '127.0.0.1 x' | sudo tee -a /etc/hosts", "truncate -s 0 app.log", "> build.log",
         "echo 'deb x y' > /etc/apt/sources.list.d/x.list", "echo x >> /etc/hosts"),
    ),
    CommandRule(
        "bash.rsync-delete-root", DESTRUCTIVE, Severity.CRITICAL,
        "rsync --delete into /, the home directory or a system directory removes everything there that the source "
        "lacks. Sync into a dedicated directory, and run with --dry-run first.",
        rsync_delete_root,
        ("rsync -a --delete empty/ /", "rsync -av --delete ./dotfiles/ ~/", "rsync -a --delete-after build/ /usr"),
        ("rsync -a --delete build/ /srv/www/app/", "rsync -av --delete --dry-run x/ ~/", "rsync -a src/ ~/"),
    ),
)
