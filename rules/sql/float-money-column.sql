CREATE TABLE invoices (
  id bigserial PRIMARY KEY,
  -- ruleid: sql.float-money-column
  total_amount double precision NOT NULL,
  -- ruleid: sql.float-money-column
  unit_price FLOAT,
  -- ok: sql.float-money-column
  tax NUMERIC(19, 4) NOT NULL,
  -- ok: sql.float-money-column
  weight_kg real
);
