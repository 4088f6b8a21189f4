const express = require("express");
const { Pool } = require("pg");
const { PrismaClient } = require("@prisma/client");

const app = express();
const pool = new Pool({ max: 10 });
const prisma = new PrismaClient();

app.get("/orders/:id", async (req, res) => {
  // ruleid: javascript.db-client-per-request
  const db = new Pool({ connectionString: process.env.DATABASE_URL });
  const { rows } = await db.query("SELECT * FROM orders WHERE id = $1", [req.params.id]);
  res.json(rows[0]);
});

app.post("/users", async function (req, res) {
  // ruleid: javascript.db-client-per-request
  const client = new PrismaClient();
  res.json(await client.user.create({ data: req.body }));
});

app.get("/orders2/:id", async (req, res) => {
  // ok: javascript.db-client-per-request
  const { rows } = await pool.query("SELECT * FROM orders WHERE id = $1", [req.params.id]);
  res.json(rows[0]);
});

app.post("/users2", async (req, res) => {
  // ok: javascript.db-client-per-request
  res.json(await prisma.user.create({ data: req.body }));
});
