"""The dashboard in headless Chromium: charts drawn from requests made here, and the approve button."""

from __future__ import annotations

import base64
import json
import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import openai
import pytest
import requests

from proxy.config import RepairConfig
from tests.support.browser import Browser, find_chromium
from tests.support.dependencies import require
from tests.support.fake_llm import FakeLLM, json_reply
from tests.support.replies import chat_completion
from tests.support.team import TeamProxy, start_team_proxy

DROP = "Reset it:\n\n```sql\nDROP TABLE orders;\n```\n"
ARCHIVE = "Archive it:\n\n```sql\nALTER TABLE orders RENAME TO orders_old;\n```\n"
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


GEOMETRY = """(() => {
  const problems = [];
  const doc = document.documentElement;
  if (doc.scrollWidth > doc.clientWidth)
    problems.push(`page scrolls sideways: ${doc.scrollWidth} > ${doc.clientWidth}`);
  const name = (e) => `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}.${e.getAttribute('class') || ''}`;
  for (const panel of document.querySelectorAll('header, section')) {
    const p = panel.getBoundingClientRect();
    for (const e of panel.querySelectorAll('*')) {
      const r = e.getBoundingClientRect();
      if (!r.width && !r.height) continue;
      if (r.left < p.left - 0.5 || r.right > p.right + 0.5)
        problems.push(`${name(e)} [${r.left | 0}, ${r.right | 0}] outside panel ${name(panel)}`
                      + ` [${p.left | 0}, ${p.right | 0}]`);
    }
  }
  for (const text of document.querySelectorAll('svg text')) {
    const r = text.getBoundingClientRect(), s = text.ownerSVGElement.getBoundingClientRect();
    if (r.width && (r.left < s.left - 0.5 || r.right > s.right + 0.5))
      problems.push(`chart text "${text.textContent}" cut: [${r.left | 0}, ${r.right | 0}]`
                    + ` in svg [${s.left | 0}, ${s.right | 0}]`);
  }
  const swatches = [...document.querySelectorAll('.legend svg')];
  if (!swatches.length) problems.push('no legend swatches');
  for (const s of swatches) {
    const r = s.getBoundingClientRect();
    if (r.width > 16 || r.height > 16) problems.push(`legend swatch ${r.width}x${r.height}`);
  }
  return problems;
})()"""

LEAKY = "Here:\n\n```python\nimport requests\nAPI_KEY = \"sk-live-abcdefghijklmnop1234\"\nrequests.get(u)\n```\n"


@pytest.mark.parametrize(("width", "height"), [(1280, 800), (390, 844)])
async def test_dashboard_layout_fits_its_panels(team_proxy: TeamProxy, fake: FakeLLM, browser: Browser,
                                               width: int, height: int, tmp_path: Path) -> None:
    fake.respond(json_reply(chat_completion(DROP)))
    for who in ("alice", "carol", "bob"):
        ask(team_proxy, who)
    fake.respond(json_reply(chat_completion(RISKY)), json_reply(chat_completion(LEAKY)))
    ask(team_proxy, "alice")
    ask(team_proxy, "alice")
    requests.post(f"{team_proxy.url}/admin/api/waivers", headers=team_proxy.headers("alice"), timeout=10,
                  json={"category": "destructive-operation", "reason": "a long reason " * 12})
    team_proxy.flush()

    page = await browser.open("about:blank")
    await browser.send("Emulation.setDeviceMetricsOverride",
                       {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 500}, session=page)
    await browser.send("Page.navigate", {"url": f"{team_proxy.url}/dashboard#key={team_proxy.keys['root']}"},
                       session=page)
    await browser.wait_for(page, "Number(document.body.dataset.loaded || 0) >= 1")
    assert await browser.evaluate(page, "window.innerWidth") == width
    assert await browser.evaluate(page, "document.querySelectorAll('#chart-timeline text.tick').length") == 3
    assert await browser.evaluate(page, "document.querySelectorAll('#chart-replicas rect.bar').length") == 1
    clients = await browser.evaluate(page, "[...document.querySelectorAll('#chart-clients rect.bar')]"
                                           ".map(e => e.dataset.name)")
    assert len(clients) == 1 and clients[0].startswith("OpenAI/Python")
    assert "sk-live-abcdefghijklmnop1234" not in await browser.evaluate(page, "document.body.innerText")
    assert await browser.evaluate(page, GEOMETRY) == []

    shot = await browser.send("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True},
                              session=page)
    target = os.environ.get("BREAKWATER_DASHBOARD_SCREENSHOT_DIR")  # set to docs/team to refresh the docs' image
    out = Path(target) if target else tmp_path
    (out / f"dashboard-{width}x{height}.png").write_bytes(base64.b64decode(shot["data"]))


