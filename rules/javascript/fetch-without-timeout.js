async function load(url) {
  // ruleid: javascript.fetch-without-timeout
  const res = await fetch(url);
  return res.json();
}

async function post(url, body) {
  // ruleid: javascript.fetch-without-timeout
  return fetch(url, { method: "POST", body: JSON.stringify(body) });
}

async function good(url) {
  // ok: javascript.fetch-without-timeout
  return fetch(url, { signal: AbortSignal.timeout(5000) });
}

async function good2(url, controller) {
  // ok: javascript.fetch-without-timeout
  return fetch(url, { method: "GET", signal: controller.signal });
}
