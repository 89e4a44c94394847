"""Merchant insight: what backorders kept or lost, how honest our dates were, how long shoppers
waited, what restock alerts brought and how suppliers kept their dates — over a range of days, by
day, ISO week (from Monday) or month in the store's time zone. README "Insights" says what each
figure means.

Every figure is an SQL aggregate over indexed columns:

- Days: each line and order stores the local day (days since 1970-01-01 in the store's time
  zone) on which it was placed, allocated and shipped (api/domain/local_days.py keeps them
  exact on every write). Each figure groups rows by a day column straight off an index that
  holds every column it reads (migration 0013), so the database reads the index alone, in day
  order, with no time-zone arithmetic per row (and, but for ETA accuracy per variant, nothing
  to sort); Python then adds the days of the range into their periods.
- Outcomes are worked out in Python once per kind of line (same state and quantities), which
  SQL counts, rather than by CASE expressions on every row.
- Medians and 90th percentiles come from histograms: SQL counts the lines per (day, whole days)
  and Python interpolates between order statistics exactly as PostgreSQL's percentile_cont
  does. Exact, one code path, and small (lines differ by a few hundred day counts at most, so a
  year is some ten thousand rows), where fetching every line's days would move 100,000 rows."""
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Date, DateTime, Integer, and_, case, cast, distinct, func, literal, select, type_coerce, union
from sqlalchemy.orm import Session

from api.domain.backorders import SWITCHED, WAITING
from api.domain.dates import store_today, zone
from api.domain.errors import Invalid
from api.domain.local_days import EPOCH, day_number
from api.models import (
    BigCommerceInstallation, InboundShipment, Line, Order, PaymentRequestRecord, PurchaseOrder, Refund,
    RestockSubscription, Sale, Store, Supplier, Variant,
)

DAY, WEEK, MONTH = "day", "week", "month"
GRANULARITIES = (DAY, WEEK, MONTH)
# The longest range asked for at once: two years by day (730 points), five years otherwise.
MAX_YEARS = {DAY: 2, WEEK: 5, MONTH: 5}
DEFAULT_DAYS = 90
ALERT_WINDOW_DAYS = 7
OUTCOMES = ("shipped", "allocated", "cancelled", "switched", "waiting")
# Money that went back to shoppers for backordered units: cancels, a cheaper switch's difference,
# and the price of a line moved to pay later (less what its shopper then paid).
REFUND_REASONS = ("cancel", "switch", "pay_later")
PAY_LATER = "pay_later"


@dataclass(frozen=True)
class Range:
    first: date
    last: date
    granularity: str


def resolve_range(store: Store, first: date | None, last: date | None, granularity: str) -> Range:
    """The range asked for, with the defaults (the last 90 days to today, in the store's time
    zone); Invalid when it runs backwards or is longer than the granularity allows."""
    last = last or store_today(store)
    first = first or last - timedelta(days=DEFAULT_DAYS - 1)
    if first > last:
        raise Invalid("The range ends before it starts.", {"query": {"from": ["On or before `to`."]}})
    years = MAX_YEARS[granularity]
    if last >= _add_years(first, years):
        raise Invalid(f"A range by {granularity} covers at most {years} years.",
                      {"query": {"to": [f"Less than {years} years after `from` by {granularity}; "
                                        "choose a coarser granularity or a shorter range."]}})
    return Range(first, last, granularity)


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def period_start(day: date, granularity: str) -> date:
    if granularity == WEEK:
        return day - timedelta(days=day.weekday())
    if granularity == MONTH:
        return day.replace(day=1)
    return day


def periods(range_: Range) -> list[date]:
    """Every period touching the range, labelled by its first day (the first and last may be
    partial), so a chart's axis has no gaps."""
    found, day = [], period_start(range_.first, range_.granularity)
    while day <= range_.last:
        found.append(day)
        if range_.granularity == MONTH:
            day = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
        else:
            day += timedelta(days=7 if range_.granularity == WEEK else 1)
    return found


# --- the store's calendar -----------------------------------------------------------------------


