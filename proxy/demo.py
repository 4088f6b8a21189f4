"""`breakwater demo`: the proxy against a scripted LLM on loopback, shown as the editor sees it.

Needs no API key and no network: a tiny OpenAI-compatible server answers four prompts
with a clean suggestion, a risky one (tagged), a destructive one (blocked), and a destructive
one that the repair loop sends back and the model fixes (repaired).
"""

from __future__ import annotations

import time
from typing import Any

import openai
from aiohttp import web

from proxy.config import Settings
from proxy.server import create_app

CLEAN = """Here is a small helper that fetches a user's orders with a timeout:

```python
import requests


def fetch_orders(base_url: str, user_id: int) -> list[dict]:
    response = requests.get(f"{base_url}/users/{user_id}/orders", timeout=10)
    response.raise_for_status()
    return response.json()
```
"""

RISKY = """This retries the payment call until it succeeds:

```python
import requests


def charge(url, payload):
    try:
        return requests.post(url, json=payload)
    except:
        pass
```
"""

DESTRUCTIVE = """To reset the orders data before the import, run this in production:

```sql
DROP TABLE orders;
CREATE TABLE orders (id bigint primary key, placed_at timestamptz not null);
```

Then re-run the importer.
"""

REPAIRED = """Renaming keeps the data until you are sure nothing needs it:

```sql
ALTER TABLE orders RENAME TO orders_before_import;
CREATE TABLE orders (id bigint primary key, placed_at timestamptz not null);
```

Drop `orders_before_import` in a reviewed migration once the import is verified.
"""

SCRIPT = {"clean": CLEAN, "risky": RISKY, "destructive": DESTRUCTIVE, "repair": DESTRUCTIVE}
REPAIR_TURN = "stopped your previous answer"  # words of the repair loop's follow-up (proxy.repair)


def chat_completion(content: str, model: str = "scripted-llm", **extra: Any) -> dict[str, Any]:
    """A chat completion shaped like OpenAI's, field for field."""
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


def scripted_llm() -> web.Application:
    """An OpenAI-compatible server that answers by keyword in the last user message."""

    async def completions(request: web.Request) -> web.Response:
        payload = await request.json()
        prompt = str(payload["messages"][-1].get("content", "")).lower()
        if REPAIR_TURN in prompt:
            reply = REPAIRED
        else:
            reply = next((text for word, text in SCRIPT.items() if word in prompt), CLEAN)
        return web.json_response(chat_completion(reply, model=payload.get("model", "scripted-llm")))

    app = web.Application()
    app.router.add_post("/v1/chat/completions", completions)
    return app


async def _start(app: web.Application) -> tuple[web.AppRunner, str]:
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    return runner, f"http://127.0.0.1:{port}"


async def run_demo() -> int:
    llm_runner, llm_url = await _start(scripted_llm())
    settings = Settings(openai_base_url=f"{llm_url}/v1", repair={"enabled": True})
    proxy_runner, proxy_url = await _start(create_app(settings))
    print(f"scripted LLM on {llm_url}, Breakwater proxy on {proxy_url} (mode: {settings.mode})\n")
    client = openai.AsyncOpenAI(base_url=f"{proxy_url}/v1", api_key="demo-key-not-used")
    try:
        for word, prompt, repair in [
            ("clean", "Write a clean helper that fetches orders.", "off"),
            ("risky", "Write a risky payment call.", "off"),
            ("destructive", "Give me the destructive reset for the orders table.", "off"),
            ("repaired", "Reset the orders table before the import (repair it if needed).", "on"),
        ]:
            raw = await client.chat.completions.with_raw_response.create(
                model="scripted-llm", messages=[{"role": "user", "content": prompt}],
                extra_headers={"X-Breakwater-Repair": repair},
            )
            reply = raw.parse()
            decision = raw.headers.get("x-breakwater-decision")
            findings = raw.headers.get("x-breakwater-findings")
            print(f"=== {word} suggestion — decision: {decision}, findings: {findings} ".ljust(78, "="))
            print(reply.choices[0].message.content)
    finally:
        await client.close()
        await proxy_runner.cleanup()
        await llm_runner.cleanup()
    return 0
