"""Insights: what backorders kept or lost, how honest our dates were, how long shoppers waited,
what restock alerts brought and how suppliers kept their dates (api/domain/analytics.py), as
JSON and each table as CSV."""
import csv
import io
from datetime import date

from flask import Response
from marshmallow import Schema, fields, validate

from api.domain import analytics
from api.domain.errors import NotFound
from api.http import schemas
from api.http.admin_routes import admin_blueprint, documented
from api.http.context import admin_store, session

blp = admin_blueprint("analytics", __name__, "Insights: demand kept, outcomes, ETA accuracy, wait, restock alerts, suppliers")

IN_CALENDAR = validate.Range(min=schemas.EARLIEST, max=date(2100, 12, 31),
                             error="Between {min} and {max}.")


class AnalyticsQuery(Schema):
    first = fields.Date(data_key="from", validate=IN_CALENDAR, metadata={
        "description": "The first day (the store's time zone). Default: 89 days before `to`, so the range "
                       "holds 90 days."})
    last = fields.Date(data_key="to", validate=IN_CALENDAR, metadata={
        "description": "The last day, included. Default: today in the store's time zone."})
    granularity = fields.String(load_default=analytics.WEEK, validate=validate.OneOf(analytics.GRANULARITIES),
                                metadata={"description": "Periods: days, ISO weeks (from Monday) or months, each "
                                                         "labelled by its first day. A range covers at most 2 "
                                                         "years by day, 5 years otherwise (422 beyond)."})


SHARE = {"description": "0..1; null when there is nothing to divide by.", "minimum": 0, "maximum": 1}
DAYS = {"description": "Days; null without data."}


def _share():
    return fields.Float(allow_none=True, metadata=SHARE)


def _days(description: str = ""):
    return fields.Float(allow_none=True, metadata={"description": description or DAYS["description"]})


class DemandFigures(Schema):
    backordered_units = fields.Integer(metadata={"description": "Units backordered on orders placed in the period."})
    backordered_revenue = fields.Integer(metadata={"description": "Those units at the price paid, minor units."})
    orders_with_backorders = fields.Integer(metadata={"description": "Orders holding at least one backordered unit."})
    orders_with_backorders_revenue = fields.Integer(metadata={"description": "Those orders' totals, minor units."})


class DemandPeriod(DemandFigures):
    period = fields.Date(metadata={"description": "The period's first day."})


class Demand(Schema):
    periods = fields.List(fields.Nested(DemandPeriod))
    totals = fields.Nested(DemandFigures)


class OutcomeUnits(Schema):
    shipped = fields.Integer()
    allocated = fields.Integer(metadata={"description": "Set aside (or held for payment), not shipped yet."})
    cancelled = fields.Integer()
    switched = fields.Integer()
    waiting = fields.Integer()


class OutcomeShares(Schema):
    shipped = _share()
    allocated = _share()
    cancelled = _share()
    switched = _share()
    waiting = _share()


class PayLater(Schema):
    lines = fields.Integer(metadata={"description": "Backordered lines moved to pay later."})
    share = _share()
    paid = fields.Integer(metadata={"description": "Of those, lines whose shopper went on to pay."})


class Outcomes(Schema):
    units = fields.Nested(OutcomeUnits, metadata={"description": "Backordered units of orders placed in the range."})
    shares = fields.Nested(OutcomeShares)
    revenue_kept = fields.Integer(metadata={"description": "Backordered revenue less revenue_refunded, minor units."})
    revenue_refunded = fields.Integer(metadata={
        "description": "Confirmed refunds on those lines (cancels, cheaper switches, pay later) less what pay-later "
                       "shoppers paid again, minor units."})
    pay_later = fields.Nested(PayLater)


class Lateness(Schema):
    lines_shipped = fields.Integer(metadata={"description": "Backordered lines shipped, with a date promised."})
    on_time = fields.Integer(metadata={"description": "Shipped on or before the date first promised."})
    on_time_share = _share()
    median_days_late = _days("Days after the first promised date (0 when on time); null without data.")
    p90_days_late = _days("90th percentile of the same.")


class LatenessPeriod(Lateness):
    period = fields.Date(metadata={"description": "The period's first day (by ship date)."})


class LatenessProduct(Lateness):
    product_id = fields.Integer()
    name = fields.String()


