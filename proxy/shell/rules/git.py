"""Git commands that destroy work: force pushes to shared branches, hard resets, cleans, history rewrites."""

from __future__ import annotations

import re
from dataclasses import dataclass

from proxy.models import Category, Severity
from proxy.shell import options
from proxy.shell.model import Command
from proxy.shell.rules.base import CommandRule

DESTRUCTIVE = Category.DESTRUCTIVE_OPERATION
_GLOBAL_WITH_VALUE = frozenset({"-C", "-c", "--git-dir", "--work-tree", "--namespace", "--exec-path",
                                "--config-env", "--super-prefix", "--list-cmds"})
_SHARED = re.compile(r"^(?:refs/heads/)?(?:main|master|trunk|develop|development|dev|staging|stable|production|prod|"
                     r"release(?:s)?(?:/.*|-.*)?|hotfix/.*|gh-pages|HEAD)$")


@dataclass(frozen=True)
class GitCall:
    subcommand: str
    args: tuple[str, ...]


def git_call(command: Command) -> GitCall | None:
    """`git -C dir -c k=v --no-pager push …` → (`push`, args)."""
    if command.name != "git":
        return None
    argv = command.argv[1:]
    position = 0
    while position < len(argv) and argv[position].startswith("-"):
        flag = argv[position]
        position += 2 if flag in _GLOBAL_WITH_VALUE else 1
    if position >= len(argv):
        return None
    return GitCall(argv[position], tuple(argv[position + 1:]))


_PUSH_VALUES = ("-o", "--push-option", "--repo", "--receive-pack", "--exec", "--signed")


def _branch_of(refspec: str) -> str:
    target = refspec.lstrip("+").split(":", 1)[-1] if ":" in refspec else refspec.lstrip("+")
    return target.removeprefix("refs/heads/")


def force_push(command: Command) -> bool:
    call = git_call(command)
    if call is None or call.subcommand != "push":
        return False
    opts = options.parse(call.args, _PUSH_VALUES)
    if opts.has("n", "dry-run"):
        return False
    refspecs = list(opts.operands[1:])
    forced = opts.has("f", "force") or any(spec.startswith("+") for spec in refspecs)
    if opts.has("", "mirror"):
        return True
    deleting = opts.has("d", "delete") or any(spec.startswith(":") for spec in refspecs)
    if not (forced or deleting):
        return False
    if not refspecs or opts.has("", "all", "branches", "tags"):
        return True  # the current branch, or every branch: we cannot tell it is not shared
    # A branch we cannot read (`"$BRANCH"`) may be a shared one.
    return any(_SHARED.match(_branch_of(spec)) or "$" in spec for spec in refspecs)


def reset_hard(command: Command) -> bool:
    call = git_call(command)
    if call is None:
        return False
    if call.subcommand == "reset":
        return "--hard" in call.args
    if call.subcommand == "clean":
        opts = options.parse(call.args, ("-e", "--exclude"))
        return opts.has("f", "force") and not opts.has("n", "dry-run")
    return False


def discard_work(command: Command) -> bool:
    call = git_call(command)
    if call is None:
        return False
    sub, args = call.subcommand, call.args
    opts = options.parse(args, ("-s", "--source", "-m", "--message", "-b", "-B"))
    if sub in ("checkout", "restore"):
        if sub == "restore" and opts.has("S", "staged") and not opts.has("W", "worktree"):
            return False
        paths = set(opts.operands)
        whole = paths & {".", ":/", "*", "./", ":(top)"} or ("--" in args and not opts.operands[1:] and "." in args)
        return bool(whole) or (sub == "checkout" and opts.has("f", "force") and not opts.operands)
    if sub == "stash":
        return bool(args) and args[0] in ("drop", "clear")
    if sub == "branch":
        return opts.has("D") or (opts.has("d", "delete") and opts.has("f", "force"))
    if sub == "reflog":
        return bool(args) and args[0] in ("expire", "delete")
    if sub == "gc":
        return any(a.startswith("--prune=") and a.split("=", 1)[1] in ("now", "all") for a in args)
    if sub in ("filter-branch", "filter-repo"):
        return "--help" not in args and "--analyze" not in args and "--dry-run" not in args
    if sub == "update-ref":
        return opts.has("d")
    if sub == "worktree":
        return bool(args) and args[0] == "remove" and opts.has("f", "force")
    return False


RULES = (
    CommandRule(
        "bash.git-force-push", DESTRUCTIVE, Severity.HIGH,
        "This push rewrites or deletes a shared branch (--force, +ref, --mirror, --delete on main/master/release, "
        "or on the current branch), discarding commits others have pushed. Use --force-with-lease on your own "
        "branch, and never force-push or delete shared branches.",
        force_push,
        ("git push --force", "git push -f origin main", "git -C . push --force", "git push --force=true origin main",
         "git push origin +main", "git push --mirror backup", "git push origin --delete release/1.2",
         "git push origin :master", "git push -uf origin HEAD", "git --no-pager push --forc origin master",
         "git push --all --force", 'git push -f origin "$BRANCH"'),
        ("git push --force-with-lease", "git push origin feature/login", "git push -f origin my-feature",
         "git push --dry-run --force origin main", "git push origin --delete old-experiment", "git push -u origin main",
         "echo git push --force"),
        ("https://git-scm.com/docs/git-push#Documentation/git-push.txt---force-with-leaseltrefnamegt",),
    ),
    CommandRule(
        "bash.git-reset-hard", DESTRUCTIVE, Severity.MEDIUM,
        "git reset --hard / git clean -f permanently discard uncommitted changes and untracked files in the working "
        "tree. Stash first (git stash -u), or look with git status / git clean -n before running it.",
        reset_hard,
        ("git reset --hard", "git reset --hard origin/main", "git clean -fdx", "git clean -f -d", "git clean --force",
         "git -C repo clean -ffdx"),
        ("git reset --soft HEAD~1", "git reset HEAD file.txt", "git clean -n", "git clean -fdn",
         "git clean --dry-run -fd", "git status"),
        ("https://git-scm.com/docs/git-reset#Documentation/git-reset.txt---hard",),
    ),
    CommandRule(
        "bash.git-discard-work", DESTRUCTIVE, Severity.MEDIUM,
        "This throws away work git cannot give back: uncommitted changes (checkout/restore of the whole tree), "
        "stashes, unmerged branches (branch -D), or history (filter-branch, reflog expire, gc --prune=now). "
        "Commit or stash first, and delete only what you have checked.",
        discard_work,
        ("git checkout -- .", "git checkout .", "git restore .", "git stash drop", "git stash clear",
         "git branch -D feature", "git branch --delete --force old", "git reflog expire --expire=now --all",
         "git gc --prune=now", "git filter-branch --tree-filter 'rm -f x' HEAD", "git filter-repo --path secrets",
         "git checkout -f"),
        ("git checkout main", "git checkout -- src/app.py", "git restore --staged .", "git stash", "git stash pop",
         "git branch -d merged-feature", "git gc", "git checkout -b new-branch"),
    ),
)