class Calendar:
    """The range's local days (numbers, as the day columns hold them) and the period each falls
    in; the UTC moments the range starts and ends, for times stored without a day; and the date
    arithmetic SQL does on dates."""

    def __init__(self, session: Session, store: Store, range_: Range):
        self.postgres = session.get_bind().dialect.name == "postgresql"
        self.zone = zone(store.timezone)
        self.first, self.last = day_number(range_.first), day_number(range_.last)
        self.period_of = {}  # local day number: the date its period starts
        day = range_.first
        while day <= range_.last:
            self.period_of[day_number(day)] = period_start(day, range_.granularity)
            day += timedelta(days=1)
        self.start = self.utc_midnight(range_.first)
        self.end = self.utc_midnight(range_.last + timedelta(days=1))

    def utc_midnight(self, day: date) -> datetime:
        local = datetime.combine(day, time(0), tzinfo=self.zone)
        return local.astimezone(UTC).replace(tzinfo=None)

    def days(self, column):
        """A day column's condition: in the range."""
        return column.between(self.first, self.last)

    def date_number(self, day):
        """The number of a date column's day."""
        if self.postgres:
            return day - literal(EPOCH, Date)
        return cast(func.julianday(day) - 2440587.5, Integer)  # julianday('1970-01-01')

    def plus_days(self, moment, days: int):
        """A stored time `days` days later."""
        if self.postgres:
            return moment + timedelta(days=days)
        return type_coerce(func.strftime("%Y-%m-%d %H:%M:%f", moment, f"+{days} days"), DateTime)


# --- histograms: median and 90th percentile ----------------------------------------------------


def percentile(histogram: dict[int, int], fraction: float) -> float | int | None:
    """percentile_cont over a histogram {value: count}: linear interpolation between the two
    order statistics around fraction × (n − 1), to 2 decimals (a whole number as an int). None
    when empty."""
    total = sum(histogram.values())
    if total == 0:
        return None
    rank = fraction * (total - 1)
    below, above = int(rank), min(int(rank) + 1, total - 1)
    values, seen = {}, 0
    for value in sorted(histogram):
        count = histogram[value]
        for index in (below, above):
            if seen <= index < seen + count:
                values[index] = value
        seen += count
    found = round(values[below] + (values[above] - values[below]) * (rank - below), 2)
    return int(found) if found == int(found) else found


def _lateness(histogram: dict[int, int]) -> dict:
    """Lines done by a date (days after it: ≤ 0 on time), as the ETA figures show them. Days
    late count 0 for a line on time, so the 90th percentile says "nine lines in ten came at
    most this many days after the date"."""
    lines = sum(histogram.values())
    on_time = sum(count for days, count in histogram.items() if days <= 0)
    late = defaultdict(int)
    for days, count in histogram.items():
        late[max(0, days)] += count
    return {
        "lines_shipped": lines, "on_time": on_time, "on_time_share": share(on_time, lines),
        "median_days_late": percentile(late, 0.5), "p90_days_late": percentile(late, 0.9),
    }


def share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


# --- the report -------------------------------------------------------------------------------


def store_currency(session: Session, store: Store) -> str:
    """The currency money figures are in: a BigCommerce store's own (every amount it sends is in
    it); else that of the store's newest line, then of its catalog."""
    found = session.scalar(select(BigCommerceInstallation.currency)
                           .where(BigCommerceInstallation.store_id == store.id))
    found = found or session.scalar(select(Line.currency).where(Line.store_id == store.id)
                                    .order_by(Line.queued_at.desc()).limit(1))
    found = found or session.scalar(select(Variant.currency).where(Variant.store_id == store.id).limit(1))
    return found or "USD"


def report(session: Session, store: Store, range_: Range) -> dict:
    calendar = Calendar(session, store, range_)
    currency = store_currency(session, store)
    demand, outcomes = _demand_and_outcomes(session, store, calendar, range_, currency)
    return {
        "from": range_.first, "to": range_.last, "granularity": range_.granularity, "currency": currency,
        "demand": demand,
        "outcomes": outcomes,
        "eta_accuracy": _eta_accuracy(session, store, calendar, range_),
        "wait": _wait(session, store, calendar, range_),
        "restock_alerts": _restock_alerts(session, store, calendar, currency),
        "suppliers": _suppliers(session, store, calendar, range_),
    }


