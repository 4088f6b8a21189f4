"""The fixture annotation parser behind `breakwater rules test` (Semgrep's --test convention)."""

from __future__ import annotations

from pathlib import Path

from proxy.ruletest import fixtures_for, parse_annotations


def test_annotation_marks_the_next_code_line() -> None:
    text = "# ruleid: a.b\nbad()\n# ok: a.b\ngood()\n"
    expect = parse_annotations(text)
    assert expect.expected == {"a.b": {2}}
    assert expect.forbidden == {"a.b": {4}}
    assert expect.cases == 2


def test_stacked_annotations_and_trailing_annotations() -> None:
    text = "// ruleid: x.one\n// ok: x.two\ncall()\nother() // ruleid: x.two\n-- ruleid: x.one, x.three\nDROP;\n"
    expect = parse_annotations(text)
    assert expect.expected == {"x.one": {3, 6}, "x.two": {4}, "x.three": {6}}
    assert expect.forbidden == {"x.two": {3}}


def test_todo_annotations_are_ignored() -> None:
    assert parse_annotations("# todoruleid: a.b\nx()\n").cases == 0


def test_fixture_discovery(tmp_path: Path) -> None:
    for name in ("r.yaml", "r.py", "r.test.yaml", "rr.py", "r.dockerfile", "other.yaml"):
        (tmp_path / name).write_text("")
    assert [p.name for p in fixtures_for(tmp_path / "r.yaml")] == ["r.dockerfile", "r.py", "r.test.yaml"]
