"""The store's inventory settings decide what BigCommerce's own stock count does on an order edit
and a cancel (GET /v3/settings/inventory): read at install and nightly, and followed, so that
what BigCommerce does not move itself is written back and what it moves is never written back a
second time; with each setting off, our stock ledger and BigCommerce's count agree after the
events and after the nightly reconciliation (docs/stock-events.md)."""
import logging
from datetime import datetime, timedelta

from fake_bigcommerce import (  # noqa: F401
    bigcommerce, deliver, fake_bigcommerce, install, run_jobs, session,
)
from sqlalchemy import select

from api.domain import clock
from api.models import BigCommerceInstallation, Line, StockMovement, Variant
from test_bigcommerce_order_edits import (
    CAP, HOODIE_L, HOODIE_M, merchant_edits, product_id, queue, stock_agrees, store_with_orders,
)
from test_bigcommerce_orders import NOW, shopper_headers

NEXT_DAY = datetime(2026, 11, 27, 12, 0)  # the next day where the store is (Chicago)


def settings(session):
    session.rollback()
    return session.scalar(select(BigCommerceInstallation.inventory_settings))


def cancelled_in_store(client, fake, order_id):
    fake.set_status(order_id, 5)
    deliver(client, fake, "store/order/statusUpdated", {
        "type": "order", "id": order_id, "status": {"previous_status_id": 11, "new_status_id": 5}})
    run_jobs(client.application)


def reconciled_nightly_without_change(client, session, fake, *variant_ids):
    """The nightly reconciliation finds nothing to book: both counts already agree."""
    session.rollback()
    before = {v: session.scalar(select(Variant.on_hand).where(Variant.variant_id == v)) for v in variant_ids}
    adjusted = session.scalars(select(StockMovement.id).where(StockMovement.kind == "adjusted")).all()
    clock.freeze(NEXT_DAY)
    assert run_jobs(client.application)["bigcommerce_nightly_stock"] == 1
    session.rollback()
    assert {v: session.scalar(select(Variant.on_hand).where(Variant.variant_id == v)) for v in variant_ids} == before
    assert session.scalars(select(StockMovement.id).where(StockMovement.kind == "adjusted")).all() == adjusted
    for variant_id in variant_ids:
        stock_agrees(session, fake, variant_id)


# --- reading the settings ----------------------------------------------------------------------


def test_the_inventory_settings_are_read_at_install(client, session, bigcommerce):
    bigcommerce.edit_order_stock_adjustment = False
    install(client, bigcommerce)
    assert settings(session) == {"edit_order_stock_adjustment": False, "refund_order_stock_adjustment": True,
                                 "update_stock_behavior": "order_placed"}
    [call] = bigcommerce.calls_to("GET", r"/v3/settings/inventory$")
    assert call["query"] == {}  # the store-wide settings


def test_the_inventory_settings_are_read_again_with_the_nightly_reconciliation(client, session, bigcommerce):
    install(client, bigcommerce)
    assert settings(session)["refund_order_stock_adjustment"] is True
    bigcommerce.refund_order_stock_adjustment = False  # the merchant changes it in the control panel
    clock.freeze(NEXT_DAY)
    assert run_jobs(client.application)["bigcommerce_nightly_stock"] == 1
    assert settings(session)["refund_order_stock_adjustment"] is False
    assert len(bigcommerce.calls_to("GET", r"/v3/settings/inventory$")) == 2


def test_a_store_that_refuses_the_settings_keeps_the_documented_defaults_and_says_so(
        client, session, bigcommerce, caplog):
    bigcommerce.fail("GET", r"/v3/settings/inventory$", 403, times=10)  # every time it is asked
    with caplog.at_level(logging.WARNING, logger="api.bigcommerce.settings"):
        response = install(client, bigcommerce)
    assert response.status_code in (200, 302), response.get_data(as_text=True)
    assert settings(session) is None  # never read: the documented defaults apply
    assert "inventory settings could not be read" in caplog.text and "403" in caplog.text
    # They apply: a cancel is taken as restocked by BigCommerce, as documented.
    bigcommerce.add_product(77, "Trail Hoodie", 5000, [(HOODIE_M, "HOOD-M", 0), (HOODIE_L, "HOOD-L", 10)])
    bigcommerce.add_order(250, [{"variant_id": HOODIE_M, "quantity": 2, "price": 5000}])
    deliver(client, bigcommerce, "store/order/created", {"type": "order", "id": 250})
    run_jobs(client.application)
    cancelled_in_store(client, bigcommerce, 250)
    assert bigcommerce.adjustments == []
    stock_agrees(session, bigcommerce, HOODIE_M)

    # Refused again at night (the first run after install was one): what was known stays, and
    # the log says so again.
    caplog.clear()
    clock.freeze(NEXT_DAY)
    with caplog.at_level(logging.WARNING, logger="api.bigcommerce.settings"):
        assert run_jobs(client.application)["bigcommerce_nightly_stock"] == 1
    assert settings(session) is None and "could not be read" in caplog.text


