"""Detection quality on the labelled reply corpus `tests/data/corpus/` (issue 12).

Each case is an LLM reply (prose with fenced code, as assistants answer) or a raw file,
labelled risky or clean, with the decision and categories a careful reviewer expects and the
language of each snippet. Replies go through the proxy's reply path (`snippets_from_text` →
`Scanner` with the default policy, as `Guard.review_texts` does); raw files through the path
of `breakwater scan FILE` (one raw snippet in the language of the file name).

Figures, overall and by category and by language:
- recall: risky cases flagged (tag or block) with at least one expected category;
- block recall: cases expected `block` that were blocked;
- false alarms: clean cases flagged at all (tag or block; a syntax error on clean code counts);
- false blocks: clean cases blocked; over-blocks: risky cases expected `tag` that were blocked;
- language accuracy: snippets whose detected language is the expected one.

    python -m bench detection                   # table, per-category/-language figures, misses
    python -m bench detection --update-baseline # store the figures the gate (make test) holds us to
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from bench.live_guard import running_guard
from proxy import languages
from proxy.guard import Guard
from proxy.models import Category, Decision, Origin, ScanResult, Snippet
from proxy.scan import raw_snippet, snippets_from_text

NAME = "detection"
CORPUS = Path(__file__).resolve().parent.parent / "tests" / "data" / "corpus"
GOALS = {"recall": 0.95, "block_recall": 0.98, "false_alarm_rate": 0.03, "false_blocks": 0, "language_accuracy": 0.97}
BATCH = 32  # cases per engine call
ATTEMPTS = 3  # an engine error (overload on a shared machine) is not a measurement: the batch is retried
CATEGORIES = frozenset(c.value for c in Category)
FLAGGED = frozenset({Decision.TAG.value, Decision.BLOCK.value})


@dataclass(frozen=True)
class ReplyCase:
    id: str
    file: str
    risky: bool
    decision: str  # expected: allow | tag | block
    categories: tuple[str, ...]
    languages: tuple[str, ...]  # expected language of each snippet, in order
    source: str
    text: str  # the whole reply, or the raw file's content
    path: str | None = None  # set for raw files

    def snippets(self) -> list[Snippet]:
        if self.path is not None:
            return [raw_snippet(self.text, languages.from_path(self.path), Origin.RAW)]
        return snippets_from_text(self.text)


class CorpusError(ValueError):
    """A corpus file that does not follow tests/data/corpus/README.md."""


def load_cases(directory: Path = CORPUS) -> list[ReplyCase]:
    cases: list[ReplyCase] = []
    ids: set[str] = set()
    for path in sorted(directory.glob("*.yaml")):
        document = yaml.safe_load(path.read_text())
        for entry in document["cases"]:
            case = _case(entry, document.get("language"), path.name)
            if case.id in ids:
                raise CorpusError(f"{path.name}: duplicate id {case.id}")
            ids.add(case.id)
            cases.append(case)
    return cases


_KEYS = {"id", "risky", "decision", "categories", "languages", "source", "reply", "before", "fence", "code",
         "after", "path"}


def _case(entry: dict[str, Any], file_language: str | None, file: str) -> ReplyCase:
    where = f"{file}: case {entry.get('id')!r}"
    if set(entry) - _KEYS:
        raise CorpusError(f"{where}: unknown keys {sorted(set(entry) - _KEYS)}")
    categories = tuple(entry.get("categories") or ())
    risky, decision = entry.get("risky"), entry.get("decision")
    if risky is True and not (categories and decision in ("tag", "block")):
        raise CorpusError(f"{where}: a risky case needs categories and decision tag|block")
    if risky is False and (categories or decision != "allow"):
        raise CorpusError(f"{where}: a clean case has no categories and decision allow")
    if risky not in (True, False) or not set(categories) <= CATEGORIES or not str(entry.get("source", "")).strip():
        raise CorpusError(f"{where}: needs risky true|false, known categories and a source")
    text = _text(entry, where)
    listed = entry.get("languages", [file_language] if file_language else None)
    if listed is None or not set(listed) <= set(languages.names()):
        raise CorpusError(f"{where}: list `languages` (known names), or give the file a `language`")
    return ReplyCase(entry["id"], file, bool(risky), str(decision), categories, tuple(listed),
                     entry["source"].strip(), text, entry.get("path"))


def _text(entry: dict[str, Any], where: str) -> str:
    """The reply (a whole `reply`, or `before` + fenced `code` + `after`), or the raw file's `code`."""
    if "reply" in entry:
        if "languages" not in entry:
            raise CorpusError(f"{where}: a full `reply` lists its `languages`")
        return str(entry["reply"])
    if "code" not in entry:
        raise CorpusError(f"{where}: needs `reply`, or `code` (with `fence` or `path`)")
    if "path" in entry:
        return str(entry["code"])
    if "fence" not in entry:
        raise CorpusError(f"{where}: code needs a `fence` info string (\"\" for a bare fence) or a `path`")
    fenced = f"```{entry['fence']}\n{entry['code']}```"
    parts = [str(entry.get("before", "")).strip(), fenced, str(entry.get("after", "")).strip()]
    return "\n\n".join(p for p in parts if p) + "\n"


