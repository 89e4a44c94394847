"""Insights: every figure on a hand-built history with known answers (tests/analytics_support.py,
a store in New York), and the admin API that serves them as JSON and CSV."""
import csv
import io
from datetime import date

import pytest

from api.domain import analytics
from api.models import Store
from analytics_support import FIRST, LAST, WEEKS, History, history  # noqa: F401


def figures(session, store_id, granularity="week", first=FIRST, last=LAST):
    store = session.get(Store, store_id)
    return analytics.report(session, store, analytics.resolve_range(store, first, last, granularity))


# --- demand -------------------------------------------------------------------------------------


def test_demand_counts_backordered_units_and_orders_by_the_week_the_order_was_placed_in_the_store(session, history):
    demand = figures(session, history)["demand"]

    assert [p["period"] for p in demand["periods"]] == WEEKS
    assert [(p["backordered_units"], p["backordered_revenue"], p["orders_with_backorders"],
             p["orders_with_backorders_revenue"]) for p in demand["periods"]] == [
        (4, 5000, 2, 8000),  # O1, and O2 (Sunday 23:30 in New York, Monday in UTC)
        (5, 3000, 1, 4000),  # O3 (Sunday 22:00 in New York)
        (5, 5000, 1, 6000),
        (4, 5300, 2, 3700),  # O5, and O7 on the range's last evening
    ]
    assert demand["totals"] == {"backordered_units": 18, "backordered_revenue": 18300,
                                "orders_with_backorders": 6, "orders_with_backorders_revenue": 21700}


def test_demand_by_month_and_by_day_follows_the_store_calendar_across_the_clock_change(session, history):
    by_month = figures(session, history, "month")["demand"]["periods"]
    assert [(p["period"], p["backordered_units"]) for p in by_month] == [
        (date(2026, 10, 1), 2), (date(2026, 11, 1), 16)]

    by_day = {p["period"]: p["backordered_units"] for p in figures(session, history, "day")["demand"]["periods"]}
    assert len(by_day) == 28
    assert by_day[date(2026, 11, 1)] == 2 and by_day[date(2026, 11, 2)] == 0  # O2, 23:30 on the 1st
    assert by_day[date(2026, 11, 8)] == 5 and by_day[date(2026, 11, 9)] == 0  # O3, 22:00 on the 8th
    assert by_day[date(2026, 11, 22)] == 1  # O7, 23:00 on the last day


# --- outcomes ------------------------------------------------------------------------------------


def test_outcomes_follow_each_backordered_unit_and_weigh_revenue_kept_against_refunded(session, history):
    outcomes = figures(session, history)["outcomes"]

    assert outcomes["units"] == {"shipped": 7, "allocated": 2, "cancelled": 3, "switched": 1, "waiting": 5}
    assert outcomes["shares"] == {"shipped": 0.3889, "allocated": 0.1111, "cancelled": 0.1667,
                                  "switched": 0.0556, "waiting": 0.2778}
    # Confirmed refunds: cancels 1000 + 3000, a switch 200, pay later 2000 + 2500; less the
    # 2000 paid again. Not counted: a pending refund, an unwanted payment given back, a refund on
    # a line placed before the range.
    assert outcomes["revenue_refunded"] == 6700
    assert outcomes["revenue_kept"] == 18300 - 6700
    assert outcomes["pay_later"] == {"lines": 2, "share": 0.2222, "paid": 1}


# --- ETA accuracy ---------------------------------------------------------------------------------


def test_eta_accuracy_compares_the_ship_date_in_the_store_with_the_date_first_promised(session, history):
    eta = figures(session, history)["eta_accuracy"]

    assert [(p["period"], p["lines_shipped"], p["on_time"], p["on_time_share"], p["median_days_late"],
             p["p90_days_late"]) for p in eta["periods"]] == [
        (WEEKS[0], 1, 1, 1.0, 0, 0),  # two days early counts 0 days late
        (WEEKS[1], 1, 1, 1.0, 0, 0),  # 21:00 on its promised day in New York, the next day in UTC
        (WEEKS[2], 1, 0, 0.0, 5, 5),
        (WEEKS[3], 1, 0, 0.0, 3, 3),
    ]
    assert eta["by_product"] == [
        {"product_id": 100, "name": "Mug", "lines_shipped": 3, "on_time": 2, "on_time_share": 0.6667,
         "median_days_late": 0, "p90_days_late": 2.4},  # days late 0, 0, 3
        {"product_id": 200, "name": "Teapot", "lines_shipped": 1, "on_time": 0, "on_time_share": 0.0,
         "median_days_late": 5, "p90_days_late": 5},
    ]
    assert [(s["supplier"], s["lines_shipped"], s["on_time"], s["p90_days_late"]) for s in eta["by_supplier"]] == [
        ("Acme", 3, 2, 2.4), (None, 1, 0, 5)]
    assert eta["by_supplier"][0]["supplier_id"] is not None and eta["by_supplier"][1]["supplier_id"] is None
    # Waiting now past the first promise (20 and 24 Nov; one promised today is not past it),
    # whatever the range.
    assert eta["waiting_past_promise"] == 2


