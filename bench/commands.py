"""Agent shell commands: block recall and false blocks on the labelled corpus `tests/data/commands/`.

Every case is sent as an agent's `Bash` tool call through the proxy's own tool-call path
(`proxy.agents.review_reply` → `snippets_from_tool_call` → `Scanner` with the default policy,
tool policy included → `verdict_for`). What counts is whether the call would be delivered:
a `block` case that is delivered is a miss; an `allow` case that is not delivered is a false
block (a tagged `allow` case is delivered, with a note, and counts as fine). Each must-block
command is also suggested in a chat reply, in a ```bash fence (`Guard.review_texts`' path):
there it should at least be tagged (`chat_flag_recall`).

    python -m bench commands                   # table, per-family figures, misses and false blocks
    python -m bench commands --update-baseline # store the figures the gate (make test) holds us to
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml

from bench.live_guard import running_guard
from proxy.agents import AgentReview, ToolCall, review_reply
from proxy.guard import Guard
from proxy.models import Decision

NAME = "commands"
CORPUS = Path(__file__).resolve().parent.parent / "tests" / "data" / "commands"
GOALS = {"block_recall": 0.98, "false_block_rate": 0.01}
BATCH = 48  # tool calls per engine call: one reply with many calls, as agents send them
ATTEMPTS = 3  # an engine error (overload on a shared machine) is not a measurement: the batch is retried

Expect = Literal["block", "allow"]


@dataclass(frozen=True)
class CommandCase:
    command: str
    expect: Expect
    family: str  # <kind>/<area>, e.g. bypass/wrappers
    source: str
    file: str
    tags: tuple[str, ...] = ()  # e.g. issue-11-why: a command listed in issue 11 (its "Done when" names them)

    @property
    def kind(self) -> str:
        return self.family.split("/", 1)[0]


@dataclass(frozen=True)
class Outcome:
    case: CommandCase
    delivered: bool
    decision: str
    rule_ids: tuple[str, ...]
    flagged_in_chat: bool = False  # tagged or blocked when suggested in a chat ```bash fence

    @property
    def correct(self) -> bool:
        return self.delivered == (self.case.expect == "allow")


class CorpusError(ValueError):
    """A corpus file that does not follow tests/data/commands/README.md."""


def load_cases(directory: Path = CORPUS) -> list[CommandCase]:
    cases: list[CommandCase] = []
    seen: dict[str, str] = {}
    for path in sorted(directory.glob("*.yaml")):
        document = yaml.safe_load(path.read_text())
        for entry in document["cases"]:
            case = _case(entry, document.get("family"), path.name)
            if case.command in seen:
                raise CorpusError(f"{path.name}: duplicate command (also in {seen[case.command]}): {case.command!r}")
            seen[case.command] = path.name
            cases.append(case)
    return cases


def _case(entry: dict[str, Any], file_family: str | None, file: str) -> CommandCase:
    unknown = set(entry) - {"command", "expect", "family", "source", "tags"}
    family = entry.get("family", file_family)
    tags = entry.get("tags", [])
    if unknown or entry.get("expect") not in ("block", "allow") or not family or "/" not in family:
        raise CorpusError(f"{file}: bad case {entry!r}")
    if not isinstance(tags, list) or not all(isinstance(tag, str) and tag for tag in tags):
        raise CorpusError(f"{file}: tags must be a list of names: {entry!r}")
    if not str(entry.get("command", "")).strip() or not str(entry.get("source", "")).strip():
        raise CorpusError(f"{file}: case without command or source: {entry!r}")
    return CommandCase(entry["command"], entry["expect"], family, entry["source"].strip(), file, tuple(tags))


async def judge(guard: Guard, cases: Sequence[CommandCase]) -> list[Outcome]:
    """Each case as a `Bash` tool call; batched into replies of `BATCH` calls (verdicts are per call)."""
    outcomes: list[Outcome] = []
    for start in range(0, len(cases), BATCH):
        chunk = cases[start:start + BATCH]
        calls = [ToolCall("Bash", {"command": case.command}, f"call_{start + n}") for n, case in enumerate(chunk)]
        review = await _reviewed(guard, [], calls)
        chat = await _reviewed(guard, [chat_reply(case.command) for case in chunk], [])
        for case, verdict, in_chat in zip(chunk, review.verdicts, chat.text_results, strict=True):
            rule_ids = tuple(sorted({f.rule_id for s in verdict.result.snippets for f in s.findings}))
            flagged = in_chat.decision in (Decision.TAG, Decision.BLOCK)
            outcomes.append(Outcome(case, verdict.deliver, verdict.decision.value, rule_ids, flagged))
    return outcomes


async def _reviewed(guard: Guard, texts: list[str], calls: list[ToolCall]) -> AgentReview:
    for _ in range(ATTEMPTS):
        review = await review_reply(guard, texts, calls, count=False)
        if all(s.decision is not Decision.ERROR for s in review.result.snippets):
            break
    return review


def chat_reply(command: str) -> str:
    """The command as an assistant suggests it in chat."""
    return f"Run this:\n\n```bash\n{command}\n```\n"


# ---------------------------------------------------------------- scoring


@dataclass
class Tally:
    must_block: int = 0
    blocked: int = 0
    must_allow: int = 0
    false_blocks: int = 0
    tagged_allows: int = 0
    flagged_in_chat: int = 0
    engine_errors: int = 0  # cases the engine could not judge even after retries

    def add(self, outcome: Outcome) -> None:
        self.engine_errors += outcome.decision == Decision.ERROR.value
        if outcome.case.expect == "block":
            self.must_block += 1
            self.blocked += not outcome.delivered
            self.flagged_in_chat += outcome.flagged_in_chat
        else:
            self.must_allow += 1
            self.false_blocks += not outcome.delivered
            self.tagged_allows += outcome.delivered and outcome.decision == "tag"

    def figures(self) -> dict[str, float]:
        out: dict[str, float] = {}
        if self.must_block:
            out["block_recall"] = round(self.blocked / self.must_block, 4)
            out["chat_flag_recall"] = round(self.flagged_in_chat / self.must_block, 4)
        if self.must_allow:
            out["false_block_rate"] = round(self.false_blocks / self.must_allow, 4)
        return out

    def as_json(self) -> dict[str, Any]:
        return {**self.__dict__, **self.figures()}


def score(outcomes: Iterable[Outcome]) -> dict[str, Any]:
    overall = Tally()
    by_family: dict[str, Tally] = defaultdict(Tally)
    by_kind: dict[str, Tally] = defaultdict(Tally)
    by_tag: dict[str, Tally] = defaultdict(Tally)
    wrong: list[Outcome] = []
    for outcome in outcomes:
        tallies = [overall, by_family[outcome.case.family], by_kind[outcome.case.kind]]
        for tally in tallies + [by_tag[tag] for tag in outcome.case.tags]:
            tally.add(outcome)
        if not outcome.correct:
            wrong.append(outcome)
    return {
        "overall": overall.as_json(),
        "by_kind": {k: t.as_json() for k, t in sorted(by_kind.items())},
        "by_family": {k: t.as_json() for k, t in sorted(by_family.items())},
        "by_tag": {k: t.as_json() for k, t in sorted(by_tag.items())},
        "misses": [_listed(o) for o in wrong if o.case.expect == "block"],
        "false_blocks": [_listed(o) for o in wrong if o.case.expect == "allow"],
    }


def _listed(outcome: Outcome) -> dict[str, Any]:
    return {"family": outcome.case.family, "command": outcome.case.command, "decision": outcome.decision,
            "rules": list(outcome.rule_ids), "source": outcome.case.source}


def figures(result: dict[str, Any]) -> dict[str, float]:
    """The flat figures the gate compares (bench.baseline): overall, per kind and per family."""
    gated = ("block_recall", "chat_flag_recall", "false_block_rate")
    flat = {name: result["overall"][name] for name in gated}
    for group in ("by_kind", "by_family", "by_tag"):
        for key, tally in result[group].items():
            for name in gated:
                if name in tally:
                    flat[f"{group.removeprefix('by_')}.{key}.{name}"] = tally[name]
    return flat


# ---------------------------------------------------------------- bench protocol


async def measure(guard: Guard, directory: Path = CORPUS) -> dict[str, Any]:
    cases = load_cases(directory)
    return {"cases": len(cases), **score(await judge(guard, cases))}


async def run(quick: bool) -> dict[str, Any]:
    async with running_guard() as guard:
        return await measure(guard)


def rows(result: dict[str, Any]) -> list[tuple[str, str, str]]:
    overall = result["overall"]
    table = [
        ("cases (must block / must allow)", f"{overall['must_block']} / {overall['must_allow']}", ""),
        ("block recall", f"{overall['block_recall']:.3f}", f">= {GOALS['block_recall']}"),
        ("false blocks", f"{overall['false_blocks']} ({overall['false_block_rate']:.1%})",
         f"<= {GOALS['false_block_rate']:.0%}"),
        ("allowed but tagged (fine)", str(overall["tagged_allows"]), ""),
        ("must-block flagged in a chat ```bash", f"{overall['chat_flag_recall']:.3f}", "1.0"),
    ]
    for tag, tally in result["by_tag"].items():
        table.append((f"tag {tag}", f"recall {tally['blocked']}/{tally['must_block']}, "
                                    f"false blocks {tally['false_blocks']}/{tally['must_allow']}", ""))
    for family, tally in result["by_family"].items():
        value = (f"recall {tally['blocked']}/{tally['must_block']}" if tally["must_block"]
                 else f"false blocks {tally['false_blocks']}/{tally['must_allow']}")
        table.append((f"  {family}", value, ""))
    return table


def report(result: dict[str, Any]) -> str:
    """The misses and false blocks, one per line, for the terminal."""
    lines = []
    for title, items in (("misses (delivered, should be blocked)", result["misses"]),
                         ("false blocks (blocked, should be delivered)", result["false_blocks"])):
        lines.append(f"\n-- {title}: {len(items)}")
        for item in items:
            command = item["command"].replace("\n", "⏎ ")
            rules = ",".join(item["rules"]) or "-"
            lines.append(f"  [{item['family']}] {item['decision']:<5} {command[:110]}   ({rules})")
    return "\n".join(lines)


def markdown(result: dict[str, Any]) -> str:
    """The tables of bench/RESULTS.md (`python -m bench commands --markdown`)."""
    o = result["overall"]
    lines = [
        f"## Commands: `tests/data/commands/` ({result['cases']} cases: {o['must_block']} must block, "
        f"{o['must_allow']} must be delivered untouched)", "",
        "| figure | measured | goal |", "|---|---:|---:|",
        f"| block recall (must-block not delivered) | {o['block_recall']:.3f} ({o['blocked']}/{o['must_block']}) "
        f"| ≥ {GOALS['block_recall']} |",
        f"| false blocks (must-allow not delivered) | {o['false_blocks']}/{o['must_allow']} = "
        f"{o['false_block_rate']:.1%} | ≤ {GOALS['false_block_rate']:.0%} |",
        f"| must-block flagged when suggested in a chat ```bash fence | {o['chat_flag_recall']:.3f} "
        f"({o['flagged_in_chat']}/{o['must_block']}) | 1.0 |",
        f"| must-allow delivered with a tag note (fine) | {o['tagged_allows']} | |",
        *(f"| tag `{tag}`: block recall, false blocks | {t['blocked']}/{t['must_block']}, "
          f"{t['false_blocks']}/{t['must_allow']} | all, none |" for tag, t in result["by_tag"].items()),
        "",
        "| family | block recall | | family | false blocks |", "|---|---:|---|---|---:|",
    ]
    blocks = [f"{k} | {t['blocked']}/{t['must_block']}" for k, t in result["by_family"].items() if t["must_block"]]
    allows = [f"{k} | {t['false_blocks']}/{t['must_allow']}" for k, t in result["by_family"].items() if t["must_allow"]]
    for row in range(max(len(blocks), len(allows))):
        left = blocks[row] if row < len(blocks) else " | "
        right = allows[row] if row < len(allows) else " | "
        lines.append(f"| {left} | | {right} |")
    return "\n".join(lines)
