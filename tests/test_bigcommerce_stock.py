"""One truth for stock on a (fake) BigCommerce store: our stock ledger and BigCommerce's count
agree after every webhook, in whatever order the webhooks come, and what our app changes is
written back with BigCommerce's inventory adjustments by a job (docs/stock-events.md)."""
from fake_bigcommerce import (  # noqa: F401
    bigcommerce, deliver, fake_bigcommerce, install, run_jobs, session,
)
from datetime import datetime

from sqlalchemy import func, select

from api.domain import clock

from api.domain.stock import ledger_on_hand, platform_target
from api.domain.stores import issue_api_key
from api.models import InboundShipment, Line, StockMovement, StockWriteback, Store, Variant
from test_bigcommerce_orders import shopper_headers

VARIANT = 501


def stock_webhook(client, fake, variant_id=VARIANT):
    return deliver(client, fake, "store/sku/inventory/updated", {
        "type": "sku", "id": 461, "inventory": {"product_id": 77, "method": "relative", "value": 1,
                                                "variant_id": variant_id}})


def status_webhook(client, fake, order_id, new_status):
    return deliver(client, fake, "store/order/statusUpdated", {
        "type": "order", "id": order_id, "status": {"previous_status_id": 11, "new_status_id": new_status}})


def order_webhook(client, fake, order_id):
    assert deliver(client, fake, "store/order/created", {"type": "order", "id": order_id}).status_code == 200


def store_with_orders(client, fake, available, *orders, customer_ids=None):
    """A hoodie with `available` units in BigCommerce and one order per quantity in `orders`
    (250, 251, …), each delivered and processed."""
    install(client, fake)
    fake.add_product(77, "Trail Hoodie", 5000, [(VARIANT, "HOOD-M", available), (502, "HOOD-L", 10)])
    for index, quantity in enumerate(orders):
        customer = (customer_ids or {}).get(index, 7 + index)
        fake.add_order(250 + index, [{"variant_id": VARIANT, "quantity": quantity, "price": 5000}],
                       customer_id=customer)
        order_webhook(client, fake, 250 + index)
    run_jobs(client.application)


def agreed(session, fake) -> tuple[int, int]:
    """(BigCommerce's level, the level our ledger says it should have) with nothing left to push."""
    session.rollback()
    variant = session.scalar(select(Variant).where(Variant.variant_id == VARIANT))
    owed = session.scalar(select(func.count()).select_from(StockWriteback)
                          .where(StockWriteback.status.in_(("pending", "sending", "unknown"))))
    assert owed == 0
    assert ledger_on_hand(session, variant) == variant.on_hand
    return fake.available[VARIANT], platform_target(session, variant)


def lines(session):
    session.rollback()
    return session.scalars(select(Line).order_by(Line.id)).all()


def test_a_stock_webhook_handled_before_the_cancels_status_webhook_allocates_only_units_that_exist(
        client, session, bigcommerce):
    store_with_orders(client, bigcommerce, 0, 2, 2)
    assert bigcommerce.available[VARIANT] == -4
    # In the store admin: 2 units received, then order 250 cancelled (BigCommerce restocks it).
    bigcommerce.available[VARIANT] += 2
    bigcommerce.set_status(250, 5)
    assert bigcommerce.available[VARIANT] == 0  # 2 units, both sold to order 251
    # The stock webhook is handled first, the status webhook after it.
    stock_webhook(client, bigcommerce)
    status_webhook(client, bigcommerce, 250, 5)
    run_jobs(client.application)

    first, second = lines(session)
    assert (first.state, first.quantity_cancelled, first.quantity_allocated) == ("cancelled", 2, 0)
    assert (second.state, second.quantity_allocated) == ("allocated", 2)
    assert sum(line.quantity_allocated for line in (first, second)) == 2  # not 4 from 2
    assert agreed(session, bigcommerce) == (0, 0)


def test_the_same_webhooks_in_the_other_order_give_the_same_result(client, session, bigcommerce):
    store_with_orders(client, bigcommerce, 0, 2, 2)
    bigcommerce.available[VARIANT] += 2
    bigcommerce.set_status(250, 5)
    status_webhook(client, bigcommerce, 250, 5)
    stock_webhook(client, bigcommerce)
    run_jobs(client.application)
    first, second = lines(session)
    assert (first.state, second.state, second.quantity_allocated) == ("cancelled", "allocated", 2)
    assert agreed(session, bigcommerce) == (0, 0)


