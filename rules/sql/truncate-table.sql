-- ruleid: sql.truncate-table
TRUNCATE TABLE orders;
-- ruleid: sql.truncate-table
truncate sessions RESTART IDENTITY;
-- ok: sql.truncate-table
DELETE FROM sessions WHERE expires_at < now();
-- ok: sql.truncate-table
SELECT count(*) FROM orders;
