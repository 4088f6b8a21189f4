async function getUser(id) {
  // ruleid: javascript.fetch-without-timeout
  const res = await fetch(`https://api.example.com/users/${id}`);
  if (!res.ok) throw new Error(`status ${res.status}`);
  return res.json();
}

async function postEvent(event) {
  // ruleid: javascript.fetch-without-timeout
  await fetch("https://events.example.com/v1/ingest", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(event),
  });
}

async function getUserOk(id) {
  // ok: javascript.fetch-without-timeout
  const res = await fetch(`https://api.example.com/users/${id}`, { signal: AbortSignal.timeout(5000) });
  return res.json();
}

async function postEventOk(event) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 3000);
  try {
    // ok: javascript.fetch-without-timeout
    await fetch("https://events.example.com/v1/ingest", {
      method: "POST",
      body: JSON.stringify(event),
      signal: controller.signal,
    });
  } finally {
    clearTimeout(timer);
  }
}
