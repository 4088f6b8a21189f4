import datetime
from datetime import datetime as dt, timezone


def stamp():
    # ruleid: python.naive-datetime-now
    return datetime.datetime.now()


def stamp2():
    # ruleid: python.naive-datetime-now
    return dt.utcnow()


def good():
    # ok: python.naive-datetime-now
    return dt.now(timezone.utc)


def good2():
    # ok: python.naive-datetime-now
    return datetime.datetime.now(tz=timezone.utc)
