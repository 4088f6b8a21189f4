-- ruleid: sql.update-without-where
UPDATE users SET active = false;
-- ruleid: sql.update-without-where
update accounts a
   set balance = 0,
       updated_at = now();
-- ok: sql.update-without-where
UPDATE users SET active = false WHERE last_login < now() - interval '2 years';
-- ok: sql.update-without-where
UPDATE accounts
   SET balance = balance - 100
 WHERE id = 42;
-- ok: sql.update-without-where
INSERT INTO prices (sku, amount) VALUES ('A1', 10)
ON CONFLICT (sku) DO UPDATE SET amount = EXCLUDED.amount;
