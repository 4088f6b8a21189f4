-- ruleid: sql.grant-all-privileges
GRANT ALL PRIVILEGES ON DATABASE shop TO app;
-- ruleid: sql.grant-all-privileges
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO PUBLIC;
-- ruleid: sql.grant-all-privileges
GRANT SELECT, INSERT ON *.* TO 'app'@'%';
-- ok: sql.grant-all-privileges
GRANT SELECT, INSERT, UPDATE ON orders TO app_rw;
-- ok: sql.grant-all-privileges
GRANT USAGE ON SCHEMA reporting TO analyst;
-- ok: sql.grant-all-privileges
GRANT SELECT ON pg_stat_statements TO PUBLIC;
