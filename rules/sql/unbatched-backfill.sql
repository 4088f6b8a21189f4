-- ruleid: sql.unbatched-backfill
UPDATE users SET email_normalized = lower(email) WHERE email_normalized IS NULL;
-- An update joined to a staging table is scoped by the join (an import, not a backfill of every row).
-- ok: sql.unbatched-backfill
UPDATE stock s SET qty = s.qty + i.qty FROM import_rows i WHERE s.sku = i.sku;
-- ruleid: sql.unbatched-backfill
UPDATE accounts SET plan_id = 1 WHERE plan_id IS NULL AND legacy_plan IS NULL;
-- ok: sql.unbatched-backfill
UPDATE users SET email_normalized = lower(email)
WHERE id IN (SELECT id FROM users WHERE email_normalized IS NULL ORDER BY id LIMIT 5000);
-- ok: sql.unbatched-backfill
UPDATE users SET email_normalized = lower(email)
WHERE id BETWEEN 1 AND 10000 AND email_normalized IS NULL;
-- ok: sql.unbatched-backfill
UPDATE users SET last_login_at = now() WHERE id = $1;
-- ok: sql.unbatched-backfill
UPDATE users SET email_normalized = lower(email) WHERE email_normalized IS NULL LIMIT 1000;
-- ruleid: sql.unbatched-backfill
UPDATE users SET email_normalized = lower(email);
-- ok: sql.unbatched-backfill
UPDATE users SET email_normalized = lower(email) WHERE id BETWEEN 1 AND 10000;
