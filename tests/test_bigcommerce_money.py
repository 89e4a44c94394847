"""Issue 9's reproductions against a fake BigCommerce as hard as the real one: tax and coupons,
statuses, declined refunds and answers lost after the work was done, store credit, display and
transactional currencies. Each failed on the code before the fix."""
from datetime import timedelta

import pytest
from fake_bigcommerce import (  # noqa: F401
    bigcommerce, deliver, fake_bigcommerce, install, run_jobs, session,
)
from sqlalchemy import select

from api.bigcommerce.money import to_minor
from api.domain import clock
from api.domain.stores import issue_api_key
from api.models import Line, Order, OutboxMessage, PaymentRequestRecord, Refund, Store, Variant
from api.notifications.catalog import Translator
from test_bigcommerce_orders import NOW, shopper_headers

REFUNDS = r"/v3/orders/\d+/payment_actions/refunds$"


def store_with_order(client, fake, *, quantity=2, available=0, status_id=11, **order):
    """Install, a hoodie (M, and L in stock at the same price), and order 250 for it."""
    install(client, fake)
    fake.add_product(77, "Trail Hoodie", 5000, [(501, "HOOD-M", available), (502, "HOOD-L", 10)])
    fake.add_order(250, [{"variant_id": 501, "quantity": quantity, "price": 5000}], status_id=status_id, **order)
    deliver(client, fake, "store/order/created", {"type": "order", "id": 250})
    run_jobs(client.application)


def act(client, line_id, action, body, key, customer_id=7):
    return client.post(f"/api/v1/me/orders/250/lines/{line_id}/{action}", json=body,
                       headers={**shopper_headers(client, customer_id), "Idempotency-Key": key})


def status_changed(client, fake, order_id, status_id):
    """The order moves to `status_id` in BigCommerce, which announces it; the jobs run."""
    previous = fake.orders[order_id]["status_id"]
    fake.set_status(order_id, status_id)
    deliver(client, fake, "store/order/statusUpdated", {"type": "order", "id": order_id, "status": {
        "previous_status_id": previous, "new_status_id": status_id}})
    run_jobs(client.application)


def line_of(session):
    session.rollback()
    return session.scalar(select(Line).order_by(Line.id))


def outbox(session, event):
    session.rollback()
    return [m.payload for m in session.scalars(select(OutboxMessage).where(OutboxMessage.event == event))]


# --- defect 1: no platform call inside a transaction, none sent twice ---------------------------


def test_work_failing_after_the_refund_then_a_retry_with_the_same_key_refunds_once(client, session, bigcommerce,
                                                                                  monkeypatch):
    store_with_order(client, bigcommerce, quantity=2)
    line_id = line_of(session).id
    from api.domain import actions

    real_record, failures = actions.record, [1]

    def fail_once_after_the_refund(db_session, line, kind, *args, **kwargs):
        if kind == "cancelled" and failures:
            failures.pop()
            raise RuntimeError("the work after the refund failed")
        return real_record(db_session, line, kind, *args, **kwargs)

    monkeypatch.setattr(actions, "record", fail_once_after_the_refund)
    client.application.config["PROPAGATE_EXCEPTIONS"] = False
    try:
        first = act(client, line_id, "cancel", {"quantity": 1}, "same-key")
        retry = act(client, line_id, "cancel", {"quantity": 1}, "same-key")
    finally:
        client.application.config["PROPAGATE_EXCEPTIONS"] = None
    run_jobs(client.application)
    run_jobs(client.application)

    assert first.status_code == 500 and retry.status_code == 200
    [refund] = bigcommerce.refunds[250]
    assert refund["items"][0]["quantity"] == 1
    assert bigcommerce.order_products[250][0]["quantity_refunded"] == 1
    session.rollback()
    assert [(r.quantity, r.status) for r in session.scalars(select(Refund))] == [(1, "confirmed")]


