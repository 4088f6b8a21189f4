-- ruleid: sql.rename-column-or-table
ALTER TABLE users RENAME COLUMN email TO email_address;
-- ruleid: sql.rename-column-or-table
alter table public.orders rename to customer_orders;
-- ruleid: sql.rename-column-or-table
ALTER TABLE IF EXISTS ONLY accounts
  RENAME COLUMN name TO full_name;
-- ruleid: sql.rename-column-or-table
RENAME TABLE invoices TO billing_invoices;
-- ruleid: sql.rename-column-or-table
ALTER TABLE `users` CHANGE COLUMN `email` `email_address` VARCHAR(255) NOT NULL;
-- ruleid: sql.rename-column-or-table
EXEC sp_rename 'dbo.Users.Email', 'EmailAddress', 'COLUMN';
-- ok: sql.rename-column-or-table
ALTER TABLE `users` CHANGE COLUMN `email` `email` VARCHAR(320) NOT NULL;
-- ok: sql.rename-column-or-table
ALTER TABLE users RENAME CONSTRAINT users_email_key TO users_email_address_key;
-- ok: sql.rename-column-or-table
ALTER INDEX idx_users_email RENAME TO users_email_idx;
-- ok: sql.rename-column-or-table
EXEC sp_rename N'dbo.Users.IX_Email', N'IX_Users_Email', N'INDEX';
-- Expand/contract, step 1: add the new column and keep both written.
-- ok: sql.rename-column-or-table
ALTER TABLE users ADD COLUMN email_address text;
-- ok: sql.rename-column-or-table
UPDATE users SET rename_count = rename_count + 1 WHERE id = $1;
-- ok: sql.rename-column-or-table
-- ALTER TABLE users RENAME COLUMN email TO email_address;
-- SQLite table rebuild: copy into a temporary table, drop the old one, move the copy into place.
-- ok: sql.rename-column-or-table
ALTER TABLE "temporary_user" RENAME TO "user";
-- ok: sql.rename-column-or-table
ALTER TABLE users_new RENAME TO users;
-- ok: sql.rename-column-or-table
ALTER TABLE workflow_entity RENAME COLUMN id TO tmp_id;
-- ruleid: sql.rename-column-or-table
ALTER TABLE attempts RENAME COLUMN template_id TO template_ref;
-- Swap: the old table moves aside and a new one takes its name at once.
-- ok: sql.rename-column-or-table
ALTER TABLE orders RENAME TO orders_before_import;
CREATE TABLE orders (id bigint primary key, placed_at timestamptz not null);
-- Archiving instead of dropping: the table is moved aside on purpose.
-- ok: sql.rename-column-or-table
ALTER TABLE orders RENAME TO orders_archived_2026;
