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

const COLUMNS = "id, email, created_at";

async function listUsers(db, table, sortColumn) {
  // ruleid: javascript.sql-injection
  return db.query("SELECT * FROM " + table + " ORDER BY " + sortColumn);
}

async function findByName(db, name) {
  const sql = "SELECT * FROM users WHERE name = '" + name + "'";
  // ruleid: javascript.sql-injection
  return db.query(sql);
}

async function filterOrders(db, status, region) {
  let q = "SELECT * FROM orders WHERE 1=1";
  q += " AND status = '" + status + "'";
  q += " AND region = '" + region + "'";
  // ruleid: javascript.sql-injection
  return db.query(q);
}

async function withBase(db, base, email) {
  // ruleid: javascript.sql-injection
  return db.query(base + " WHERE email = '" + email + "'");
}

async function listUsersOk(db, id) {
  // ok: javascript.sql-injection
  return db.query("SELECT " + COLUMNS + " FROM users WHERE id = $1", [id]);
}

async function sortedOk(db, desc) {
  // ok: javascript.sql-injection
  return db.query("SELECT * FROM users ORDER BY created_at " + (desc ? "DESC" : "ASC"));
}

async function splitLiteralOk(db, id) {
  // ok: javascript.sql-injection
  return db.query("SELECT * FROM users " + "WHERE id = $1", [id]);
}

async function pickedClauseOk(db, desc, limit) {
  const direction = desc ? "DESC" : "ASC";
  // ok: javascript.sql-injection
  return db.query(`SELECT * FROM users ORDER BY created_at ${direction} LIMIT $1`, [limit]);
}

const SORTS = { newest: "created_at DESC", oldest: "created_at ASC" };
const COLUMNS = ["id", "title"];

async function constantClauses(pool, authorId, sort, i) {
  const sql = "SELECT id, title FROM posts WHERE author_id = $1 ORDER BY " + SORTS[sort];
  // ok: javascript.sql-injection
  await pool.query(sql, [authorId]);
  // ok: javascript.sql-injection
  await pool.query(`SELECT ${COLUMNS[i]} FROM posts WHERE author_id = $1`, [authorId]);
  // ruleid: javascript.sql-injection
  await pool.query("SELECT id FROM posts ORDER BY " + SORTS[sort] + ", " + sort);
  // ruleid: javascript.sql-injection
  await pool.query(`SELECT id FROM posts ORDER BY ${sort}`);
}

const ORDER_BY = { name: "name ASC", recent: "created_at DESC" };

function listUsers(db, sort) {
  const clause = ORDER_BY[sort] ?? ORDER_BY.recent;
  // ok: javascript.sql-injection
  return db.query(`SELECT id, name FROM users ORDER BY ${clause}`);
}

function listUsersLoose(db, sort, req) {
  const clause = ORDER_BY[sort] ?? ORDER_BY.recent;
  // ruleid: javascript.sql-injection
  db.query("SELECT id FROM users WHERE team = " + req.query.team);
  // ruleid: javascript.sql-injection
  return db.query(`SELECT id, name FROM users ORDER BY ${clause}, ${sort}`);
}

// Interpolations of plain names in SQL identifier positions (a configured table prefix, a schema name) carry no
// value; interpolations in value positions still do.
async function migrateIdentifiers(queryRunner, tablePrefix, tempTableName, tableName, schema, id, name, ids) {
  // ok: javascript.sql-injection
  await queryRunner.query(`ALTER TABLE ${tablePrefix}workflow_entity ADD COLUMN "versionId" varchar(36)`);
  // ok: javascript.sql-injection
  await queryRunner.query(`CREATE INDEX "IDX_${tablePrefix}54b2f0" ON "${tablePrefix}workflows_tags" ("workflowId")`);
  // ok: javascript.sql-injection
  await queryRunner.query(`DELETE FROM ${tableName} WHERE id = $1`, [id]);
  // ok: javascript.sql-injection
  await queryRunner.query(`SELECT * FROM ${schema}.${tableName} s JOIN ${this.prefix}users u ON u.id = s.user_id`);
  // ok: javascript.sql-injection
  await queryRunner.query(`UPDATE "${tableName}" SET "name" = ? WHERE "id" = ?`, [name, id]);
  // ok: javascript.sql-injection
  await queryRunner.query(`INSERT INTO ${tableName} (id, name) VALUES ($1, $2)`, [id, name]);
  // ok: javascript.sql-injection
  await queryRunner.query(`SELECT a.id FROM ${tablePrefix}a a WHERE a.x = ${tablePrefix}b.x`);
  // ruleid: javascript.sql-injection
  await queryRunner.query(`DELETE FROM ${tableName} WHERE id = ${id}`);
  // ruleid: javascript.sql-injection
  await queryRunner.query(`SELECT * FROM ${tableName} WHERE name = '${name}'`);
  // ruleid: javascript.sql-injection
  await queryRunner.query(`SELECT * FROM ${tableName} WHERE name LIKE '%${name}%'`);
  // ruleid: javascript.sql-injection
  await queryRunner.query(`SELECT * FROM ${tableName} WHERE id IN (${ids})`);
  // ruleid: javascript.sql-injection
  await queryRunner.query(`INSERT INTO ${tableName} (id, name) VALUES (${id}, "${name}")`);
  // ruleid: javascript.sql-injection
  await queryRunner.query(`SELECT * FROM ${tableName} WHERE name = "${name}"`);
  // ruleid: javascript.sql-injection
  await queryRunner.query(`SELECT * FROM ${tableName} WHERE id > ${id}`);
  // ruleid: javascript.sql-injection
  await queryRunner.query(`SELECT * FROM ${tableName} LIMIT ${id}`);
  // ruleid: javascript.sql-injection
  await queryRunner.query(`SELECT * FROM ${tableName} WHERE name = ${name}x`);
  // ruleid: javascript.sql-injection
  await queryRunner.query(`SELECT * FROM ${tableName(name)} WHERE id = 1`);
  // ruleid: javascript.sql-injection
  await queryRunner.query(`SELECT * FROM ${tableName} WHERE ${name}`);
  // ruleid: javascript.sql-injection
  await queryRunner.query(`SELECT * FROM users WHERE note = 'x' AND ${name}_flag = 1 OR id = 'a${id}'`);
  // ruleid: javascript.sql-injection
  await queryRunner.query(`SELECT * FROM ${req.query.table} WHERE id = $1`, [id]);
  // ruleid: javascript.sql-injection
  await queryRunner.query(`SELECT * FROM "${request.body.table}" WHERE id = $1`, [id]);
  const sql = `DELETE FROM ${tableName} WHERE id = ${id}`;
  // ruleid: javascript.sql-injection
  await queryRunner.query(sql);
  // ok: javascript.sql-injection
  await queryRunner.query(`ALTER TABLE ${tempTableName} RENAME TO ${tableName};`);
  const safe = `DELETE FROM "${tablePrefix}users" WHERE id = $1`;
  // ok: javascript.sql-injection
  await queryRunner.query(safe, [id]);
}