def test_units_freed_by_a_shoppers_cancel_return_to_bigcommerce(client, session, bigcommerce):
    store_with_orders(client, bigcommerce, 0, 3)
    line_id = lines(session)[0].id
    response = client.post(f"/api/v1/me/orders/250/lines/{line_id}/cancel", json={"quantity": 2},
                           headers={**shopper_headers(client), "Idempotency-Key": "c-1"})
    assert response.status_code == 200, response.get_json()
    assert bigcommerce.calls_to("POST", r"/inventory/adjustments") == []  # not inside the request

    run_jobs(client.application)
    [adjustment] = bigcommerce.adjustments
    assert adjustment["items"] == [{"location_id": 1, "variant_id": VARIANT, "quantity": 2}]
    session.rollback()
    key = session.scalar(select(StockWriteback.key))
    assert key in adjustment["reason"]
    assert agreed(session, bigcommerce) == (-1, -1)  # one unit still sold and waiting


def test_a_receipt_in_the_app_is_written_to_bigcommerce_and_both_counts_agree(client, session, bigcommerce):
    store_with_orders(client, bigcommerce, 0, 2)
    store = session.scalar(select(Store))
    api_key = issue_api_key(session, store)
    session.commit()
    response = client.post(f"/api/v1/admin/variants/{VARIANT}/receipts", json={"quantity": 5},
                           headers={"Authorization": f"Bearer {api_key}", "Idempotency-Key": "r-1"})
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["on_hand"] == 3
    run_jobs(client.application)
    assert [a["items"][0]["quantity"] for a in bigcommerce.adjustments] == [5]
    assert agreed(session, bigcommerce) == (3, 3)
    kinds = session.scalars(select(StockMovement.kind).order_by(StockMovement.id)).all()
    assert kinds[-2:] == ["received", "allocated"]

    # BigCommerce announces our own adjustment: nothing more happens.
    stock_webhook(client, bigcommerce)
    run_jobs(client.application)
    assert len(bigcommerce.adjustments) == 1 and agreed(session, bigcommerce) == (3, 3)


def test_a_write_back_whose_answer_was_lost_is_not_sent_again(client, session, bigcommerce):
    store_with_orders(client, bigcommerce, 0, 3)
    line_id = lines(session)[0].id
    client.post(f"/api/v1/me/orders/250/lines/{line_id}/cancel", json={"quantity": 1},
                headers={**shopper_headers(client), "Idempotency-Key": "c-1"})
    # BigCommerce applies the adjustment, but the answer is lost (a 503 after the work).
    bigcommerce.available[VARIANT] += 1
    bigcommerce.fail("POST", r"/inventory/adjustments/relative$", 503)
    run_jobs(client.application)
    session.rollback()
    assert session.scalar(select(StockWriteback.status)) == "unknown"
    assert len(bigcommerce.calls_to("POST", r"/inventory/adjustments/relative$")) == 1  # no blind re-send

    stock_webhook(client, bigcommerce)  # BigCommerce's own webhook for the change
    run_jobs(client.application)
    session.rollback()
    assert session.scalar(select(StockWriteback.status)) == "done"
    assert len(bigcommerce.calls_to("POST", r"/inventory/adjustments/relative$")) == 1
    assert agreed(session, bigcommerce) == (-2, -2)


def test_a_write_back_that_never_arrived_is_sent_again_after_reconciliation(client, session, bigcommerce):
    store_with_orders(client, bigcommerce, 0, 3)
    line_id = lines(session)[0].id
    client.post(f"/api/v1/me/orders/250/lines/{line_id}/cancel", json={"quantity": 1},
                headers={**shopper_headers(client), "Idempotency-Key": "c-1"})
    bigcommerce.fail("POST", r"/inventory/adjustments/relative$", 503)  # refused before any work
    run_jobs(client.application)
    stock_webhook(client, bigcommerce)
    run_jobs(client.application)  # the level says it was not applied: pending again
    run_jobs(client.application)
    assert bigcommerce.adjustments[-1]["items"][0]["quantity"] == 1 and len(bigcommerce.adjustments) == 1
    assert agreed(session, bigcommerce) == (-2, -2)


