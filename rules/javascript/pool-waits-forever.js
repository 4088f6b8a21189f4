const { Pool } = require("pg");
const mysql = require("mysql2/promise");
const knex = require("knex");
const { Sequelize } = require("sequelize");

// ruleid: javascript.pool-waits-forever
const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 20, connectionTimeoutMillis: 0 });

// ruleid: javascript.pool-waits-forever
const mysqlPool = mysql.createPool({ uri: process.env.MYSQL_URL, waitForConnections: true, connectionLimit: 0 });

const db = knex({
  client: "pg",
  connection: process.env.DATABASE_URL,
  // ruleid: javascript.pool-waits-forever
  pool: { min: 2, max: 10, acquireTimeoutMillis: 0 },
});

// ruleid: javascript.pool-waits-forever
const sequelize = new Sequelize(process.env.DATABASE_URL, { pool: { max: 10, acquire: 0, idle: 10000 } });

// ok: javascript.pool-waits-forever
const bounded = new Pool({ connectionString: process.env.DATABASE_URL, max: 20, connectionTimeoutMillis: 2000, idleTimeoutMillis: 30000 });

// ok: javascript.pool-waits-forever
const boundedKnex = knex({ client: "pg", connection: process.env.DATABASE_URL, pool: { min: 2, max: 10, acquireTimeoutMillis: 5000 } });
