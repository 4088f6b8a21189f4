-- ruleid: sql.drop-table
DROP TABLE orders;
-- ruleid: sql.drop-table
drop database shop;
-- ok: sql.drop-table
CREATE TABLE orders (id bigint primary key);
-- ok: sql.drop-table
SELECT * FROM orders WHERE id = 1;
