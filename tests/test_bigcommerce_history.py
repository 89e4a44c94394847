"""BigCommerce's orders in the merchant's figures: every paid order's items in the sales history
(whether or not anything was backordered), what the shopper paid for the order, when a line
shipped, and `backorder-desk sync --days N` importing a store's order history page by page,
resumably, never twice."""
from datetime import datetime, timedelta

from click.testing import CliRunner
from fake_bigcommerce import bigcommerce, deliver, fake_bigcommerce, install, run_jobs, session  # noqa: F401
from sqlalchemy import func, select

from api.bigcommerce import client as client_module
from api.cli import main
from api.models import BigCommerceInstallation, Line, Order, Sale

NOW = datetime(2026, 11, 26, 12, 0)  # the suite's frozen clock (tests/conftest.py)


def hoodie_store(client, fake, available=10):
    install(client, fake)
    fake.add_product(77, "Trail Hoodie", 5000, [(501, "HOOD-M", available), (502, "HOOD-L", 10)])


def order_webhook(client, fake, order_id, scope="store/order/created", **data):
    assert deliver(client, fake, scope, {"type": "order", "id": order_id, **data}).status_code == 200
    run_jobs(client.application)


def sales(session):
    session.rollback()
    return [(s.order_id, s.item_id, s.quantity, s.revenue, s.currency)
            for s in session.scalars(select(Sale).order_by(Sale.order_id, Sale.item_id))]


def test_an_order_with_nothing_backordered_is_in_the_sales_history_once(client, session, bigcommerce):
    hoodie_store(client, bigcommerce)
    bigcommerce.tax_rate = 0.1
    order = bigcommerce.add_order(250, [{"variant_id": 501, "quantity": 2, "price": 5000},
                                        {"variant_id": 502, "quantity": 1, "price": 5000}],
                                  coupon_percent=10, shipping=700)
    first, second = (p["id"] for p in bigcommerce.order_products[250])

    order_webhook(client, bigcommerce, 250)
    order_webhook(client, bigcommerce, 250, "store/order/updated")  # seen again: counted once

    # 2 × 55.00 less 10 % = 99.00; 55.00 less 10 % = 49.50 (tax included, after the coupon)
    assert sales(session) == [(250, first, 2, 9900, "USD"), (250, second, 1, 4950, "USD")]
    # the order's total as BigCommerce gives it: items, tax and shipping
    assert order["total_inc_tax"] == "155.5000"
    assert session.scalar(select(Order.total)) == 15550


def test_sales_and_totals_are_in_the_currency_the_shopper_paid(client, session, bigcommerce):
    hoodie_store(client, bigcommerce)
    bigcommerce.currency = "EUR"  # the transactional currency of this store's orders
    bigcommerce.add_order(250, [{"variant_id": 501, "quantity": 1, "price": 4200}])
    order_webhook(client, bigcommerce, 250)
    assert [(quantity, revenue, currency) for *_, quantity, revenue, currency in sales(session)] == [(1, 4200, "EUR")]
    assert session.execute(select(Order.total, Order.currency)).one() == (4200, "EUR")


def test_an_unpaid_order_is_not_a_sale_until_it_is_paid(client, session, bigcommerce):
    hoodie_store(client, bigcommerce)
    bigcommerce.add_order(250, [{"variant_id": 501, "quantity": 1, "price": 5000}], status_id=7)
    order_webhook(client, bigcommerce, 250)
    assert sales(session) == []
    bigcommerce.set_status(250, 11)
    order_webhook(client, bigcommerce, 250, "store/order/statusUpdated",
                  status={"previous_status_id": 7, "new_status_id": 11})
    assert len(sales(session)) == 1


def test_an_order_shipped_before_it_was_seen_is_history_only(client, session, bigcommerce):
    hoodie_store(client, bigcommerce, available=0)
    bigcommerce.add_order(250, [{"variant_id": 501, "quantity": 2, "price": 5000}], status_id=2)
    bigcommerce.order_products[250][0]["quantity_shipped"] = 2
    order_webhook(client, bigcommerce, 250)
    assert [quantity for *_, quantity, _, _ in sales(session)] == [2]
    assert session.scalar(select(func.count()).select_from(Line)) == 0  # nothing waits for it


def test_a_shipment_dates_the_line_it_completes(client, session, bigcommerce):
    hoodie_store(client, bigcommerce)
    bigcommerce.add_order(250, [{"variant_id": 501, "quantity": 2, "price": 5000}])
    order_webhook(client, bigcommerce, 250)
    item = bigcommerce.order_products[250][0]["id"]

    bigcommerce.ship(250, item, 1)
    deliver(client, bigcommerce, "store/shipment/created", {"type": "shipment", "id": 12, "orderId": 250})
    run_jobs(client.application)
    session.rollback()
    assert session.scalar(select(Line.shipped_at)) is None  # one unit still to ship

    bigcommerce.ship(250, item, 1)
    deliver(client, bigcommerce, "store/shipment/created", {"type": "shipment", "id": 13, "orderId": 250})
    run_jobs(client.application)
    session.rollback()
    assert session.execute(select(Line.state, Line.shipped_at)).one() == ("shipped", NOW)


# --- backorder-desk sync --days N -------------------------------------------------------------


def history_store(client, fake, orders: int):
    """A store with `orders` paid orders over the past year (ids 300…, one every 3 days back
    from yesterday), all shipped, and one older than a year."""
    hoodie_store(client, fake)
    for n in range(orders):
        fake.add_order(300 + n, [{"variant_id": 501 + n % 2, "quantity": 1 + n % 3, "price": 5000}],
                       placed=NOW - timedelta(days=1 + 3 * (orders - n)), status_id=10)
    fake.add_order(299, [{"variant_id": 501, "quantity": 1, "price": 5000}], placed=NOW - timedelta(days=400),
                   status_id=10)