def test_a_refund_whose_answer_is_lost_is_not_paid_again(client, session, bigcommerce):
    store_with_order(client, bigcommerce, quantity=2)
    bigcommerce.lose_answer("POST", REFUNDS)

    assert act(client, line_of(session).id, "cancel", {"quantity": 1}, "c-1").status_code == 200
    run_jobs(client.application)
    clock.freeze(NOW + timedelta(hours=1))
    run_jobs(client.application)

    assert len(bigcommerce.refunds[250]) == 1
    assert bigcommerce.order_products[250][0]["quantity_refunded"] == 1
    session.rollback()
    refund = session.scalar(select(Refund))
    assert (refund.status, refund.amount, refund.reference) == ("confirmed", 5000, str(bigcommerce.refunds[250][0]["id"]))


def test_an_order_edit_whose_answer_is_lost_adds_the_new_product_once(client, session, bigcommerce):
    store_with_order(client, bigcommerce, quantity=1)
    bigcommerce.lose_answer("PUT", r"/v2/orders/250$")

    switched = act(client, line_of(session).id, "switch", {"variant_id": 502}, "s-1")
    run_jobs(client.application)

    assert switched.status_code == 200, switched.get_json()
    large = [p for p in bigcommerce.order_products[250] if p["variant_id"] == 502]
    assert [p["quantity"] for p in large] == [1]
    session.rollback()
    new_line = session.scalar(select(Line).where(Line.variant_id == 502))
    assert new_line.external_id == large[0]["id"]


def test_a_declined_refund_is_failed_the_merchant_is_told_at_once_and_the_shopper_never_hears_refunded(
        client, session, bigcommerce):
    store_with_order(client, bigcommerce, quantity=1)
    bigcommerce.decline_next_refund("Card expired")

    cancelled = act(client, line_of(session).id, "cancel", {}, "c-1")
    run_jobs(client.application)
    clock.freeze(NOW + timedelta(days=1))
    run_jobs(client.application)

    assert cancelled.get_json()["refund"]["status"] == "pending"
    assert len(bigcommerce.refunds[250]) == 1  # declined, and not asked again
    session.rollback()
    refund = session.scalar(select(Refund))
    assert refund.status == "failed" and "Card expired" in refund.last_error
    [alert] = outbox(session, "refund_failed")
    assert (alert["email"], alert["order_id"], alert["amount"]) == ("owner@shop.example", 250, 5000)
    assert outbox(session, "refund_made") == []
    with client.application.app_context(), client.application.extensions["database"].transaction() as tx:
        api_key = issue_api_key(tx, tx.scalar(select(Store)))
    listed = client.get("/api/v1/admin/refunds", query_string={"status": "failed"},
                        headers={"Authorization": f"Bearer {api_key}"})
    assert listed.status_code == 200, listed.get_json()
    [item] = listed.get_json()["items"]
    assert (item["order_id"], item["amount"], item["status"]) == (250, 5000, "failed")
    assert "Card expired" in item["error"]


def test_bigcommerce_failing_to_make_a_cart_never_rolls_back_a_receipt(client, session, bigcommerce):
    store_with_order(client, bigcommerce, quantity=1)
    line_id = line_of(session).id
    act(client, line_id, "payment-mode", {"mode": "pay_later"}, "pl-1")
    run_jobs(client.application)  # pay later starts: its refund is made
    with client.application.app_context(), client.application.extensions["database"].transaction() as tx:
        api_key = issue_api_key(tx, tx.scalar(select(Store)))
    bigcommerce.fail("POST", r"/v3/carts$", 503, times=1)

    receipt = client.post("/api/v1/admin/variants/501/receipts", json={"quantity": 1},
                          headers={"Authorization": f"Bearer {api_key}", "Idempotency-Key": "r-1"})

    assert receipt.status_code == 201, receipt.get_json()
    line = line_of(session)
    assert (line.state, line.quantity_allocated) == ("awaiting_payment", 1)
    payment = session.scalar(select(PaymentRequestRecord))
    assert (payment.status, payment.url) == ("open", "")  # made by the worker, not the receipt
    run_jobs(client.application)  # the cart is refused once
    clock.freeze(NOW + timedelta(minutes=5))
    run_jobs(client.application)
    [cart] = bigcommerce.carts.values()
    session.rollback()
    payment = session.scalar(select(PaymentRequestRecord))
    assert (payment.reference, payment.attempts) == (cart["id"], 2)
    [requested] = outbox(session, "payment_requested")
    assert requested["payment_url"] == payment.url != ""


