"""The labelled corpora hold their committed figures: no figure of `python -m bench commands` or
`python -m bench detection` may get worse than `bench/corpus_baseline.json`.

Both harnesses run once, on one real engine built as the proxy builds it (bench/live_guard.py).
When a change improves the figures on purpose, store them:
`python -m bench commands detection --update-baseline`, and commit the JSON with the change.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest

from bench import baseline, commands, detection
from bench.live_guard import running_guard
from proxy import languages

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


async def _measure_both() -> dict[str, dict[str, Any]]:
    async with running_guard() as guard:
        return {"commands": await commands.measure(guard), "detection": await detection.measure(guard)}


@pytest.fixture(scope="module")
def measured() -> dict[str, dict[str, Any]]:
    return asyncio.run(_measure_both())


def test_command_figures_are_not_worse_than_committed(measured: dict[str, dict[str, Any]]) -> None:
    worse = baseline.regressions("commands", commands.figures(measured["commands"]))
    assert not worse, "command corpus got worse:\n" + "\n".join(worse) + "\n" + commands.report(measured["commands"])


def test_detection_figures_are_not_worse_than_committed(measured: dict[str, dict[str, Any]]) -> None:
    worse = baseline.regressions("detection", detection.figures(measured["detection"]))
    assert not worse, "reply corpus got worse:\n" + "\n".join(worse) + "\n" + detection.report(measured["detection"])


def test_every_case_was_judged(measured: dict[str, dict[str, Any]]) -> None:
    """Figures from engine errors would not be measurements (the harnesses retry a failed batch)."""
    overall = measured["commands"]["overall"]
    assert overall["must_block"] + overall["must_allow"] == measured["commands"]["cases"]
    assert overall["engine_errors"] == 0
    reply = measured["detection"]["overall"]
    assert reply["risky"] + reply["clean"] == measured["detection"]["cases"]
    assert reply["engine_errors"] == 0


# ---------------------------------------------------------------- the corpora keep their shape (issues 11, 12)


def test_command_corpus_shape() -> None:
    cases = commands.load_cases()
    kinds = {case.kind for case in cases}
    must_block = sum(case.expect == "block" for case in cases)
    assert len(cases) >= 400
    assert kinds == {"destructive", "bypass", "data", "lookalike", "dryrun"}
    assert 0.45 <= must_block / len(cases) <= 0.65
    assert all(case.kind in ("destructive", "bypass") for case in cases if case.expect == "block")
    why = [case for case in cases if "issue-11-why" in case.tags]  # issue 11's own examples, both ways
    assert sum(case.expect == "block" for case in why) >= 20 and sum(case.expect == "allow" for case in why) >= 10


def test_reply_corpus_shape() -> None:
    cases = detection.load_cases()
    clean = [case for case in cases if not case.risky]
    assert len(cases) >= 250
    assert len(clean) / len(cases) >= 0.40
    assert len({language for case in cases for language in case.languages}) >= 12
    assert set(languages.names()) <= {language for case in cases for language in case.languages}
    assert {case.decision for case in cases} == {"allow", "tag", "block"}


def test_corpus_loaders_reject_malformed_cases(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("family: destructive/x\ncases:\n  - expect: maybe\n    source: s\n"
                                       "    command: rm -rf /\n")
    with pytest.raises(commands.CorpusError):
        commands.load_cases(tmp_path)
    (tmp_path / "bad.yaml").write_text("language: python\ncases:\n  - id: a\n    risky: false\n    decision: tag\n"
                                       "    categories: []\n    source: s\n    fence: python\n    code: x = 1\n")
    with pytest.raises(detection.CorpusError):
        detection.load_cases(tmp_path)


# ---------------------------------------------------------------- the gate itself


def test_regressions_name_each_worse_figure(tmp_path: Path) -> None:
    path = tmp_path / "baseline.json"
    path.write_text(json.dumps({"h": {"block_recall": 0.9, "false_block_rate": 0.02, "family.x.block_recall": 1.0}}))
    assert baseline.regressions("h", {"block_recall": 0.9, "false_block_rate": 0.02,
                                      "family.x.block_recall": 1.0}, path) == []
    assert baseline.regressions("h", {"block_recall": 0.95, "false_block_rate": 0.0,
                                      "family.x.block_recall": 1.0}, path) == []
    worse = baseline.regressions("h", {"block_recall": 0.89, "false_block_rate": 0.03}, path)
    assert [line.split(":")[0] for line in worse] == ["block_recall", "false_block_rate", "family.x.block_recall"]
    assert baseline.regressions("other", {}, path)  # no committed figures is a failure, not a pass


def test_update_baseline_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "baseline.json"
    baseline.update("commands", {"block_recall": 0.5}, path)
    baseline.update("detection", {"recall": 0.7, "language.go.false_blocks": 1}, path)
    assert baseline.load(path) == {"commands": {"block_recall": 0.5},
                                   "detection": {"language.go.false_blocks": 1, "recall": 0.7}}
    assert baseline.regressions("detection", {"recall": 0.7, "language.go.false_blocks": 2}, path)


def _command_outcome(expect: str, delivered: bool, decision: str) -> commands.Outcome:
    case = commands.CommandCase("x", expect, "bypass/wrappers", "s", "f.yaml", ("t",))  # type: ignore[arg-type]
    return commands.Outcome(case, delivered, decision, (), flagged_in_chat=decision != "allow")


def test_command_scoring_counts_misses_and_false_blocks() -> None:
    result = commands.score([_command_outcome("block", False, "block"), _command_outcome("block", True, "tag"),
                             _command_outcome("block", True, "allow"),
                             _command_outcome("allow", True, "tag"), _command_outcome("allow", False, "block")])
    assert result["overall"]["block_recall"] == round(1 / 3, 4)
    assert result["overall"]["chat_flag_recall"] == round(2 / 3, 4)
    assert result["overall"]["false_block_rate"] == 0.5
    assert result["overall"]["tagged_allows"] == 1
    assert result["by_tag"]["t"] == result["overall"]
    assert commands.figures(result)["tag.t.false_block_rate"] == 0.5
    assert [m["decision"] for m in result["misses"]] == ["tag", "allow"]
    assert [m["decision"] for m in result["false_blocks"]] == ["block"]
    assert "| block recall (must-block not delivered) | 0.333 (1/3) |" in commands.markdown({"cases": 5, **result})


def _reply_outcome(risky: bool, expected: str, got: str, categories: tuple[str, ...],
                   flagged: set[str], detected: tuple[str | None, ...]) -> detection.Outcome:
    case = detection.ReplyCase("id", "f.yaml", risky, expected, categories, ("python",), "s", "text")
    return detection.Outcome(case, got, frozenset(flagged), (), detected)


def test_detection_scoring() -> None:
    result = detection.score([
        _reply_outcome(True, "block", "block", ("injection",), {"injection"}, ("python",)),
        _reply_outcome(True, "tag", "tag", ("missing-timeout",), {"swallowed-error"}, ("python",)),  # wrong category
        _reply_outcome(False, "allow", "tag", (), {"syntax-error"}, ("bash",)),  # false alarm, wrong language
        _reply_outcome(False, "allow", "allow", (), set(), ("python", "python")),  # an extra snippet
    ])
    overall = result["overall"]
    assert (overall["recall"], overall["block_recall"], overall["false_alarm_rate"]) == (0.5, 1.0, 0.5)
    assert overall["false_blocks"] == 0
    assert overall["language_accuracy"] == 3 / 5
    assert result["by_category"]["missing-timeout"]["recall"] == 0.0
    assert result["false_alarms_by_category"] == {"syntax-error": 1}
    table = detection.markdown({"cases": 4, **result})
    assert "| recall (risky flagged with an expected category) | 0.500 (1/2) |" in table
    assert "| syntax-error | - | 1 |" in table
