#!/bin/bash
# SQL given to a client is extracted and scanned by the SQL pack (sql.drop-table-or-database), not this rule.
# ok: bash.sql-destructive-cli
psql "$DATABASE_URL" -c "DROP TABLE orders;"
# ruleid: bash.sql-destructive-cli
redis-cli -h cache.internal FLUSHALL
# ruleid: bash.sql-destructive-cli
dropdb -h db.internal shop_production
# ok: bash.sql-destructive-cli
psql "$DATABASE_URL" -c "SELECT count(*) FROM orders;"
# ok: bash.sql-destructive-cli
redis-cli -h cache.internal INFO keyspace