def test_an_order_paying_a_pay_later_request_does_not_take_the_stock_twice(client, session, bigcommerce):
    store_with_orders(client, bigcommerce, 0, 1)
    line_id = lines(session)[0].id
    headers = shopper_headers(client)
    assert client.post(f"/api/v1/me/orders/250/lines/{line_id}/payment-mode", json={"mode": "pay_later"},
                       headers={**headers, "Idempotency-Key": "pl-1"}).status_code == 200
    bigcommerce.available[VARIANT] += 1  # the merchant receives the unit in BigCommerce
    stock_webhook(client, bigcommerce)
    run_jobs(client.application)
    assert lines(session)[0].state == "awaiting_payment"
    [cart] = bigcommerce.carts.values()

    bigcommerce.add_order(251, [{"variant_id": VARIANT, "quantity": 1, "price": 5000}], cart_id=cart["id"])
    assert bigcommerce.available[VARIANT] == -1  # BigCommerce took the unit again
    order_webhook(client, bigcommerce, 251)
    run_jobs(client.application)
    assert lines(session)[0].state == "allocated"
    assert [a["items"][0]["quantity"] for a in bigcommerce.adjustments] == [1]
    assert agreed(session, bigcommerce) == (0, 0)

    # The paying order ships: the line's units shipped; shipped goods cannot be cancelled.
    session.execute(Store.__table__.update().values(cancel_allocated=True))
    session.commit()
    bigcommerce.ship(251, bigcommerce.order_products[251][0]["id"], 1)
    deliver(client, bigcommerce, "store/shipment/created", {"type": "shipment", "id": 12, "orderId": 251})
    deliver(client, bigcommerce, "store/shipment/created", {"type": "shipment", "id": 12, "orderId": 251})
    run_jobs(client.application)
    [line] = lines(session)
    assert (line.state, line.quantity_shipped, line.quantity_allocated) == ("shipped", 1, 0)
    response = client.post(f"/api/v1/me/orders/250/lines/{line_id}/cancel", json={},
                           headers={**headers, "Idempotency-Key": "c-9"})
    assert response.status_code == 409 and response.get_json()["errors"]["reason"] == "already_shipped"
    assert agreed(session, bigcommerce) == (0, 0)


def test_stock_arriving_through_bigcommerce_marks_the_inbound_received(client, session, bigcommerce):
    store_with_orders(client, bigcommerce, 0, 5)
    store = session.scalar(select(Store))
    api_key = issue_api_key(session, store)
    session.commit()
    admin = {"Authorization": f"Bearer {api_key}"}
    assert client.post(f"/api/v1/admin/variants/{VARIANT}/inbound", json={"quantity": 5, "expected_on": "2026-12-10"},
                       headers=admin).status_code == 201
    bigcommerce.available[VARIANT] += 5  # the shipment arrives and is counted in BigCommerce
    stock_webhook(client, bigcommerce)
    run_jobs(client.application)
    [inbound] = client.get(f"/api/v1/admin/variants/{VARIANT}/inbound", headers=admin).get_json()["items"]
    assert (inbound["received_on"], inbound["quantity_received"]) == ("2026-11-26", 5)
    # A new order is not promised units from the inbound already consumed.
    [item] = client.get(f"/api/v1/stores/abc123/availability?variant_ids={VARIANT}&quantity=5").get_json()["items"]
    assert item["eta"] == {"date": None, "source": "unknown"}
    assert session.scalar(select(func.count()).select_from(InboundShipment)
                          .where(InboundShipment.received_on.is_(None))) == 0


def test_a_nightly_reconciliation_finds_stock_changed_without_a_webhook(client, session, bigcommerce):
    store_with_orders(client, bigcommerce, 0, 2)
    bigcommerce.available[VARIANT] += 2  # counted in BigCommerce; the webhook never came
    clock.freeze(datetime(2026, 11, 27, 12, 0))  # the next day where the store is (Chicago)
    counts = run_jobs(client.application)
    assert counts["bigcommerce_nightly_stock"] == 1
    assert lines(session)[0].state == "allocated"
    assert agreed(session, bigcommerce) == (0, 0)
    assert run_jobs(client.application)["bigcommerce_nightly_stock"] == 0  # once a day


def test_install_without_the_inventory_modify_scope_is_refused(client, session, bigcommerce):
    scope = "store_v2_orders store_v2_products store_inventory_read_only store_checkouts"
    code = bigcommerce.authorize("abc123", scope)
    response = client.get("/bigcommerce/auth", query_string={"code": code, "scope": scope, "context": "stores/abc123"})
    assert response.status_code >= 400 and "store_inventory" in response.get_data(as_text=True)


def test_the_stores_time_zone_comes_from_bigcommerce_at_install(client, session, bigcommerce):
    bigcommerce.timezone = "Europe/London"
    install(client, bigcommerce)
    assert session.scalar(select(Store.timezone)) == "Europe/London"
