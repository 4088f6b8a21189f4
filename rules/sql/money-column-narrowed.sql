-- ruleid: sql.money-column-narrowed
ALTER TABLE orders ALTER COLUMN total_amount TYPE integer;
-- ruleid: sql.money-column-narrowed
alter table invoices alter column price set data type bigint using price::bigint;
-- ruleid: sql.money-column-narrowed
ALTER TABLE `payments` MODIFY COLUMN `amount` INT NOT NULL;
-- ruleid: sql.money-column-narrowed
ALTER TABLE dbo.Accounts ALTER COLUMN Balance int NOT NULL;
-- ok: sql.money-column-narrowed
ALTER TABLE orders ALTER COLUMN total_amount TYPE numeric(19, 4);
-- ok: sql.money-column-narrowed
ALTER TABLE orders ALTER COLUMN quantity TYPE integer;
-- ok: sql.money-column-narrowed
ALTER TABLE orders ADD COLUMN total_amount_cents bigint;
-- ok: sql.money-column-narrowed
ALTER TABLE orders ALTER COLUMN price_cents TYPE bigint;
