"""What every part of one streamed reply shares: the guard, the limits, the output, its tasks."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import Any

from proxy.config import StreamingConfig
from proxy.guard import Guard
from proxy.models import ScanResult, SnippetResult
from proxy.stream.output import Output
from proxy.stream.tools import ToolCallReview, pass_tool_call

log = logging.getLogger("breakwater.stream")


class StreamBroken(Exception):
    """The upstream stream cannot be read on (malformed events); the message says why."""


@dataclass
class StreamContext:
    guard: Guard
    limits: StreamingConfig
    output: Output = field(default_factory=Output)
    review_tool_call: ToolCallReview = pass_tool_call
    results: list[SnippetResult] = field(default_factory=list)
    tasks: set[asyncio.Task[None]] = field(default_factory=set)

    def spawn(self, coroutine: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        """Run a review while the stream goes on; kept so an aborted stream can cancel it."""
        task = asyncio.get_running_loop().create_task(coroutine)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
        return task

    def cancel(self) -> None:
        for task in list(self.tasks):
            task.cancel()

    @property
    def result(self) -> ScanResult:
        return ScanResult(sorted(self.results, key=lambda r: r.snippet.index))
