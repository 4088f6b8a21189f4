"""What every engine implementation offers, and how it fails."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from proxy.models import RawFinding


@dataclass(frozen=True)
class ScanTarget:
    """One snippet to scan: its code and its canonical language (see proxy.languages).

    `urgent` snippets (agents' tool calls: what runs or is written as soon as it is
    delivered) are served before queued prose fences; it does not change the findings.
    """

    code: str
    language: str
    urgent: bool = field(default=False, compare=False)


class EngineError(Exception):
    """The engine could not produce findings. `kind` is the `engine_errors_total` label."""

    def __init__(self, kind: str, detail: str = "") -> None:
        super().__init__(f"{kind}: {detail}" if detail else kind)
        self.kind = kind
        self.detail = detail


class Engine(Protocol):
    @property
    def ready(self) -> bool:
        """True once the rules are loaded and the engine can answer."""
        ...

    async def start(self) -> None: ...

    async def close(self) -> None: ...

    async def scan(self, targets: Sequence[ScanTarget]) -> list[list[RawFinding]]:
        """Findings for each target, in order, with 1-based lines relative to the target."""
        ...