def test_empty_periods_have_no_shares_or_days(session, store_and_key):
    eta = figures(session, store_and_key[0])["eta_accuracy"]["periods"][0]
    assert eta == {"period": WEEKS[0], "lines_shipped": 0, "on_time": 0, "on_time_share": None,
                   "median_days_late": None, "p90_days_late": None}


# --- wait ---------------------------------------------------------------------------------------


def test_wait_counts_store_calendar_days_from_order_to_allocation(session, history):
    wait = figures(session, history)["wait"]

    # Days 3, 6, 6 (8 → 14 Nov in New York), 2 and 10: median 6, 90th percentile 6 + 0.6 × 4.
    assert (wait["median_days"], wait["p90_days"]) == (6, 8.4)
    assert [(p["period"], p["lines"], p["median_days"], p["p90_days"]) for p in wait["periods"]] == [
        (WEEKS[0], 1, 3, 3), (WEEKS[1], 1, 6, 6), (WEEKS[2], 1, 6, 6), (WEEKS[3], 2, 6, 9.2)]


# --- restock alerts -------------------------------------------------------------------------------


def test_restock_alerts_attribute_each_order_placed_within_7_days_of_an_alert_once(session, history):
    alerts = figures(session, history)["restock_alerts"]

    # Orders 4 (2 h after ada's alert; both items), 21 (the phone's) and 23 (matching both the
    # email and the phone: once). Not: 8 days after, before the alert, someone else.
    assert alerts == {"subscriptions": 3, "alerts_sent": 2, "orders_within_7_days": 3,
                      "attributed_revenue": 5000 + 1000 + 1500 + 100 + 200}


# --- suppliers ----------------------------------------------------------------------------------


def test_suppliers_are_measured_by_purchase_order_lines_received_against_their_expected_date(session, history):
    suppliers = figures(session, history)["suppliers"]

    assert [{k: v for k, v in s.items() if k != "supplier_id"} for s in suppliers] == [
        {"supplier": "Acme", "lines": 3, "received_on_time": 2, "on_time_share": 0.6667, "mean_days_late": 1.33},
        {"supplier": "Old Co", "lines": 1, "received_on_time": 0, "on_time_share": 0.0, "mean_days_late": 5.0},
        {"supplier": "Zeta", "lines": 1, "received_on_time": 0, "on_time_share": 0.0, "mean_days_late": 1.0},
    ]
    assert suppliers[1]["supplier_id"] is None  # a name on the purchase order, no supplier on record


# --- arithmetic -----------------------------------------------------------------------------------


def test_percentiles_interpolate_as_percentile_cont_does():
    assert analytics.percentile({}, 0.5) is None
    assert analytics.percentile({4: 1}, 0.9) == 4
    assert analytics.percentile({1: 1, 2: 1, 3: 1, 4: 1}, 0.5) == 2.5
    assert analytics.percentile({0: 9, 10: 1}, 0.9) == 1.0  # rank 8.1: a tenth of the way from 0 to 10
    assert analytics.percentile({2: 2, 7: 3}, 0.5) == 7


def test_week_periods_start_on_monday_and_months_on_the_first():
    range_ = analytics.Range(date(2026, 12, 30), date(2027, 3, 2), "month")
    assert analytics.periods(range_) == [date(2026, 12, 1), date(2027, 1, 1), date(2027, 2, 1), date(2027, 3, 1)]
    range_ = analytics.Range(date(2026, 12, 31), date(2027, 1, 4), "week")
    assert analytics.periods(range_) == [date(2026, 12, 28), date(2027, 1, 4)]


# --- the admin API ------------------------------------------------------------------------------


def test_analytics_need_the_merchants_credentials(client):
    assert client.get("/api/v1/admin/analytics").status_code == 401
    assert client.get("/api/v1/admin/analytics/demand.csv").status_code == 401
    forged = {"Authorization": "Bearer bd_not-a-key"}
    assert client.get("/api/v1/admin/analytics", headers=forged).status_code == 401


def test_analytics_default_to_the_last_90_days_by_week(client, admin):
    response = client.get("/api/v1/admin/analytics", headers=admin)

    assert response.status_code == 200
    body = response.get_json()
    assert (body["from"], body["to"], body["granularity"], body["currency"]) == (
        "2026-08-29", "2026-11-26", "week", "USD")
    assert body["demand"]["periods"][0]["period"] == "2026-08-24"  # the Monday of 29 August's week
    assert body["outcomes"]["shares"]["shipped"] is None
    assert body["wait"] == {"median_days": None, "p90_days": None, "periods": body["wait"]["periods"]}


@pytest.mark.parametrize("query, field", [
    ("granularity=year", "granularity"),
    ("from=2026-13-01", "from"),
    ("to=yesterday", "to"),
    ("from=2026-11-02&to=2026-11-01", "from"),
    ("from=2024-11-01&to=2026-11-01&granularity=day", "to"),
    ("from=2021-11-01&to=2026-11-01&granularity=month", "to"),
    ("from=1999-12-31&to=2000-01-31", "from"),
])
def test_analytics_refuse_a_bad_query_with_its_field(client, admin, query, field):
    for path in ("/api/v1/admin/analytics", "/api/v1/admin/analytics/wait.csv"):
        response = client.get(f"{path}?{query}", headers=admin)
        assert response.status_code == 422, response.get_json()
        assert field in response.get_json()["errors"]["query"]