def _rows(session: Session, query):
    """A query's rows through SQLAlchemy Core: on the thousands of rows of a histogram, the ORM's
    handling of each row costs more than the database's work."""
    return session.connection().execute(query).all()


def outcome_units(state: str, quantity: int, backordered: int, allocated: int, shipped: int,
                  cancelled: int) -> dict[str, int]:
    """Which of a line's backordered units met which outcome. A line backordered in full: its own
    units. In part: units still waiting are backordered ones (what stock covered was set aside
    when the order came); of the others, cancelled units are counted first (a cancel takes
    waiting units), then units set aside, and the rest shipped. A switched line's backordered
    units all count as switched."""
    if state == SWITCHED:
        return {"switched": backordered}
    waiting = quantity - allocated - shipped - cancelled
    if backordered == quantity:
        return {"waiting": waiting, "cancelled": cancelled, "allocated": allocated, "shipped": shipped}
    waiting_part = min(backordered, waiting)
    cancelled_part = min(cancelled, backordered - waiting_part)
    allocated_part = min(allocated, backordered - waiting_part - cancelled_part)
    return {"waiting": waiting_part, "cancelled": cancelled_part, "allocated": allocated_part,
            "shipped": backordered - waiting_part - cancelled_part - allocated_part}


def _demand_and_outcomes(session, store, calendar, range_, currency) -> tuple[dict, dict]:
    by_period = defaultdict(lambda: defaultdict(int))
    units = dict.fromkeys(OUTCOMES, 0)
    line_count = 0
    # Lines alike in state and quantities counted together, straight off ix_lines_store_placed_day
    # (which holds every column read here, in this order), and their outcomes worked out once
    # per kind, here, rather than row by row in SQL.
    alike = (Line.state, Line.quantity, Line.quantity_backordered, Line.quantity_allocated, Line.quantity_shipped,
             Line.quantity_cancelled)
    lines_alike = (
        select(Line.placed_day, *alike, func.count(),
               func.sum(case((Line.currency == currency, Line.quantity_backordered * Line.unit_price), else_=0)))
        .where(Line.store_id == store.id, calendar.days(Line.placed_day), Line.quantity_backordered > 0)
        .group_by(Line.placed_day, *alike))
    for day, *kind, count, revenue in _rows(session, lines_alike):
        backordered = kind[2]
        figures = by_period[calendar.period_of[day]]
        figures["backordered_units"] += backordered * count
        figures["backordered_revenue"] += int(revenue)
        line_count += count
        for name, value in outcome_units(*kind).items():
            units[name] += value * count

    # Orders holding a backordered unit, with what the shopper paid for the order.
    holds_backorder = select(Line.id).where(Line.order_pk == Order.id, Line.quantity_backordered > 0).exists()
    for day, count, total in session.execute(
        select(Order.placed_day, func.count(), func.sum(case((Order.currency == currency, Order.total), else_=0)))
        .where(Order.store_id == store.id, calendar.days(Order.placed_day), holds_backorder)
        .group_by(Order.placed_day)
    ):
        by_period[calendar.period_of[day]]["orders_with_backorders"] += count
        by_period[calendar.period_of[day]]["orders_with_backorders_revenue"] += int(total)

    fields = ("backordered_units", "backordered_revenue", "orders_with_backorders", "orders_with_backorders_revenue")
    series = [{"period": period, **{name: by_period[period][name] if period in by_period else 0 for name in fields}}
              for period in periods(range_)]
    totals = {name: sum(item[name] for item in series) for name in fields}

    # From the refunds and payments (few, and the store's own) to their lines: the lines are
    # matched by id and placement day only, so no database starts from the lines instead.
    in_range = and_(calendar.days(Line.placed_day), Line.quantity_backordered > 0)
    refunded, pay_later_lines = session.execute(
        select(func.coalesce(func.sum(Refund.amount), 0),
               func.count(distinct(case((Refund.reason == PAY_LATER, Refund.line_pk)))))
        .join(Line, Line.id == Refund.line_pk)
        .where(Refund.store_id == store.id, Refund.status == "confirmed", Refund.reason.in_(REFUND_REASONS),
               Refund.currency == currency, in_range)
    ).one()
    paid_lines, paid_back = session.execute(
        select(func.count(distinct(PaymentRequestRecord.line_pk)),
               func.coalesce(func.sum(PaymentRequestRecord.amount), 0))
        .join(Line, Line.id == PaymentRequestRecord.line_pk)
        .where(PaymentRequestRecord.store_id == store.id, PaymentRequestRecord.purpose == PAY_LATER,
               PaymentRequestRecord.status == "paid", PaymentRequestRecord.currency == currency, in_range)
    ).one()
    # A pay-later line's price counts as refunded until its shopper pays it again.
    refunded = max(0, int(refunded) - int(paid_back))
    all_units = totals["backordered_units"]
    outcomes = {
        "units": units,
        "shares": {name: share(units[name], all_units) for name in OUTCOMES},
        "revenue_kept": totals["backordered_revenue"] - refunded,
        "revenue_refunded": refunded,
        "pay_later": {"lines": pay_later_lines, "share": share(pay_later_lines, line_count), "paid": paid_lines},
    }
    return {"periods": series, "totals": totals}, outcomes


