"""Precision benchmark for the rule pack: scan real, reviewed code we did not write.

Run from the repository root with the repo venv:

    python -m bench.precision [--max-python-lines N] [--quick]

It collects code that is on this machine (the Python standard library, installed
site-packages, shell scripts, YAML, Dockerfiles, JavaScript from node's global
modules, Java from the JDK's src.zip, Terraform/HCL from extra corpus folders),
runs ``semgrep-core`` in batches with the rules of each language's directory, and
prints, per rule, the number of hits and hits per 1,000 scanned lines together
with the rule's default action (critical/high -> block, medium/low -> tag).
Block-level findings on the Python standard library are listed one by one.
Results go to bench/results/precision.json.

Extra corpora (for languages the machine has little of, e.g. Terraform) are read
from the folders in $BENCH_EXTRA_DIRS (os.pathsep-separated; default
/tmp/bench-corpus).

Registry corpora: `--fetch` downloads, with the registries' own clients, Debian's Ruby
standard library (`apt-get download libruby3.1`) and Rust's standard library sources
(`rust-src`), and TypeScript sources from npm packages (`npm pack typescript rxjs zod`),
into $BENCH_REGISTRY_DIR (default /tmp/bench-registry-corpora); later runs reuse them.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import site
import subprocess
import sys
import sysconfig
import tempfile
import time
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from proxy.languages import LANGUAGES

ROOT = Path(__file__).resolve().parent.parent
RULES_DIR = ROOT / "rules"
RESULTS = ROOT / "bench" / "results" / "precision.json"
BLOCK_SEVERITIES = {"CRITICAL", "HIGH"}
# rule dir -> semgrep-core analyzer (else the dir name)
ANALYZER = {"sql": "generic", "terraform": "hcl", "xml": "generic", "prisma": "generic"}
REGISTRY_DIR = Path(os.environ.get("BENCH_REGISTRY_DIR", Path(tempfile.gettempdir(), "bench-registry-corpora")))
DEBIAN_PACKAGES = {"ruby": ["libruby3.1"], "rust": ["rust-src"]}
NPM_PACKAGES = ["typescript@5", "rxjs@7", "zod@3"]
# Kubernetes manifests, Helm-style values and CI workflows shipped in registry packages (issue 19): the sdists'
# examples, docs and workflows, a provider's pod templates, Debian's Patroni examples.
MANIFEST_SDISTS = ["kapitan", "kopf", "kr8s", "kubernetes"]  # kapitan ships Helm charts and compiled manifests
MANIFEST_WHEELS = ["apache-airflow-providers-cncf-kubernetes", "dagster-k8s"]
MANIFEST_DEBIAN = ["patroni"]


# Real schema and data migrations shipped in registry packages (issue 19): Django's contrib apps, the Alembic
# revisions of MLflow and Prefect, the Knex migrations of Backstage and n8n's TypeORM migrations.
MIGRATION_PYPI = ["django==5.2.20", "mlflow==3.18.0", "prefect==3.9.1"]
MIGRATION_NPM = ["@backstage/plugin-catalog-backend@4.0.5", "@backstage/plugin-scaffolder-backend@4.3.0",
                 "@n8n/db@1.41.2"]
SKIP_DIRS = {"__pycache__", ".git", ".hg", ".tox", ".cache", ".npm", ".venv", "node_modules.cache"}
MAX_FILE_BYTES = 400_000  # generated/minified giants say nothing about precision
BATCH = 400
OWN_FIXTURES = "proxy/_rules/"


@dataclass
class Corpus:
    name: str
    rule_dir: str
    analyzer: str | None = None  # semgrep-core analyzer when it is not the rule dir's (TypeScript)
    files: list[Path] = field(default_factory=list)
    lines: int = 0
    test_lines: int = 0  # lines under test directories (reported separately)

    def add(self, path: Path, is_test: bool = False) -> int:
        if OWN_FIXTURES in path.as_posix():
            return 0  # our own rule fixtures, installed with the package: written to match
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                return 0
            with open(path, "rb") as fh:
                n = sum(1 for _ in fh)
        except OSError:
            return 0
        self.files.append(path)
        self.lines += n
        if is_test:
            self.test_lines += n
        return n


# ----------------------------------------------------------------------------- discovery


def walk(root: Path, suffixes: tuple[str, ...] = (), names: tuple[str, ...] = ()) -> Iterator[Path]:
    if not root.exists():
        return
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
        for fn in sorted(filenames):
            if (suffixes and fn.endswith(suffixes)) or (
                names and (fn in names or fn.startswith(tuple(n + "." for n in names)))
            ):
                p = Path(dirpath, fn)
                if p.is_file() and not p.is_symlink():
                    yield p


def is_test_path(p: Path) -> bool:
    return any(part in ("test", "tests", "idle_test", "testing") for part in p.parts)


def stdlib_dir() -> Path:
    return Path(sysconfig.get_paths()["stdlib"])


def site_package_dirs() -> list[Path]:
    dirs: list[Path] = []
    base = sysconfig.get_paths(vars={"base": sys.base_prefix, "platbase": sys.base_exec_prefix})["purelib"]
    for d in [base, *site.getsitepackages()]:
        p = Path(d)
        if p.is_dir() and p not in dirs:
            dirs.append(p)
    return dirs


def home_dirs() -> list[Path]:
    """Tool checkouts in the home directory (e.g. ~/.pyenv: shell scripts and CI workflows)."""
    return [p for p in (Path.home() / ".pyenv",) if p.is_dir()]


def extra_dirs() -> list[Path]:
    raw = os.environ.get("BENCH_EXTRA_DIRS", "/tmp/bench-corpus")
    return [Path(d) for d in raw.split(os.pathsep) if d and Path(d).is_dir()]


def shebang_shell(p: Path) -> bool:
    try:
        with open(p, "rb") as fh:
            head = fh.read(64)
    except OSError:
        return False
    if not head.startswith(b"#!"):
        return False
    first = head.split(b"\n", 1)[0]
    return any(first.endswith(s) or (s + b" ") in first for s in (b"/sh", b"/bash", b"env sh", b"env bash", b"/dash"))


def collect(max_python_lines: int, max_other_lines: int) -> list[Corpus]:
    corpora: list[Corpus] = []

    std = Corpus("python-stdlib", "python")
    sd = stdlib_dir()
    for p in walk(sd, (".py",)):
        if "site-packages" in p.parts or "dist-packages" in p.parts:
            continue
        std.add(p, is_test_path(p.relative_to(sd)))
    corpora.append(std)

    sp = Corpus("python-site-packages", "python")
    for d in site_package_dirs():
        for p in walk(d, (".py",)):
            if sp.lines >= max_python_lines:
                break
            sp.add(p, is_test_path(p.relative_to(d)))
    corpora.append(sp)

    sh = Corpus("shell", "bash")
    seen: set[Path] = set()
    roots = [
        Path("/usr/bin"),
        Path("/usr/sbin"),
        Path("/etc"),
        Path("/usr/share"),
        Path("/usr/lib"),
        Path("/opt"),
        sd,
        *site_package_dirs(),
        *home_dirs(),
        *extra_dirs(),
    ]
    for r in roots:
        if not r.is_dir():
            continue
        for dirpath, dirnames, filenames in os.walk(r):
            dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
            for fn in sorted(filenames):
                p = Path(dirpath, fn)
                if p in seen or p.is_symlink() or not p.is_file():
                    continue
                if fn.endswith((".sh", ".bash")) or (os.access(p, os.X_OK) and "." not in fn and shebang_shell(p)):
                    seen.add(p)
                    sh.add(p)
            if sh.lines >= max_other_lines:
                break
    corpora.append(sh)

    def simple(
        name: str,
        rule_dir: str,
        roots: Iterable[Path],
        suffixes: tuple[str, ...] = (),
        names: tuple[str, ...] = (),
        limit: int = max_other_lines,
        skip: tuple[str, ...] = (),
    ) -> Corpus:
        c = Corpus(name, rule_dir)
        done: set[Path] = set()
        for r in roots:
            for p in walk(r, suffixes, names):
                if c.lines >= limit:
                    return c
                if p in done or any(s in p.name for s in skip):
                    continue
                done.add(p)
                c.add(p, is_test_path(p))
        return c

    machine = [
        *home_dirs(),
        Path("/usr/share"),
        Path("/usr/lib"),
        Path("/etc"),
        Path("/opt"),
        *site_package_dirs(),
        *extra_dirs(),
    ]
    corpora.append(simple("yaml", "yaml", machine, (".yaml", ".yml")))
    corpora.append(simple("json", "json", machine, (".json",)))
    corpora.append(
        simple("terraform", "terraform", [Path("/usr"), Path("/opt"), Path("/etc"), *extra_dirs()], (".tf", ".hcl"))
    )
    corpora.append(
        simple(
            "dockerfile",
            "dockerfile",
            [Path("/usr"), Path("/opt"), Path("/root"), *extra_dirs()],
            (".dockerfile",),
            ("Dockerfile", "Containerfile"),
        )
    )
    corpora.append(simple("sql", "sql", machine, (".sql",)))
    corpora.append(
        simple(
            "javascript",
            "javascript",
            [Path("/usr/lib/node_modules"), Path("/usr/share/nodejs"), *extra_dirs()],
            (".js", ".mjs", ".cjs"),
            skip=(".min.",),
        )
    )
    corpora.append(simple("java", "java", [java_sources()] if java_sources() else [], (".java",)))
    corpora.append(simple("go", "go", [Path("/usr/lib/go"), Path("/usr/local/go/src"), *extra_dirs()], (".go",)))
    corpora.extend(registry_corpora(max_other_lines))
    for c in corpora:
        c.files.sort()
    return corpora


def fetch_registry_corpora() -> None:
    """Download the registry corpora once, with apt-get and npm (no root needed: packages are unpacked)."""
    for name, packages in DEBIAN_PACKAGES.items():
        out = REGISTRY_DIR / name
        if out.is_dir() and any(out.iterdir()):
            continue
        with tempfile.TemporaryDirectory() as td:
            subprocess.run(["apt-get", "download", *packages], cwd=td, check=True, capture_output=True)
            for deb in Path(td).glob("*.deb"):
                subprocess.run(["dpkg", "-x", str(deb), str(out)], check=True)
    _fetch_manifests(REGISTRY_DIR / "manifests")
    fetch_migration_packages()
    out = REGISTRY_DIR / "typescript"
    if not (out.is_dir() and any(out.iterdir())):
        with tempfile.TemporaryDirectory() as td:
            subprocess.run(["npm", "pack", "--silent", *NPM_PACKAGES], cwd=td, check=True, capture_output=True)
            for tgz in Path(td).glob("*.tgz"):
                dest = out / tgz.stem
                dest.mkdir(parents=True, exist_ok=True)
                subprocess.run(["tar", "xzf", str(tgz), "-C", str(dest)], check=True)


def _fetch_manifests(out: Path) -> None:
    """Unpack the manifest corpus once: sdists and wheels with pip, Debian packages with apt-get."""
    if out.is_dir() and any(out.iterdir()):
        return
    pip = [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet"]
    with tempfile.TemporaryDirectory() as td:
        subprocess.run([*pip, "--no-binary", ":all:", *MANIFEST_SDISTS, "-d", td], check=True, capture_output=True)
        subprocess.run([*pip, "--only-binary", ":all:", *MANIFEST_WHEELS, "-d", td], check=True, capture_output=True)
        subprocess.run(["apt-get", "download", *MANIFEST_DEBIAN], cwd=td, check=True, capture_output=True)
        for archive in sorted(Path(td).iterdir()):
            dest = out / archive.name.split(".tar.gz")[0].removesuffix(".whl").removesuffix(".deb")
            dest.mkdir(parents=True, exist_ok=True)
            if archive.name.endswith(".tar.gz"):
                subprocess.run(["tar", "xzf", str(archive), "-C", str(dest)], check=True)
            elif archive.suffix == ".whl":
                with zipfile.ZipFile(archive) as wheel:
                    wheel.extractall(dest)
            elif archive.suffix == ".deb":
                subprocess.run(["dpkg", "-x", str(archive), str(dest)], check=True)


def fetch_migration_packages() -> None:
    """The migration corpora's packages, with pip and npm, unpacked under REGISTRY_DIR/migrations."""
    out = REGISTRY_DIR / "migrations"
    if out.is_dir() and any(out.iterdir()):
        return
    with tempfile.TemporaryDirectory() as td:
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "-d", td, *MIGRATION_PYPI],
                       check=True, capture_output=True)
        subprocess.run(["npm", "pack", "--silent", *MIGRATION_NPM], cwd=td, check=True, capture_output=True)
        for wheel in Path(td).glob("*.whl"):
            with zipfile.ZipFile(wheel) as z:
                z.extractall(out / wheel.stem)
        for tgz in Path(td).glob("*.tgz"):
            dest = out / tgz.stem
            dest.mkdir(parents=True, exist_ok=True)
            subprocess.run(["tar", "xzf", str(tgz), "-C", str(dest)], check=True)


