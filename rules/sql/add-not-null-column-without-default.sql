-- ruleid: sql.add-not-null-column-without-default
ALTER TABLE orders ADD COLUMN currency char(3) NOT NULL;
-- ruleid: sql.add-not-null-column-without-default
alter table users add column tenant_id bigint not null references tenants(id);
-- ruleid: sql.add-not-null-column-without-default
ALTER TABLE [dbo].[Invoices] ADD [TotalAmount] decimal(12, 2) NOT NULL;
-- ruleid: sql.add-not-null-column-without-default
ALTER TABLE payments
  ADD COLUMN IF NOT EXISTS settled_at timestamptz NOT NULL,
  ADD COLUMN note text;
-- ok: sql.add-not-null-column-without-default
ALTER TABLE orders ADD COLUMN currency char(3) NOT NULL DEFAULT 'USD';
-- ok: sql.add-not-null-column-without-default
ALTER TABLE orders ADD COLUMN status text DEFAULT 'pending' NOT NULL;
-- ok: sql.add-not-null-column-without-default
ALTER TABLE users ADD COLUMN tenant_id bigint;
-- ok: sql.add-not-null-column-without-default
ALTER TABLE events ADD COLUMN id bigserial NOT NULL;
-- ok: sql.add-not-null-column-without-default
ALTER TABLE events ADD COLUMN seq bigint GENERATED ALWAYS AS IDENTITY NOT NULL;
-- ok: sql.add-not-null-column-without-default
ALTER TABLE users ADD CONSTRAINT users_email_not_null CHECK (email IS NOT NULL) NOT VALID;

CREATE TABLE ledger_entries (id bigserial PRIMARY KEY);
-- ok: sql.add-not-null-column-without-default
ALTER TABLE ledger_entries ADD COLUMN amount numeric(19, 4) NOT NULL;
