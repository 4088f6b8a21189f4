"""`make mutation`: mutation testing of the decision paths with cosmic-ray.

Why cosmic-ray: each mutant runs as a plain subprocess test command (our tests start real
semgrep servers, threads and aiohttp servers, which an in-process, fork-per-mutant tool
fights with); each module gets its own short list of test files; sessions are SQLite files
that can be resumed. Why a copy: cosmic-ray edits the source file in place, so it works on a
throw-away copy of the tree and an interrupted run can never leave a mutant in your checkout.

    python -m tests.mutation.run [--sample N] [MODULE ...]     # default: every module in modules.toml

`--sample N` runs a seeded random sample of N mutants per module (the rest are marked skipped):
modules whose tests start real engines and servers take 20-70 s per mutant on a loaded 2-core
machine, so a full run of several hundred mutants does not fit an afternoon. The score of a sample
estimates the module's score; the report says how many of how many were run.

Prints, per module, killed / survived / timeouts / score, and every survivor's diff. Exit 0.
"""

from __future__ import annotations

import ast
import json
import random
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MODULES = tomllib.loads((Path(__file__).parent / "modules.toml").read_text())
CONFIG = """[cosmic-ray]
module-path = "{path}"
timeout = {timeout}
excluded-modules = []
test-command = "{python} -m pytest -x -q -p no:cacheprovider {options}{tests}"

[cosmic-ray.distributor]
name = "local"
"""


def copy_tree(target: Path) -> None:
    """The tracked and new (not ignored) files of the checkout, without .venv or caches."""
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT, check=True,
                            capture_output=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)


def cosmic_ray(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(Path(sys.executable).parent / "cosmic-ray"), *args], cwd=cwd, text=True,
                          capture_output=True)


def annotation_spans(source: str) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """(start, end) positions of every annotation. With `from __future__ import annotations` they are
    never evaluated, so a mutant inside one (`Snippet | None` → `Snippet + None`) is equivalent by
    construction and is marked skipped instead of being run."""
    spans = []
    for node in ast.walk(ast.parse(source)):
        annotations = []
        if isinstance(node, ast.arg | ast.AnnAssign) and node.annotation is not None:
            annotations.append(node.annotation)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.returns is not None:
            annotations.append(node.returns)
        for annotation in annotations:
            spans.append(((annotation.lineno, annotation.col_offset),
                          (annotation.end_lineno or annotation.lineno, annotation.end_col_offset or 0)))
    return spans


def skip_annotation_mutants(session: Path, module: Path) -> int:
    from cosmic_ray.work_db import WorkDB, use_db
    from cosmic_ray.work_item import WorkerOutcome, WorkResult

    source = module.read_text()
    if "from __future__ import annotations" not in source:
        return 0
    spans = annotation_spans(source)
    skipped = 0
    with use_db(str(session), WorkDB.Mode.open) as db:
        for item in list(db.work_items):
            mutation = item.mutations[0]
            start, end = tuple(mutation.start_pos), tuple(mutation.end_pos)
            if any(a <= start and end <= b for a, b in spans):
                db.set_result(item.job_id, WorkResult(worker_outcome=WorkerOutcome.SKIPPED))
                skipped += 1
    return skipped


def sample_mutants(session: Path, size: int, seed: int = 18) -> int:
    """Mark all but a seeded random sample of `size` pending mutants skipped; returns how many stay."""
    from cosmic_ray.work_db import WorkDB, use_db
    from cosmic_ray.work_item import WorkerOutcome, WorkResult

    with use_db(str(session), WorkDB.Mode.open) as db:
        pending = [item.job_id for item in db.pending_work_items]
        chosen = set(random.Random(seed).sample(pending, min(size, len(pending))))
        for job_id in pending:
            if job_id not in chosen:
                db.set_result(job_id, WorkResult(worker_outcome=WorkerOutcome.SKIPPED))
    return len(chosen)


def run_module(name: str, spec: dict, work: Path, sample: int | None = None) -> dict:
    config = work / f"{name}.toml"
    options = "--noconftest " if spec.get("noconftest") else ""  # unit tests without fixtures start faster
    config.write_text(CONFIG.format(path=spec["path"], timeout=spec.get("timeout", 300.0), python=sys.executable,
                                    options=options, tests=" ".join(spec["tests"])))
    session = work / f"{name}.sqlite"
    for step in (("init", str(config), str(session)), ("baseline", str(config)), ("exec", str(config), str(session))):
        done = cosmic_ray(*step, cwd=work)
        if done.returncode != 0:
            raise SystemExit(f"{name}: cosmic-ray {step[0]} failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
        if step[0] == "init":
            skip_annotation_mutants(session, work / spec["path"])
            if sample:
                sample_mutants(session, sample)
    dumped = cosmic_ray("dump", str(session), cwd=work).stdout.splitlines()
    outcomes: dict[str, int] = {}
    survivors = []
    for line in dumped:
        item, result = json.loads(line)
        outcome = (result or {}).get("test_outcome") or (result or {}).get("worker_outcome") or "pending"
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
        if outcome == "survived":
            mutation = item["mutations"][0]
            survivors.append({"operator": mutation["operator_name"], "line": mutation["start_pos"][0],
                              "diff": result.get("diff", "")})
    killed = outcomes.get("killed", 0)
    judged = killed + outcomes.get("survived", 0)
    return {"module": spec["path"], "outcomes": outcomes, "score": round(100 * killed / judged, 1) if judged else None,
            "survivors": survivors}


def main(arguments: list[str]) -> int:
    sample = None
    if arguments[:1] == ["--sample"]:
        sample, arguments = int(arguments[1]), arguments[2:]
    names = arguments or list(MODULES)
    with tempfile.TemporaryDirectory(prefix="breakwater-mutation-") as tmp:
        work = Path(tmp)
        copy_tree(work)
        for name in names:
            report = run_module(name, MODULES[name], work, sample)
            print(f"== {name} ({report['module']}): score {report['score']}%  {report['outcomes']}", flush=True)
            for survivor in report["survivors"]:
                print(f"-- survived: line {survivor['line']} {survivor['operator']}\n{survivor['diff']}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