def migration_corpora(max_lines: int) -> list[Corpus]:
    """The migration files (not the framework code that runs them) of the packages in MIGRATION_PYPI/NPM."""
    root = REGISTRY_DIR / "migrations"
    python = Corpus("migrations-python", "python")
    javascript = Corpus("migrations-javascript", "javascript")
    for corpus, suffixes in ((python, (".py",)), (javascript, (".js",))):
        for p in walk(root, suffixes):
            parts = p.relative_to(root).parts
            in_migrations = any("migrations" in part for part in parts[:-1])
            framework = "db" in parts and parts[parts.index("db") + 1:parts.index("db") + 2] == ("migrations",)
            if corpus.lines >= max_lines or not in_migrations or framework or p.name.endswith(".map"):
                continue
            corpus.add(p, is_test_path(p))
    return [python, javascript]


def registry_corpora(max_lines: int) -> list[Corpus]:
    """Ruby's and Rust's standard libraries from Debian, TypeScript sources from npm (see --fetch)."""
    ruby = Corpus("ruby-stdlib", "ruby")
    for root in (Path("/usr/lib/ruby"), REGISTRY_DIR / "ruby" / "usr" / "lib" / "ruby"):
        for p in walk(root, (".rb",)):
            if ruby.lines >= max_lines:
                break
            ruby.add(p, is_test_path(p))
    rust = Corpus("rust-src", "rust")
    for root in sorted((REGISTRY_DIR / "rust" / "usr" / "src").glob("*/library")):
        for p in walk(root, (".rs",)):
            if rust.lines >= max_lines:
                break
            rust.add(p, is_test_path(p) or "tests" in p.name or "benches" in p.parts)
    ts = Corpus("typescript-npm", "javascript", analyzer="typescript")
    for p in walk(REGISTRY_DIR / "typescript", (".ts", ".mts", ".cts")):
        if ts.lines >= max_lines:
            break
        if not p.name.endswith((".d.ts", ".d.mts", ".d.cts")):
            ts.add(p, is_test_path(p) or "__tests__" in p.parts)
    manifests = Corpus("manifests", "yaml")
    for p in walk(REGISTRY_DIR / "manifests", (".yaml", ".yml")):
        if manifests.lines >= max_lines:
            break
        manifests.add(p, is_test_path(p))
    return [ruby, rust, ts, manifests, *migration_corpora(max_lines)]


