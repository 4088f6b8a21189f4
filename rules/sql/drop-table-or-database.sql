-- ruleid: sql.drop-table-or-database
DROP TABLE orders;
-- ruleid: sql.drop-table-or-database
drop database if exists shop_production;
-- ok: sql.drop-table-or-database
DROP INDEX IF EXISTS idx_orders_created_at;
-- ok: sql.drop-table-or-database
CREATE TABLE orders_archive (LIKE orders INCLUDING ALL);
-- ruleid: sql.drop-table-or-database
SELECT 1; DROP TABLE users;
-- ruleid: sql.drop-table-or-database
DROP /* keep quiet */ TABLE audit_log;
-- ruleid: sql.drop-table-or-database
/* nightly */ DROP TABLE IF EXISTS staging_orders;
-- ok: sql.drop-table-or-database
SELECT 1; DROP INDEX IF EXISTS idx_orders_tmp;
