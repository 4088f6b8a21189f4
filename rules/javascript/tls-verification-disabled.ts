import https from "https";
import axios from "axios";
import { Pool } from "pg";

// ruleid: javascript.tls-verification-disabled
const agent = new https.Agent({ rejectUnauthorized: false, keepAlive: true });

export const api = axios.create({ baseURL: "https://payments.internal", httpsAgent: agent, timeout: 5000 });

// ruleid: javascript.tls-verification-disabled
process.env.NODE_TLS_REJECT_UNAUTHORIZED = "0";

export const pool = new Pool({
  connectionString: process.env.DATABASE_URL,
  // ruleid: javascript.tls-verification-disabled
  ssl: { rejectUnauthorized: false },
});

// ok: javascript.tls-verification-disabled
const agentOk = new https.Agent({ ca: process.env.INTERNAL_CA_PEM, keepAlive: true });

export const poolOk = new Pool({
  connectionString: process.env.DATABASE_URL,
  // ok: javascript.tls-verification-disabled
  ssl: { rejectUnauthorized: true, ca: process.env.PG_CA },
});