def java_sources() -> Path | None:
    """Extract a slice of the JDK's own sources (networking, I/O, SQL, time, util) from src.zip into /tmp."""
    out = Path(tempfile.gettempdir(), "bench-jdk-src")
    if out.is_dir() and any(out.iterdir()):
        return out
    zips = sorted(Path("/usr/lib/jvm").glob("*/lib/src.zip"))
    if not zips:
        return None
    prefixes = (
        "java.base/java/net/",
        "java.base/java/io/",
        "java.base/java/util/",
        "java.base/java/time/",
        "java.sql/",
        "java.net.http/",
        "java.logging/",
        "jdk.httpserver/",
    )
    with zipfile.ZipFile(zips[0]) as z:
        for info in z.infolist():
            if info.filename.endswith(".java") and info.filename.startswith(prefixes):
                z.extract(info, out)
    return out


# ----------------------------------------------------------------------------- scanning


def semgrep_core() -> str:
    env = os.environ.get("SEMGREP_CORE")
    if env:
        return env
    try:
        import semgrep  # type: ignore[import-untyped]

        cand = Path(semgrep.__file__).parent / "bin" / "semgrep-core"
        if cand.exists():
            return str(cand)
    except ImportError:
        pass
    found = shutil.which("semgrep-core")
    if not found:
        sys.exit("semgrep-core not found: pip install semgrep (or set SEMGREP_CORE)")
    return found


