"""Money paid through a BigCommerce payment cart: refunded from the order that paid it, and paid
back in full when it arrives for a request that is no longer open. Refunds BigCommerce keeps
failing to answer stop being retried and are shown as failed."""
from datetime import timedelta

from fake_bigcommerce import (  # noqa: F401
    bigcommerce, deliver, fake_bigcommerce, run_jobs, session,
)
from sqlalchemy import select
from test_bigcommerce_orders import NOW, installed_store_with_backorder, shopper_headers

from api.domain import clock
from api.domain.refunds import MAX_REFUND_ATTEMPTS
from api.models import Line, OutboxMessage, PaymentRequestRecord, Refund, TimelineEvent


def pay_later_then_pay_through_the_cart(client, session, fake, *, pay_now=False):
    """Order 250 for one hoodie, none in stock; the shopper moves it to pay later (250's item is
    refunded), then asks to pay (pay now) or stock arrives; returns the payment cart."""
    installed_store_with_backorder(client, fake, available=0, quantity=1)
    line_id = session.scalar(select(Line.id))
    session.rollback()
    headers = shopper_headers(client)
    response = client.post(f"/api/v1/me/orders/250/lines/{line_id}/payment-mode", json={"mode": "pay_later"},
                           headers={**headers, "Idempotency-Key": "pl-1"})
    assert response.status_code == 200, response.get_json()
    run_jobs(client.application)  # pay later starts once its refund is made
    if pay_now:
        response = client.post(f"/api/v1/me/orders/250/lines/{line_id}/payment-mode", json={"mode": "pay_now"},
                               headers={**headers, "Idempotency-Key": "pn-1"})
        assert response.status_code == 200, response.get_json()
    else:
        fake.available[501] += 1
        deliver(client, fake, "store/sku/inventory/updated", {"type": "sku", "id": 1, "inventory": {
            "product_id": 77, "method": "relative", "value": 1, "variant_id": 501}})
        run_jobs(client.application)
    run_jobs(client.application)  # the worker makes the cart
    [cart] = fake.carts.values()
    return line_id, headers, cart


def deliver_paying_order(client, fake, cart, order_id=251):
    fake.add_order(order_id, [{"variant_id": 501, "quantity": 1, "price": 5000}], cart_id=cart["id"])
    deliver(client, fake, "store/order/created", {"type": "order", "id": order_id})
    run_jobs(client.application)


def test_cancel_after_paying_through_a_cart_refunds_the_paying_order(client, session, bigcommerce):
    line_id, headers, cart = pay_later_then_pay_through_the_cart(client, session, bigcommerce, pay_now=True)
    deliver_paying_order(client, bigcommerce, cart)
    payment = session.scalar(select(PaymentRequestRecord))
    paying_item = bigcommerce.order_products[251][0]["id"]
    assert (payment.status, payment.paid_order_id, payment.paid_item_id) == ("paid", 251, paying_item)
    session.rollback()
    refunds_on_250 = len(bigcommerce.calls_to("POST", r"/v3/orders/250/payment_actions/refunds$"))

    response = client.post(f"/api/v1/me/orders/250/lines/{line_id}/cancel", json={},
                           headers={**headers, "Idempotency-Key": "c-1"})

    assert response.status_code == 200, response.get_json()
    assert response.get_json()["refund"] == {"amount": 5000, "currency": "USD", "status": "pending"}
    run_jobs(client.application)
    assert session.scalar(select(Refund.status).where(Refund.reason == "cancel")) == "confirmed"
    [quote] = bigcommerce.calls_to("POST", r"/v3/orders/251/payment_actions/refund_quotes$")
    [refund] = bigcommerce.calls_to("POST", r"/v3/orders/251/payment_actions/refunds$")
    assert refund["json"]["items"] == quote["json"]["items"]
    assert refund["json"]["items"][0] | {"reason": None} == {
        "item_type": "PRODUCT", "item_id": paying_item, "quantity": 1, "reason": None}
    assert refund["json"]["payments"] == [{"provider_id": "braintree", "amount": 50.0, "offline": False}]
    assert len(bigcommerce.calls_to("POST", r"/v3/orders/250/payment_actions/refunds$")) == refunds_on_250
    assert bigcommerce.order_products[251][0]["quantity_refunded"] == 1


