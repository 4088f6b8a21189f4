-- ruleid: sql.where-always-true
DELETE FROM sessions WHERE 1=1;
-- ruleid: sql.where-always-true
update accounts set balance = 0 where true;
-- ruleid: sql.where-always-true
DELETE FROM orders WHERE id > 0;
-- ruleid: sql.where-always-true
UPDATE users SET plan = 'free' WHERE user_id IS NOT NULL;
-- ruleid: sql.where-always-true
DELETE FROM audit_log WHERE created_at < '2020-01-01' OR 1=1;
-- ruleid: sql.where-always-true
DELETE FROM events WHERE 1 = 1 -- AND tenant_id = 42
;
-- ruleid: sql.where-always-true
DELETE FROM customers
-- WHERE last_order_at < now() - interval '3 years'
;
-- ruleid: sql.where-always-true
UPDATE subscriptions
SET status = 'cancelled'
-- WHERE expires_at < now()
;
-- ruleid: sql.where-always-true
UPDATE users SET verified = false /* WHERE id = 17 */;
-- ok: sql.where-always-true
DELETE FROM sessions WHERE 1=1 AND expires_at < now();
-- ok: sql.where-always-true
DELETE FROM orders WHERE id > 0 AND status = 'test' AND created_at < '2024-01-01';
-- ok: sql.where-always-true
UPDATE users SET plan = 'free' WHERE id = 42;
-- ok: sql.where-always-true
DELETE FROM customers
-- only customers inactive for 3 years; the WHERE below is the retention policy
WHERE last_order_at < now() - interval '3 years';
-- ok: sql.where-always-true
UPDATE subscriptions
SET status = 'cancelled'
-- old filter: WHERE expires_at < now()
WHERE expires_at < now() - interval '30 days';
-- ok: sql.where-always-true
DELETE FROM job_queue WHERE job_id > 1000 AND finished;
-- ok: sql.where-always-true
SELECT * FROM users WHERE 1=1;
