"""ETAs from a cumulative supply curve. Pure functions: no database, no clock.

A date is a promise: it is never in the past. Stock overdue against its expected date (an
inbound shipment, or the supplier's lead time since the promise) makes the line `delayed`, with
no date, until the merchant gives a new one; it does not slide a day at a time."""
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import accumulate

from api.domain.dates import WEEKDAYS, add_working_days


@dataclass(frozen=True)
class Eta:
    date: date | None
    source: str  # inbound | lead_time | delayed | unknown

    def as_dict(self) -> dict:
        return {"date": self.date.isoformat() if self.date else None, "source": self.source}


UNKNOWN = Eta(None, "unknown")
DELAYED = Eta(None, "delayed")


@dataclass(frozen=True)
class Calendar:
    """The store's today, handling days and working days (0 = Monday)."""

    today: date
    handling_days: int = 1
    working_days: tuple[int, ...] = tuple(WEEKDAYS)

    def ship_date(self, arrival: date) -> date:
        """Handling counts working days from the day the stock arrives (or today, if later)."""
        return add_working_days(max(arrival, self.today), self.handling_days, self.working_days)


@dataclass(frozen=True)
class SupplyCurve:
    """Inbound shipments still to come, as (expected date, cumulative units by then)."""

    points: tuple[tuple[date, int], ...]

    @classmethod
    def from_inbound(cls, shipments: list[tuple[date, int]]) -> "SupplyCurve":
        ordered = sorted(shipments, key=lambda s: s[0])
        totals = accumulate(quantity for _, quantity in ordered)
        return cls(tuple((expected, total) for (expected, _), total in zip(ordered, totals)))

    def date_covering(self, units: int) -> date | None:
        """The expected date of the first shipment by which `units` have arrived."""
        for expected, total in self.points:
            if total >= units:
                return expected
        return None


def eta_for(units: int, curve: SupplyCurve, *, lead_time_days: int | None, calendar: Calendar,
            lead_time_from: date | None = None) -> Eta:
    """The ship date for the `units`-th waiting unit of a variant (counting from the head of the
    queue). A lead-time date counts from `lead_time_from`, the day it was first promised (today
    for a new promise), so it does not move by itself."""
    arrival = curve.date_covering(units)
    if arrival is not None:
        return DELAYED if arrival < calendar.today else Eta(calendar.ship_date(arrival), "inbound")
    if lead_time_days is not None:
        arrival = add_days(lead_time_from or calendar.today, lead_time_days)
        return DELAYED if arrival < calendar.today else Eta(calendar.ship_date(arrival), "lead_time")
    return UNKNOWN


def add_days(day: date, days: int) -> date:
    """`day` + `days`, the last representable date when that would be later. Dates are bounded
    where they enter (api.http.schemas.MAX_YEARS_AHEAD), but a date stored before that bound
    (or the calendar's end) must still give an answer, never an OverflowError."""
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return date.max if days > 0 else date.min


def queue_etas(waiting: list[int], curve: SupplyCurve, *, lead_time_days: int | None, calendar: Calendar,
               lead_time_from: list[date | None] | None = None) -> list[Eta]:
    """One ETA per line, `waiting` being each line's waiting units in queue order: a line is
    covered once supply reaches every unit ahead of it plus its own. `lead_time_from`: each line's
    lead-time promise day, when it has one."""
    starts = lead_time_from or [None] * len(waiting)
    return [
        eta_for(units, curve, lead_time_days=lead_time_days, calendar=calendar, lead_time_from=start)
        for units, start in zip(accumulate(waiting), starts)
    ]