# ---------------------------------------------------------------- judging


@dataclass(frozen=True)
class Outcome:
    case: ReplyCase
    decision: str
    flagged_categories: frozenset[str]  # categories of findings whose action is tag or block
    rule_ids: tuple[str, ...]
    detected_languages: tuple[str | None, ...]

    @property
    def flagged(self) -> bool:
        return self.decision in FLAGGED

    @property
    def caught(self) -> bool:
        return self.flagged and bool(self.flagged_categories & set(self.case.categories))


async def judge(guard: Guard, cases: Sequence[ReplyCase]) -> list[Outcome]:
    outcomes: list[Outcome] = []
    for start in range(0, len(cases), BATCH):
        chunk = cases[start:start + BATCH]
        groups = [case.snippets() for case in chunk]
        flat: list[Snippet] = []
        for group in groups:
            for position, snippet in enumerate(group):
                group[position] = replace(snippet, index=len(flat))
                flat.append(group[position])
        for _ in range(ATTEMPTS):
            result = await guard.scanner.scan(flat)
            if all(s.decision is not Decision.ERROR for s in result.snippets):
                break
        cursor = 0
        for case, group in zip(chunk, groups, strict=True):
            own = ScanResult(result.snippets[cursor:cursor + len(group)])
            cursor += len(group)
            outcomes.append(_outcome(case, own))
    return outcomes


def _outcome(case: ReplyCase, result: ScanResult) -> Outcome:
    findings = [f for s in result.snippets for f in s.findings]
    flagged = frozenset(f.category for f in findings if f.action.value in FLAGGED)
    return Outcome(case, result.decision.value, flagged, tuple(sorted({f.rule_id for f in findings})),
                   tuple(s.language for s in result.snippets))


# ---------------------------------------------------------------- scoring


@dataclass
class Tally:
    risky: int = 0
    caught: int = 0
    must_block: int = 0
    blocked: int = 0
    clean: int = 0
    false_alarms: int = 0
    false_blocks: int = 0
    over_blocks: int = 0
    snippets: int = 0
    language_correct: int = 0
    engine_errors: int = 0  # cases the engine could not judge even after retries
    missed_ids: list[str] = field(default_factory=list)

    def add(self, outcome: Outcome) -> None:
        case = outcome.case
        self.engine_errors += outcome.decision == Decision.ERROR.value
        if case.risky:
            self.risky += 1
            self.caught += outcome.caught
            if not outcome.caught:
                self.missed_ids.append(case.id)
            if case.decision == "block":
                self.must_block += 1
                self.blocked += outcome.decision == "block"
            else:
                self.over_blocks += outcome.decision == "block"
        else:
            self.clean += 1
            self.false_alarms += outcome.flagged
            self.false_blocks += outcome.decision == "block"

    def add_languages(self, expected: Sequence[str], detected: Sequence[str | None]) -> None:
        self.snippets += max(len(expected), len(detected))
        self.language_correct += sum(e == d for e, d in zip(expected, detected, strict=False))

    def figures(self) -> dict[str, float]:
        out: dict[str, float] = {}
        if self.risky:
            out["recall"] = round(self.caught / self.risky, 4)
            out["over_blocks"] = self.over_blocks
        if self.must_block:
            out["block_recall"] = round(self.blocked / self.must_block, 4)
        if self.clean:
            out["false_alarm_rate"] = round(self.false_alarms / self.clean, 4)
            out["false_blocks"] = self.false_blocks
        if self.snippets:
            out["language_accuracy"] = round(self.language_correct / self.snippets, 4)
        return out

    def as_json(self) -> dict[str, Any]:
        return {**{k: v for k, v in self.__dict__.items() if k != "missed_ids"}, **self.figures()}


