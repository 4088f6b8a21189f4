-- ruleid: sql.create-index-locks-table
CREATE INDEX idx_orders_customer ON orders (customer_id);
-- ruleid: sql.create-index-locks-table
create unique index users_email_idx on users (lower(email));
-- ok: sql.create-index-locks-table
CREATE INDEX CONCURRENTLY idx_orders_customer ON orders (customer_id);
-- ok: sql.create-index-locks-table
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS users_email_idx ON users (lower(email));

-- Migration 0042: a new table and its indexes
CREATE TABLE invoices (
  id bigserial PRIMARY KEY,
  customer_id bigint NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
-- ok: sql.create-index-locks-table
CREATE INDEX invoices_customer_idx ON invoices (customer_id);
-- ok: sql.create-index-locks-table
CREATE UNIQUE INDEX IF NOT EXISTS invoices_created_idx ON public.invoices (created_at);
-- ok: sql.create-index-locks-table
CREATE INDEX invoices_customer_created_idx ON invoices (customer_id, created_at);
-- ruleid: sql.create-index-locks-table
CREATE INDEX payments_invoice_idx ON payments (invoice_id);
-- ok: sql.create-index-locks-table
CREATE INDEX idx_orders_created ON orders (created_at) ALGORITHM=INPLACE LOCK=NONE;
-- ruleid: sql.create-index-locks-table
CREATE INDEX idx_orders_status ON orders (status) ALGORITHM=COPY;