def load_rules(rule_dir: str) -> list[dict]:
    rules: list[dict] = []
    for f in sorted((RULES_DIR / rule_dir).glob("*.yaml")):
        if f.name.endswith(".test.yaml"):
            continue
        rules += yaml.safe_load(f.read_text())["rules"]
    return rules


def scan(corpus: Corpus, rules: list[dict], core: str, jobs: int) -> tuple[list[dict], int]:
    """Scan with the rules of the corpus' directory; rules in another analyzer (a `generic` text rule
    beside YAML rules) run in their own pass, as the engine runs them."""
    default = corpus.analyzer or ANALYZER.get(corpus.rule_dir, corpus.rule_dir)
    by_analyzer: dict[str, list[dict]] = defaultdict(list)
    for rule in rules:
        by_analyzer["generic" if rule.get("languages") == ["generic"] else default].append(rule)
    results: list[dict] = []
    errors = 0
    for analyzer, group in sorted(by_analyzer.items()):
        found, failed = scan_with(corpus, group, analyzer, core, jobs)
        results += found
        errors += failed
    return results, errors


def scan_with(corpus: Corpus, rules: list[dict], analyzer: str, core: str, jobs: int) -> tuple[list[dict], int]:
    results: list[dict] = []
    errors = 0
    with tempfile.TemporaryDirectory() as td:
        rules_file = Path(td, "rules.yaml")
        rules_file.write_text(yaml.safe_dump({"rules": rules}))
        for i in range(0, len(corpus.files), BATCH):
            batch = corpus.files[i : i + BATCH]
            targets = [
                ["CodeTarget", {"path": {"fpath": str(p), "ppath": str(p)}, "analyzer": analyzer, "products": ["sast"]}]
                for p in batch
            ]
            tfile = Path(td, "targets.json")
            tfile.write_text(json.dumps(["Targets", targets]))
            proc = subprocess.run(
                [
                    core,
                    "-rules",
                    str(rules_file),
                    "-targets",
                    str(tfile),
                    "-json",
                    "-j",
                    str(jobs),
                    "-timeout",
                    "10",
                    "-timeout_threshold",
                    "3",
                    "-max_memory",
                    "8000",
                ],
                capture_output=True,
                text=True,
                check=False,
            )
            out = proc.stdout
            start = out.find("{")
            if start < 0:
                errors += len(batch)
                print(f"  ! batch {i // BATCH} of {corpus.name} failed: {proc.stderr.strip()[-300:]}", file=sys.stderr)
                continue
            data = json.loads(out[start:])
            results += data.get("results", [])
            errors += sum(1 for e in data.get("errors", []) if e.get("severity") == "error")
    return results, errors


