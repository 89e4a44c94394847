"""Edits a merchant makes to an order in the BigCommerce control panel (store/order/updated, then
our fetch of the order and its products): units added join the back of the queue, since they were
not promised at checkout; units removed leave it; our own switch edits are not taken for the
merchant's; and our stock ledger, BigCommerce's count and the product page's availability agree
afterwards (docs/bigcommerce-order-statuses.md, docs/stock-events.md)."""
from datetime import timedelta

from fake_bigcommerce import (  # noqa: F401
    bigcommerce, deliver, fake_bigcommerce, install, run_jobs, session,
)
from sqlalchemy import func, select

from api.domain import clock
from api.domain.availability import refresh_availability
from api.domain.stock import ledger_on_hand, platform_target
from api.models import Line, OutboxMessage, StockWriteback, Variant, VariantAvailability
from test_bigcommerce_orders import NOW, shopper_headers

HOODIE_M, HOODIE_L, CAP = 501, 502, 601  # M and the cap sold out (backordered), L in stock


def store_with_orders(client, fake, *orders):
    """Install; a hoodie (M sold out, L 10 in stock) and a cap (sold out); orders 250, 251, …
    each of (variant, quantity) lines by customers 7, 8, …, placed an hour apart."""
    install(client, fake)
    fake.add_product(77, "Trail Hoodie", 5000, [(HOODIE_M, "HOOD-M", 0), (HOODIE_L, "HOOD-L", 10)])
    fake.add_product(78, "Wool Cap", 2000, [(CAP, "CAP-GREY", 0)])
    for index, lines in enumerate(orders):
        fake.add_order(250 + index, [{"variant_id": v, "quantity": q, "price": 5000 if v != CAP else 2000}
                                     for v, q in lines],
                       customer_id=7 + index, placed=NOW - timedelta(hours=5 - index))
        deliver(client, fake, "store/order/created", {"type": "order", "id": 250 + index})
    run_jobs(client.application)


def merchant_edits(client, fake, order_id, changes, deliveries=1):
    """The merchant edits the order in the control panel; BigCommerce announces it (`deliveries`
    times, as separate deliveries) and the jobs run."""
    fake.edit(order_id, changes)
    for _ in range(deliveries):
        deliver(client, fake, "store/order/updated", {"type": "order", "id": order_id})
    run_jobs(client.application)


def product_id(fake, order_id, variant_id):
    return next(p["id"] for p in fake.order_products[order_id] if p["variant_id"] == variant_id)


def queue(session, variant_id):
    """(order id, units waiting) for each waiting line of the variant, head of the queue first."""
    session.rollback()
    return [(line.order.order_id, line.quantity_waiting) for line in session.scalars(
        select(Line).where(Line.variant_id == variant_id, Line.state == "waiting")
        .order_by(Line.queued_at, Line.id))]


def stock_agrees(session, fake, variant_id):
    """Our ledger sums to on hand, BigCommerce's level is what our ledger says it should be with
    nothing left to push, and the product page's precomputed row is the one a refresh writes."""
    session.rollback()
    variant = session.scalar(select(Variant).where(Variant.variant_id == variant_id))
    assert ledger_on_hand(session, variant) == variant.on_hand
    owed = session.scalar(select(func.coalesce(func.sum(StockWriteback.quantity), 0)).where(
        StockWriteback.variant_pk == variant.id, StockWriteback.status.in_(("pending", "sending", "unknown"))))
    assert fake.available[variant_id] + owed == platform_target(session, variant)
    stored = session.get(VariantAvailability, variant.id)
    shown = (stored.on_hand, stored.waiting)
    refresh_availability(session, [variant.id])
    session.flush()
    session.refresh(stored)
    assert shown == (stored.on_hand, stored.waiting) == (variant.on_hand, variant_waiting(session, variant))
    session.rollback()


def variant_waiting(session, variant):
    return sum(line.quantity_waiting for line in session.scalars(
        select(Line).where(Line.variant_pk == variant.id, Line.state == "waiting")))


