"""`breakwater scan --staged` / `--diff BASE`: only what the change adds is reported, in a real git repository."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from proxy.extract.git_changes import added_lines_by_file

BREAKWATER = str(Path(sys.executable).parent / "breakwater")
OLD = "import requests\n\n\ndef old(url):\n    return requests.get(url)\n"  # an existing finding, not ours
NEW_LINES = "\n\ndef drop(cursor):\n    cursor.execute(\"DROP TABLE orders\")\n"


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args], cwd=repo, check=True,
                   capture_output=True)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    git(tmp_path, "init", "-q", "-b", "main")
    (tmp_path / "app.py").write_text(OLD)
    (tmp_path / "notes.txt").write_text("hello\n")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "start")
    return tmp_path


def scan(repo: Path, *args: str) -> tuple[int, dict]:
    done = subprocess.run([BREAKWATER, "scan", "--format", "json", *args], cwd=repo, capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode in (0, 1), done.stderr
    return done.returncode, json.loads(done.stdout) if done.stdout.strip() else {}


def findings(document: dict) -> list[tuple[str, int]]:
    return [(f["category"], f["line"]) for s in document.get("snippets", []) for f in s["findings"]]


def test_staged_reports_only_added_lines(repo: Path) -> None:
    (repo / "app.py").write_text(OLD + NEW_LINES)
    git(repo, "add", "app.py")
    code, document = scan(repo, "--staged")
    assert code == 1
    assert findings(document) == [("destructive-operation", 9)]  # not the old missing timeout on line 5


def test_staged_reads_the_index_not_the_working_tree(repo: Path) -> None:
    (repo / "app.py").write_text(OLD + NEW_LINES)  # changed but not staged
    code, document = scan(repo, "--staged")
    assert code == 0 and findings(document) == []


def test_diff_against_a_base_reports_what_the_branch_adds(repo: Path) -> None:
    git(repo, "checkout", "-q", "-b", "feature")
    (repo / "deploy.sh").write_text("#!/bin/sh\nset -e\ngit push --force origin main\n")
    git(repo, "add", "deploy.sh")
    git(repo, "commit", "-q", "-m", "deploy")
    code, document = scan(repo, "--diff", "main")
    assert code == 1
    assert ("destructive-operation", 3) in findings(document)


def test_clean_change_exits_zero(repo: Path) -> None:
    (repo / "app.py").write_text(OLD + "\n\ndef add(a, b):\n    return a + b\n")
    git(repo, "add", "app.py")
    code, document = scan(repo, "--staged")
    assert code == 0 and findings(document) == []


def test_usage_errors(repo: Path) -> None:
    for args in (["--staged", "app.py"], ["--staged", "--diff", "main"], []):
        done = subprocess.run([BREAKWATER, "scan", *args], cwd=repo, capture_output=True, text=True, timeout=60,
                              check=False)
        assert done.returncode == 2 and done.stderr.startswith("breakwater:"), args
    bad = subprocess.run([BREAKWATER, "scan", "--diff", "no-such-branch"], cwd=repo, capture_output=True,
                         text=True, timeout=60, check=False)
    assert bad.returncode == 2 and "git:" in bad.stderr


def test_added_lines_from_hunk_headers() -> None:
    diff = ("diff --git a/x.py b/x.py\n--- a/x.py\n+++ b/x.py\n@@ -3,0 +4,2 @@\n+a\n+b\n@@ -9 +11 @@\n-c\n+d\n"
            "diff --git a/gone.py b/gone.py\n--- a/gone.py\n+++ /dev/null\n@@ -1 +0,0 @@\n-x\n")
    assert added_lines_by_file(diff) == {"x.py": frozenset({4, 5, 11})}


def test_codequality_report_for_gitlab(repo: Path) -> None:
    (repo / "app.py").write_text(OLD + NEW_LINES)
    git(repo, "add", "app.py")
    done = subprocess.run([BREAKWATER, "scan", "--staged", "--format", "codequality"], cwd=repo,
                          capture_output=True, text=True, timeout=120, check=False)
    [issue] = json.loads(done.stdout)
    assert issue["location"] == {"path": "app.py", "lines": {"begin": 9}}
    assert issue["severity"] in ("blocker", "critical") and issue["check_name"].startswith("python.")
    assert len(issue["fingerprint"]) == 64 and issue["description"].startswith(issue["check_name"])
