"""Realistic OpenAI Responses API streams (`POST /v1/responses`, `stream: true`), as Codex CLI receives them.

Shapes follow the API reference and the openai SDK's `types/responses/*_event.py`: every
event has an `event:` line naming its type and a JSON `data:` with `type` and a consecutive
`sequence_number`; item events carry `output_index` (and `item_id`); text deltas carry
`content_index`, `logprobs` and, like the live API, an `obfuscation` field the guard does
not know (it must pass through).
"""

from __future__ import annotations

import json
from typing import Any

CREATED = 1_750_000_000
MIGRATION_PATCH = ("*** Begin Patch\n*** Add File: db/migrations/0042.sql\n+-- start over\n"
                   "+DROP TABLE orders;\n*** End Patch\n")
EXEC_PROGRAM = ('const out = await tools.exec_command({cmd: "rm -rf ~", yield_time_ms: 1000});\n'
                "console.log(out.output);\n")
# The rule pack blocks rm -rf of /, system dirs and the whole home, not of a project under it.
EXEC_PROJECT = EXEC_PROGRAM.replace("rm -rf ~", "rm -rf ~/project")
RISKY_TEXT = ["Fetch it like this:\n\n``", "`python\nimport requests\n\n", "resp = requests.get(url)\n",
              "print(resp.status_code)\n``", "`\n\nThat is all.\n"]
DROP_TEXT = ["Reset the table:\n\n```sql\n", "DROP TABLE orders;\n", "```\n\nDone.\n"]


def sse(payload: dict[str, Any], newline: str = "\n") -> bytes:
    data = json.dumps(payload, separators=(",", ":"), ensure_ascii=False)
    return f"event: {payload['type']}{newline}data: {data}{newline}{newline}".encode()


