-- ruleid: sql.add-index-without-online-ddl
ALTER TABLE orders ADD INDEX idx_orders_customer (customer_id);
-- ruleid: sql.add-index-without-online-ddl
alter table `users`
  add unique key uq_users_email (email);
-- ok: sql.add-index-without-online-ddl
ALTER TABLE orders ADD INDEX idx_orders_customer (customer_id), ALGORITHM=INPLACE, LOCK=NONE;
-- ok: sql.add-index-without-online-ddl
ALTER TABLE orders ALGORITHM=INPLACE, LOCK=NONE, ADD INDEX idx_orders_created (created_at);
-- ok: sql.add-index-without-online-ddl
ALTER TABLE orders ADD COLUMN index_hint varchar(20);

CREATE TABLE `shipments` (`id` bigint PRIMARY KEY, `order_id` bigint);
-- ok: sql.add-index-without-online-ddl
ALTER TABLE `shipments` ADD INDEX idx_shipments_order (order_id);