def line_text(path: str, line: int) -> str:
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            for n, text in enumerate(fh, 1):
                if n == line:
                    return text.strip()[:160]
    except OSError:
        pass
    return ""


# ----------------------------------------------------------------------------- report


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--max-python-lines",
        type=int,
        default=600_000,
        help="cap on site-packages lines (the stdlib is always scanned whole)",
    )
    ap.add_argument("--max-other-lines", type=int, default=400_000, help="cap per non-Python corpus")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--only", nargs="*", help="corpus names to scan (default: all)")
    ap.add_argument("--output", type=Path, default=RESULTS)
    ap.add_argument("--fetch", action="store_true", help="download the registry corpora first (apt-get, npm)")
    args = ap.parse_args(argv)
    if args.fetch:
        fetch_registry_corpora()

    t0 = time.time()
    core = semgrep_core()
    corpora = [c for c in collect(args.max_python_lines, args.max_other_lines) if not args.only or c.name in args.only]
    rule_meta: dict[str, dict] = {}
    for d in sorted({lang.rule_dir for lang in LANGUAGES}):
        if (RULES_DIR / d).is_dir():
            for r in load_rules(d):
                rule_meta[r["id"]] = {
                    "dir": d,
                    "severity": r["severity"].upper(),
                    "category": r.get("metadata", {}).get("category"),
                    "action": "block" if r["severity"].upper() in BLOCK_SEVERITIES else "tag",
                }

    hits: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    test_hits: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    block_findings: list[dict] = []
    corpus_info = []
    for c in corpora:
        t = time.time()
        if not c.files:
            corpus_info.append({"name": c.name, "rule_dir": c.rule_dir, "files": 0, "lines": 0, "seconds": 0})
            print(f"- {c.name}: no files found", file=sys.stderr)
            continue
        rules = load_rules(c.rule_dir)
        res, errs = scan(c, rules, core, args.jobs)
        for r in res:
            rid = r["check_id"]
            hits[rid][c.name] += 1
            path = Path(r["path"])
            if is_test_path(path):
                test_hits[rid][c.name] += 1
            if rule_meta.get(rid, {}).get("action") == "block":
                block_findings.append(
                    {
                        "corpus": c.name,
                        "rule_id": rid,
                        "path": r["path"],
                        "line": r["start"]["line"],
                        "test_dir": is_test_path(path),
                        "code": line_text(r["path"], r["start"]["line"]),
                    }
                )
        dt = time.time() - t
        corpus_info.append(
            {
                "name": c.name,
                "rule_dir": c.rule_dir,
                "files": len(c.files),
                "lines": c.lines,
                "test_lines": c.test_lines,
                "seconds": round(dt, 1),
                "engine_errors": errs,
                "findings": len(res),
            }
        )
        print(f"- {c.name}: {len(c.files)} files, {c.lines:,} lines, {len(res)} findings, {dt:.0f}s", file=sys.stderr)

    lines_by_dir: dict[str, int] = defaultdict(int)
    for ci in corpus_info:
        lines_by_dir[ci["rule_dir"]] += ci["lines"]
    by_name = {ci["name"]: ci for ci in corpus_info}

    rows = []
    for rid, meta in sorted(rule_meta.items()):
        total = sum(hits[rid].values())
        lines = lines_by_dir.get(meta["dir"], 0)
        rows.append(
            {
                "rule_id": rid,
                "action": meta["action"],
                "severity": meta["severity"].lower(),
                "category": meta["category"],
                "hits": total,
                "hits_by_corpus": dict(hits[rid]),
                "hits_in_test_dirs": dict(test_hits[rid]),
                "lines_scanned": lines,
                "per_1k_lines": round(1000 * total / lines, 4) if lines else None,
            }
        )
    rows.sort(key=lambda r: (-r["hits"], r["rule_id"]))

    std = by_name.get("python-stdlib", {"lines": 0, "test_lines": 0})
    std_block = [f for f in block_findings if f["corpus"] == "python-stdlib"]
    std_rate = 1000 * len(std_block) / std["lines"] if std.get("lines") else None
    block_rate_by_corpus = {
        ci["name"]: (
            round(1000 * sum(1 for f in block_findings if f["corpus"] == ci["name"]) / ci["lines"], 4)
            if ci["lines"]
            else None
        )
        for ci in corpus_info
    }

    # ---- print
    print(f"\nCorpora ({time.time() - t0:.0f}s total):")
    print(f"  {'corpus':<22}{'files':>8}{'lines':>11}{'test lines':>12}{'findings':>10}{'block/1k':>10}")
    for ci in corpus_info:
        rate = block_rate_by_corpus[ci["name"]]
        print(
            f"  {ci['name']:<22}{ci['files']:>8}{ci['lines']:>11,}{ci.get('test_lines', 0):>12,}"
            f"{ci.get('findings', 0):>10}{'' if rate is None else f'{rate:.4f}':>10}"
        )
    print(f"\nRules with hits (of {len(rows)}):")
    print(f"  {'rule':<48}{'action':<7}{'hits':>7}{'per 1k':>9}  by corpus")
    for r in rows:
        if r["hits"]:
            per = "" if r["per_1k_lines"] is None else f"{r['per_1k_lines']:.3f}"
            by = ", ".join(f"{k}={v}" for k, v in sorted(r["hits_by_corpus"].items()))
            print(f"  {r['rule_id']:<48}{r['action']:<7}{r['hits']:>7}{per:>9}  {by}")
    quiet = [r["rule_id"] for r in rows if not r["hits"]]
    print(f"\n{len(quiet)} rules had no hits.")
    if std_rate is not None:
        print(
            f"\nBlock-level findings on the Python standard library: {len(std_block)} in {std['lines']:,} lines"
            f" = {std_rate:.4f} per 1,000 lines (target < 0.05)"
        )
        for f in std_block:
            rel = os.path.relpath(f["path"], stdlib_dir())
            print(f"  {f['rule_id']}  {rel}:{f['line']}  {f['code']}")
    other_block = [f for f in block_findings if f["corpus"] != "python-stdlib"]
    print(f"\nBlock-level findings in other corpora: {len(other_block)}")
    for f in other_block[:200]:
        print(f"  [{f['corpus']}] {f['rule_id']}  {f['path']}:{f['line']}  {f['code']}")

    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(
        json.dumps(
            {
                "semgrep_core": core,
                "seconds": round(time.time() - t0, 1),
                "corpora": corpus_info,
                "stdlib_block_per_1k": std_rate,
                "block_per_1k_by_corpus": block_rate_by_corpus,
                "rules": rows,
                "block_findings": block_findings,
            },
            indent=2,
        )
    )
    print(f"\nwrote {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
