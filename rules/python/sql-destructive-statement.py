def reset_sessions(conn):
    # ruleid: python.sql-destructive-statement
    conn.execute("DELETE FROM sessions")


def rebuild(cur, table):
    # ruleid: python.sql-destructive-statement
    cur.execute(f"DROP TABLE IF EXISTS {table}")


def deactivate_all(cur):
    # ruleid: python.sql-destructive-statement
    cur.execute("UPDATE users SET active = false")


def purge_expired(conn):
    # ok: python.sql-destructive-statement
    conn.execute("DELETE FROM sessions WHERE expires_at < now()")


def deactivate(cur, user_id):
    # ok: python.sql-destructive-statement
    cur.execute("UPDATE users SET active = false WHERE id = %s", (user_id,))


def stacked(cur):
    # ruleid: python.sql-destructive-statement
    cur.execute("SELECT 1; DROP TABLE users;")


def commented(cur):
    # ruleid: python.sql-destructive-statement
    cur.execute("/* cleanup */ DROP TABLE users")


def split_keywords(cur):
    # ruleid: python.sql-destructive-statement
    cur.execute("DROP /* x */ TABLE audit_log")


def built_first(conn):
    query = """
        -- nightly reset
        TRUNCATE TABLE events
    """
    # ruleid: python.sql-destructive-statement
    conn.execute(query)


def delete_then_select(cur):
    # ruleid: python.sql-destructive-statement
    cur.execute("DELETE FROM carts; SELECT count(*) FROM carts")


def select_with_drop_word(cur):
    # ok: python.sql-destructive-statement
    cur.execute("SELECT id FROM products WHERE name = 'drop table'")


def scoped_built_first(conn, cutoff):
    query = "DELETE FROM events WHERE created_at < %s"
    # ok: python.sql-destructive-statement
    conn.execute(query, (cutoff,))


def drop_index(cur):
    # ok: python.sql-destructive-statement
    cur.execute("SELECT 1; DROP INDEX IF EXISTS idx_tmp;")


def upgrade():
    op.execute("CREATE TABLE audit_entry (id serial PRIMARY KEY, body jsonb)")
    # ruleid: python.sql-destructive-statement
    op.execute("DROP TABLE audit_legacy")


def downgrade():
    # ok: python.sql-destructive-statement
    op.execute("DROP TABLE audit_entry")