def test_the_longest_ranges_are_accepted(client, admin):
    for query in ("from=2024-11-02&to=2026-11-01&granularity=day", "from=2021-11-02&to=2026-11-01"):
        assert client.get(f"/api/v1/admin/analytics?{query}", headers=admin).status_code == 200


def test_analytics_count_only_the_callers_store(client, admin, other_admin, history):
    mine = client.get(f"/api/v1/admin/analytics?from={FIRST}&to={LAST}", headers=admin).get_json()
    theirs = client.get(f"/api/v1/admin/analytics?from={FIRST}&to={LAST}", headers=other_admin).get_json()
    # Both stores hold the same history: each sees it once, never the other's as well.
    assert mine["demand"]["totals"]["backordered_units"] == 18
    assert mine["restock_alerts"]["orders_within_7_days"] == 3
    assert [s["lines"] for s in mine["suppliers"]] == [3, 1, 1]
    assert mine["eta_accuracy"]["waiting_past_promise"] == 2
    supplier_ids = {s["supplier_id"] for s in mine["suppliers"]} | {s["supplier_id"] for s in theirs["suppliers"]}
    assert len(supplier_ids - {None}) == 4  # each store's own Acme and Zeta
    assert {k: v for k, v in mine.items() if k != "suppliers" and k != "eta_accuracy"} == \
        {k: v for k, v in theirs.items() if k != "suppliers" and k != "eta_accuracy"}


def test_a_table_downloads_as_csv_with_the_same_figures(client, admin, history):
    response = client.get(f"/api/v1/admin/analytics/demand.csv?from={FIRST}&to={LAST}", headers=admin)

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'attachment; filename="demand-2026-10-26-2026-11-22.csv"'
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows == [
        ["period", "backordered_units", "backordered_revenue", "orders_with_backorders",
         "orders_with_backorders_revenue", "currency"],
        ["2026-10-26", "4", "5000", "2", "8000", "USD"],
        ["2026-11-02", "5", "3000", "1", "4000", "USD"],
        ["2026-11-09", "5", "5000", "1", "6000", "USD"],
        ["2026-11-16", "4", "5300", "2", "3700", "USD"],
        ["total", "18", "18300", "6", "21700", "USD"],
    ]


def test_every_table_downloads_as_csv(client, admin, history):
    expected = {
        "outcomes": ["7", "2", "3", "1", "5", "0.3889", "0.1111", "0.1667", "0.0556", "0.2778", "11600", "6700",
                     "USD", "2", "0.2222", "1"],
        "eta_accuracy": ["2026-10-26", "1", "1", "1.0", "0", "0"],
        "eta_by_product": ["100", "Mug", "3", "2", "0.6667", "0", "2.4"],
        "eta_by_supplier": ["Acme", "3", "2", "0.6667", "0", "2.4"],
        "wait": ["2026-10-26", "1", "3", "3"],
        "restock_alerts": ["3", "2", "3", "7800", "USD"],
        "suppliers": ["Acme", "3", "2", "0.6667", "1.33"],
    }
    for table, first_row in expected.items():
        response = client.get(f"/api/v1/admin/analytics/{table}.csv?from={FIRST}&to={LAST}", headers=admin)
        assert response.status_code == 200, table
        header, row, *_ = csv.reader(io.StringIO(response.get_data(as_text=True)))
        if table in ("eta_by_supplier", "suppliers"):
            assert header[:2] == ["supplier_id", "supplier"] and row[0].isdigit()
            row = row[1:]
        assert row == first_row, table
    wait = list(csv.reader(io.StringIO(client.get(
        f"/api/v1/admin/analytics/wait.csv?from={FIRST}&to={LAST}", headers=admin).get_data(as_text=True))))
    assert wait[-1] == ["total", "5", "6", "8.4"]


def test_a_name_a_spreadsheet_would_run_is_kept_as_text(client, admin, session, store_and_key):
    store = session.get(Store, store_and_key[0])
    history = History(session, store)
    supplier = history.supplier("=HYPERLINK(\"http://evil.example\")")
    variant = history.variant(9, 900, "Mug")
    history.inbound(history.purchase_order(supplier.name, supplier), variant, date(2026, 11, 1), date(2026, 11, 2), 1)
    session.commit()

    text = client.get("/api/v1/admin/analytics/suppliers.csv", headers=admin).get_data(as_text=True)
    assert list(csv.reader(io.StringIO(text)))[1][1] == "'=HYPERLINK(\"http://evil.example\")"


def test_an_unknown_table_is_404(client, admin):
    response = client.get("/api/v1/admin/analytics/secrets.csv", headers=admin)
    assert response.status_code == 404
    assert response.get_json()["code"] == 404
