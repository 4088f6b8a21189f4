"""Plain models that flow through the scan path (extract → parse → engine → policy).

Nothing here knows a wire format: protocol modules turn replies into `Snippet`s and
turn `ScanResult`s back into replies.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

UNPARSED_RULE_ID = "breakwater.unparsed"  # code the guard could not read in full (CONTRACT.md): never clean

# What a tool call's snippet is, in `Snippet.info` (for a markdown fence, `info` is the fence's info string).
ROLE_COMMAND = "command"  # a shell command (or code nested in one) that runs when the call is executed
ROLE_FILE = "file"  # content written to a file
ROLE_SCRIPT = "script"  # a program that calls tools (Codex code mode)


class Severity(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        return _SEVERITY_ORDER.index(self)


_SEVERITY_ORDER = [Severity.LOW, Severity.MEDIUM, Severity.HIGH, Severity.CRITICAL]


class Action(StrEnum):
    """What policy does with one finding (and, as the strongest of them, with a snippet)."""

    ALLOW = "allow"
    TAG = "tag"
    BLOCK = "block"

    @property
    def rank(self) -> int:
        return _ACTION_ORDER.index(self)


_ACTION_ORDER = [Action.ALLOW, Action.TAG, Action.BLOCK]


def strongest(actions: list[Action]) -> Action:
    return max(actions, key=lambda a: a.rank, default=Action.ALLOW)


class Decision(StrEnum):
    """The outcome reported for a reply: an action, or `error` when the engine failed."""

    ALLOW = "allow"
    TAG = "tag"
    BLOCK = "block"
    ERROR = "error"


class Origin(StrEnum):
    MARKDOWN = "markdown"
    RAW = "raw"
    TOOL_CALL = "tool_call"
    COMPLETION = "completion"
    DIFF = "diff"


class Category(StrEnum):
    DESTRUCTIVE_OPERATION = "destructive-operation"
    MISSING_TIMEOUT = "missing-timeout"
    SWALLOWED_ERROR = "swallowed-error"
    UNBOUNDED_RETRY = "unbounded-retry"
    BLOCKING_IN_ASYNC = "blocking-in-async"
    UNSAFE_CONFIG = "unsafe-config"
    INSECURE_TRANSPORT = "insecure-transport"
    INJECTION = "injection"
    HARDCODED_SECRET = "hardcoded-secret"
    TIME_HANDLING = "time-handling"
    MONEY_PRECISION = "money-precision"
    RESOURCE_LEAK = "resource-leak"
    SYNTAX_ERROR = "syntax-error"


@dataclass(frozen=True)
class Snippet:
    """One piece of code found in a reply.

    `code` is exactly what gets scanned; `start`/`end` locate the code in the text it came
    from (character offsets), so renderers can replace or annotate it. `added_lines`, when
    set, limits findings to those 1-based lines (the new side of a diff).
    """

    code: str
    language: str | None
    origin: Origin
    index: int = 0
    info: str = ""
    path: str | None = None
    start: int = 0
    end: int = 0
    added_lines: frozenset[int] | None = None


@dataclass(frozen=True)
class RawFinding:
    """A rule match as the engine reports it, before policy picks an action."""

    rule_id: str
    category: str
    severity: Severity
    message: str
    line: int
    end_line: int


@dataclass(frozen=True)
class Finding:
    rule_id: str
    category: str
    severity: Severity
    action: Action
    message: str
    line: int
    end_line: int

    def to_json(self) -> dict[str, object]:
        return {
            "rule_id": self.rule_id,
            "category": self.category,
            "severity": self.severity.value,
            "action": self.action.value,
            "message": self.message,
            "line": self.line,
            "end_line": self.end_line,
        }


@dataclass
class SnippetResult:
    snippet: Snippet
    language: str | None
    parse_errors: int
    findings: list[Finding] = field(default_factory=list)
    decision: Decision = Decision.ALLOW
    error: str | None = None

    def to_json(self) -> dict[str, object]:
        return {
            "index": self.snippet.index,
            "language": self.language,
            "origin": self.snippet.origin.value,
            "parse_errors": self.parse_errors,
            "decision": self.decision.value,
            "findings": [f.to_json() for f in self.findings],
        }


@dataclass(frozen=True)
class RepairMark:
    """What the repair loop (proxy.repair) made of a scanned reply, for the audit log.

    `part` is `original` (the reply the model sent first) or `candidate` (the model's repaired
    answer); `outcome` is the repair's outcome (repaired | kept_original | error | timeout);
    `delivered` says whether this part is what the client got; `reason` why a repair was not used."""

    part: str
    outcome: str
    delivered: bool
    reason: str = ""


@dataclass
class ScanResult:
    snippets: list[SnippetResult] = field(default_factory=list)
    repair: RepairMark | None = None  # set only on replies the repair loop asked again

    @property
    def decision(self) -> Decision:
        decisions = {r.decision for r in self.snippets}
        for candidate in (Decision.BLOCK, Decision.ERROR, Decision.TAG):
            if candidate in decisions:
                return candidate
        return Decision.ALLOW

    @property
    def findings(self) -> list[Finding]:
        return [f for r in self.snippets for f in r.findings]

    def to_json(self) -> dict[str, object]:
        return {"decision": self.decision.value, "snippets": [r.to_json() for r in self.snippets]}