# --- defect 2: the price paid, tax like with like ------------------------------------------------


def test_switching_to_a_same_priced_size_with_tax_refunds_nothing_and_is_not_cheaper(client, session, bigcommerce):
    bigcommerce.tax_rate = 0.08  # prices without tax; a $50 hoodie costs the shopper $54
    store_with_order(client, bigcommerce, quantity=1)
    line_id = line_of(session).id
    order = client.get("/api/v1/me/orders/250", headers=shopper_headers(client)).get_json()
    [alternative] = order["lines"][0]["alternatives"]
    assert alternative["price_difference"] == 0

    switched = act(client, line_id, "switch", {"variant_id": 502}, "s-1")
    run_jobs(client.application)

    assert switched.get_json()["price_difference"] == 0 and switched.get_json()["refund"] is None
    assert bigcommerce.calls_to("POST", REFUNDS) == []


def test_a_switch_after_a_coupon_never_refunds_more_than_was_paid(client, session, bigcommerce):
    store_with_order(client, bigcommerce, quantity=2, coupon_percent=20)  # paid $40 a hoodie
    bigcommerce.variants[502].update(price=40.0, calculated_price=40.0)
    deliver(client, bigcommerce, "store/product/updated", {"type": "product", "id": 77})
    run_jobs(client.application)

    switched = act(client, line_of(session).id, "switch", {"variant_id": 502}, "s-1")
    run_jobs(client.application)

    assert switched.get_json()["refund"]["amount"] == 1600  # 20% of the $20 difference was never paid
    [refund] = bigcommerce.refunds[250]
    assert refund["total_amount"] == 16.0


def test_a_cancel_records_and_tells_the_amount_bigcommerce_refunded(client, session, bigcommerce):
    bigcommerce.tax_rate = 0.08
    store_with_order(client, bigcommerce, quantity=2, coupon_percent=10)  # $54 less 10%: $48.60 a unit
    line = line_of(session)
    assert (line.unit_price, line.unit_price_ex_tax, line.list_price) == (4860, 4500, 5000)

    act(client, line.id, "cancel", {"quantity": 1}, "c-1")
    run_jobs(client.application)

    [refund] = bigcommerce.refunds[250]
    session.rollback()
    stored = session.scalar(select(Refund))
    assert stored.amount == to_minor(refund["total_amount"], "USD") == 4860
    [made] = outbox(session, "refund_made")
    assert made["amount"] == 4860


def test_the_pay_later_cart_is_priced_without_tax_after_the_discount(client, session, bigcommerce):
    bigcommerce.tax_rate = 0.08
    store_with_order(client, bigcommerce, quantity=1, coupon_percent=10)
    line_id = line_of(session).id
    assert act(client, line_id, "payment-mode", {"mode": "pay_later"}, "pl-1").status_code == 200
    run_jobs(client.application)
    assert act(client, line_id, "payment-mode", {"mode": "pay_now"}, "pn-1").status_code == 200
    run_jobs(client.application)

    [cart] = bigcommerce.carts.values()
    assert cart["line_items"]["physical_items"][0]["list_price"] == 45.0  # checkout adds the tax once
    session.rollback()
    assert session.scalar(select(PaymentRequestRecord.amount)) == 4860


# --- defect 3: pay later only when it can be refunded, and once it is ----------------------------


@pytest.mark.parametrize("method", ["storecredit", "giftcertificate"])
def test_pay_later_is_not_offered_on_an_order_paid_with_store_credit_or_a_gift_certificate(
        client, session, bigcommerce, method):
    store_with_order(client, bigcommerce, quantity=1, payment_method=method)
    line_id = line_of(session).id
    order = client.get("/api/v1/me/orders/250", headers=shopper_headers(client)).get_json()
    assert order["lines"][0]["actions"]["pay_later"] == {"allowed": False, "reason": "not_refundable"}

    refused = act(client, line_id, "payment-mode", {"mode": "pay_later"}, "pl-1")

    assert (refused.status_code, refused.get_json()["errors"]["reason"]) == (409, "not_refundable")
    assert session.scalar(select(Refund.id)) is None


