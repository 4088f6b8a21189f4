"""A fast fake OpenAI upstream for benchmarks, run as its own process.

`python -m bench.upstream PORT`. The request's `model` picks the reply: `prose`, `clean40`
(a clean 40-line Python block) or `risky40` (the same with a missing timeout and a
swallowed error). `stream: true` answers in SSE chunks of about 24 characters.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import sys
import time

from aiohttp import web

_CLEAN_LINES = [
    "import logging",
    "from dataclasses import dataclass",
    "",
    "import requests",
    "",
    "log = logging.getLogger(__name__)",
    "",
    "",
    "@dataclass",
    "class Order:",
    "    id: int",
    "    total_cents: int",
    "    currency: str",
    "",
    "",
    "def fetch_orders(base_url: str, user_id: int) -> list[Order]:",
    '    """Fetch a user\'s orders, failing loudly on HTTP errors."""',
    '    response = requests.get(f"{base_url}/users/{user_id}/orders", timeout=10)',
    "    response.raise_for_status()",
    "    orders = []",
    '    for item in response.json()["orders"]:',
    '        orders.append(Order(item["id"], item["total_cents"], item["currency"]))',
    "    return orders",
    "",
    "",
    "def total(orders: list[Order]) -> int:",
    "    return sum(order.total_cents for order in orders)",
    "",
    "",
    "def main() -> None:",
    '    orders = fetch_orders("https://shop.example", 42)',
    '    log.info("%d orders, %d cents", len(orders), total(orders))',
    "    for order in orders:",
    "        if order.total_cents < 0:",
    '            raise ValueError(f"negative total in order {order.id}")',
    "",
    "",
    'if __name__ == "__main__":',
    "    logging.basicConfig(level=logging.INFO)",
    "    main()",
]
CLEAN40 = "\n".join(_CLEAN_LINES) + "\n"
RISKY40 = CLEAN40.replace(
    '    response = requests.get(f"{base_url}/users/{user_id}/orders", timeout=10)\n    response.raise_for_status()',
    '    try:\n        response = requests.get(f"{base_url}/users/{user_id}/orders")\n    except:\n        pass',
)
PROSE = ("To make the importer idempotent, record the last processed id and skip rows at or below it. "
         "Keep the batch size small so a failure only repeats a little work, and log each batch.")

REPLIES = {
    "prose": PROSE,
    "clean40": f"Here is the helper:\n\n```python\n{CLEAN40}```\n\nIt raises on HTTP errors.\n",
    "risky40": f"Here is the helper:\n\n```python\n{RISKY40}```\n\nIt retries quietly.\n",
}


COUNTER = itertools.count()


def completion(content: str, model: str) -> dict[str, object]:
    return {
        "id": "chatcmpl-bench", "object": "chat.completion", "created": int(time.time()), "model": model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 10, "completion_tokens": 100, "total_tokens": 110},
    }


def chunk(model: str, delta: dict[str, object], finish: str | None = None) -> bytes:
    event = {"id": "chatcmpl-bench", "object": "chat.completion.chunk", "created": 0, "model": model,
             "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
    return b"data: " + json.dumps(event).encode() + b"\n\n"


async def chat(request: web.Request) -> web.StreamResponse:
    payload = await request.json()
    model = str(payload.get("model", "prose"))
    slow = model.endswith("-slow")  # `clean40-slow`: 20 ms between chunks, to hold streams open
    unique = model.endswith("-unique")  # `clean40-unique`: a different snippet every time (no cache hits)
    content = REPLIES.get(model.removesuffix("-slow").removesuffix("-unique"), PROSE)
    if unique:
        content = content.replace("```python\n", f"```python\n# request {next(COUNTER)}\n", 1)
    if not payload.get("stream"):
        return web.json_response(completion(content, model))
    response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
    await response.prepare(request)
    await response.write(chunk(model, {"role": "assistant", "content": ""}))
    for start in range(0, len(content), 24):
        if slow:
            await asyncio.sleep(0.02)
        await response.write(chunk(model, {"content": content[start:start + 24]}))
    await response.write(chunk(model, {}, "stop"))
    await response.write(b"data: [DONE]\n\n")
    await response.write_eof()
    return response


def main() -> None:
    app = web.Application()
    app.router.add_post("/v1/chat/completions", chat)
    web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=None, access_log=None)


if __name__ == "__main__":
    main()
