"""Upstream replies as the real APIs shape them, written here so tests do not lean on shipped code
(`proxy.demo` has its own scripted LLM; a test's idea of the wire format must not be the code's)."""

from __future__ import annotations

import json
import time
from typing import Any


def chat_completion(content: str, model: str = "scripted-llm", **extra: Any) -> dict[str, Any]:
    """A non-streamed chat completion shaped like OpenAI's, field for field."""
    return {
        "id": f"chatcmpl-{time.time_ns()}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [{
            "index": 0,
            "message": {"role": "assistant", "content": content, "refusal": None, "annotations": []},
            "logprobs": None,
            "finish_reason": "stop",
        }],
        "usage": {"prompt_tokens": 12, "completion_tokens": 48, "total_tokens": 60},
        "service_tier": "default",
        "system_fingerprint": "fp_scripted",
        **extra,
    }


def bash_call(command: str, content: str | None = None) -> dict[str, Any]:
    """A chat completion whose message calls the `Bash` tool with `command` (and says `content`)."""
    payload = chat_completion("")
    message = payload["choices"][0]["message"]
    message["content"] = content
    message["tool_calls"] = [{"id": "call_1", "type": "function",
                              "function": {"name": "Bash", "arguments": json.dumps({"command": command})}}]
    payload["choices"][0]["finish_reason"] = "tool_calls"
    return payload