def test_pay_later_whose_refund_is_declined_never_asks_for_the_price_again(client, session, bigcommerce):
    store_with_order(client, bigcommerce, quantity=1)
    line_id = line_of(session).id
    bigcommerce.decline_next_refund()
    assert act(client, line_id, "payment-mode", {"mode": "pay_later"}, "pl-1").status_code == 200
    run_jobs(client.application)

    bigcommerce.available[501] += 1  # stock arrives
    deliver(client, bigcommerce, "store/sku/inventory/updated", {"type": "sku", "id": 1, "inventory": {
        "product_id": 77, "method": "relative", "value": 1, "variant_id": 501}})
    run_jobs(client.application)

    line = line_of(session)
    assert (line.payment_mode, line.state) == ("pay_now", "allocated")
    assert bigcommerce.carts == {}
    assert session.scalar(select(Refund.status)) == "failed"


# --- defect 4: order statuses --------------------------------------------------------------------


@pytest.mark.parametrize("status_id", [0, 1, 7, 12])
def test_an_order_not_paid_yet_takes_no_place(client, session, bigcommerce, status_id):
    store_with_order(client, bigcommerce, quantity=1, status_id=status_id)
    assert session.scalar(select(Line.id)) is None


def test_an_order_takes_its_place_once_it_is_paid(client, session, bigcommerce):
    store_with_order(client, bigcommerce, quantity=1, status_id=7)
    status_changed(client, bigcommerce, 250, 11)
    assert line_of(session).state == "waiting"


def test_a_payment_cart_order_awaiting_payment_is_not_marked_paid(client, session, bigcommerce):
    store_with_order(client, bigcommerce, quantity=1)
    line_id = line_of(session).id
    act(client, line_id, "payment-mode", {"mode": "pay_later"}, "pl-1")
    run_jobs(client.application)
    act(client, line_id, "payment-mode", {"mode": "pay_now"}, "pn-1")
    run_jobs(client.application)
    [cart] = bigcommerce.carts.values()

    bigcommerce.add_order(251, [{"variant_id": 501, "quantity": 1, "price": 5000}], cart_id=cart["id"], status_id=7)
    deliver(client, bigcommerce, "store/order/created", {"type": "order", "id": 251})
    run_jobs(client.application)
    session.rollback()
    assert session.scalar(select(PaymentRequestRecord.status)) == "open"

    status_changed(client, bigcommerce, 251, 11)
    session.rollback()
    assert session.scalar(select(PaymentRequestRecord.status)) == "paid"


@pytest.mark.parametrize("status_id", [4, 5, 6])
def test_an_order_declined_cancelled_or_refunded_after_import_frees_its_places(client, session, bigcommerce,
                                                                               status_id):
    store_with_order(client, bigcommerce, quantity=2)
    status_changed(client, bigcommerce, 250, status_id)
    line = line_of(session)
    assert (line.state, line.quantity_cancelled) == ("cancelled", 2)


def test_a_refund_made_in_the_store_admin_frees_the_units_and_no_second_refund_is_asked(client, session,
                                                                                       bigcommerce):
    store_with_order(client, bigcommerce, quantity=2)
    assert any(h["scope"] == "store/order/refund/created" for h in bigcommerce.hooks.values())
    line_id = line_of(session).id
    refund = bigcommerce.merchant_refund(250, bigcommerce.order_products[250][0]["id"], 2)

    deliver(client, bigcommerce, "store/order/refund/created",
            {"type": "order", "id": 250, "refund": {"refund_id": refund["id"]}})
    run_jobs(client.application)
    run_jobs(client.application)

    line = line_of(session)
    assert (line.state, line.quantity_cancelled) == ("cancelled", 2)
    assert [(r.reason, r.status, r.amount) for r in session.scalars(select(Refund))] == [
        ("in_store", "confirmed", 10000)]
    cancel = act(client, line_id, "cancel", {}, "c-1")
    assert cancel.get_json()["errors"]["reason"] == "already_cancelled"
    assert len(bigcommerce.refunds[250]) == 1
    assert all("on its way" not in str(m) for m in outbox(session, "cancelled"))


