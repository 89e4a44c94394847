"""ETAs from a cumulative supply curve. Pure functions: no database, no clock."""
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import accumulate


@dataclass(frozen=True)
class Eta:
    date: date | None
    source: str  # inbound | lead_time | unknown

    def as_dict(self) -> dict:
        return {"date": self.date.isoformat() if self.date else None, "source": self.source}


UNKNOWN = Eta(None, "unknown")


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


def eta_for(
    units: int,
    curve: SupplyCurve,
    *,
    lead_time_days: int | None,
    handling_days: int,
    today: date,
) -> Eta:
    """The ship date for the `units`-th waiting unit of a variant (counting from the head of the
    queue). A shipment already overdue is treated as arriving today: an honest date is never in
    the past."""
    arrival = curve.date_covering(units)
    if arrival is not None:
        return Eta(add_days(max(arrival, today), handling_days), "inbound")
    if lead_time_days is not None:
        return Eta(add_days(today, lead_time_days + handling_days), "lead_time")
    return UNKNOWN


def add_days(day: date, days: int) -> date:
    """`day` + `days`, the last representable date when that would be later. Dates are bounded
    where they enter (api.http.schemas.MAX_YEARS_AHEAD), but a date stored before that bound
    (or the calendar's end) must still give an answer, never an OverflowError."""
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return date.max if days > 0 else date.min


def queue_etas(
    waiting: list[int],
    curve: SupplyCurve,
    *,
    lead_time_days: int | None,
    handling_days: int,
    today: date,
) -> list[Eta]:
    """One ETA per line, `waiting` being each line's waiting units in queue order: a line is
    covered once supply reaches every unit ahead of it plus its own."""
    return [
        eta_for(units, curve, lead_time_days=lead_time_days, handling_days=handling_days, today=today)
        for units in accumulate(waiting)
    ]
