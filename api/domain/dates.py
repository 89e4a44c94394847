"""The store's calendar: its time zone decides what "today" is and when a deadline ends, and its
working days are the days on which handling counts. Stored times stay naive UTC."""
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from api.domain import clock

EVERY_DAY = (0, 1, 2, 3, 4, 5, 6)
WEEKDAYS = [0, 1, 2, 3, 4]


def zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def is_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def today_in(timezone: str | None) -> date:
    """Today in a time zone."""
    return clock.utcnow().replace(tzinfo=UTC).astimezone(zone(timezone)).date()


def store_today(store) -> date:
    """Today in the store's time zone."""
    return today_in(store.timezone)


def end_of_day(store, day: date) -> datetime:
    """The last moment of `day` in the store's time zone, as naive UTC: a deadline shown as that
    date is kept until the date has ended where the store is."""
    local = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone(store.timezone))
    return local.astimezone(UTC).replace(tzinfo=None) - timedelta(seconds=1)


def add_working_days(start: date, days: int, working_days) -> date:
    """The `days`-th working day after `start` (with 0: `start`, or the next working day when
    `start` is not one). No working days at all counts every day."""
    working = set(working_days or EVERY_DAY)
    day = start
    try:
        while day.weekday() not in working:
            day += timedelta(days=1)
        for _ in range(days):
            day += timedelta(days=1)
            while day.weekday() not in working:
                day += timedelta(days=1)
    except OverflowError:  # the calendar's end: the last date there is, never an error
        return date.max
    return day
