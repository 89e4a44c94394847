"""What the merchant's figures are built on, recorded as things happen: every order's items in the
sales history (backordered or not, once each), the order's total, when a line's last waiting unit
was allocated and when its last unit shipped."""
from datetime import date, datetime

from sqlalchemy import select

from api.domain import clock
from api.domain.fulfilment import cancel_units, ship_units
from api.models import Line, Order, Sale, Store
from test_admin_api import order_body, place, put_variant, receipt


def sales(session):
    rows = [(s.order_id, s.item_id, s.quantity, s.revenue, s.currency, s.day, s.email)
            for s in session.scalars(select(Sale).order_by(Sale.order_id, Sale.item_id))]
    session.rollback()
    return rows


def allocated_at(session):
    moment = session.scalar(select(Line.allocated_at))
    session.rollback()  # the requests write next
    return moment


def test_every_order_goes_into_the_sales_history_backordered_or_not(client, admin, session):
    put_variant(client, admin, 1, on_hand=5, backorders_enabled=True)
    put_variant(client, admin, 2, on_hand=0, backorders_enabled=True)
    body = order_body(101, (1, 2), (2, 1), placed_at="2026-11-20T23:30:00Z")
    body["customer"]["email"] = "Ada@Example.com"
    body["lines"][0].update(line_id=9001, unit_price=1250)
    body["lines"][1].update(line_id=9002)
    assert client.post("/api/v1/admin/orders", json=body, headers=admin).status_code == 201
    assert place(client, admin, 102, (1, 1)).status_code == 201  # nothing backordered

    rows = sales(session)
    assert rows[:2] == [(101, 9001, 2, 2500, "USD", date(2026, 11, 20), "ada@example.com"),
                        (101, 9002, 1, 1000, "USD", date(2026, 11, 20), "ada@example.com")]
    assert [(order_id, quantity) for order_id, _, quantity, *_ in rows[2:]] == [(102, 1)]
    assert session.scalar(select(Order.total).where(Order.order_id == 101)) == 3500


def test_a_sale_day_is_the_stores_date(client, admin, session):
    store = session.scalar(select(Store))
    store.timezone = "America/Chicago"
    session.commit()
    put_variant(client, admin, 1, on_hand=5)
    # 02:00 UTC on the 21st is still the evening of the 20th in Chicago.
    assert place(client, admin, 101, (1, 1), placed_at="2026-11-21T02:00:00Z").status_code == 201
    assert sales(session)[0][5] == date(2026, 11, 20)


def test_a_line_records_when_its_last_waiting_unit_was_allocated(client, admin, session):
    put_variant(client, admin, 1, on_hand=0, backorders_enabled=True)
    assert place(client, admin, 101, (1, 3)).status_code == 201
    clock.freeze(datetime(2026, 11, 27, 9, 0))
    try:
        assert receipt(client, admin, 1, "r1", quantity=2).status_code == 201
        assert allocated_at(session) is None  # one unit still waits
        clock.freeze(datetime(2026, 11, 28, 10, 0))
        assert receipt(client, admin, 1, "r2", quantity=1).status_code == 201
    finally:
        clock.freeze(datetime(2026, 11, 26, 12, 0))
    assert allocated_at(session) == datetime(2026, 11, 28, 10, 0)


def test_a_line_in_stock_at_checkout_never_waited_so_has_no_allocation_time(client, admin, session):
    put_variant(client, admin, 1, on_hand=5)
    assert place(client, admin, 101, (1, 1)).status_code == 201
    assert session.scalar(select(Line.allocated_at)) is None


def test_a_line_records_when_its_last_unit_shipped(client, admin, session):
    put_variant(client, admin, 1, on_hand=3)
    assert place(client, admin, 101, (1, 3)).status_code == 201
    store, line = session.scalar(select(Store)), session.scalar(select(Line))
    ship_units(session, store, line, 2)
    assert line.shipped_at is None
    clock.freeze(datetime(2026, 11, 30, 15, 0))
    try:
        ship_units(session, store, line, 1)
    finally:
        clock.freeze(datetime(2026, 11, 26, 12, 0))
    assert (line.state, line.shipped_at) == ("shipped", datetime(2026, 11, 30, 15, 0))


def test_cancelling_the_rest_of_a_partly_shipped_line_dates_it_by_its_last_shipment(client, admin, session):
    put_variant(client, admin, 1, on_hand=2, backorders_enabled=True)
    assert place(client, admin, 101, (1, 3)).status_code == 201
    store, line = session.scalar(select(Store)), session.scalar(select(Line))
    ship_units(session, store, line, 2)
    session.flush()
    clock.freeze(datetime(2026, 12, 5, 8, 0))
    try:
        cancel_units(session, store, line, 1, reason="cancelled_in_store")
    finally:
        clock.freeze(datetime(2026, 11, 26, 12, 0))
    assert line.state == "shipped"
    assert line.shipped_at == datetime(2026, 11, 26, 12, 0)  # when the 2 units shipped
