import contextlib
import sqlite3

import psycopg2


def get_user(user_id):
    # ruleid: python.db-connection-not-closed
    conn = sqlite3.connect("app.db")
    row = conn.execute("SELECT name FROM users WHERE id = ?", (user_id,)).fetchone()
    return row[0] if row else None


def count_orders(dsn):
    # ruleid: python.db-connection-not-closed
    conn = psycopg2.connect(dsn)
    cur = conn.cursor()
    cur.execute("SELECT count(*) FROM orders")
    return cur.fetchone()[0]


def get_user_closing(user_id):
    with contextlib.closing(sqlite3.connect("app.db")) as conn:
        # ok: python.db-connection-not-closed
        return conn.execute("SELECT name FROM users WHERE id = ?", (user_id,)).fetchone()


def get_user_finally(user_id):
    # ok: python.db-connection-not-closed
    conn = sqlite3.connect("app.db")
    try:
        return conn.execute("SELECT name FROM users WHERE id = ?", (user_id,)).fetchone()
    finally:
        conn.close()


def open_db(path):
    # ok: python.db-connection-not-closed
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    return conn


class Repo:
    def __init__(self, path):
        # ok: python.db-connection-not-closed
        self.conn = sqlite3.connect(path)


def get_db():
    # ok: python.db-connection-not-closed
    db = sqlite3.connect("app.db")
    yield db
