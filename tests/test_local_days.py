"""Every line and order carries the local days of its times (placed, allocated, shipped: days
since 1970-01-01 in the store's time zone), which the Insights figures group by. They are right
after every kind of write: an order placed, stock allocating a queue (a bulk write), a switch
adding a line, a shipment from BigCommerce, the demo history (bulk inserts), a change of time
zone (one rewrite for the whole store), and the migration that brought them."""
from datetime import date, datetime

from analytics_support import History
from fake_bigcommerce import bigcommerce, deliver, fake_bigcommerce, install, run_jobs  # noqa: F401
from shopper_support import bc_app, shop, transaction  # noqa: F401
from sqlalchemy import create_engine, select, text

from api.demo.seed import seed
from api.domain import clock
from api.domain.dates import zone
from api.domain.stores import create_store
from api.migrate import upgrade
from api.models import Line, Order, Store


def day(value: date) -> int:
    return (value - date(1970, 1, 1)).days


def days_of(app):
    """{order id: (order placed_day, [(line placed, allocated, shipped days)], in line order)}."""
    with transaction(app) as session:
        found = {}
        for order in session.scalars(select(Order).order_by(Order.id)):
            lines = session.execute(select(Line.placed_day, Line.allocated_day, Line.shipped_day)
                                    .where(Line.order_pk == order.id).order_by(Line.id)).all()
            found[order.order_id] = (order.placed_day, [tuple(line) for line in lines])
        return found


def assert_days_follow_times(session) -> None:
    """Each stored day is its time's date in the store's time zone."""
    for model, pairs in ((Order, [("placed_at", "placed_day")]),
                         (Line, [("queued_at", "placed_day"), ("allocated_at", "allocated_day"),
                                 ("shipped_at", "shipped_day")])):
        for row, timezone in session.execute(select(model, Store.timezone).join(Store, Store.id == model.store_id)):
            for moment, stored in pairs:
                time = getattr(row, moment)
                expected = None if time is None else day(time.replace(tzinfo=zone("UTC")).astimezone(zone(timezone))
                                                         .date())
                assert getattr(row, stored) == expected, (model.__name__, row.id, moment, time, timezone)


def test_orders_allocation_and_a_switch_write_local_days_across_the_end_of_daylight_saving(shop, app):
    shop.settings(timezone="America/New_York")  # UTC−4 until 1 November 2026 06:00 UTC, then UTC−5
    shop.variant(1, category="mugs")
    shop.variant(2, category="mugs", on_hand=5)
    # Sat 31 Oct 23:30 in New York; Sun 1 Nov 01:30 (before the clocks go back); Sun 1 Nov 23:30
    # after them (Mon 2 Nov in UTC).
    shop.order(100, 1, 1, placed_at="2026-11-01T03:30:00Z")
    shop.order(101, 1, 1, placed_at="2026-11-01T05:30:00Z", customer_id=8)
    switching = shop.order(102, 1, 1, placed_at="2026-11-02T04:30:00Z", customer_id=9)
    assert days_of(app) == {
        100: (day(date(2026, 10, 31)), [(day(date(2026, 10, 31)), None, None)]),
        101: (day(date(2026, 11, 1)), [(day(date(2026, 11, 1)), None, None)]),
        102: (day(date(2026, 11, 1)), [(day(date(2026, 11, 1)), None, None)]),
    }

    clock.freeze(datetime(2026, 11, 27, 3, 0))  # Thu 26 Nov 22:00 in New York
    shop.receive(1, 2)  # serves the queue in bulk: orders 100 and 101
    response = shop.act(shop.session(9), 102, switching, "switch", {"variant_id": 2})
    assert response.status_code == 200, response.get_json()

    thursday = day(date(2026, 11, 26))
    assert days_of(app) == {
        100: (day(date(2026, 10, 31)), [(day(date(2026, 10, 31)), thursday, None)]),
        101: (day(date(2026, 11, 1)), [(day(date(2026, 11, 1)), thursday, None)]),
        # The switched line, and the line it switched to: placed now (taken from stock at once,
        # it never waited, so it has no allocation time).
        102: (day(date(2026, 11, 1)), [(day(date(2026, 11, 1)), None, None), (thursday, None, None)]),
    }
    with transaction(app) as session:
        assert_days_follow_times(session)


