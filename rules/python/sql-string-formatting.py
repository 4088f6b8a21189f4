import sqlite3


def find_user(conn, email):
    cur = conn.cursor()
    # ruleid: python.sql-string-formatting
    cur.execute(f"SELECT id, name FROM users WHERE email = '{email}'")
    return cur.fetchone()


def delete_order(cur, order_id):
    # ruleid: python.sql-string-formatting
    cur.execute("DELETE FROM orders WHERE id = %s" % order_id)


def search(cur, term, limit):
    query = "SELECT * FROM products WHERE name LIKE '%" + term + "%' LIMIT {}".format(limit)
    # ruleid: python.sql-string-formatting
    cur.execute(query)
    return cur.fetchall()


def rename(conn, old, new):
    # ruleid: python.sql-string-formatting
    conn.execute("UPDATE users SET name = '{}' WHERE name = '{}'".format(new, old))


def find_user_ok(conn, email):
    cur = conn.cursor()
    # ok: python.sql-string-formatting
    cur.execute("SELECT id, name FROM users WHERE email = %s", (email,))
    return cur.fetchone()


def delete_order_ok(cur, order_id):
    # ok: python.sql-string-formatting
    cur.execute("DELETE FROM orders WHERE id = ?", (order_id,))


def count(conn):
    # ok: python.sql-string-formatting
    return conn.execute("SELECT count(*) FROM users").fetchone()[0]


def table_info(conn, table_ident):
    # ok: python.sql-string-formatting
    return conn.execute('PRAGMA table_info("{0}")'.format(table_ident)).fetchall()


ORDER = {"new": "created_at DESC", "old": "created_at ASC"}


def list_posts(cur, author_id, order):
    clause = ORDER.get(order, ORDER["new"])
    # ok: python.sql-string-formatting
    cur.execute("SELECT id, title FROM posts WHERE author_id = %s ORDER BY " + clause, (author_id,))


COLUMNS = "id, email"


def find_user(cur, user_id):
    # ok: python.sql-string-formatting
    cur.execute("SELECT " + COLUMNS + " FROM users WHERE id = %s", (user_id,))


def find_by(cur, column, value):
    # ruleid: python.sql-string-formatting
    cur.execute("SELECT * FROM users WHERE " + column + " = '" + value + "'")


def search(cur, name, city):
    query = "SELECT * FROM users WHERE name = '%s' AND city = '%s'" % (name, city)
    # ruleid: python.sql-string-formatting
    cur.execute(query)