def test_a_quantity_raised_in_the_store_admin_queues_the_extra_units_behind_everyone_waiting(
        client, session, bigcommerce):
    store_with_orders(client, bigcommerce, [(HOODIE_M, 2)], [(HOODIE_M, 1)])
    clock.freeze(NOW + timedelta(hours=2))
    merchant_edits(client, bigcommerce, 250, [{"id": product_id(bigcommerce, 250, HOODIE_M), "quantity": 3}])

    # Order 250's first two units keep their place; the unit added waits behind order 251.
    assert queue(session, HOODIE_M) == [(250, 2), (251, 1), (250, 1)]
    added = session.scalars(select(Line).where(Line.variant_id == HOODIE_M).order_by(Line.id)).all()[-1]
    assert (added.quantity, added.quantity_backordered, added.queued_at) == (1, 1, NOW + timedelta(hours=2))
    assert added.external_id == product_id(bigcommerce, 250, HOODIE_M) and added.unit_price == 5000
    assert bigcommerce.available[HOODIE_M] == -4
    stock_agrees(session, bigcommerce, HOODIE_M)

    # Stock arriving in BigCommerce serves the queue in that order.
    bigcommerce.available[HOODIE_M] += 3
    deliver(client, bigcommerce, "store/sku/inventory/updated", {"type": "sku", "id": 461, "inventory": {
        "product_id": 77, "method": "relative", "value": 3, "variant_id": HOODIE_M}})
    run_jobs(client.application)
    assert queue(session, HOODIE_M) == [(250, 1)]
    stock_agrees(session, bigcommerce, HOODIE_M)


def test_a_backordered_product_added_in_the_store_admin_waits_at_the_back_of_the_queue(
        client, session, bigcommerce):
    store_with_orders(client, bigcommerce, [(HOODIE_M, 1)], [(CAP, 2)])
    clock.freeze(NOW + timedelta(hours=2))
    merchant_edits(client, bigcommerce, 250, [{"product_id": 78, "variant_id": CAP, "quantity": 1}])

    assert queue(session, CAP) == [(251, 2), (250, 1)]
    session.rollback()
    cap_line = session.scalar(select(Line).where(Line.variant_id == CAP, Line.order.has(order_id=250)))
    assert (cap_line.state, cap_line.unit_price, cap_line.eta is not None) == ("waiting", 2000, True)
    # The shopper hears that the added item is backordered, with its date.
    placed = [m.payload for m in session.scalars(select(OutboxMessage).where(
        OutboxMessage.event == "backorder_placed")) if m.payload["order_id"] == 250]
    assert [[line["sku"] for line in p["lines"]] for p in placed] == [["HOOD-M"], ["CAP-GREY"]]
    stock_agrees(session, bigcommerce, CAP)
    # The shopper's account page shows the new line with its place.
    clock.freeze(NOW)  # the customer token is signed at NOW
    order = client.get("/api/v1/me/orders/250", headers=shopper_headers(client, 7)).get_json()
    assert [(line["sku"], line["state"]) for line in order["lines"]] == [("HOOD-M", "waiting"), ("CAP-GREY", "waiting")]


def test_an_in_stock_product_added_in_the_store_admin_takes_no_place_in_the_queue(client, session, bigcommerce):
    store_with_orders(client, bigcommerce, [(HOODIE_M, 1)])
    merchant_edits(client, bigcommerce, 250, [{"product_id": 77, "variant_id": HOODIE_L, "quantity": 2}])

    assert queue(session, HOODIE_L) == []
    session.rollback()
    line = session.scalar(select(Line).where(Line.variant_id == HOODIE_L))
    assert (line.state, line.quantity_allocated, line.quantity_backordered) == ("allocated", 2, 0)
    assert bigcommerce.available[HOODIE_L] == 8
    assert session.scalar(select(Variant.on_hand).where(Variant.variant_id == HOODIE_L)) == 8
    assert session.scalar(select(func.count()).select_from(OutboxMessage)
                          .where(OutboxMessage.event == "backorder_placed")) == 1  # the order's own
    stock_agrees(session, bigcommerce, HOODIE_L)
    # Shipped from BigCommerce, it leaves the line allocated no more.
    bigcommerce.ship(250, product_id(bigcommerce, 250, HOODIE_L), 2)
    deliver(client, bigcommerce, "store/order/updated", {"type": "order", "id": 250})
    run_jobs(client.application)
    session.rollback()
    assert session.scalar(select(Line.state).where(Line.variant_id == HOODIE_L)) == "shipped"


def test_a_quantity_lowered_after_a_rise_gives_up_the_units_added_last(client, session, bigcommerce):
    store_with_orders(client, bigcommerce, [(HOODIE_M, 2)], [(HOODIE_M, 1)])
    ordered = product_id(bigcommerce, 250, HOODIE_M)
    merchant_edits(client, bigcommerce, 250, [{"id": ordered, "quantity": 4}])
    assert queue(session, HOODIE_M) == [(250, 2), (251, 1), (250, 2)]
    merchant_edits(client, bigcommerce, 250, [{"id": ordered, "quantity": 3}])
    assert queue(session, HOODIE_M) == [(250, 2), (251, 1), (250, 1)]
    merchant_edits(client, bigcommerce, 250, [{"id": ordered, "quantity": 0}])
    assert queue(session, HOODIE_M) == [(251, 1)]
    stock_agrees(session, bigcommerce, HOODIE_M)