class ResponseStream:
    """Builds one streamed reply item by item; `events()` ends it with `response.completed`."""

    def __init__(self, response_id: str = "resp_stream1", newline: str = "\n") -> None:
        self.id = response_id
        self.newline = newline
        self.payloads: list[dict[str, Any]] = []
        self.output: list[dict[str, Any]] = []
        self._emit({"type": "response.created", "response": self.response("in_progress", [])})
        self._emit({"type": "response.in_progress", "response": self.response("in_progress", [])})

    def response(self, status: str, output: list[dict[str, Any]]) -> dict[str, Any]:
        return {
            "id": self.id, "object": "response", "created_at": CREATED, "status": status, "background": False,
            "error": None, "incomplete_details": None, "instructions": None, "max_output_tokens": None,
            "model": "gpt-5-codex", "output": output, "parallel_tool_calls": True, "previous_response_id": None,
            "reasoning": {"effort": "medium", "summary": None}, "store": False, "temperature": 1.0,
            "text": {"format": {"type": "text"}, "verbosity": "medium"}, "tool_choice": "auto", "tools": [],
            "top_p": 1.0, "truncation": "disabled", "metadata": {},
            "usage": None if status == "in_progress" else {
                "input_tokens": 30, "input_tokens_details": {"cached_tokens": 0}, "output_tokens": 60,
                "output_tokens_details": {"reasoning_tokens": 10}, "total_tokens": 90},
        }

    def _emit(self, payload: dict[str, Any]) -> None:
        self.payloads.append({"type": payload["type"], "sequence_number": len(self.payloads),
                              **{k: v for k, v in payload.items() if k != "type"}})

    @property
    def index(self) -> int:
        return len(self.output)

    def reasoning(self) -> ResponseStream:
        index, item = self.index, {"id": f"rs_{self.index}", "type": "reasoning", "summary": []}
        self._emit({"type": "response.output_item.added", "output_index": index, "item": item})
        done = {**item, "encrypted_content": None}
        self._emit({"type": "response.output_item.done", "output_index": index, "item": done})
        self.output.append(done)
        return self

    def message(self, pieces: list[str]) -> ResponseStream:
        index, item_id = self.index, f"msg_{self.index}"
        item = {"id": item_id, "type": "message", "status": "in_progress", "content": [], "role": "assistant"}
        part = {"type": "output_text", "annotations": [], "logprobs": [], "text": ""}
        where = {"item_id": item_id, "output_index": index, "content_index": 0}
        text = "".join(pieces)
        self._emit({"type": "response.output_item.added", "output_index": index, "item": item})
        self._emit({"type": "response.content_part.added", **where, "part": part})
        for number, piece in enumerate(pieces):
            self._emit({"type": "response.output_text.delta", **where, "delta": piece, "logprobs": [],
                        "obfuscation": f"x{number:04d}"})
        self._emit({"type": "response.output_text.done", **where, "text": text, "logprobs": []})
        self._emit({"type": "response.content_part.done", **where, "part": {**part, "text": text}})
        done = {**item, "status": "completed", "content": [{**part, "text": text}]}
        self._emit({"type": "response.output_item.done", "output_index": index, "item": done})
        self.output.append(done)
        return self

    def function_call(self, name: str, arguments: dict[str, Any], pieces: int = 3) -> ResponseStream:
        text = json.dumps(arguments)
        return self._call({"type": "function_call", "name": name, "arguments": ""}, "arguments", text, pieces,
                          "response.function_call_arguments")

    def custom_call(self, name: str, text: str, pieces: int = 3) -> ResponseStream:
        return self._call({"type": "custom_tool_call", "name": name, "input": ""}, "input", text, pieces,
                          "response.custom_tool_call_input")

    def _call(self, fields: dict[str, Any], key: str, text: str, pieces: int, prefix: str) -> ResponseStream:
        index = self.index
        short = "fc" if fields["type"] == "function_call" else "ctc"
        item = {"id": f"{short}_{index}", "status": "in_progress", "call_id": f"call_{index}", **fields}
        where = {"item_id": item["id"], "output_index": index}
        self._emit({"type": "response.output_item.added", "output_index": index, "item": item})
        size = max(1, len(text) // pieces + 1)
        for start in range(0, len(text), size):
            self._emit({"type": f"{prefix}.delta", **where, "delta": text[start:start + size],
                        "obfuscation": "abcd"})
        self._emit({"type": f"{prefix}.done", **where, key: text})
        done = {**item, "status": "completed", key: text}
        self._emit({"type": "response.output_item.done", "output_index": index, "item": done})
        self.output.append(done)
        return self

    def events(self, complete: bool = True) -> list[bytes]:
        payloads = list(self.payloads)
        if complete:
            payloads.append({"type": "response.completed", "sequence_number": len(payloads),
                             "response": self.response("completed", self.output)})
        return [sse(p, self.newline) for p in payloads]

    def body(self, complete: bool = True) -> bytes:
        return b"".join(self.events(complete))


def events_of(body: bytes) -> list[tuple[str | None, dict[str, Any]]]:
    """(event name, data) of each event in an SSE body, for assertions on what a client received."""
    out: list[tuple[str | None, dict[str, Any]]] = []
    for block in body.decode().replace("\r\n", "\n").split("\n\n"):
        lines = block.split("\n")
        data = [line[6:] if line.startswith("data: ") else line[5:] for line in lines if line.startswith("data:")]
        name = next((line[7:] for line in lines if line.startswith("event: ")), None)
        if data:
            out.append((name, json.loads("\n".join(data))))
    return out


def streamed_output(body: bytes) -> list[dict[str, Any]]:
    """The output items a client assembles from the events alone (added, deltas, done)."""
    items: dict[int, dict[str, Any]] = {}
    for _, event in events_of(body):
        kind = event.get("type")
        if kind == "response.output_item.added" or kind == "response.output_item.done":
            items[event["output_index"]] = event["item"]
    return [items[index] for index in sorted(items)]


def streamed_texts(body: bytes) -> dict[int, str]:
    """The text of each message item as its `output_text.delta` events assemble it."""
    texts: dict[int, str] = {}
    for _, event in events_of(body):
        if event.get("type") == "response.output_text.delta":
            texts[event["output_index"]] = texts.get(event["output_index"], "") + event["delta"]
    return texts
