import sqlite3

from alembic import op

conn = sqlite3.connect("app.db")
cur = conn.cursor()
# ruleid: python.sql-where-always-true
cur.execute("DELETE FROM sessions WHERE 1=1")
# ruleid: python.sql-where-always-true
cur.execute("UPDATE accounts SET plan = 'free' WHERE id > 0;")
# ruleid: python.sql-where-always-true
op.execute("DELETE FROM carts WHERE true")
# ok: python.sql-where-always-true
cur.execute("DELETE FROM sessions WHERE 1=1 AND expires_at < ?", (now,))
# ok: python.sql-where-always-true
cur.execute("UPDATE accounts SET plan = 'free' WHERE id = ?", (account_id,))
# ok: python.sql-where-always-true
cur.execute("SELECT * FROM users WHERE 1=1")