def sync(client, fake, monkeypatch, days="365"):
    url = client.application.extensions["database"].engine.url.render_as_string(hide_password=False)
    for name, value in {"DATABASE_URL": url, "SECRET_KEYS": "test-secret-new,test-secret-old",
                        "BIGCOMMERCE_API_URL": fake.url, "APP_URL": "http://app.test"}.items():
        monkeypatch.setenv(name, value)
    return CliRunner().invoke(main, ["sync", "--store", "abc123", "--days", days])


def product_fetches(fake) -> list[str]:
    return [c["path"].split("/")[5] for c in fake.calls_to("GET", r"/v2/orders/\d+/products$")]


def test_sync_imports_a_years_order_history_page_by_page(client, session, bigcommerce, monkeypatch):
    history_store(client, bigcommerce, orders=5)
    monkeypatch.setattr(client_module, "V2_PAGE_SIZE", 2)

    result = sync(client, bigcommerce, monkeypatch)

    assert result.exit_code == 0, result.output
    assert "Orders page 3: 1 (through order 304)." in result.output
    assert "Sales history: 5 order items recorded." in result.output
    assert sorted({order_id for order_id, *_ in sales(session)}) == [300, 301, 302, 303, 304]  # not 299
    assert sum(quantity for _, _, quantity, _, _ in sales(session)) == 1 + 2 + 3 + 1 + 2
    listing = bigcommerce.calls_to("GET", r"/v2/orders$")[:3]
    assert [(c["query"]["page"], c["query"]["limit"], c["query"]["sort"]) for c in listing] == [
        ("1", "2", "id"), ("2", "2", "id"), ("3", "2", "id")]
    assert listing[0]["query"]["min_date_created"] == "Wed, 26 Nov 2025 12:00:00 GMT"
    cursor = session.scalar(select(BigCommerceInstallation.history_import))
    assert (cursor["after_id"], cursor["since"]) == (304, "2025-11-26T12:00:00")


def test_a_year_of_completed_orders_is_sales_history_and_queues_nothing(client, session, bigcommerce, monkeypatch):
    history_store(client, bigcommerce, orders=4)  # Completed, nothing shipped: picked up, or marked by hand
    bigcommerce.add_order(310, [{"variant_id": 501, "quantity": 2, "price": 5000}], placed=NOW - timedelta(days=2))

    result = sync(client, bigcommerce, monkeypatch)

    assert "completed before it was seen: 4" in result.output, result.output
    assert session.scalars(select(Order.order_id)).all() == [310]  # only the order still to fulfil
    assert sorted({order_id for order_id, *_ in sales(session)}) == [300, 301, 302, 303, 310]


def test_sync_again_imports_only_orders_it_does_not_hold(client, session, bigcommerce, monkeypatch):
    history_store(client, bigcommerce, orders=3)
    assert sync(client, bigcommerce, monkeypatch).exit_code == 0
    bigcommerce.calls.clear()

    again = sync(client, bigcommerce, monkeypatch)
    assert again.exit_code == 0, again.output
    assert "Sales history: 0 order items recorded." in again.output
    assert product_fetches(bigcommerce) == []

    bigcommerce.add_order(400, [{"variant_id": 501, "quantity": 1, "price": 5000}], placed=NOW, status_id=10)
    newer = sync(client, bigcommerce, monkeypatch)
    assert "Sales history: 1 order items recorded." in newer.output
    assert bigcommerce.calls_to("GET", r"/v2/orders$")[0]["query"]["min_id"] == "303"  # after those it holds


def test_sync_asked_for_more_days_fetches_only_the_older_orders(client, session, bigcommerce, monkeypatch):
    history_store(client, bigcommerce, orders=4)  # orders 300…303, 13 to 4 days ago
    assert sync(client, bigcommerce, monkeypatch, days="8").exit_code == 0
    assert product_fetches(bigcommerce) == ["302", "303"]
    bigcommerce.calls.clear()

    assert sync(client, bigcommerce, monkeypatch, days="365").exit_code == 0
    assert product_fetches(bigcommerce) == ["300", "301"]
    assert sorted({order_id for order_id, *_ in sales(session)}) == [300, 301, 302, 303]


def test_an_interrupted_sync_continues_where_it_stopped(client, session, bigcommerce, monkeypatch):
    history_store(client, bigcommerce, orders=5)
    monkeypatch.setattr(client_module, "V2_PAGE_SIZE", 2)
    # BigCommerce stops answering for order 303's products (after 300…302's were fetched).
    bigcommerce.fail("GET", r"/v2/orders/\d+/products$", 500, times=50, after=3)

    broken = sync(client, bigcommerce, monkeypatch)

    assert broken.exit_code == 1 and "BigCommerce" in broken.output
    assert sorted({order_id for order_id, *_ in sales(session)}) == [300, 301, 302]
    assert session.scalar(select(BigCommerceInstallation.history_import))["after_id"] == 302
    bigcommerce.failures.clear()
    bigcommerce.calls.clear()

    resumed = sync(client, bigcommerce, monkeypatch)

    assert resumed.exit_code == 0, resumed.output
    assert product_fetches(bigcommerce) == ["303", "304"]
    assert sorted({order_id for order_id, *_ in sales(session)}) == [300, 301, 302, 303, 304]
    assert bigcommerce.calls_to("GET", r"/v2/orders$")[0]["query"]["min_id"] == "303"
