async function connectWithRetry(client, log) {
  // ruleid: javascript.retry-loop-without-backoff
  while (true) {
    try {
      await client.connect();
      break;
    } catch (err) {
      log.warn("connect failed, retrying", err);
    }
  }
}

async function fetchToken(http) {
  // ruleid: javascript.retry-loop-without-backoff
  for (;;) {
    try {
      const res = await http.post("/oauth/token");
      return res.data.access_token;
    } catch (e) {
      continue;
    }
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function connectWithRetryOk(client, log) {
  let attempt = 0;
  // ok: javascript.retry-loop-without-backoff
  while (true) {
    try {
      await client.connect();
      break;
    } catch (err) {
      attempt += 1;
      if (attempt >= 5) throw err;
      await sleep(Math.min(2 ** attempt * 100, 30000) + Math.random() * 100);
    }
  }
}

async function fetchTokenOk(http) {
  // ok: javascript.retry-loop-without-backoff
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      return (await http.post("/oauth/token")).data.access_token;
    } catch (e) {
      await sleep(500 * 2 ** attempt);
    }
  }
  throw new Error("token endpoint unavailable");
}
