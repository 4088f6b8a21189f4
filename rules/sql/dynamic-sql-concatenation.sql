CREATE OR REPLACE FUNCTION purge_tenant(tbl text, tenant_id text) RETURNS void AS $$
BEGIN
  -- ruleid: sql.dynamic-sql-concatenation
  EXECUTE 'DELETE FROM ' || tbl || ' WHERE tenant_id = ''' || tenant_id || '''';
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION count_rows(tbl text, status text) RETURNS bigint AS $$
DECLARE n bigint;
BEGIN
  -- ruleid: sql.dynamic-sql-concatenation
  EXECUTE format('SELECT count(*) FROM %s WHERE status = %s', tbl, status) INTO n;
  RETURN n;
END;
$$ LANGUAGE plpgsql;

CREATE PROCEDURE dbo.FindUser @name NVARCHAR(100) AS
BEGIN
  -- ruleid: sql.dynamic-sql-concatenation
  EXEC('SELECT * FROM Users WHERE Name = ''' + @name + '''');
END;

CREATE OR REPLACE FUNCTION purge_tenant_ok(tbl text, tenant_id text) RETURNS void AS $$
BEGIN
  -- ok: sql.dynamic-sql-concatenation
  EXECUTE 'DELETE FROM ' || quote_ident(tbl) || ' WHERE tenant_id = $1' USING tenant_id;
  -- ok: sql.dynamic-sql-concatenation
  EXECUTE format('SELECT count(*) FROM %I WHERE status = %L', tbl, tenant_id);
  -- ok: sql.dynamic-sql-concatenation
  EXECUTE 'SELECT count(*) FROM orders WHERE tenant_id = $1' USING tenant_id;
END;
$$ LANGUAGE plpgsql;
