from datetime import datetime

import pytz
from zoneinfo import ZoneInfo

# ruleid: python.pytz-tzinfo
meeting = datetime(2024, 6, 3, 9, 30, tzinfo=pytz.timezone("Europe/Paris"))


def to_local(naive):
    # ruleid: python.pytz-tzinfo
    return naive.replace(tzinfo=pytz.timezone("America/New_York"))


def opening(day):
    tz = pytz.timezone("Asia/Tokyo")
    # ruleid: python.pytz-tzinfo
    return datetime(day.year, day.month, day.day, 9, tzinfo=tz)


def localized(naive):
    tz = pytz.timezone("Europe/Paris")
    # ok: python.pytz-tzinfo
    return tz.localize(naive)


# ok: python.pytz-tzinfo
utc_meeting = datetime(2024, 6, 3, 7, 30, tzinfo=pytz.utc)
# ok: python.pytz-tzinfo
paris_meeting = datetime(2024, 6, 3, 9, 30, tzinfo=ZoneInfo("Europe/Paris"))
