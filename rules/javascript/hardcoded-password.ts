import { createPool } from "mysql2/promise";

export const pool = createPool({
  host: "db.internal",
  user: "shop",
  // ruleid: javascript.hardcoded-password
  password: "Sh0pDb#2024!",
  database: "shop",
});

// ruleid: javascript.hardcoded-password
const JWT_SECRET = "f3c9a1e2b7d84c6a9e0f1b2c3d4e5f6a";

export const poolOk = createPool({
  host: "db.internal",
  user: "shop",
  // ok: javascript.hardcoded-password
  password: process.env.DB_PASSWORD,
  database: "shop",
});

// ok: javascript.hardcoded-password
const passwordLabel = "password";
// ok: javascript.hardcoded-password
const API_KEY = "<your-api-key>";
