"""The dashboard in headless Chromium: charts drawn from requests made here, and the approve button."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import openai
import pytest
import requests

from proxy.demo import chat_completion
from tests.support.browser import Browser, find_chromium
from tests.support.dependencies import require
from tests.support.fake_llm import FakeLLM, json_reply
from tests.support.team import TeamProxy

DROP = "Reset it:\n\n```sql\nDROP TABLE orders;\n```\n"
RISKY = "Try:\n\n```python\nimport requests\nresp = requests.get(url)\n```\n"


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    executable, reason = find_chromium()
    require(executable is not None, reason)  # a failure, not a skip, in CI
    assert executable is not None
    started = await Browser(executable).start()
    yield started
    await started.close()


def ask(proxy: TeamProxy, who: str) -> str:
    client = openai.OpenAI(base_url=f"{proxy.url}/v1", api_key=proxy.keys[who], max_retries=0)
    raw = client.chat.completions.with_raw_response.create(model=f"model-{who}", messages=[])
    return raw.headers["x-breakwater-request-id"]


def sum_of(selector: str, attribute: str) -> str:
    return (f"[...document.querySelectorAll({json.dumps(selector)})]"
            f".reduce((s, e) => s + Number(e.getAttribute({json.dumps(attribute)})), 0)")


async def test_dashboard_draws_real_data_and_approves(team_proxy: TeamProxy, fake: FakeLLM,
                                                      browser: Browser) -> None:
    fake.respond(json_reply(chat_completion(DROP)))
    blocked_request = ask(team_proxy, "alice")
    ask(team_proxy, "carol")  # search team: tagged, not blocked
    fake.respond(json_reply(chat_completion(RISKY)))
    ask(team_proxy, "alice")
    waiver = requests.post(f"{team_proxy.url}/admin/api/waivers", headers=team_proxy.headers("alice"), timeout=10,
                           json={"category": "destructive-operation", "reason": "schema migration week"}).json()
    team_proxy.flush()

    page = await browser.open(f"{team_proxy.url}/dashboard#key={team_proxy.keys['bob']}")
    await browser.wait_for(page, "Number(document.body.dataset.loaded || 0) >= 1")
    assert await browser.evaluate(page, "location.hash") == ""  # the key left the address bar
    assert await browser.evaluate(page, sum_of("#chart-timeline rect.bar", "data-count")) == 3
    assert await browser.evaluate(page, sum_of("#chart-timeline rect.bar[data-decision=block]", "data-count")) == 1
    assert await browser.evaluate(page, sum_of("#chart-timeline rect.bar[data-decision=tag]", "data-count")) == 2
    rules = await browser.evaluate(page, "[...document.querySelectorAll('#chart-rules rect')].map(e => e.dataset.name)")
    assert {"sql.drop-table-or-database", "python.requests-without-timeout"} <= set(rules)
    teams = await browser.evaluate(
        page, "Object.fromEntries([...document.querySelectorAll('#chart-teams rect')]"
              ".map(e => [e.dataset.name, Number(e.dataset.value)]))")
    assert teams == {"payments": 0.5, "search": 0.0}
    models = await browser.evaluate(page, "[...document.querySelectorAll('#chart-models rect')].length")
    assert models == 2
    blocked = await browser.evaluate(
        page, "[...document.querySelectorAll('#recent-blocked tr.blocked')].map(r => [r.dataset.request, r.innerText])")
    assert [request for request, _ in blocked] == [blocked_request]
    assert "sql.drop-table-or-database" in blocked[0][1] and "destructive-operation" in blocked[0][1]
    assert await browser.evaluate(page, "document.getElementById('total-scanned').innerText.split('\\n')[0]") == "3"

    clicked = await browser.evaluate(
        page, f"(() => {{ const b = document.querySelector('button.approve[data-id=\"{waiver['id']}\"]');"
              " if (!b) return false; b.click(); return true; })()")
    assert clicked
    message = await browser.wait_for(page, "document.getElementById('waiver-message').innerText")
    assert message == f"Waiver {waiver['id']} is now approved."
    await browser.wait_for(page, f"!document.querySelector('tr[data-waiver=\"{waiver['id']}\"]')")
    listed = requests.get(f"{team_proxy.url}/admin/api/waivers", headers=team_proxy.headers("root"), timeout=10)
    assert [w["status"] for w in listed.json()["waivers"] if w["id"] == waiver["id"]] == ["approved"]
    assert [w["decided_by"] for w in listed.json()["waivers"] if w["id"] == waiver["id"]] == ["bob"]


async def test_dashboard_read_only_token_and_login(team_proxy: TeamProxy, browser: Browser) -> None:
    page = await browser.open(f"{team_proxy.url}/dashboard")
    await browser.wait_for(page, "!document.getElementById('login').hidden")
    await browser.evaluate(page, "document.getElementById('key').value = 'wrong-token';"
                                 "document.querySelector('#login button').click(); true")
    await browser.wait_for(page, "document.getElementById('login-error').innerText")
    await browser.evaluate(page, "document.getElementById('key').value = 'view-only-token';"
                                 "document.querySelector('#login button').click(); true")
    await browser.wait_for(page, "Number(document.body.dataset.loaded || 0) >= 1")
    assert "viewer" in await browser.evaluate(page, "document.getElementById('who').innerText")
    assert requests.post(f"{team_proxy.url}/admin/api/waivers/x/approve", timeout=10,
                         headers={"Authorization": "Bearer view-only-token"}).status_code == 403
