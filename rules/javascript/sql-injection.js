const { Pool } = require("pg");
const pool = new Pool();

async function findUser(email) {
  // ruleid: javascript.sql-injection
  const { rows } = await pool.query(`SELECT * FROM users WHERE email = '${email}'`);
  return rows[0];
}

async function deleteOrder(conn, id) {
  // ruleid: javascript.sql-injection
  await conn.execute("DELETE FROM orders WHERE id = " + id);
}

async function search(db, term) {
  // ruleid: javascript.sql-injection
  return db.all(`SELECT id, name FROM products WHERE name LIKE '%${term}%'`);
}

async function findUserOk(email) {
  // ok: javascript.sql-injection
  const { rows } = await pool.query("SELECT * FROM users WHERE email = $1", [email]);
  return rows[0];
}

async function deleteOrderOk(conn, id) {
  // ok: javascript.sql-injection
  await conn.execute("DELETE FROM orders WHERE id = ?", [id]);
}

function cacheKey(cache, id) {
  // ok: javascript.sql-injection
  return cache.get(`user:${id}`);
}
