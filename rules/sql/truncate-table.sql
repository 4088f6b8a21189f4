-- ruleid: sql.truncate-table
TRUNCATE TABLE audit_log;
-- ruleid: sql.truncate-table
truncate orders, order_items cascade;
-- ok: sql.truncate-table
DELETE FROM audit_log WHERE created_at < now() - interval '90 days';
-- ok: sql.truncate-table
SELECT trunc(amount, 2) FROM payments;
