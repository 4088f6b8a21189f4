"""What every part of one streamed reply shares: the guard, the limits, the output, its tasks."""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from proxy.config import StreamingConfig
from proxy.guard import Guard
from proxy.models import ScanResult, SnippetResult
from proxy.stream.calls import ToolCallReview
from proxy.stream.output import Output

log = logging.getLogger("breakwater.stream")


class StreamBroken(Exception):
    """The upstream stream cannot be read on (malformed events); the message says why."""


@dataclass
class StreamContext:
    guard: Guard
    limits: StreamingConfig
    # What decides a complete tool call, made for this context: `proxy.stream.tool_review.ToolReview`
    # scans it; `lambda ctx: proxy.stream.calls.pass_tool_call` delivers calls unscanned.
    tool_reviewer: Callable[[StreamContext], ToolCallReview]
    output: Output = field(default_factory=Output)
    results: list[SnippetResult] = field(default_factory=list)
    tasks: set[asyncio.Task[None]] = field(default_factory=set)
    timers: set[asyncio.TimerHandle] = field(default_factory=set)  # hold bounds of tool calls, stopped on abort
    # Snippet numbers of the reply's recorded result, shared by text blocks and tool calls.
    number: Callable[[], int] = field(default_factory=lambda: itertools.count().__next__)
    review_tool_call: ToolCallReview = field(init=False)

    def __post_init__(self) -> None:
        self.review_tool_call = self.tool_reviewer(self)

    def spawn(self, coroutine: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        """Run a review while the stream goes on; kept so an aborted stream can cancel it."""
        task = asyncio.get_running_loop().create_task(coroutine)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
        return task

    def cancel(self) -> None:
        for task in list(self.tasks):
            task.cancel()
        for timer in self.timers:
            timer.cancel()

    @property
    def result(self) -> ScanResult:
        return ScanResult(sorted(self.results, key=lambda r: r.snippet.index))
