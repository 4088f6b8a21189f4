"""`breakwater scan --format sarif` output validated against the official SARIF 2.1.0 JSON schema.

The schema is vendored (tests/data/sarif/, with its notice). Levels are checked against the
SARIF enumeration through the schema, and against what a code-scanning dashboard needs: a
high or critical finding is an `error`, medium a `warning`, low a `note`.
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from proxy.cli import main

SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif" / "sarif-2.1.0-rtm.5.json").read_text())
LEVEL = {"critical": "error", "high": "error", "medium": "warning", "low": "note"}

# One finding of each severity (rule ids from the bundled pack), in a raw file and in a markdown reply.
CODE = '''import datetime
import requests

AWS_ACCESS_KEY_ID = "AKIA4QWERTYZXCVBNM12"
now = datetime.datetime.now()
resp = requests.get(url)
insecure = requests.get(url, verify=False, timeout=5)
'''
REPLY = f"Some prose.\n\n```python\n{CODE}```\n\nAnd a clean one:\n\n```python\nprint('hi')\n```\n"


def sarif(capsys: pytest.CaptureFixture[str], *paths: Path) -> dict:
    code = main(["scan", "--format", "sarif", *map(str, paths)])
    assert code in (0, 1)
    return json.loads(capsys.readouterr().out)


def validate(document: dict) -> None:
    jsonschema.Draft4Validator(SCHEMA).validate(document)


def test_every_severity_gives_a_valid_document_and_level(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    raw, reply = tmp_path / "app.py", tmp_path / "reply.md"
    raw.write_text(CODE)
    reply.write_text(REPLY)
    document = sarif(capsys, raw, reply)
    validate(document)
    (run,) = document["runs"]
    results = run["results"]
    severities = {r["properties"]["severity"] for r in run["tool"]["driver"]["rules"]}
    assert severities == set(LEVEL), "the fixture must cover every severity"
    rule_severity = {r["id"]: r["properties"]["severity"] for r in run["tool"]["driver"]["rules"]}
    assert results and all(r["level"] == LEVEL[rule_severity[r["ruleId"]]] for r in results)
    for result in results:
        (location,) = result["locations"]
        uri = location["physicalLocation"]["artifactLocation"]["uri"]
        line = location["physicalLocation"]["region"]["startLine"]
        source = (raw if uri == str(raw) else reply).read_text().splitlines()
        assert line >= 1 and source[line - 1] in CODE.splitlines()  # the line is the finding's own line


def test_no_findings_is_still_a_valid_document(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    clean = tmp_path / "clean.py"
    clean.write_text("print('hi')\n")
    document = sarif(capsys, clean)
    validate(document)
    assert document["runs"][0]["results"] == []


def test_the_schema_rejects_what_we_must_not_emit() -> None:
    """The validator is live: a level outside the SARIF enumeration fails."""
    bad = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}},
                                         "results": [{"message": {"text": "m"}, "level": "critical"}]}]}
    with pytest.raises(jsonschema.ValidationError):
        validate(bad)