def _eta_accuracy(session, store, calendar, range_) -> dict:
    """Backordered lines shipped in the range (by their ship date in the store's time zone)
    that had been promised a date, against the first date promised."""
    # Two passes over ix_lines_store_shipped_day, which holds every column read here: per day
    # and promised date (in index order, nothing to sort), and per variant (each has one
    # product and supplier).
    shipped = and_(Line.store_id == store.id, calendar.days(Line.shipped_day), Line.quantity_backordered > 0,
                   Line.first_promised_on.is_not(None))
    late = Line.shipped_day - calendar.date_number(Line.first_promised_on)
    per_period, per_variant = defaultdict(lambda: defaultdict(int)), defaultdict(lambda: defaultdict(int))
    by_day = select(Line.shipped_day, late, func.count()).where(shipped).group_by(Line.shipped_day,
                                                                                 Line.first_promised_on)
    for day, value, count in _rows(session, by_day):
        per_period[calendar.period_of[day]][value] += count
    by_variant = select(Line.variant_pk, late.label("late"), func.count()).where(shipped).group_by(Line.variant_pk,
                                                                                                  "late")
    for variant_pk, value, count in _rows(session, by_variant):
        per_variant[variant_pk][value] += count
    per_product, per_supplier, product_names = (defaultdict(lambda: defaultdict(int)),
                                                defaultdict(lambda: defaultdict(int)), {})
    for variant_pk, product_id, supplier_id, name in _variants(session, per_variant):
        for value, count in per_variant[variant_pk].items():
            per_product[product_id][value] += count
            per_supplier[supplier_id][value] += count
        product_names[product_id] = min(product_names.get(product_id, name), name)
    supplier_names = _supplier_names(session, store)

    by_product = [{"product_id": product_id, "name": product_names[product_id], **_lateness(histogram)}
                  for product_id, histogram in per_product.items()]
    by_product.sort(key=lambda item: (-item["lines_shipped"], item["product_id"]))
    by_supplier = [{"supplier_id": supplier_id, "supplier": supplier_names.get(supplier_id), **_lateness(histogram)}
                   for supplier_id, histogram in per_supplier.items()]
    by_supplier.sort(key=_by_supplier_name)
    waiting_past_promise = session.scalar(
        select(func.count()).select_from(Line)
        .where(Line.store_id == store.id, Line.state == WAITING, Line.first_promised_on < store_today(store)))
    return {
        "periods": [{"period": key, **_lateness(per_period.get(key, {}))} for key in periods(range_)],
        "by_product": by_product,
        "by_supplier": by_supplier,
        "waiting_past_promise": waiting_past_promise,
    }


def _variants(session, pks) -> list[tuple[int, int, int | None, str]]:
    """(id, product id, supplier id, name) of these variants, a thousand at a time."""
    pks, found = sorted(pks), []
    for start in range(0, len(pks), 1000):
        found += session.execute(select(Variant.id, Variant.product_id, Variant.supplier_id, Variant.name)
                                 .where(Variant.id.in_(pks[start:start + 1000]))).all()
    return found