async def test_every_number_links_to_its_audit_rows(team_proxy: TeamProxy, fake: FakeLLM, browser: Browser) -> None:
    fake.respond(json_reply(chat_completion(DROP)))
    dropped = {ask(team_proxy, "alice"), ask(team_proxy, "bob")}
    fake.respond(json_reply(chat_completion(RISKY)))
    ask(team_proxy, "alice")
    team_proxy.flush()
    page = await browser.open(f"{team_proxy.url}/dashboard#key={team_proxy.keys['root']}")
    await browser.wait_for(page, "Number(document.body.dataset.loaded || 0) >= 1")
    listed = "[...document.querySelectorAll('#audit-rows tr.audit-row')].map(r => r.dataset.request)"

    await browser.evaluate(page, "document.querySelector('#chart-rules rect[data-name=\"sql.drop-table-or-database\"]')"
                                 ".dispatchEvent(new MouseEvent('click', {bubbles: true})); true")
    await browser.wait_for(page, f"{listed}.length === 2")
    assert set(await browser.evaluate(page, listed)) == dropped
    assert "sql.drop-table-or-database" in await browser.evaluate(page, "document.getElementById('audit-title')"
                                                                        ".innerText")

    await browser.evaluate(page, "document.querySelector('#total-tag b').click(); true")
    await browser.wait_for(page, "document.getElementById('audit-title').innerText.includes('tag')")
    await browser.wait_for(page, f"{listed}.length === 1")
    rows = await browser.evaluate(page, "[...document.querySelectorAll('#audit-rows tr.audit-row')]"
                                        ".map(r => r.innerText)")
    assert "python.requests-without-timeout" in rows[0] and "tag" in rows[0]


async def test_repair_outcomes_panel_links_to_both_parts(fake_server: tuple[FakeLLM, Any], fake: FakeLLM,
                                                         browser: Browser, tmp_path: Path) -> None:
    proxy = start_team_proxy(fake_server[1].url, tmp_path / "audit.sqlite3",
                             top={"repair": RepairConfig(enabled=True, timeout_seconds=5)})
    try:
        fake.respond(json_reply(chat_completion(DROP)), json_reply(chat_completion(ARCHIVE)),
                     json_reply(chat_completion(DROP)), json_reply(chat_completion(DROP)))
        repaired = ask(proxy, "alice")
        ask(proxy, "alice")  # the repair is still a DROP TABLE: the original verdict stands
        proxy.flush()
        page = await browser.open(f"{proxy.url}/dashboard#key={proxy.keys['root']}")
        await browser.wait_for(page, "Number(document.body.dataset.loaded || 0) >= 1")
        outcomes = await browser.evaluate(
            page, "Object.fromEntries([...document.querySelectorAll('#chart-repairs rect.bar')]"
                  ".map(e => [e.dataset.name, Number(e.dataset.value)]))")
        assert outcomes == {"repaired": 1, "kept_original": 1}
        await browser.evaluate(page, "document.querySelector('#chart-repairs rect[data-name=\"repaired\"]')"
                                     ".dispatchEvent(new MouseEvent('click', {bubbles: true})); true")
        listed = "[...document.querySelectorAll('#audit-rows tr.audit-row')]"
        await browser.wait_for(page, f"{listed}.length === 2")
        rows = await browser.evaluate(page, f"{listed}.map(r => [r.dataset.request, r.innerText])")
        assert {request for request, _ in rows} == {repaired}
        texts = " ".join(text for _, text in rows)
        assert "original, not delivered (repaired)" in texts and "candidate, delivered (repaired)" in texts
        assert await browser.evaluate(page, GEOMETRY) == []
    finally:
        proxy.server.stop()
