const express = require("express");
const { exec } = require("child_process");
const app = express();

app.get("/calc", (req, res) => {
  const expr = req.query.expr;
  // ruleid: javascript.code-injection
  const result = eval(expr);
  res.json({ result });
});

app.post("/rule", (req, res) => {
  // ruleid: javascript.code-injection
  const fn = new Function("order", req.body.rule);
  res.json({ ok: fn({}) });
});

app.get("/ping", (req, res) => {
  // ruleid: javascript.code-injection
  exec("ping -c 1 " + req.query.host, (err, out) => res.send(out));
});

app.get("/calc2", (req, res) => {
  const n = Number(req.query.n);
  // ok: javascript.code-injection
  res.json({ result: eval("1 + 1") + n });
});

app.post("/parse", (req, res) => {
  // ok: javascript.code-injection
  const data = JSON.parse(req.body.payload);
  res.json(data);
});
