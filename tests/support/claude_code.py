"""The real Claude Code CLI for tests, and a scripted Anthropic upstream for it to talk to.

Claude Code comes from the npm registry (`@anthropic-ai/claude-code`, pinned) into a cache
directory the first time a test needs it. In CI a missing `npm` or a failed install fails the
test; on a developer machine without npm the test is skipped with the reason.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

CLAUDE_CODE_VERSION = "2.1.337"
CACHE = Path(os.environ.get("BREAKWATER_TEST_CACHE", Path.home() / ".cache" / "breakwater-tests"))


def claude_code_binary() -> Path:
    prefix = CACHE / f"claude-code-{CLAUDE_CODE_VERSION}"
    binary = prefix / "node_modules" / ".bin" / "claude"
    if binary.exists():
        return binary
    npm = shutil.which("npm")
    if npm is None:
        _unavailable("npm is not installed (apt-get install npm)")
    done = subprocess.run([npm, "install", "--prefix", str(prefix), "--no-audit", "--no-fund",
                           f"@anthropic-ai/claude-code@{CLAUDE_CODE_VERSION}"], capture_output=True, text=True,
                          timeout=300, check=False)
    if done.returncode != 0 or not binary.exists():
        _unavailable(f"npm could not install Claude Code: {done.stderr.strip()[-300:]}")
    return binary


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


class ScriptedAnthropic:
    """Answers Claude Code's first turn with one `Bash` tool call, and any later turn with text.

    Every request body is kept, so a test can read the `tool_result` Claude Code sends back."""

    def __init__(self, command: str) -> None:
        self.command = command
        self.requests: list[dict[str, Any]] = []

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/v1/messages", self._messages)
        app.router.add_route("*", "/{tail:.*}", self._other)
        return app

    def tool_results(self) -> list[dict[str, Any]]:
        return [block for body in self.requests for message in body.get("messages", [])
                if isinstance(message.get("content"), list)
                for block in message["content"] if block.get("type") == "tool_result"]

    async def _other(self, request: web.Request) -> web.Response:
        return web.json_response({})

    async def _messages(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        self.requests.append(body)
        offers_bash = any(tool.get("name") == "Bash" for tool in body.get("tools", []))
        answered = any(True for _ in self._results_in(body))
        message = {"id": f"msg_{len(self.requests)}", "type": "message", "role": "assistant",
                   "model": body.get("model"), "content": [], "stop_reason": None, "stop_sequence": None,
                   "usage": {"input_tokens": 10, "output_tokens": 1}}
        if offers_bash and not answered:
            block = {"type": "tool_use", "id": "toolu_breakwater_1", "name": "Bash", "input": {}}
            delta = {"type": "input_json_delta", "partial_json": json.dumps({"command": self.command})}
            stop = "tool_use"
        else:
            block, delta, stop = {"type": "text", "text": ""}, {"type": "text_delta", "text": "Done."}, "end_turn"
        if not body.get("stream"):
            return web.json_response({**message, "content": [{"type": "text", "text": "Done."}],
                                      "stop_reason": "end_turn"})
        events = [
            {"type": "message_start", "message": message},
            {"type": "content_block_start", "index": 0, "content_block": block},
            {"type": "content_block_delta", "index": 0, "delta": delta},
            {"type": "content_block_stop", "index": 0},
            {"type": "message_delta", "delta": {"stop_reason": stop, "stop_sequence": None},
             "usage": {"output_tokens": 5}},
            {"type": "message_stop"},
        ]
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await response.prepare(request)
        await response.write("".join(f"event: {e['type']}\ndata: {json.dumps(e)}\n\n" for e in events).encode())
        await response.write_eof()
        return response

    @staticmethod
    def _results_in(body: dict[str, Any]) -> list[dict[str, Any]]:
        last = (body.get("messages") or [{}])[-1]
        content = last.get("content")
        return [b for b in content if b.get("type") == "tool_result"] if isinstance(content, list) else []
