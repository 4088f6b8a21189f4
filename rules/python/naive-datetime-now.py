from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo


def audit_row(user):
    # ruleid: python.naive-datetime-now
    return {"user": user, "at": datetime.now().isoformat()}


def file_mtime(stat):
    # ruleid: python.naive-datetime-now
    return datetime.fromtimestamp(stat.st_mtime)


def audit_row_ok(user):
    # ok: python.naive-datetime-now
    return {"user": user, "at": datetime.now(timezone.utc).isoformat()}


def store_open(now=None):
    # ok: python.naive-datetime-now
    now = now or datetime.now(ZoneInfo("Europe/Berlin"))
    return 9 <= now.hour < 18
