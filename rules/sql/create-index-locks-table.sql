-- ruleid: sql.create-index-locks-table
CREATE INDEX idx_orders_customer ON orders (customer_id);
-- ruleid: sql.create-index-locks-table
create unique index users_email_idx on users (lower(email));
-- ok: sql.create-index-locks-table
CREATE INDEX CONCURRENTLY idx_orders_customer ON orders (customer_id);
-- ok: sql.create-index-locks-table
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS users_email_idx ON users (lower(email));
