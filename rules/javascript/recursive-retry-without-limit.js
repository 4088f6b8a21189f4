// ruleid: javascript.recursive-retry-without-limit
async function upload(file) {
  try {
    return await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: file.name, Body: file.body }));
  } catch (err) {
    return upload(file);
  }
}

// ruleid: javascript.recursive-retry-without-limit
function connect(url, opts) {
  try {
    return net.connect(url, opts);
  } catch (e) {
    console.error("connect failed", e);
    return connect(url, opts);
  }
}

// ok: javascript.recursive-retry-without-limit
async function uploadWithRetry(file, attempt = 0) {
  try {
    return await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: file.name, Body: file.body }));
  } catch (err) {
    if (attempt >= 4) throw err;
    await sleep(Math.min(2 ** attempt * 200, 5000) + Math.random() * 100);
    return uploadWithRetry(file, attempt + 1);
  }
}

// ok: javascript.recursive-retry-without-limit
async function fetchPage(url, retries = 3) {
  try {
    return await fetch(url, { signal: AbortSignal.timeout(5000) });
  } catch (err) {
    if (retries === 0) throw err;
    return fetchPage(url, retries - 1);
  }
}

// ok: javascript.recursive-retry-without-limit
function walk(node) {
  try {
    visit(node);
  } catch (err) {
    report(err);
  }
  node.children.forEach(walk);
}

// ruleid: javascript.recursive-retry-without-limit
const poll = async (jobId) => {
  try {
    return await api.get(`/jobs/${jobId}`);
  } catch (err) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    return poll(jobId);
  }
};

// ok: javascript.recursive-retry-without-limit
async function send(msg) {
  try {
    return await queue.publish(msg);
  } catch (err) {
    if (!isTransient(err)) throw err;
    metrics.increment("publish.retry");
    return send(msg);
  }
}

// ok: javascript.recursive-retry-without-limit
function subscribeNext(sources, state) {
  try {
    state.current = open(sources[state.index++]);
  } catch (err) {
    return subscribeNext(sources, state);
  }
}
