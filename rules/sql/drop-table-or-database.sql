-- ruleid: sql.drop-table-or-database
DROP TABLE orders;
-- ruleid: sql.drop-table-or-database
drop database if exists shop_production;
-- ok: sql.drop-table-or-database
DROP INDEX IF EXISTS idx_orders_created_at;
-- ok: sql.drop-table-or-database
CREATE TABLE orders_archive (LIKE orders INCLUDING ALL);
