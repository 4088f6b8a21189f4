-- ruleid: sql.money-column-type-change
ALTER TABLE orders ALTER COLUMN total_amount TYPE double precision;
-- ruleid: sql.money-column-type-change
ALTER TABLE invoices ALTER COLUMN price SET DATA TYPE integer;
-- ruleid: sql.money-column-type-change
ALTER TABLE payments MODIFY COLUMN fee FLOAT NOT NULL;
-- ok: sql.money-column-type-change
ALTER TABLE orders ALTER COLUMN total_amount TYPE numeric(19, 4);
-- ok: sql.money-column-type-change
ALTER TABLE orders ALTER COLUMN quantity TYPE bigint;
-- ok: sql.money-column-type-change
ALTER TABLE orders ALTER COLUMN total_cents TYPE bigint;
-- ok: sql.money-column-type-change
ALTER TABLE orders ALTER COLUMN total TYPE bigint USING (total * 100)::bigint;
