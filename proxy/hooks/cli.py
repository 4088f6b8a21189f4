"""The `breakwater hook` command line, importable without the scanning stack.

`proxy.entry` sends `breakwater hook …` here before anything heavy is imported (a hook runs
before every tool call); `proxy.cli` adds the same sub-command to the full parser so that
`breakwater --help` lists it.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from proxy.hooks.agents import AGENTS
from proxy.hooks.run import DEFAULT_URL, HookSettings, run_hook

ACTIONS = ("install", "uninstall")


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("target", metavar="AGENT|install|uninstall",
                        help=f"an agent ({', '.join(AGENTS)}) to judge its hook payload on stdin, "
                             "or install/uninstall followed by the agent")
    parser.add_argument("agent", nargs="?", choices=list(AGENTS), help="the agent, after install/uninstall")
    parser.add_argument("--url", default=os.environ.get("BREAKWATER_URL", DEFAULT_URL),
                        help="a running Breakwater to ask (default $BREAKWATER_URL or the local one)")
    parser.add_argument("--no-remote", action="store_true", help="judge in process, do not ask a service")
    parser.add_argument("--on-error", choices=["closed", "open"], default="closed",
                        help="when nothing can judge: deny (closed, default) or let the agent decide (open)")
    parser.add_argument("--on-tag", choices=["ask", "allow"], default="ask",
                        help="findings below block: ask the person where the agent can (default), or allow")
    parser.add_argument("--config", type=Path, help="Breakwater config for in-process judging")
    parser.add_argument("--scope", choices=["user", "project"], default="user",
                        help="install/uninstall: the user's settings file (default) or the project's")


def run(args: argparse.Namespace) -> int:
    if args.target in ACTIONS:
        return _install(args)
    if args.target not in AGENTS:
        print(f"breakwater: unknown agent {args.target!r}; known: {', '.join(AGENTS)}", file=sys.stderr)
        return 2
    settings = HookSettings(url=args.url, api_key=os.environ.get("BREAKWATER_API_KEY") or None,
                            on_error=args.on_error, on_tag=args.on_tag, config=args.config,
                            remote=not args.no_remote)
    answer = run_hook(args.target, sys.stdin.read(), settings)
    print(answer.stdout)
    return answer.exit_code


def _install(args: argparse.Namespace) -> int:
    from proxy.hooks import install

    if args.agent is None:
        print(f"breakwater: hook {args.target} needs an agent: {', '.join(AGENTS)}", file=sys.stderr)
        return 2
    try:
        path = install.settings_path(args.agent, args.scope, Path.cwd(), Path.home())
        command = install.hook_command(args.agent)
        change = install.install if args.target == "install" else install.uninstall
        changed = change(args.agent, path, command)
    except install.InstallError as exc:
        print(f"breakwater: {exc}", file=sys.stderr)
        return 2
    verb = "installed in" if args.target == "install" else "removed from"
    print(f"breakwater hook {verb} {path}" if changed else f"nothing to change in {path}")
    if args.agent == "codex" and args.target == "install":
        print("Codex runs hooks only with `[features]` `codex_hooks = true` in ~/.codex/config.toml.")
    return 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="breakwater hook", description=__doc__)
    configure(parser)
    return run(parser.parse_args(argv))