def test_an_edit_delivered_twice_adds_its_units_once(client, session, bigcommerce):
    store_with_orders(client, bigcommerce, [(HOODIE_M, 1)])
    merchant_edits(client, bigcommerce, 250, [{"id": product_id(bigcommerce, 250, HOODIE_M), "quantity": 3},
                                              {"product_id": 78, "variant_id": CAP, "quantity": 1}], deliveries=2)
    # And the periodic catch-up reads the same order once more.
    clock.freeze(NOW + timedelta(hours=1))
    run_jobs(client.application)

    assert queue(session, HOODIE_M) == [(250, 1), (250, 2)]
    assert queue(session, CAP) == [(250, 1)]
    stock_agrees(session, bigcommerce, HOODIE_M)
    stock_agrees(session, bigcommerce, CAP)


def test_our_own_switch_edit_is_not_taken_for_an_edit_in_the_store_admin(client, session, bigcommerce):
    store_with_orders(client, bigcommerce, [(HOODIE_M, 2)])
    old = session.scalar(select(Line.id))
    response = client.post(f"/api/v1/me/orders/250/lines/{old}/switch", json={"variant_id": HOODIE_L},
                           headers={**shopper_headers(client, 7), "Idempotency-Key": "sw-1"})
    assert response.status_code == 200, response.get_json()
    # BigCommerce announces our edit; the announcement may be handled before our edit job has
    # recorded the new product (here: the edit made, its answer not recorded yet).
    from api.models import OrderEdit

    session.rollback()
    edit = session.scalar(select(OrderEdit))
    bigcommerce.edit(250, [{"id": product_id(bigcommerce, 250, HOODIE_M), "product_id": 77, "quantity": 0},
                           {"product_id": 77, "variant_id": HOODIE_L, "quantity": 2}])
    deliver(client, bigcommerce, "store/order/updated", {"type": "order", "id": 250})
    from api.bigcommerce.webhooks import process_webhooks

    with client.application.app_context():
        process_webhooks(client.application.extensions["database"])
    run_jobs(client.application)  # the edit job finds its edit made, and links the new product
    deliver(client, bigcommerce, "store/order/updated", {"type": "order", "id": 250})
    run_jobs(client.application)

    session.rollback()
    lines = session.scalars(select(Line).order_by(Line.id)).all()
    assert [(line.variant_id, line.state, line.quantity) for line in lines] == [
        (HOODIE_M, "switched", 2), (HOODIE_L, "allocated", 2)]
    assert lines[1].external_id == product_id(bigcommerce, 250, HOODIE_L)
    assert session.get(OrderEdit, edit.id).status == "done"
    assert len(bigcommerce.calls_to("PUT", r"/v2/orders/250$")) == 0  # found made, not made again
    stock_agrees(session, bigcommerce, HOODIE_L)
    stock_agrees(session, bigcommerce, HOODIE_M)


def test_a_refund_in_the_store_admin_gives_bigcommerce_back_the_waiting_units_it_does_not_restock(
        client, session, bigcommerce):
    store_with_orders(client, bigcommerce, [(HOODIE_M, 2)], [(HOODIE_M, 1)])
    assert bigcommerce.available[HOODIE_M] == -3
    bigcommerce.merchant_refund(250, product_id(bigcommerce, 250, HOODIE_M), 1)
    assert bigcommerce.available[HOODIE_M] == -3  # a refund does not restock ("Processing Refunds")
    deliver(client, bigcommerce, "store/order/updated", {"type": "order", "id": 250})
    run_jobs(client.application)

    assert queue(session, HOODIE_M) == [(250, 1), (251, 1)]
    assert bigcommerce.available[HOODIE_M] == -2  # the unit no one waits for any more, written back
    stock_agrees(session, bigcommerce, HOODIE_M)
    # Two units counted in BigCommerce serve both shoppers still waiting, and nothing is left over.
    bigcommerce.available[HOODIE_M] += 2
    deliver(client, bigcommerce, "store/sku/inventory/updated", {"type": "sku", "id": 461, "inventory": {
        "product_id": 77, "method": "relative", "value": 2, "variant_id": HOODIE_M}})
    run_jobs(client.application)
    assert queue(session, HOODIE_M) == []
    session.rollback()
    assert session.scalar(select(Variant.on_hand).where(Variant.variant_id == HOODIE_M)) == 0
    stock_agrees(session, bigcommerce, HOODIE_M)
