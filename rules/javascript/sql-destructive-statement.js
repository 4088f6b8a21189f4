const { Pool } = require("pg");
const pool = new Pool();

async function resetDemo() {
  // ruleid: javascript.sql-destructive-statement
  await pool.query("SELECT 1; DROP TABLE users;");
}

async function clearCarts(db) {
  const sql = `
    -- nightly cleanup
    DELETE FROM carts
  `;
  // ruleid: javascript.sql-destructive-statement
  await db.query(sql);
}

async function wipe(knex) {
  // ruleid: javascript.sql-destructive-statement
  await knex.raw("TRUNCATE TABLE events RESTART IDENTITY");
}

async function hidden(db) {
  // ruleid: javascript.sql-destructive-statement
  await db.execute("DROP /* x */ TABLE audit_log");
}

async function expire(db) {
  // ok: javascript.sql-destructive-statement
  await db.query("DELETE FROM carts WHERE updated_at < now() - interval '30 days'");
}

async function deactivate(db, id) {
  // ok: javascript.sql-destructive-statement
  await db.query("UPDATE users SET active = false WHERE id = $1", [id]);
}

async function objectForm(client) {
  // ruleid: javascript.sql-destructive-statement
  await client.query({ text: "TRUNCATE events", values: [] });
  // ok: javascript.sql-destructive-statement
  await client.query({ text: "DELETE FROM events WHERE id = $1", values: [7] });
}

function betterSqlite(db) {
  // ruleid: javascript.sql-destructive-statement
  db.prepare("DELETE FROM sessions").run();
  // ok: javascript.sql-destructive-statement
  db.prepare("DELETE FROM sessions WHERE expires_at < ?").run(Date.now());
}

class AddAuditTable1700000000000 {
  async up(queryRunner) {
    await queryRunner.query("CREATE TABLE audit_entry (id serial PRIMARY KEY, body jsonb)");
    // ruleid: javascript.sql-destructive-statement
    await queryRunner.query("DROP TABLE audit_legacy");
  }

  async down(queryRunner) {
    // ok: javascript.sql-destructive-statement
    await queryRunner.query("DROP TABLE audit_entry");
  }
}

exports.down = async function (knex) {
  // ok: javascript.sql-destructive-statement
  await knex.raw("DROP TABLE IF EXISTS audit_entry");
};

module.exports = {
  up: async (queryInterface) => {
    // ruleid: javascript.sql-destructive-statement
    await queryInterface.sequelize.query("TRUNCATE sessions");
  },
  down: async (queryInterface) => {
    // ok: javascript.sql-destructive-statement
    await queryInterface.sequelize.query("DROP TABLE sessions_archive");
  },
};