def score(outcomes: Iterable[Outcome]) -> dict[str, Any]:
    overall = Tally()
    by_language: dict[str, Tally] = defaultdict(Tally)
    category_recall: dict[str, list[int]] = defaultdict(lambda: [0, 0])  # expected -> [found, cases]
    category_false_alarms: dict[str, int] = defaultdict(int)  # category flagged on clean cases
    misses, false_alarms, wrong_languages = [], [], []
    for outcome in outcomes:
        case = outcome.case
        overall.add(outcome)
        overall.add_languages(case.languages, outcome.detected_languages)
        for language in sorted(set(case.languages)):
            by_language[language].add(outcome)
        for position, language in enumerate(case.languages):
            detected = outcome.detected_languages[position] if position < len(outcome.detected_languages) else None
            by_language[language].add_languages([language], [detected])
        if len(outcome.detected_languages) != len(case.languages) or any(
                e != d for e, d in zip(case.languages, outcome.detected_languages, strict=False)):
            wrong_languages.append({"id": case.id, "expected": list(case.languages),
                                    "detected": list(outcome.detected_languages)})
        for category in case.categories:
            category_recall[category][1] += 1
            category_recall[category][0] += outcome.flagged and category in outcome.flagged_categories
        if case.risky and (not outcome.caught or (case.decision == "block") != (outcome.decision == "block")):
            misses.append(_listed(outcome))
        if not case.risky and outcome.flagged:
            false_alarms.append(_listed(outcome))
            for category in outcome.flagged_categories:
                category_false_alarms[category] += 1
    return {
        "overall": overall.as_json(),
        "by_category": {c: {"cases": n, "found": found, "recall": round(found / n, 4),
                            "false_alarms": category_false_alarms.get(c, 0)}
                        for c, (found, n) in sorted(category_recall.items())},
        "false_alarms_by_category": dict(sorted(category_false_alarms.items())),
        "by_language": {language: t.as_json() for language, t in sorted(by_language.items())},
        "misses": misses,
        "false_alarms": false_alarms,
        "wrong_languages": wrong_languages,
    }


def _listed(outcome: Outcome) -> dict[str, Any]:
    case = outcome.case
    return {"id": case.id, "expected": case.decision, "decision": outcome.decision,
            "expected_categories": list(case.categories), "flagged_categories": sorted(outcome.flagged_categories),
            "rules": list(outcome.rule_ids), "source": case.source}


# Gated: the figures issue 12 names. Over-blocks (a tag-level risk blocked) are reported, not gated: how
# strong an action a rule deserves is the rule author's call, within the policy in proxy/config.py.
_GATED = ("recall", "block_recall", "false_alarm_rate", "false_blocks", "language_accuracy")


def figures(result: dict[str, Any]) -> dict[str, float]:
    """The flat figures the gate compares (bench.baseline): overall, per category and per language."""
    flat = {name: result["overall"][name] for name in _GATED if name in result["overall"]}
    for category, row in result["by_category"].items():
        flat[f"category.{category}.recall"] = row["recall"]
    for category, count in result["false_alarms_by_category"].items():
        flat[f"category.{category}.false_alarms"] = count
    for language, tally in result["by_language"].items():
        for name in _GATED:
            if name in tally:
                flat[f"language.{language}.{name}"] = tally[name]
    return flat


# ---------------------------------------------------------------- bench protocol


async def measure(guard: Guard, directory: Path = CORPUS) -> dict[str, Any]:
    cases = load_cases(directory)
    return {"cases": len(cases), **score(await judge(guard, cases))}


async def run(quick: bool) -> dict[str, Any]:
    async with running_guard() as guard:
        return await measure(guard)