def _supplier_names(session, store) -> dict[int, str]:
    return dict(session.execute(select(Supplier.id, Supplier.name).where(Supplier.store_id == store.id)).all())


def _by_supplier_name(item: dict):
    """By name, case aside; a group with no supplier last."""
    return item["supplier"] is None, (item["supplier"] or "").lower(), item["supplier_id"] or 0


def _wait(session, store, calendar, range_) -> dict:
    """Days from the order to the allocation of a backordered line's last waiting unit, for lines
    allocated in the range (by allocation date), both dates in the store's time zone."""
    per_period = defaultdict(lambda: defaultdict(int))
    overall = defaultdict(int)
    # On ix_lines_store_allocated_day, which holds every column read here, in its order.
    by_days = (select(Line.allocated_day, Line.placed_day, func.count())
               .where(Line.store_id == store.id, calendar.days(Line.allocated_day), Line.quantity_backordered > 0)
               .group_by(Line.allocated_day, Line.placed_day))
    for day, placed_day, count in _rows(session, by_days):
        per_period[calendar.period_of[day]][day - placed_day] += count
        overall[day - placed_day] += count

    def figures(histogram):
        return {"median_days": percentile(histogram, 0.5), "p90_days": percentile(histogram, 0.9)}

    return {
        **figures(overall),
        "periods": [{"period": key, "lines": sum(per_period.get(key, {}).values()), **figures(per_period.get(key, {}))}
                    for key in periods(range_)],
    }


def _restock_alerts(session, store, calendar, currency) -> dict:
    """Subscriptions made and alerts sent in the range; the orders their recipients placed (by
    the same email or phone) within 7 days after an alert sent in the range, each order once,
    and those orders' revenue (every item, from the sales history)."""
    subscriptions = session.scalar(
        select(func.count()).select_from(RestockSubscription)
        .where(RestockSubscription.store_id == store.id, RestockSubscription.created_at >= calendar.start,
               RestockSubscription.created_at < calendar.end))
    alerted = and_(RestockSubscription.store_id == store.id, RestockSubscription.notified_at >= calendar.start,
                   RestockSubscription.notified_at < calendar.end)
    alerts_sent = session.scalar(select(func.count()).select_from(RestockSubscription).where(alerted))

    window_end = calendar.plus_days(RestockSubscription.notified_at, ALERT_WINDOW_DAYS)
    # By email and by phone apart, so each join runs on its own index (ix_sales_store_email, …).
    followed = union(*[
        select(Sale.order_id).join(RestockSubscription, and_(
            Sale.store_id == RestockSubscription.store_id, contact != "", sale_contact == contact,
            Sale.placed_at >= RestockSubscription.notified_at, Sale.placed_at < window_end))
        .where(alerted)
        for contact, sale_contact in ((RestockSubscription.email, Sale.email),
                                      (RestockSubscription.phone, Sale.phone))
    ]).subquery()
    orders, revenue = session.execute(
        select(func.count(distinct(Sale.order_id)),
               func.coalesce(func.sum(case((Sale.currency == currency, Sale.revenue), else_=0)), 0))
        .where(Sale.store_id == store.id, Sale.order_id.in_(select(followed.c.order_id)))
    ).one()
    return {"subscriptions": subscriptions, "alerts_sent": alerts_sent, "orders_within_7_days": orders,
            "attributed_revenue": int(revenue)}


