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
