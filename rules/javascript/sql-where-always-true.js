async function purge(pool, knex) {
  // ruleid: javascript.sql-where-always-true
  await pool.query("DELETE FROM sessions WHERE 1=1");
  // ruleid: javascript.sql-where-always-true
  await knex.raw(`UPDATE accounts SET plan = 'free' WHERE id > 0`);
  // ok: javascript.sql-where-always-true
  await pool.query("DELETE FROM sessions WHERE 1=1 AND expires_at < $1", [now]);
  // ok: javascript.sql-where-always-true
  await pool.query("SELECT * FROM users WHERE 1=1");
}
