"""The `breakwater` command line (CONTRACT.md): serve, scan, rules, demo."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from proxy import __version__, catalog, languages, report, ruletest
from proxy.config import ConfigError, Settings, load_settings
from proxy.engine import EngineError, SemgrepCoreEngine
from proxy.extract import git_changes
from proxy.hooks import cli as hooks_cli
from proxy.models import Decision, Origin
from proxy.policy import Policy
from proxy.reload import SettingsSource
from proxy.rulepack import RulePack, RulePackError
from proxy.rulepack import load as load_rules
from proxy.scan import ScanLimits, Scanner, raw_snippet, snippets_from_text
from proxy.team import cli as team_cli

EXIT_OK, EXIT_BLOCK, EXIT_USAGE = 0, 1, 2
REPLY_SUFFIXES = (".md", ".markdown", ".txt")


class UsageError(Exception):
    """Bad usage or unreadable input: exit 2 with a one-line reason."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="breakwater", description=__doc__)
    parser.add_argument("--version", action="version", version=f"breakwater {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the proxy")
    serve.add_argument("--config", type=Path)
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument("--openai-base-url")
    serve.add_argument("--anthropic-base-url")
    serve.add_argument("--mode", choices=["enforce", "shadow"])
    serve.add_argument("--workers", type=int, default=1, help="worker processes sharing the port (default 1)")

    scan = commands.add_parser("scan", help="scan files, or an LLM reply on stdin")
    scan.add_argument("--lang", help="language of the input (overrides file extension and detection)")
    scan.add_argument("--format", choices=["text", "json", "sarif", "codequality"], default="text")
    scan.add_argument("--config", type=Path)
    scan.add_argument("--staged", action="store_true", help="scan what the next commit adds (added lines only)")
    scan.add_argument("--diff", metavar="BASE", help="scan what the working tree adds over BASE (added lines only)")
    scan.add_argument("paths", nargs="*", metavar="PATH", help="files to scan, or - for stdin")

    rules = commands.add_parser("rules", help="the rule catalog")
    rule_commands = rules.add_subparsers(dest="rules_command", required=True)
    listing = rule_commands.add_parser("list", help="list the rules")
    listing.add_argument("--format", choices=["text", "json"], default="text")
    rule_commands.add_parser("test", help="run every rule's fixtures")
    docs = rule_commands.add_parser("docs", help="write the markdown catalog (docs/rules.md)")
    docs.add_argument("--output", type=Path, default=Path("docs/rules.md"))
    docs.add_argument("--check", action="store_true", help="exit 1 when the file is stale")

    commands.add_parser("demo", help="show a tag and a block against a scripted LLM; no API key needed")
    hooks_cli.configure(commands.add_parser("hook", help="agent hooks: judge a tool call, install, uninstall"))
    team_cli.add_commands(commands)  # keys, waivers, audit: docs/team.md
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "scan":
            return asyncio.run(_scan(args))
        if args.command == "hook":
            return hooks_cli.run(args)
        if args.command == "rules":
            return _rules(args)
        if args.command == "serve":
            from proxy.server import serve

            source = _settings_source(args)  # read again on SIGHUP / POST /admin/api/reload
            settings = source()
            if args.workers > 1:
                from proxy.workers import serve_workers

                return serve_workers(source, args.workers, settings.port)
            return serve(settings, source)
        if (team_exit := team_cli.run(args)) is not None:
            return team_exit
        if args.command == "demo":
            from proxy.demo import run_demo

            return asyncio.run(run_demo())
    except (UsageError, ConfigError, RulePackError) as exc:
        print(f"breakwater: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except EngineError as exc:
        print(f"breakwater: engine error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    return EXIT_USAGE


def _settings(args: argparse.Namespace) -> Settings:
    return _settings_source(args)()


def _settings_source(args: argparse.Namespace) -> SettingsSource:
    return SettingsSource(getattr(args, "config", None), {
        "host": getattr(args, "host", None),
        "port": getattr(args, "port", None),
        "openai_base_url": getattr(args, "openai_base_url", None),
        "anthropic_base_url": getattr(args, "anthropic_base_url", None),
        "mode": getattr(args, "mode", None),
    })


def _pack(settings: Settings | None = None) -> RulePack:
    return load_rules(settings.rules_dir if settings else None)


async def _scan(args: argparse.Namespace) -> int:
    if args.lang and languages.from_alias(args.lang) is None:
        raise UsageError(f"unknown language {args.lang!r}; known: {', '.join(languages.names())}")
    if bool(args.paths) == bool(args.staged or args.diff) or (args.staged and args.diff):
        raise UsageError("give PATHs (or -), or one of --staged / --diff BASE")
    inputs = [(name, _read_input(name)) for name in args.paths]
    settings = load_settings(args.config)
    pack = _pack(settings)
    engine = SemgrepCoreEngine(pack, timeout_seconds=settings.scan_timeout_seconds)
    policy = Policy.from_settings(settings)
    scanner = Scanner(engine, policy, limits=ScanLimits.from_settings(settings))
    await engine.start()
    scanned = []
    try:
        for name, text in inputs:
            snippets = _snippets_for(name, text, args.lang)
            scanned.append(report.ScannedInput(name, text, await scanner.scan(snippets)))
        for snippet in _changed_snippets(args):
            result = await scanner.scan([snippet])
            scanned.append(report.ScannedInput(snippet.path or "-", snippet.code, result))
    finally:
        await engine.close()
    render = {"text": report.to_text, "json": report.to_json, "sarif": report.to_sarif,
              "codequality": report.to_codequality}[args.format]
    print(render(scanned))
    decision = report.combined_decision(scanned)
    blocked = decision is Decision.BLOCK or (decision is Decision.ERROR and policy.fail_closed)
    return EXIT_BLOCK if blocked else EXIT_OK


def _changed_snippets(args: argparse.Namespace) -> list:
    if not (args.staged or args.diff):
        return []
    try:
        return git_changes.changed_snippets(Path.cwd(), args.staged, args.diff)
    except git_changes.GitError as exc:
        raise UsageError(f"git: {exc}") from None


def _read_input(name: str) -> str:
    if name == "-":
        return sys.stdin.read()
    try:
        return Path(name).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"no such file: {name}") from None
    except IsADirectoryError:
        raise UsageError(f"is a directory: {name}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read {name}: {exc}") from None


def _snippets_for(name: str, text: str, lang: str | None) -> list:
    """Per CONTRACT.md: stdin and .md/.markdown/.txt are LLM replies; other files are raw code."""
    if lang:
        return [raw_snippet(text, languages.from_alias(lang), Origin.RAW)]
    if name == "-" or name.lower().endswith(REPLY_SUFFIXES):
        return snippets_from_text(text)
    return [raw_snippet(text, languages.from_path(name), Origin.RAW)]


def _rules(args: argparse.Namespace) -> int:
    pack = _pack()
    if args.rules_command == "list":
        print(catalog.as_json(pack) if args.format == "json" else catalog.as_text(pack))
        return EXIT_OK
    if args.rules_command == "docs":
        return _rules_docs(pack, args.output, args.check)
    return asyncio.run(_rules_test(pack))


def _rules_docs(pack: RulePack, output: Path, check: bool) -> int:
    text = catalog.as_markdown(pack)
    if check:
        current = output.read_text(encoding="utf-8") if output.exists() else ""
        if current != text:
            print(f"breakwater: {output} is stale; run `make docs`", file=sys.stderr)
            return 1
        return EXIT_OK
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    print(f"wrote {output} ({len(pack.catalog)} rules)")
    return EXIT_OK


async def _rules_test(pack: RulePack) -> int:
    engine = SemgrepCoreEngine(pack, timeout_seconds=300)
    results, missing = await ruletest.run(pack, engine)
    results += ruletest.run_command_rules(pack)
    results += ruletest.run_powershell_rules()
    failures = [r for r in results if not r.ok]
    for failure in failures:
        print(f"FAIL {failure.rule_id} in {failure.fixture}: missed lines {failure.missed}, "
              f"unexpected matches on lines {failure.false_alarms}")
    for rule_id in missing:
        print(f"FAIL {rule_id}: no fixture beside the rule")
    cases = sum(r.cases for r in results)
    total = len(pack.catalog)
    passed = total - len({f.rule_id for f in failures} | set(missing))
    print(f"rules test: {total} rules ({len(pack.command_rules)} typed shell rules), {cases} fixture cases")
    print(f"{passed} passed, {total - passed} failed")
    return 1 if failures or missing else EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())