def test_a_store_taking_stock_only_on_completion_is_warned_of_in_the_log(client, session, bigcommerce, caplog):
    bigcommerce.update_stock_behavior = "order_completed_or_shipped"
    with caplog.at_level(logging.WARNING, logger="api.bigcommerce.settings"):
        install(client, bigcommerce)
    assert settings(session)["update_stock_behavior"] == "order_completed_or_shipped"
    assert "completed or shipped" in caplog.text


def test_install_without_the_information_scope_is_refused_by_bigcommerce(client, session, bigcommerce):
    scope = "store_v2_orders store_v2_products store_inventory store_checkouts"
    code = bigcommerce.authorize("abc123", scope)
    response = client.get("/bigcommerce/auth", query_string={"code": code, "scope": scope, "context": "stores/abc123"})
    assert response.status_code >= 400 and "BigCommerce refused" in response.get_data(as_text=True)
    assert bigcommerce.calls_to("GET", r"/v3/settings/inventory$") == []  # the store information came first


# --- edits that do not move BigCommerce's stock ------------------------------------------------


def test_units_removed_by_an_edit_that_does_not_restock_are_written_back(client, session, bigcommerce):
    bigcommerce.edit_order_stock_adjustment = False
    store_with_orders(client, bigcommerce, [(HOODIE_M, 3)], [(HOODIE_M, 1)])
    assert bigcommerce.available[HOODIE_M] == -4
    merchant_edits(client, bigcommerce, 250, [{"id": product_id(bigcommerce, 250, HOODIE_M), "quantity": 1}])

    assert queue(session, HOODIE_M) == [(250, 1), (251, 1)]
    assert bigcommerce.available[HOODIE_M] == -2  # BigCommerce kept them sold; we gave them back
    stock_agrees(session, bigcommerce, HOODIE_M)
    reconciled_nightly_without_change(client, session, bigcommerce, HOODIE_M)


def test_units_added_by_an_edit_that_does_not_take_stock_are_taken_by_a_write_back(client, session, bigcommerce):
    bigcommerce.edit_order_stock_adjustment = False
    store_with_orders(client, bigcommerce, [(HOODIE_M, 1)])
    merchant_edits(client, bigcommerce, 250, [{"id": product_id(bigcommerce, 250, HOODIE_M), "quantity": 3},
                                              {"product_id": 77, "variant_id": HOODIE_L, "quantity": 2},
                                              {"product_id": 78, "variant_id": CAP, "quantity": 1}])

    assert queue(session, HOODIE_M) == [(250, 1), (250, 2)]
    assert queue(session, CAP) == [(250, 1)]
    session.rollback()
    assert session.scalar(select(Line.state).where(Line.variant_id == HOODIE_L)) == "allocated"
    # BigCommerce took none of them with the edit: the write-backs did.
    assert (bigcommerce.available[HOODIE_M], bigcommerce.available[HOODIE_L], bigcommerce.available[CAP]) == (-3, 8, -1)
    for variant_id in (HOODIE_M, HOODIE_L, CAP):
        stock_agrees(session, bigcommerce, variant_id)
    # Not units that arrived: the nightly reconciliation allocates nothing that does not exist.
    reconciled_nightly_without_change(client, session, bigcommerce, HOODIE_M, HOODIE_L, CAP)
    assert queue(session, HOODIE_M) == [(250, 1), (250, 2)]


def test_an_edit_that_does_move_stock_is_never_written_back(client, session, bigcommerce):
    store_with_orders(client, bigcommerce, [(HOODIE_M, 3)])
    merchant_edits(client, bigcommerce, 250, [{"id": product_id(bigcommerce, 250, HOODIE_M), "quantity": 1},
                                              {"product_id": 77, "variant_id": HOODIE_L, "quantity": 2}])
    assert bigcommerce.adjustments == []
    assert (bigcommerce.available[HOODIE_M], bigcommerce.available[HOODIE_L]) == (-1, 8)
    stock_agrees(session, bigcommerce, HOODIE_M)
    stock_agrees(session, bigcommerce, HOODIE_L)