def test_a_change_of_time_zone_rewrites_every_day_of_the_store_only(shop, app, client, other_admin):
    shop.settings(timezone="America/New_York")
    shop.variant(1, on_hand=0)
    shop.order(100, 1, 1, placed_at="2026-11-01T03:30:00Z")  # Sat 31 Oct 23:30 in New York
    shop.order(101, 1, 1, placed_at="2026-11-02T04:30:00Z", customer_id=8)  # Sun 1 Nov 23:30
    clock.freeze(datetime(2026, 11, 27, 3, 0))  # Thu 26 Nov 22:00 in New York
    shop.receive(1, 1)
    response = client.put("/api/v1/admin/variants/1", headers=other_admin, json={
        "product_id": 10, "name": "Other", "price": 1000, "currency": "USD", "backorders_enabled": True})
    assert response.status_code == 200, response.get_json()
    response = client.post("/api/v1/admin/orders", headers=other_admin, json={
        "order_id": 900, "currency": "USD", "placed_at": "2026-11-01T03:30:00Z",
        "customer": {"id": 5, "email": "x@example.com"}, "lines": [{"variant_id": 1, "quantity": 1, "unit_price": 1}]})
    assert response.status_code == 201, response.get_json()

    shop.settings(timezone="Europe/Berlin")  # UTC+1 since 25 October

    assert days_of(app) == {
        100: (day(date(2026, 11, 1)), [(day(date(2026, 11, 1)), day(date(2026, 11, 27)), None)]),
        101: (day(date(2026, 11, 2)), [(day(date(2026, 11, 2)), None, None)]),
        900: (day(date(2026, 11, 1)), [(day(date(2026, 11, 1)), None, None)]),  # the other store: UTC, untouched
    }
    with transaction(app) as session:
        assert_days_follow_times(session)


def test_a_shipment_from_bigcommerce_writes_the_ship_day(client, bigcommerce, app):
    install(client, bigcommerce)  # a store in America/Chicago
    bigcommerce.add_product(77, "Trail Hoodie", 5000, [(501, "HOOD-M", 0)])
    bigcommerce.add_order(250, [{"variant_id": 501, "quantity": 1, "price": 5000}])
    deliver(client, bigcommerce, "store/order/created", {"type": "order", "id": 250})
    run_jobs(app)
    bigcommerce.order_products[250][0]["quantity_shipped"] = 1
    bigcommerce.orders[250]["status_id"] = 2
    clock.freeze(datetime(2026, 11, 27, 3, 0))  # Thu 26 Nov 21:00 in Chicago
    deliver(client, bigcommerce, "store/shipment/created", {"type": "shipment", "id": 12, "orderId": 250})
    deliver(client, bigcommerce, "store/order/statusUpdated",
            {"type": "order", "id": 250, "status": {"previous_status_id": 11, "new_status_id": 2}})
    run_jobs(app)

    with transaction(app) as session:
        line = session.scalar(select(Line))
        assert (line.state, line.shipped_day) == ("shipped", day(date(2026, 11, 26)))
        assert_days_follow_times(session)


def test_the_demo_history_written_in_bulk_has_its_local_days(session):
    seed(session, "http://demo.test")
    session.commit()
    assert session.scalar(select(Line.id).where(Line.shipped_day.is_not(None)).limit(1)) is not None
    assert_days_follow_times(session)


