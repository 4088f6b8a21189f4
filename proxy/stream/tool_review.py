"""The default tool-call hook of a streamed reply: scan each complete call with `proxy.agents`.

A streamed tool call is judged exactly as the same call in a non-streamed reply (same
extraction, same per-tool policy, same notes), so what the client ends up with does not
depend on streaming. Calls that complete in the same turn of the event loop (the last call
of every choice at `finish_reason`, or every open block when a stream ends) share one
engine call. The results join the reply's `ctx.results`, which is recorded once (metrics
and audit) when the reply ends, together with the text blocks.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace

from proxy import agents
from proxy.models import Decision, Origin, ScanResult, Snippet, SnippetResult
from proxy.stream.calls import ToolCall, ToolCallOutcome
from proxy.stream.context import StreamContext

log = logging.getLogger("breakwater.stream")


class ToolReview:
    """A `ToolCallReview` that scans: block → the note instead of the call, tag → the call then the note."""

    def __init__(self, ctx: StreamContext) -> None:
        self.ctx = ctx
        self._batch: list[tuple[ToolCall, asyncio.Future[ToolCallOutcome]]] = []

    async def __call__(self, call: ToolCall) -> ToolCallOutcome:
        future: asyncio.Future[ToolCallOutcome] = asyncio.get_running_loop().create_future()
        self._batch.append((call, future))
        if len(self._batch) == 1:
            self.ctx.spawn(self._flush())
        return await future

    async def _flush(self) -> None:
        await asyncio.sleep(0)  # let the other calls completed by the same upstream bytes join
        batch, self._batch = self._batch, []
        calls = [agents.ToolCall(call.name or None, call.arguments, call.id) for call, _ in batch]
        guard = self.ctx.guard
        try:
            verdicts = await agents.review_tool_calls(calls, guard, count=False)
        except asyncio.CancelledError:
            for _, future in batch:
                future.cancel()
            raise
        except Exception as exc:  # a verdict for every call, so no release waits forever
            log.exception("reviewing streamed tool calls failed")
            verdicts = [_failed(call, f"{type(exc).__name__}: {exc}", guard.tools_fail_closed) for call in calls]
        for (call, future), verdict in zip(batch, verdicts, strict=True):
            for result in verdict.result.snippets:
                result.snippet = replace(result.snippet, index=self.ctx.number())
            self.ctx.results.extend(verdict.result.snippets)
            if not future.done():
                future.set_result(outcome_of(call, verdict))


def outcome_of(call: ToolCall, verdict: agents.ToolVerdict) -> ToolCallOutcome:
    return ToolCallOutcome(call if verdict.deliver else None, verdict.note)


def _failed(call: agents.ToolCall, error: str, fail_closed: bool) -> agents.ToolVerdict:
    text = call.arguments if isinstance(call.arguments, str) else str(call.arguments)
    snippet = Snippet(text, None, Origin.TOOL_CALL, 0, start=0, end=len(text))
    result = ScanResult([SnippetResult(snippet, None, 0, decision=Decision.ERROR, error=error)])
    return agents.verdict_for(call, result, fail_closed)