def test_our_switch_in_a_store_whose_edits_do_not_move_stock_writes_both_items_back(client, session, bigcommerce):
    bigcommerce.edit_order_stock_adjustment = False
    store_with_orders(client, bigcommerce, [(HOODIE_M, 2)])
    old = session.scalar(select(Line.id))
    response = client.post(f"/api/v1/me/orders/250/lines/{old}/switch", json={"variant_id": HOODIE_L},
                           headers={**shopper_headers(client, 7), "Idempotency-Key": "sw-1"})
    assert response.status_code == 200, response.get_json()
    run_jobs(client.application)  # the edit is made, the write-backs pushed
    deliver(client, bigcommerce, "store/order/updated", {"type": "order", "id": 250})
    run_jobs(client.application)

    assert len(bigcommerce.calls_to("PUT", r"/v2/orders/250$")) == 1
    assert (bigcommerce.available[HOODIE_M], bigcommerce.available[HOODIE_L]) == (0, 8)
    stock_agrees(session, bigcommerce, HOODIE_M)
    stock_agrees(session, bigcommerce, HOODIE_L)
    reconciled_nightly_without_change(client, session, bigcommerce, HOODIE_M, HOODIE_L)


# --- cancels that do not restock ---------------------------------------------------------------


def test_an_order_cancelled_in_a_store_that_does_not_restock_gives_its_units_back_by_write_back(
        client, session, bigcommerce):
    bigcommerce.refund_order_stock_adjustment = False
    install(client, bigcommerce)
    bigcommerce.add_product(77, "Trail Hoodie", 5000, [(HOODIE_M, "HOOD-M", 1), (HOODIE_L, "HOOD-L", 10)])
    for order_id, customer in ((250, 7), (251, 8)):
        bigcommerce.add_order(order_id, [{"variant_id": HOODIE_M, "quantity": 2, "price": 5000}],
                              customer_id=customer, placed=NOW - timedelta(hours=252 - order_id))
        deliver(client, bigcommerce, "store/order/created", {"type": "order", "id": order_id})
    run_jobs(client.application)
    assert bigcommerce.available[HOODIE_M] == -3  # order 250 holds the one unit; three wait

    cancelled_in_store(client, bigcommerce, 250)

    # Its held unit passes to order 251, and BigCommerce is given back both units it still counts sold.
    assert queue(session, HOODIE_M) == [(251, 1)]
    assert bigcommerce.available[HOODIE_M] == -1
    assert [a["items"][0]["quantity"] for a in bigcommerce.adjustments] == [2]
    stock_agrees(session, bigcommerce, HOODIE_M)
    # The same order seen again changes nothing.
    deliver(client, bigcommerce, "store/order/updated", {"type": "order", "id": 250})
    run_jobs(client.application)
    assert len(bigcommerce.adjustments) == 1
    reconciled_nightly_without_change(client, session, bigcommerce, HOODIE_M)


def test_a_shoppers_cancel_then_the_order_cancelled_in_a_store_that_does_not_restock_is_given_back_once(
        client, session, bigcommerce):
    bigcommerce.refund_order_stock_adjustment = False
    store_with_orders(client, bigcommerce, [(HOODIE_M, 3)])
    line_id = session.scalar(select(Line.id))
    response = client.post(f"/api/v1/me/orders/250/lines/{line_id}/cancel", json={"quantity": 2},
                           headers={**shopper_headers(client), "Idempotency-Key": "c-1"})
    assert response.status_code == 200, response.get_json()
    run_jobs(client.application)
    assert bigcommerce.available[HOODIE_M] == -1

    cancelled_in_store(client, bigcommerce, 250)

    assert bigcommerce.available[HOODIE_M] == 0  # the last unit, once; nothing taken back
    assert sorted(a["items"][0]["quantity"] for a in bigcommerce.adjustments) == [1, 2]
    stock_agrees(session, bigcommerce, HOODIE_M)
    reconciled_nightly_without_change(client, session, bigcommerce, HOODIE_M)


def test_a_cancel_that_restocks_is_never_written_back(client, session, bigcommerce):
    store_with_orders(client, bigcommerce, [(HOODIE_M, 2)])
    cancelled_in_store(client, bigcommerce, 250)
    assert bigcommerce.adjustments == [] and bigcommerce.available[HOODIE_M] == 0
    stock_agrees(session, bigcommerce, HOODIE_M)
