"""How each wire format asks the model again: the follow-up request, the note, the token count.

A follow-up is the original request with exactly two more turns: the assistant's reply as the
model sent it, and a user turn listing the findings. When the reply called tools, the API
requires an answer to each call before the next user turn, so each call gets a tool result
saying it was not run (Anthropic puts those results and the user text in the same user turn;
OpenAI chat needs `tool` messages; the Responses API `*_output` items).
"""

from __future__ import annotations

import copy
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from proxy.guard import Guard, Review
from proxy.protocols import anthropic, openai_chat, openai_responses

NOT_RUN = "Not run: Breakwater stopped this call before it reached the user. See the next message."
Payload = dict[str, Any]


@dataclass(frozen=True)
class RepairFormat:
    """One wire format's part in a repair: build the follow-up, review a reply, add the note."""

    name: str
    follow_up: Callable[[Payload, Payload, str, int | None], Payload]
    review: Callable[[Payload, Guard], Awaitable[Review]]
    add_note: Callable[[Payload, str], None]
    usage: Callable[[Payload], tuple[int, int]]


def _base(request: Payload, max_output_tokens: int | None, token_key: str) -> Payload:
    body = copy.deepcopy(request)
    body["stream"] = False
    body.pop("stream_options", None)
    if max_output_tokens is not None:
        body[token_key] = min(int(body.get(token_key) or max_output_tokens), max_output_tokens)
    return body


def _tokens(usage: object, input_key: str, output_key: str) -> tuple[int, int]:
    if not isinstance(usage, dict):
        return 0, 0
    values = usage.get(input_key), usage.get(output_key)
    return tuple(v if isinstance(v, int) else 0 for v in values)  # type: ignore[return-value]


# ---------------------------------------------------------------- OpenAI chat completions


def chat_follow_up(request: Payload, reply: Payload, instruction: str, max_output_tokens: int | None) -> Payload:
    token_key = "max_tokens" if "max_tokens" in request else "max_completion_tokens"
    body = _base(request, max_output_tokens, token_key)
    body.pop("n", None)  # one answer to repair, one answer back
    choice = (reply.get("choices") or [{}])[0]
    said = dict(choice.get("message") or {"role": "assistant", "content": ""})
    said = {k: v for k, v in said.items() if k in ("role", "content", "tool_calls", "function_call", "refusal")}
    results = [{"role": "tool", "tool_call_id": call.get("id"), "content": NOT_RUN}
               for call in said.get("tool_calls") or [] if isinstance(call, dict)]
    if said.get("function_call"):
        results.append({"role": "function", "name": said["function_call"].get("name"), "content": NOT_RUN})
    body["messages"] = [*request.get("messages", []), said, *results, {"role": "user", "content": instruction}]
    return body


def chat_note(reply: Payload, note: str) -> None:
    choices = reply.get("choices") or []
    if choices and isinstance(choices[0].get("message"), dict):
        openai_chat.add_text(choices[0]["message"], note)


CHAT = RepairFormat("chat", chat_follow_up, openai_chat.review_response, chat_note,
                    lambda reply: _tokens(reply.get("usage"), "prompt_tokens", "completion_tokens"))


# ---------------------------------------------------------------- Anthropic messages


def messages_follow_up(request: Payload, reply: Payload, instruction: str, max_output_tokens: int | None) -> Payload:
    body = _base(request, max_output_tokens, "max_tokens")
    said = [block for block in reply.get("content") or [] if isinstance(block, dict)]
    results: list[Payload] = [{"type": "tool_result", "tool_use_id": block.get("id"), "is_error": True,
                               "content": NOT_RUN} for block in said if block.get("type") == "tool_use"]
    body["messages"] = [*request.get("messages", []), {"role": "assistant", "content": said},
                        {"role": "user", "content": [*results, {"type": "text", "text": instruction}]}]
    return body


def messages_note(reply: Payload, note: str) -> None:
    content = reply.setdefault("content", [])
    if isinstance(content, list):
        content.append({"type": "text", "text": note})


MESSAGES = RepairFormat("messages", messages_follow_up, anthropic.review_response, messages_note,
                        lambda reply: _tokens(reply.get("usage"), "input_tokens", "output_tokens"))


# ---------------------------------------------------------------- OpenAI Responses

_CALL_OUTPUTS = {"function_call": "function_call_output", "custom_tool_call": "custom_tool_call_output",
                 "local_shell_call": "local_shell_call_output"}
_REPLAYED = frozenset({"message", "reasoning", *_CALL_OUTPUTS, "shell_call", "apply_patch_call"})


def responses_follow_up(request: Payload, reply: Payload, instruction: str,
                        max_output_tokens: int | None) -> Payload:
    """Stateless: the original input, the reply's items and the two turns. When the client chained
    with `previous_response_id`, the follow-up chains onto the reply instead (the server has the rest)."""
    body = _base(request, max_output_tokens, "max_output_tokens")
    items = [item for item in reply.get("output") or [] if isinstance(item, dict)]
    outputs = [{"type": _CALL_OUTPUTS.get(item["type"], "function_call_output"), "call_id": item.get("call_id"),
                "output": NOT_RUN} for item in items if item.get("type") in _REPLAYED and item.get("call_id")]
    user = {"role": "user", "content": instruction}
    if request.get("previous_response_id") and reply.get("id"):
        body["previous_response_id"] = reply["id"]
        body["input"] = [*outputs, user]
        return body
    original = request.get("input", [])
    prior = [{"role": "user", "content": original}] if isinstance(original, str) else list(original)
    body["input"] = [*prior, *[item for item in items if item.get("type") in _REPLAYED], *outputs, user]
    return body


def responses_note(reply: Payload, note: str) -> None:
    output = reply.setdefault("output", [])
    if isinstance(output, list):
        output.append(openai_responses.message_item(note))
    if isinstance(reply.get("output_text"), str):
        reply["output_text"] += ("\n\n" if reply["output_text"] else "") + note


RESPONSES = RepairFormat("responses", responses_follow_up, openai_responses.review_response, responses_note,
                         lambda reply: _tokens(reply.get("usage"), "input_tokens", "output_tokens"))