def test_the_migration_gives_stored_lines_and_orders_their_local_days(tmp_path):
    url = "sqlite:///" + str(tmp_path / "upgraded.sqlite3")
    upgrade(url, "0012")
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO stores (id, hash, name, platform, active, storefront_origins, cancel_window_days, "
            "cancel_allocated, pay_later_enabled, payment_hold_days, handling_days, dearer_switch, "
            "delay_incentive, notification_channels, brand_logo_url, brand_colour, merchant_email, created_at, "
            "timezone, working_days, service_level) "
            "VALUES (1, 's', '', 'local', 1, '[]', 30, 0, 1, 3, 1, 'pay_difference', '{}', '[\"email\"]', '', "
            "'#1f4e79', '', '2026-11-01 00:00:00', 'America/New_York', '[0, 1, 2, 3, 4]', '{}')"))
        connection.execute(text(
            "INSERT INTO variants (id, store_id, variant_id, product_id, sku, name, price, currency, url, "
            "image_url, category, on_hand, backorders_enabled, lead_time_days, message, reason, reason_code, "
            "alternatives, updated_at) VALUES (1, 1, 10, 1, '', '', 0, 'USD', '', '', '', 0, 1, NULL, '', '', '', "
            "'[]', '2026-11-01 00:00:00')"))
        connection.execute(text(
            "INSERT INTO orders (id, store_id, order_id, email, first_name, locale, phone, currency, placed_at, "
            "total, refundable, created_at) VALUES (1, 1, 100, '', '', 'en', '', 'USD', "
            "'2026-11-01 03:30:00.000000', 0, 1, '2026-11-01 03:30:00.000000')"))
        connection.execute(text(
            "INSERT INTO lines (id, store_id, order_pk, variant_pk, product_id, variant_id, name, sku, quantity, "
            "quantity_backordered, quantity_allocated, quantity_shipped, quantity_cancelled, state, payment_mode, "
            "unit_price, currency, queued_at, allocated_at, shipped_at, created_at) VALUES (1, 1, 1, 1, 1, 10, '', "
            "'', 1, 1, 0, 1, 0, 'shipped', 'pay_now', 100, 'USD', '2026-11-01 03:30:00.000000', "
            "'2026-11-02 04:30:00.000000', '2026-11-02 05:30:00.000000', '2026-11-01 03:30:00.000000')"))
    engine.dispose()

    upgrade(url)

    engine = create_engine(url)
    with engine.connect() as connection:
        order = connection.execute(text("SELECT placed_day FROM orders")).scalar()
        line = connection.execute(text("SELECT placed_day, allocated_day, shipped_day FROM lines")).one()
    engine.dispose()
    # Sat 31 Oct 23:30 in New York (still UTC−4); Sun 1 Nov 23:30 and Mon 2 Nov 00:30 (UTC−5).
    assert order == day(date(2026, 10, 31))
    assert tuple(line) == (day(date(2026, 10, 31)), day(date(2026, 11, 1)), day(date(2026, 11, 2)))


def test_one_flush_that_changes_the_time_zone_and_a_time_writes_both(app):
    with transaction(app) as session:
        store, _ = create_store(session, "zone-shop", ["https://zone.example"])
        history = History(session, store)
        variant = history.variant(1, 10, "Mug")
        order = history.order(1, datetime(2026, 11, 1, 3, 30), 1000)  # 1 Nov in UTC, 31 Oct in New York
        line = history.line(order, variant, 1, 1, 1000, "allocated", allocated=1)
        assert (order.placed_day, line.placed_day) == (day(date(2026, 11, 1)), day(date(2026, 11, 1)))

        store.timezone = "America/New_York"
        line.shipped_at = datetime(2026, 11, 2, 4, 30)  # Sun 1 Nov 23:30 in New York
        session.flush()

        stored = session.execute(select(Line.placed_day, Line.shipped_day)).one()
        assert tuple(stored) == (day(date(2026, 10, 31)), day(date(2026, 11, 1)))
        assert (line.placed_day, line.shipped_day) == tuple(stored)  # what the session holds, too
        assert (order.placed_day, session.scalar(select(Order.placed_day))) == (day(date(2026, 10, 31)),) * 2
