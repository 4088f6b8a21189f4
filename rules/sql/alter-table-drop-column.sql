-- ruleid: sql.alter-table-drop-column
ALTER TABLE users DROP COLUMN legacy_password;
-- ruleid: sql.alter-table-drop-column
alter table orders drop shipping_address;
-- ok: sql.alter-table-drop-column
ALTER TABLE users DROP CONSTRAINT users_email_key;
-- ok: sql.alter-table-drop-column
ALTER TABLE users ALTER COLUMN email DROP NOT NULL;
-- ok: sql.alter-table-drop-column
ALTER TABLE users ADD COLUMN last_seen timestamptz;
