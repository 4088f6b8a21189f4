import datetime as dt
from datetime import datetime, timezone


def make_token_expiry():
    # ruleid: python.datetime-utcnow
    return datetime.utcnow() + dt.timedelta(hours=1)


def parse_epoch(ts):
    # ruleid: python.datetime-utcnow
    return dt.datetime.utcfromtimestamp(ts)


def make_token_expiry_ok():
    # ok: python.datetime-utcnow
    return datetime.now(timezone.utc) + dt.timedelta(hours=1)


def parse_epoch_ok(ts):
    # ok: python.datetime-utcnow
    return datetime.fromtimestamp(ts, tz=timezone.utc)