def _suppliers(session, store, calendar, range_) -> list[dict]:
    """Purchase-order lines received in the range (by the day they were done with, units having
    arrived), per supplier, against the date they were expected."""
    name = func.coalesce(Supplier.name, func.nullif(PurchaseOrder.supplier, ""))
    late = calendar.date_number(InboundShipment.received_on) - calendar.date_number(InboundShipment.expected_on)
    histograms = defaultdict(lambda: defaultdict(int))
    for supplier_id, supplier, value, count in session.execute(
        select(PurchaseOrder.supplier_id, name.label("supplier_name"), late.label("late"), func.count())
        .join(PurchaseOrder, PurchaseOrder.id == InboundShipment.purchase_order_id)
        .outerjoin(Supplier, Supplier.id == PurchaseOrder.supplier_id)
        .where(InboundShipment.store_id == store.id, InboundShipment.received_on >= range_.first,
               InboundShipment.received_on <= range_.last, InboundShipment.quantity_received > 0)
        .group_by(PurchaseOrder.supplier_id, "supplier_name", "late")
    ):
        histograms[(supplier_id, supplier)][value] += count
    items = []
    for (supplier_id, supplier), histogram in histograms.items():
        lines = sum(histogram.values())
        on_time = sum(count for value, count in histogram.items() if value <= 0)
        late_days = sum(max(0, value) * count for value, count in histogram.items())
        items.append({"supplier_id": supplier_id, "supplier": supplier, "lines": lines, "received_on_time": on_time,
                      "on_time_share": share(on_time, lines), "mean_days_late": round(late_days / lines, 2)})
    items.sort(key=_by_supplier_name)
    return items


# --- the same figures as tables (CSV) ----------------------------------------------------------

TABLES = ("demand", "outcomes", "eta_accuracy", "eta_by_product", "eta_by_supplier", "wait", "restock_alerts",
          "suppliers")
DEMAND = ("backordered_units", "backordered_revenue", "orders_with_backorders", "orders_with_backorders_revenue")
LATENESS = ("lines_shipped", "on_time", "on_time_share", "median_days_late", "p90_days_late")
SUPPLIER = ("supplier_id", "supplier", "lines", "received_on_time", "on_time_share", "mean_days_late")
RESTOCK = ("subscriptions", "alerts_sent", "orders_within_7_days", "attributed_revenue")


def table(figures: dict, name: str) -> tuple[list[str], list[list]]:
    """One table of a report: (header, rows). Per-period tables end with a "total" row where the
    report has totals; tables of one row flatten the report's groups (units_shipped, …)."""
    currency = figures["currency"]

    def pick(item: dict, names) -> list:
        return [item[key] for key in names]

    if name == "demand":
        demand = figures["demand"]
        rows = [[item["period"], *pick(item, DEMAND), currency] for item in demand["periods"]]
        rows.append(["total", *pick(demand["totals"], DEMAND), currency])
        return ["period", *DEMAND, "currency"], rows
    if name == "outcomes":
        outcomes = figures["outcomes"]
        header = ([f"units_{key}" for key in OUTCOMES] + [f"share_{key}" for key in OUTCOMES]
                  + ["revenue_kept", "revenue_refunded", "currency", "pay_later_lines", "pay_later_share",
                     "pay_later_paid"])
        pay_later = outcomes["pay_later"]
        row = (pick(outcomes["units"], OUTCOMES) + pick(outcomes["shares"], OUTCOMES)
               + [outcomes["revenue_kept"], outcomes["revenue_refunded"], currency,
                  pay_later["lines"], pay_later["share"], pay_later["paid"]])
        return header, [row]
    if name == "eta_accuracy":
        return ["period", *LATENESS], [[item["period"], *pick(item, LATENESS)]
                                      for item in figures["eta_accuracy"]["periods"]]
    if name == "eta_by_product":
        return ["product_id", "name", *LATENESS], [pick(item, ("product_id", "name", *LATENESS))
                                                   for item in figures["eta_accuracy"]["by_product"]]
    if name == "eta_by_supplier":
        return ["supplier_id", "supplier", *LATENESS], [pick(item, ("supplier_id", "supplier", *LATENESS))
                                                        for item in figures["eta_accuracy"]["by_supplier"]]
    if name == "wait":
        wait = figures["wait"]
        rows = [pick(item, ("period", "lines", "median_days", "p90_days")) for item in wait["periods"]]
        rows.append(["total", sum(item["lines"] for item in wait["periods"]), wait["median_days"], wait["p90_days"]])
        return ["period", "lines", "median_days", "p90_days"], rows
    if name == "restock_alerts":
        return [*RESTOCK, "currency"], [[*pick(figures["restock_alerts"], RESTOCK), currency]]
    if name == "suppliers":
        return list(SUPPLIER), [pick(item, SUPPLIER) for item in figures["suppliers"]]
    raise ValueError(name)
