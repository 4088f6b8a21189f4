"""`breakwater scan` and `breakwater rules` as a user runs them: real processes, real engine."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPLY = """Here is the client:

```python
import requests

x = 1
resp = requests.get(url)
```
"""


def breakwater(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "proxy", *args], input=stdin, capture_output=True, text=True,
                          timeout=120, check=False)


def test_markdown_reply_reports_line_relative_to_snippet(tmp_path: Path) -> None:
    reply = tmp_path / "reply.md"
    reply.write_text(REPLY)
    result = breakwater("scan", "--format", "json", str(reply))
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["decision"] == "tag"
    (snippet,) = document["snippets"]
    assert snippet["language"] == "python" and snippet["origin"] == "markdown"
    (finding,) = snippet["findings"]
    assert finding["category"] == "missing-timeout" and finding["line"] == 4


def test_destructive_command_on_stdin_exits_1() -> None:
    result = breakwater("scan", "-", stdin="```bash\nrm -rf / --no-preserve-root\n```\n")
    assert result.returncode == 1
    assert "bash.rm-rf-root-or-home" in result.stdout


def test_missing_file_exits_2_with_one_line_reason() -> None:
    result = breakwater("scan", "/no/such/file.py")
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and "no such file" in result.stderr


def test_unknown_language_exits_2() -> None:
    result = breakwater("scan", "--lang", "cobol", "-", stdin="x")
    assert result.returncode == 2 and "unknown language" in result.stderr


def test_raw_code_file_uses_extension_and_lang_override(tmp_path: Path) -> None:
    script = tmp_path / "deploy.sh"
    script.write_text("#!/bin/bash\ngit push --force origin main\n")
    result = breakwater("scan", "--format", "json", str(script))
    assert result.returncode == 1
    (snippet,) = json.loads(result.stdout)["snippets"]
    assert snippet["language"] == "bash" and snippet["origin"] == "raw"
    assert snippet["findings"][0]["line"] == 2
    other = tmp_path / "deploy.txtx"
    other.write_text("DROP TABLE orders;\n")
    assert breakwater("scan", "--lang", "sql", str(other)).returncode == 1


def test_sarif_output_is_2_1_0_with_file_lines(tmp_path: Path) -> None:
    reply = tmp_path / "reply.md"
    reply.write_text(REPLY)
    document = json.loads(breakwater("scan", "--format", "sarif", str(reply)).stdout)
    assert document["version"] == "2.1.0"
    (result,) = document["runs"][0]["results"]
    assert result["ruleId"] == "python.requests-without-timeout"
    assert result["level"] == "warning"
    region = result["locations"][0]["physicalLocation"]["region"]
    assert REPLY.splitlines()[region["startLine"] - 1] == "resp = requests.get(url)"
    assert document["runs"][0]["tool"]["driver"]["rules"][0]["id"] == "python.requests-without-timeout"


def test_bad_config_names_the_key_and_exits_2(tmp_path: Path) -> None:
    config = tmp_path / "bw.yaml"
    config.write_text("mode: enforce\nactions:\n  severity:\n    critical: explode\n")
    result = breakwater("scan", "--config", str(config), "-", stdin="x")
    assert result.returncode == 2
    assert "actions.severity.critical" in result.stderr
    config.write_text("modde: shadow\n")
    result = breakwater("scan", "--config", str(config), "-", stdin="x")
    assert result.returncode == 2 and "modde" in result.stderr


def test_config_overrides_change_the_decision(tmp_path: Path) -> None:
    config = tmp_path / "bw.yaml"
    config.write_text("actions:\n  rules:\n    sql.drop-table-or-database: tag\n"
                      "  categories:\n    missing-timeout: block\n")
    result = breakwater("scan", "--config", str(config), "--format", "json", "-",
                        stdin="```sql\nDROP TABLE t;\n```\n")
    assert result.returncode == 0
    assert json.loads(result.stdout)["decision"] == "tag"
    result = breakwater("scan", "--config", str(config), "-", stdin=REPLY)
    assert result.returncode == 1


def test_rules_list_json_has_catalog_fields() -> None:
    result = breakwater("rules", "list", "--format", "json")
    rules = json.loads(result.stdout)
    assert len(rules) >= 15
    assert set(rules[0]) >= {"id", "languages", "category", "severity", "message"}
    assert breakwater("rules", "list").stdout.strip().endswith(f"{len(rules)} rules")


@pytest.mark.parametrize("stale", [True, False])
def test_rules_docs_check_detects_staleness(tmp_path: Path, stale: bool) -> None:
    out = tmp_path / "rules.md"
    breakwater("rules", "docs", "--output", str(out))
    if stale:
        out.write_text(out.read_text() + "edited\n")
    assert breakwater("rules", "docs", "--check", "--output", str(out)).returncode == (1 if stale else 0)


def test_demo_shows_a_clean_reply_a_tag_a_block_and_a_repair() -> None:
    result = breakwater("demo")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "decision: allow" in out and "decision: tag" in out and "decision: block" in out
    assert "> ⚠️ Breakwater" in out and "> ⛔ Breakwater blocked" in out
    repaired = out[out.index("=== repaired suggestion — decision: allow"):]
    assert "> 🔧 Breakwater repaired" in repaired and "ALTER TABLE orders RENAME TO" in repaired
    assert "DROP TABLE orders;" not in out  # the blocked SQL never reaches the "editor"
    assert "except:" in out  # the tagged code is delivered