class LatenessSupplier(Lateness):
    supplier_id = fields.Integer(allow_none=True, metadata={"description": "null: variants without a supplier."})
    supplier = fields.String(allow_none=True)


class EtaAccuracy(Schema):
    periods = fields.List(fields.Nested(LatenessPeriod))
    by_product = fields.List(fields.Nested(LatenessProduct))
    by_supplier = fields.List(fields.Nested(LatenessSupplier))
    waiting_past_promise = fields.Integer(metadata={"description": "Lines waiting now past their first promised date."})


class WaitPeriod(Schema):
    period = fields.Date(metadata={"description": "The period's first day (by allocation date)."})
    lines = fields.Integer()
    median_days = _days()
    p90_days = _days()


class Wait(Schema):
    median_days = _days("Days from order to allocation, median; null without data.")
    p90_days = _days("90th percentile of the same.")
    periods = fields.List(fields.Nested(WaitPeriod))


class RestockAlerts(Schema):
    subscriptions = fields.Integer(metadata={"description": "Made in the range."})
    alerts_sent = fields.Integer(metadata={"description": "Sent in the range."})
    orders_within_7_days = fields.Integer(metadata={
        "description": "Orders by an alert's recipient (same email or phone) within 7 days after it."})
    attributed_revenue = fields.Integer(metadata={"description": "Those orders' revenue, minor units."})


class SupplierFigures(Schema):
    supplier_id = fields.Integer(allow_none=True, metadata={"description": "null: a purchase order naming no supplier on record."})
    supplier = fields.String(allow_none=True)
    lines = fields.Integer(metadata={"description": "Purchase-order lines received in the range."})
    received_on_time = fields.Integer(metadata={"description": "Received on or before their expected date."})
    on_time_share = _share()
    mean_days_late = fields.Float(metadata={"description": "Mean days after the expected date (0 when on time)."})


class AnalyticsOut(Schema):
    first = fields.Date(data_key="from", attribute="from")
    last = fields.Date(data_key="to", attribute="to")
    granularity = fields.String(validate=validate.OneOf(analytics.GRANULARITIES))
    currency = fields.String(metadata={"description": "Of every amount (amounts in other currencies are left out)."})
    demand = fields.Nested(Demand)
    outcomes = fields.Nested(Outcomes)
    eta_accuracy = fields.Nested(EtaAccuracy)
    wait = fields.Nested(Wait)
    restock_alerts = fields.Nested(RestockAlerts)
    suppliers = fields.List(fields.Nested(SupplierFigures))


def _report(query) -> dict:
    store = admin_store()
    range_ = analytics.resolve_range(store, query.get("first"), query.get("last"), query["granularity"])
    return analytics.report(session(), store, range_)


@blp.route("/analytics", methods=["GET"])
@blp.arguments(AnalyticsQuery, location="query")
@blp.response(200, AnalyticsOut)
@documented(blp, 401, 422)
def get_analytics(query):
    """Every figure of the Insights page over a range of days, by day, week or month in the
    store's time zone. README "Insights" says what each figure means."""
    return _report(query)


@blp.route("/analytics/<table>.csv", methods=["GET"], parameters=[
    {"in": "path", "name": "table", "required": True, "description": "Which table (404 for any other).",
     "schema": {"type": "string", "enum": list(analytics.TABLES)}}])
@blp.arguments(AnalyticsQuery, location="query")
@blp.response(200, {"type": "string"}, content_type="text/csv",
              description="The table, with a header row; amounts in minor units.",
              headers={"Content-Disposition": {"description": 'attachment; filename="<table>-<from>-<to>.csv"',
                                               "schema": {"type": "string"}}})
@documented(blp, 401, 404, 422)
def get_analytics_table(query, table):
    """One table of the Insights page as CSV: the same figures as the JSON."""
    if table not in analytics.TABLES:
        raise NotFound(f"No table {table!r}; one of {', '.join(analytics.TABLES)}.")
    figures = _report(query)
    header, rows = analytics.table(figures, table)
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([[_cell(value) for value in row] for row in rows])
    filename = f"{table}-{figures['from'].isoformat()}-{figures['to'].isoformat()}.csv"
    return Response(text.getvalue(), content_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _cell(value):
    """A CSV cell. Text a spreadsheet would run as a formula (a product or supplier name
    starting with =, +, - or @) is kept as text with a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
