const fs = require("fs");
const crypto = require("crypto");
const { execSync } = require("child_process");

app.post("/login", async (req, res) => {
  const user = await users.find(req.body.email);
  // ruleid: javascript.sync-call-in-async
  const hash = crypto.pbkdf2Sync(req.body.password, user.salt, 600000, 64, "sha512");
  res.json({ ok: hash.equals(user.hash) });
});

async function buildReport(id) {
  // ruleid: javascript.sync-call-in-async
  execSync(`./scripts/render-report.sh`, { timeout: 60000 });
  // ruleid: javascript.sync-call-in-async
  return fs.readFileSync(`/tmp/report-${id}.pdf`);
}

app.post("/login2", async (req, res) => {
  const user = await users.find(req.body.email);
  // ok: javascript.sync-call-in-async
  const hash = await pbkdf2(req.body.password, user.salt, 600000, 64, "sha512");
  res.json({ ok: hash.equals(user.hash) });
});

async function buildReportOk(id) {
  // ok: javascript.sync-call-in-async
  return fs.promises.readFile(`/tmp/report-${id}.pdf`);
}

// ok: javascript.sync-call-in-async
const config = JSON.parse(fs.readFileSync("./config.json", "utf8"));
