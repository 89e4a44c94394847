"""Local days: the day (a number, days since 1970-01-01) in the store's time zone on which a line
was placed, allocated and shipped, and on which an order was placed, stored beside those times.
The merchant's insight (api/domain/analytics.py) groups rows by these integers straight off an
index: no time-zone arithmetic per row when it is asked.

They are kept exact on every write. The ORM's writes of those times get their days before each
flush (`keep_local_days`, registered in api/db.py); bulk writers, which bypass the ORM, give them
with `local_day`; and a store's change of time zone rewrites its lines' and orders' days, one
statement per table."""
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from sqlalchemy import Date, case, cast, event, func, inspect, literal, select, update
from sqlalchemy.orm import Session, attributes

from api.domain.dates import zone
from api.models import Line, Order, Store

EPOCH = date(1970, 1, 1)
SECONDS_PER_DAY = 86_400
# Each stored time and the column holding its local day.
DAYS = {
    Line: (("queued_at", "placed_day"), ("allocated_at", "allocated_day"), ("shipped_at", "shipped_day")),
    Order: (("placed_at", "placed_day"),),
}


def day_number(day: date) -> int:
    return (day - EPOCH).days


def local_day(tz: ZoneInfo, moment: datetime | None) -> int | None:
    """The number of the local day on which a stored (naive UTC) time falls; None for None."""
    if moment is None:
        return None
    return day_number(moment.replace(tzinfo=UTC).astimezone(tz).date())


def with_local_days(store: Store, model, rows: list[dict]) -> list[dict]:
    """Rows of lines or orders for a bulk INSERT (which no ORM flush sees), each given the local
    days of its times."""
    tz = zone(store.timezone)
    for row in rows:
        for moment, day in DAYS[model]:
            row[day] = local_day(tz, row.get(moment))
    return rows


def keep_local_days(session_class=Session) -> None:
    """Give every line and order written through the ORM its local days, and rewrite a store's
    days when its time zone changes (registered once for every session, in api/db.py)."""
    if not event.contains(session_class, "before_flush", _before_flush):
        event.listen(session_class, "before_flush", _before_flush)


def _before_flush(session: Session, _flush_context, _instances) -> None:
    for store in session.dirty:
        if isinstance(store, Store) and inspect(store).attrs.timezone.history.has_changes():
            rewrite_local_days(session.connection(), store.id, store.timezone)
            _reload_days(session, store)
    for row in (*session.new, *session.dirty):
        times = DAYS.get(type(row))
        if times is None:
            continue
        state, tz = inspect(row), None
        for moment, day in times:
            if state.pending or state.attrs[moment].history.has_changes():
                tz = tz or _zone_of(session, row.store_id)
                setattr(row, day, local_day(tz, getattr(row, moment)))
                attributes.flag_modified(row, day)  # written even when equal to what the session last read


def _zone_of(session: Session, store_id: int) -> ZoneInfo:
    return zone(session.get(Store, store_id).timezone)  # the session's own copy, as this flush will write it


def _reload_days(session: Session, store: Store) -> None:
    """The days the rewrite stored, on the rows of the store this session holds, without marking
    them changed. A time changed in this flush is left to the caller, which writes its day."""
    tz = zone(store.timezone)
    for row in list(session.identity_map.values()):
        times = DAYS.get(type(row))
        if times is None or row.__dict__.get("store_id") != store.id:
            continue
        state = inspect(row)
        for moment, day in times:
            if moment in row.__dict__ and not state.attrs[moment].history.has_changes():
                attributes.set_committed_value(row, day, local_day(tz, row.__dict__[moment]))


def rewrite_local_days(connection, store_id: int, timezone: str) -> None:
    """Every line's and order's local days of one store, worked out again in the database for a
    time zone: one UPDATE per table, each time shifted by the offset its moment had."""
    tz, postgres = zone(timezone), connection.dialect.name == "postgresql"
    for model, times in DAYS.items():
        table = model.__table__
        moments = [table.c[moment] for moment, _ in times]
        bounds = connection.execute(select(*[func.min(m) for m in moments], *[func.max(m) for m in moments])
                                    .where(table.c.store_id == store_id)).one()
        known = [moment for moment in bounds if moment is not None]
        if not known:
            continue
        offsets = offset_changes(tz, min(known), max(known) + timedelta(seconds=1))
        connection.execute(update(table).where(table.c.store_id == store_id).values(
            {day: local_day_sql(table.c[moment], offsets, postgres) for moment, day in times}))


def local_day_sql(moment, offsets: list[tuple[datetime, int]], postgres: bool):
    """The local day of a stored time, in SQL: shifted by the offset of its moment (a CASE over
    the changes, newest first), then cut to its date. SQLite has no time-zone database, so the
    offsets are worked out here, and PostgreSQL is given the same ones."""
    (_, first), *changes = offsets

    def shift(seconds: int):
        return literal(timedelta(seconds=seconds)) if postgres else literal(seconds)

    offset = case(*[(moment >= since, shift(seconds)) for since, seconds in reversed(changes)],
                  else_=shift(first)) if changes else shift(first)
    if postgres:
        return cast(moment + offset, Date) - literal(EPOCH, Date)
    return (func.unixepoch(moment) + offset) // SECONDS_PER_DAY  # SQLite 3.38 or later


@lru_cache(maxsize=64)
def offset_changes(tz: ZoneInfo, start: datetime, end: datetime) -> list[tuple[datetime, int]]:
    """[(naive UTC moment, seconds ahead of UTC)]: the offset from `start` on, then each change
    up to `end`. Looked for every 12 hours, then pinned to the second by bisection (the caller
    must not change the list: it is kept for the next call)."""

    def offset(moment: datetime) -> int:
        return int(moment.replace(tzinfo=UTC).astimezone(tz).utcoffset().total_seconds())

    changes = [(start, offset(start))]
    step, moment, current = timedelta(hours=12), start, offset(start)
    while moment < end:
        following = moment + step
        if offset(following) != current:
            low, high = moment, following
            while high - low > timedelta(seconds=1):
                middle = low + (high - low) / 2
                low, high = (middle, high) if offset(middle) == current else (low, middle)
            current = offset(high)
            changes.append((high.replace(microsecond=0), current))
        moment = following
    return changes