def test_a_partial_refund_in_the_store_admin_frees_only_its_units(client, session, bigcommerce):
    store_with_order(client, bigcommerce, quantity=3)
    bigcommerce.merchant_refund(250, bigcommerce.order_products[250][0]["id"], 1)
    assert bigcommerce.orders[250]["status_id"] == 14
    deliver(client, bigcommerce, "store/order/updated", {"type": "order", "id": 250})
    run_jobs(client.application)

    line = line_of(session)
    assert (line.state, line.quantity_cancelled, line.quantity_waiting) == ("waiting", 1, 2)
    # The shopper can still cancel the rest, and is refunded only what is left of what they paid.
    act(client, line.id, "cancel", {}, "c-1")
    run_jobs(client.application)
    assert [r["total_amount"] for r in bigcommerce.refunds[250]] == [50.0, 100.0]


def test_an_order_edit_in_the_store_admin_gives_up_the_units_removed(client, session, bigcommerce):
    store_with_order(client, bigcommerce, quantity=3)
    bigcommerce.order_products[250][0]["quantity"] = 1  # the merchant edits the order
    deliver(client, bigcommerce, "store/order/updated", {"type": "order", "id": 250})
    run_jobs(client.application)
    line = line_of(session)
    assert (line.quantity_cancelled, line.quantity_waiting) == (2, 1)


# --- defect 6: currency --------------------------------------------------------------------------


def test_the_store_currency_and_time_zone_come_from_the_store_information_at_install(client, session,
                                                                                     bigcommerce):
    bigcommerce.currency, bigcommerce.timezone = "GBP", "Europe/London"
    install(client, bigcommerce)
    bigcommerce.add_product(77, "Trail Hoodie", 5000, [(501, "HOOD-M", 3)])
    deliver(client, bigcommerce, "store/product/updated", {"type": "product", "id": 77})
    run_jobs(client.application)
    assert session.scalar(select(Variant.currency)) == "GBP"  # before any order
    from api.models import BigCommerceInstallation

    assert session.scalar(select(BigCommerceInstallation.timezone)) == "Europe/London"


def test_orders_keep_money_in_the_transactional_currency_not_the_display_one(client, session, bigcommerce):
    bigcommerce.currency, bigcommerce.display_currency = "GBP", "EUR"
    store_with_order(client, bigcommerce, quantity=1)
    assert session.scalar(select(Order.currency)) == "GBP"
    assert line_of(session).currency == "GBP"
    act(client, line_of(session).id, "payment-mode", {"mode": "pay_later"}, "pl-1")
    run_jobs(client.application)
    act(client, line_of(session).id, "payment-mode", {"mode": "pay_now"}, "pn-1")
    run_jobs(client.application)
    [cart] = bigcommerce.carts.values()
    assert cart["currency"] == {"code": "GBP"}


def test_emails_and_platform_amounts_use_one_currency_table():
    for currency, platform, minor, written in [("HUF", "1234.56", 123456, "1,234.56"), ("TWD", "10.50", 1050, "10.50"),
                                               ("KWD", "1.234", 1234, "1.234"), ("JPY", "1500", 1500, "1,500")]:
        assert to_minor(platform, currency) == minor
        assert written in Translator("en").money(minor, currency)


# --- defect 8: lock order -------------------------------------------------------------------------


def test_an_order_update_locks_its_variants_in_sorted_order(client, session, bigcommerce, monkeypatch):
    install(client, bigcommerce)
    bigcommerce.add_product(77, "Trail Hoodie", 5000, [(501, "HOOD-M", 0), (502, "HOOD-L", 0)])
    bigcommerce.add_order(250, [{"variant_id": 502, "quantity": 1, "price": 5000},
                                {"variant_id": 501, "quantity": 1, "price": 5000}])
    deliver(client, bigcommerce, "store/order/created", {"type": "order", "id": 250})
    run_jobs(client.application)
    from api.domain import fulfilment

    locked, real_lock = [], fulfilment.lock_variant
    monkeypatch.setattr(fulfilment, "lock_variant",
                        lambda s, store, variant_id: locked.append(variant_id) or real_lock(s, store, variant_id))
    status_changed(client, bigcommerce, 250, 5)
    assert locked[:2] == [501, 502]