def test_payment_arriving_after_the_hold_expired_is_refunded_in_full_once(client, session, bigcommerce):
    line_id, _, cart = pay_later_then_pay_through_the_cart(client, session, bigcommerce)
    hold_until = session.scalar(select(PaymentRequestRecord.hold_until))
    session.rollback()
    clock.freeze(hold_until + timedelta(minutes=1))
    run_jobs(client.application)
    assert session.scalar(select(PaymentRequestRecord.status)) == "expired"
    session.rollback()

    deliver_paying_order(client, bigcommerce, cart)
    deliver(client, bigcommerce, "store/order/updated", {"type": "order", "id": 251})  # a repeat
    run_jobs(client.application)

    [quote] = bigcommerce.calls_to("POST", r"/v3/orders/251/payment_actions/refund_quotes$")
    [refund] = bigcommerce.calls_to("POST", r"/v3/orders/251/payment_actions/refunds$")
    assert refund["json"]["items"] == quote["json"]["items"]
    assert refund["json"]["items"][0] | {"reason": None} == {
        "item_type": "ORDER", "item_id": 251, "amount": 50.0, "reason": None}
    assert refund["json"]["payments"] == [{"provider_id": "braintree", "amount": 50.0, "offline": False}]
    payment = session.scalar(select(PaymentRequestRecord))
    assert (payment.status, payment.paid_order_id) == ("expired", 251)
    stored = session.scalar(select(Refund).where(Refund.reason == "unwanted_payment"))
    assert (stored.status, stored.amount, stored.line_pk) == ("confirmed", 5000, line_id)
    kinds = session.scalars(select(TimelineEvent.kind).where(TimelineEvent.line_pk == line_id)).all()
    assert kinds.count("late_payment_refunded") == 1
    assert session.scalar(select(Line.state)) == "cancelled"  # paying late buys nothing


def test_unwanted_payment_refund_refused_at_first_is_retried_and_paid_once(client, session, bigcommerce):
    line_id, _, cart = pay_later_then_pay_through_the_cart(client, session, bigcommerce)
    hold_until = session.scalar(select(PaymentRequestRecord.hold_until))
    session.rollback()
    clock.freeze(hold_until + timedelta(minutes=1))
    run_jobs(client.application)
    session.rollback()
    bigcommerce.fail("POST", r"/v3/orders/251/payment_actions/refunds$", 503, times=4)

    deliver_paying_order(client, bigcommerce, cart)
    assert session.scalar(select(Refund.status).where(Refund.reason == "unwanted_payment")) == "pending"
    session.rollback()
    bigcommerce.failures.clear()
    clock.freeze(hold_until + timedelta(hours=1))
    run_jobs(client.application)
    deliver(client, bigcommerce, "store/order/updated", {"type": "order", "id": 251})
    run_jobs(client.application)

    assert len(bigcommerce.refunds[251]) == 1
    assert session.scalar(select(Refund.status).where(Refund.reason == "unwanted_payment")) == "confirmed"


def test_refund_unanswered_again_and_again_becomes_failed_and_shows_on_the_timeline(client, session, bigcommerce):
    installed_store_with_backorder(client, bigcommerce, available=0, quantity=1)
    line_id = session.scalar(select(Line.id))
    session.rollback()
    bigcommerce.fail("POST", r"/payment_actions/refund_quotes$", 503, times=1000)  # transient: asked again
    response = client.post(f"/api/v1/me/orders/250/lines/{line_id}/cancel", json={},
                           headers={**shopper_headers(client), "Idempotency-Key": "c-1"})
    assert response.get_json()["refund"]["status"] == "pending"

    moment = NOW
    for _ in range(MAX_REFUND_ATTEMPTS + 2):
        moment += timedelta(days=1)
        clock.freeze(moment)
        run_jobs(client.application)

    refund = session.scalar(select(Refund))
    assert (refund.status, refund.attempts) == ("failed", MAX_REFUND_ATTEMPTS)
    event = session.scalar(select(TimelineEvent).where(TimelineEvent.kind == "refund_abandoned"))
    assert event.line_pk == line_id and event.data["amount"] == 5000
    assert session.scalar(select(OutboxMessage.id).where(OutboxMessage.event == "refund_abandoned")) is None
