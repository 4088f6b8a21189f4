-- Clean up old data before the import
BEGIN;
-- ruleid: sql.delete-without-where
DELETE FROM sessions;
-- ruleid: sql.delete-without-where
delete from public.cart_items
  returning id;
-- ok: sql.delete-without-where
DELETE FROM sessions WHERE expires_at < now();
-- ok: sql.delete-without-where
DELETE FROM orders o
USING customers c
WHERE o.customer_id = c.id
  AND c.deleted = true;
-- ok: sql.delete-without-where
SELECT count(*) FROM sessions;
COMMIT;
-- ruleid: sql.delete-without-where
SELECT count(*) FROM carts; DELETE FROM carts;
-- ruleid: sql.delete-without-where
DELETE /* all of it */ FROM cart_items;
-- ok: sql.delete-without-where
SELECT 1; DELETE FROM carts WHERE updated_at < now() - interval '30 days';
