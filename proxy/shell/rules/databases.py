"""Data stores emptied from the command line: dropdb, Redis FLUSHALL, MongoDB drops, framework db resets.

SQL handed to a client (`psql -c`, `mysql -e`, heredocs, here-strings, pipes) is not judged
here: the analyser extracts it and the SQL rule pack scans it (DROP, TRUNCATE, DELETE
without WHERE …).
"""

from __future__ import annotations

import re

from proxy.models import Category, Severity
from proxy.shell.model import Command
from proxy.shell.rules.base import CommandRule, parse

DESTRUCTIVE = Category.DESTRUCTIVE_OPERATION
_MONGO_DROP = re.compile(r"dropDatabase\s*\(|\.drop\s*\(|deleteMany\s*\(\s*\{\s*\}\s*\)|\.remove\s*\(\s*\{\s*\}")
_REDIS_VALUES = ("-h", "-p", "-a", "-n", "-u", "--user", "--pass", "-s", "--tls", "--cacert", "--cert", "--key")


def _stdin_text(command: Command) -> str:
    return command.stdin.text or "" if command.stdin else ""


def drops_data_store(command: Command) -> bool:
    name = command.name
    if name == "dropdb":
        return not any(a in ("--help", "-?", "--version") for a in command.argv[1:])
    if name == "redis-cli":
        words = [w.lower() for w in parse(command, _REDIS_VALUES).operands]
        stdin = _stdin_text(command).lower()
        return bool({"flushall", "flushdb"} & set(words)) or bool(re.search(r"\bflush(?:all|db)\b", stdin))
    if name in ("mongo", "mongosh"):
        opts = parse(command, ("--eval", "--host", "--port", "-u", "-p", "--username", "--password", "--file", "-f"))
        code = (opts.value("--eval") or "") + "\n" + _stdin_text(command)
        return bool(_MONGO_DROP.search(code))
    if name == "mysqladmin":
        return "drop" in parse(command, ("-u", "-p", "-h", "-P", "--user", "--host", "--port")).operands
    return False


_RESETS: dict[str, tuple[str, ...]] = {
    "rails": ("db:drop", "db:reset", "db:schema:load", "db:purge"),
    "rake": ("db:drop", "db:reset", "db:schema:load", "db:purge"),
    "bin/rails": ("db:drop", "db:reset", "db:schema:load", "db:purge"),
    "artisan": ("migrate:fresh", "migrate:reset", "db:wipe"),
    "mix": ("ecto.drop", "ecto.reset"),
    "sequelize": ("db:drop",),
    "sequelize-cli": ("db:drop",),
}


def framework_db_reset(command: Command) -> bool:
    argv = list(command.argv)
    if command.name in ("npx", "pnpm", "yarn", "bunx", "bundle", "php", "pipenv", "poetry", "uv") and len(argv) > 1:
        argv = argv[1:]
        while argv and argv[0] in ("exec", "run", "dlx", "-y", "--yes"):
            argv = argv[1:]
    if not argv:
        return False
    name = argv[0].rsplit("/", 1)[-1]
    rest = argv[1:]
    if name in ("python", "python3") and rest[:1] and rest[0].endswith("manage.py"):
        name, rest = "manage.py", rest[1:]
    if name in ("manage.py", "django-admin"):
        return bool(rest) and rest[0] in ("flush", "reset_db", "sqlflush")
    if name == "drizzle-kit":
        return rest[:1] == ["drop"] or (rest[:1] == ["push"] and any(a in ("--force", "-f") for a in rest))
    if name == "prisma":
        return rest[:2] == ["migrate", "reset"] or (rest[:2] == ["db", "push"] and any(
            a in ("--force-reset", "--accept-data-loss") for a in rest))
    if name == "supabase":
        return rest[:2] == ["db", "reset"] and ("--linked" in rest or "--db-url" in rest)
    if name in _RESETS:
        return any(a in _RESETS[name] for a in rest)
    return False


RULES = (
    CommandRule(
        "bash.sql-destructive-cli", DESTRUCTIVE, Severity.HIGH,
        "This empties or drops a data store (dropdb, Redis FLUSHALL/FLUSHDB, a MongoDB dropDatabase/drop/"
        "deleteMany({}), mysqladmin drop), irreversibly deleting data. Take a backup first, target the exact "
        "object, and run it as a reviewed migration rather than an ad-hoc command.",
        drops_data_store,
        ("dropdb production", "redis-cli FLUSHALL", "redis-cli -h cache -n 2 flushdb", "echo FLUSHALL | redis-cli",
         "mongosh app --eval 'db.dropDatabase()'", "mongo --eval \"db.users.drop()\"", "mysqladmin -u root drop shop",
         "redis-cli <<< 'FLUSHALL'"),
        ("redis-cli GET key", "redis-cli --scan --pattern 'user:*'", "mongosh --eval 'db.users.find()'",
         "dropdb --help", "createdb app", "echo 'redis-cli FLUSHALL'"),
        ("https://www.postgresql.org/docs/current/app-dropdb.html", "https://redis.io/docs/latest/commands/flushall/"),
    ),
    CommandRule(
        "bash.db-reset-command", DESTRUCTIVE, Severity.HIGH,
        "This framework command drops or wipes the database (db:drop/db:reset, migrate:fresh, manage.py flush, "
        "prisma migrate reset, ecto.drop). Make sure it points at a disposable local database, never a shared one; "
        "use a new migration to change a shared schema.",
        framework_db_reset,
        ("rails db:drop", "bin/rails db:reset", "bundle exec rake db:drop", "python manage.py flush --noinput",
         "npx prisma migrate reset --force", "npx prisma db push --force-reset", "php artisan migrate:fresh --seed",
         "mix ecto.reset", "npx drizzle-kit push --force", "pnpm exec prisma migrate reset"),
        ("rails db:migrate", "python manage.py migrate", "npx prisma migrate deploy", "php artisan migrate",
         "npx prisma db push", "npx drizzle-kit push", "npx drizzle-kit generate"),
    ),
)
