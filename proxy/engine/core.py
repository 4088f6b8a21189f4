"""The reference engine: one `semgrep-core -targets` process per batch of snippets.

It avoids the `semgrep` CLI wrapper (seconds per call, and a version check that can hang
offline) by calling the engine binary shipped inside the semgrep wheel directly. Every
faster engine must return exactly what this one returns.
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from proxy import languages
from proxy.engine.base import EngineError, ScanTarget
from proxy.engine.unparsed import unparsed_finding
from proxy.models import RawFinding
from proxy.rulepack import Rule, RulePack


def semgrep_core_path() -> Path:
    """The `semgrep-core` binary from the installed semgrep wheel."""
    spec = importlib.util.find_spec("semgrep")
    if spec and spec.submodule_search_locations:
        for location in spec.submodule_search_locations:
            candidate = Path(location) / "bin" / "semgrep-core"
            if candidate.exists():
                return candidate
    found = shutil.which("semgrep-core")
    if found:
        return Path(found)
    raise EngineError("missing-binary", "semgrep-core not found; is the semgrep package installed?")


def targets_document(files: Sequence[tuple[Path, str]]) -> list[Any]:
    """semgrep-core's `-targets` JSON for (file, analyzer) pairs."""
    return [
        "Targets",
        [
            ["CodeTarget", {"path": {"fpath": str(path), "ppath": f"/{path.name}"}, "analyzer": analyzer,
                            "products": ["sast"]}]
            for path, analyzer in files
        ],
    ]


def parse_core_output(stdout: bytes) -> dict[str, Any]:
    """semgrep-core prints one progress line per target before its JSON document."""
    start = stdout.find(b"{")
    if start < 0:
        raise EngineError("bad-output", "no JSON in semgrep-core output")
    try:
        document = json.loads(stdout[start:])
    except json.JSONDecodeError as exc:
        raise EngineError("bad-output", str(exc)) from exc
    if not isinstance(document, dict):
        raise EngineError("bad-output", "semgrep-core output is not an object")
    return document


def unparsed_paths(document: dict[str, Any]) -> set[str]:
    """Target paths semgrep-core reports it could not analyse at all.

    Any error located in a target counts (syntax and lexical errors, parse time-outs, size
    limits), except `PartialParsing`: the file was analysed on what did parse, and the
    scanner judges partial parses from tree-sitter for every engine alike.
    """
    found: set[str] = set()
    for error in document.get("errors", []):
        if not isinstance(error, dict):
            continue
        kind = error.get("error_type")
        if isinstance(kind, list) and kind and kind[0] == "PartialParsing":
            continue
        path = (error.get("location") or {}).get("path")
        if path:
            found.add(str(path))
    return found


def findings_by_path(document: dict[str, Any], rules: dict[str, Rule],
                     codes: dict[str, str] | None = None) -> dict[str, list[RawFinding]]:
    """Findings per target path; `codes` (path -> code) adds `breakwater.unparsed` where it applies."""
    found: dict[str, list[RawFinding]] = {}
    for path in unparsed_paths(document):
        if codes is not None and path in codes:
            found[path] = [unparsed_finding(codes[path])]
    for result in document.get("results", []):
        rule = rules.get(str(result.get("check_id")))
        if rule is None:
            continue
        finding = RawFinding(
            rule_id=rule.id,
            category=rule.category,
            severity=rule.severity,
            message=rule.message,
            line=int(result["start"]["line"]),
            end_line=int(result["end"]["line"]),
        )
        bucket = found.setdefault(str(result["path"]), [])
        if finding not in bucket:
            bucket.append(finding)
    for bucket in found.values():
        bucket.sort(key=lambda f: (f.line, f.rule_id))
    return found


class SemgrepCoreEngine:
    """Runs `semgrep-core` once per `scan()` call, all targets in one process."""

    def __init__(self, pack: RulePack, timeout_seconds: float = 30.0) -> None:
        self.pack = pack
        self.timeout_seconds = timeout_seconds
        self._binary = semgrep_core_path()
        self._rules = pack.by_id()
        self._ready = False

    @property
    def ready(self) -> bool:
        return self._ready

    async def start(self) -> None:
        self._ready = True

    async def close(self) -> None:
        self._ready = False

    async def scan(self, targets: Sequence[ScanTarget]) -> list[list[RawFinding]]:
        with tempfile.TemporaryDirectory(prefix="breakwater-scan-") as tmp:
            files, paths = self._write_targets(Path(tmp), targets)
            if not files:
                return [[] for _ in targets]
            document = await self._run(Path(tmp), files)
        codes = {str(path): target.code for path, target in zip(paths, targets, strict=True) if path}
        by_path = findings_by_path(document, self._rules, codes)
        return [by_path.get(str(path), []) if path else [] for path in paths]

    def _write_targets(
        self, directory: Path, targets: Sequence[ScanTarget]
    ) -> tuple[list[tuple[Path, str]], list[Path | None]]:
        files: list[tuple[Path, str]] = []
        paths: list[Path | None] = []
        for number, target in enumerate(targets):
            analyzers = self.pack.analyzers_for(target.language)
            if not analyzers:
                paths.append(None)
                continue
            path = directory / f"s{number}{languages.get(target.language).extension}"
            path.write_text(target.code, encoding="utf-8")
            paths.append(path)
            files.extend((path, analyzer) for analyzer in analyzers)
        return files, paths

    async def _run(self, directory: Path, files: list[tuple[Path, str]]) -> dict[str, Any]:
        targets_file = directory / "targets.json"
        targets_file.write_text(json.dumps(targets_document(files)), encoding="utf-8")
        argv = [str(self._binary), "-rules", str(self.pack.engine_config), "-targets", str(targets_file),
                "-json", "-j", "1"]
        try:
            process = await asyncio.create_subprocess_exec(
                *argv, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, cwd=directory
            )
        except OSError as exc:
            raise EngineError("spawn", str(exc)) from exc
        try:
            stdout, stderr = await asyncio.wait_for(process.communicate(), self.timeout_seconds)
        except TimeoutError as exc:
            process.kill()
            await process.wait()
            raise EngineError("timeout", f"semgrep-core took over {self.timeout_seconds}s") from exc
        if process.returncode != 0:
            detail = stderr[-500:].decode(errors="replace")
            raise EngineError("crash", f"semgrep-core exited {process.returncode}: {detail}")
        return parse_core_output(stdout)