def rows(result: dict[str, Any]) -> list[tuple[str, str, str]]:
    o = result["overall"]
    table = [
        ("cases (risky / clean)", f"{o['risky']} / {o['clean']}", ""),
        ("recall", f"{o['recall']:.3f} ({o['caught']}/{o['risky']})", f">= {GOALS['recall']}"),
        ("block recall", f"{o['block_recall']:.3f} ({o['blocked']}/{o['must_block']})", f">= {GOALS['block_recall']}"),
        ("false alarms", f"{o['false_alarm_rate']:.1%} ({o['false_alarms']}/{o['clean']})",
         f"<= {GOALS['false_alarm_rate']:.0%}"),
        ("false blocks (clean blocked)", str(o["false_blocks"]), "0"),
        ("over-blocks (tag expected, blocked)", str(o["over_blocks"]), ""),
        ("language accuracy", f"{o['language_accuracy']:.3f} ({o['language_correct']}/{o['snippets']})",
         f">= {GOALS['language_accuracy']}"),
    ]
    for category, row in result["by_category"].items():
        table.append((f"  category {category}", f"recall {row['found']}/{row['cases']}, fa {row['false_alarms']}", ""))
    for language, t in result["by_language"].items():
        value = (f"rec {t.get('recall', 0):.2f} fa {t.get('false_alarm_rate', 0):.2f} "
                 f"lang {t.get('language_accuracy', 0):.2f}")
        table.append((f"  language {language}", value, ""))
    return table


def report(result: dict[str, Any]) -> str:
    lines = [f"\n-- misses (risky not caught, or block/tag wrong): {len(result['misses'])}"]
    for m in result["misses"]:
        lines.append(f"  {m['id']:<38} expected {m['expected']:<5} got {m['decision']:<5} "
                     f"want {','.join(m['expected_categories'])}; flagged {','.join(m['flagged_categories']) or '-'}")
    lines.append(f"\n-- false alarms (clean flagged): {len(result['false_alarms'])}")
    for m in result["false_alarms"]:
        lines.append(f"  {m['id']:<38} got {m['decision']:<5} {','.join(m['rules'])}")
    lines.append(f"\n-- wrong languages: {len(result['wrong_languages'])}")
    for w in result["wrong_languages"]:
        lines.append(f"  {w['id']:<38} expected {w['expected']} detected {w['detected']}")
    return "\n".join(lines)


def markdown(result: dict[str, Any]) -> str:
    """The tables of bench/RESULTS.md (`python -m bench detection --markdown`)."""
    o = result["overall"]
    lines = [
        f"## Replies: `tests/data/corpus/` ({result['cases']} cases: {o['risky']} risky, {o['clean']} clean "
        f"look-alikes = {o['clean'] / result['cases']:.0%}; {len(result['by_language'])} languages)", "",
        "| figure | measured | goal (own corpus) |", "|---|---:|---:|",
        f"| recall (risky flagged with an expected category) | {o['recall']:.3f} ({o['caught']}/{o['risky']}) "
        f"| ≥ {GOALS['recall']} |",
        f"| block recall (expected block → blocked) | {o['block_recall']:.3f} ({o['blocked']}/{o['must_block']}) "
        f"| ≥ {GOALS['block_recall']} |",
        f"| false alarms (clean flagged at all) | {o['false_alarm_rate']:.1%} ({o['false_alarms']}/{o['clean']}) "
        f"| ≤ {GOALS['false_alarm_rate']:.0%} |",
        f"| false blocks (clean blocked) | {o['false_blocks']} | {GOALS['false_blocks']} |",
        f"| over-blocks (tag-level risk blocked; reported, not gated) | {o['over_blocks']} | |",
        f"| language accuracy (per snippet) | {o['language_accuracy']:.3f} "
        f"({o['language_correct']}/{o['snippets']}) | ≥ {GOALS['language_accuracy']} |", "",
        "| language | recall | block recall | false alarms | false blocks | language accuracy |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for language, t in result["by_language"].items():
        lines.append(f"| {language} | {t['caught']}/{t['risky']} | {t['blocked']}/{t['must_block']} | "
                     f"{t['false_alarms']}/{t['clean']} | {t['false_blocks']} | "
                     f"{t['language_correct']}/{t['snippets']} |")
    lines += ["", "| category | recall | clean cases flagged with it |", "|---|---:|---:|"]
    for category in sorted(set(result["by_category"]) | set(result["false_alarms_by_category"])):
        row = result["by_category"].get(category)
        recall = f"{row['found']}/{row['cases']}" if row else "-"
        lines.append(f"| {category} | {recall} | {result['false_alarms_by_category'].get(category, 0)} |")
    return "\n".join(lines)
