"""The cart a pay-later shopper pays through, against a fake BigCommerce whose checkout charges
shipping unless a free-shipping coupon is on the checkout: the shopper paid shipping with the
original order, so the cart's checkout carries a single-use free-shipping coupon, made once
however often the cart is attempted. A cart whose answer is lost is left unused and harmless; one
made by an attempt that failed later is deleted."""
from datetime import timedelta

from fake_bigcommerce import (  # noqa: F401
    bigcommerce, deliver, fake_bigcommerce, run_jobs, session,
)
from sqlalchemy import select
from test_bigcommerce_orders import NOW, installed_store_with_backorder, shopper_headers

from api.domain import clock
from api.models import OutboxMessage, PaymentRequestRecord, TimelineEvent

CARTS = r"/v3/carts$"


def stock_arrives_for_a_pay_later_line(client, session, fake):
    """Order 250 for one hoodie ($50 + tax), none in stock; the shopper moves it to pay later (its
    refund is made), then one unit arrives: a payment request is owed, its cart not made yet."""
    installed_store_with_backorder(client, fake, available=0, quantity=1)
    order = client.get("/api/v1/me/orders/250", headers=shopper_headers(client)).get_json()
    line_id = order["lines"][0]["id"]
    response = client.post(f"/api/v1/me/orders/250/lines/{line_id}/payment-mode", json={"mode": "pay_later"},
                           headers={**shopper_headers(client), "Idempotency-Key": "pl-1"})
    assert response.status_code == 200, response.get_json()
    run_jobs(client.application)  # the pay-later refund is made
    fake.available[501] += 1
    deliver(client, fake, "store/sku/inventory/updated", {"type": "sku", "id": 1, "inventory": {
        "product_id": 77, "method": "relative", "value": 1, "variant_id": 501}})
    return line_id


def payment_request(session) -> PaymentRequestRecord:
    session.rollback()
    return session.scalar(select(PaymentRequestRecord))


def pay_links_sent(session) -> list[str]:
    session.rollback()
    return [m.payload["payment_url"] for m in session.scalars(
        select(OutboxMessage).where(OutboxMessage.event == "payment_requested"))]


def test_the_pay_later_checkout_charges_no_shipping_again_and_tax_once(client, session, bigcommerce):
    bigcommerce.tax_rate = 0.08  # the shopper paid $54.00 for the $50.00 hoodie, and shipping
    stock_arrives_for_a_pay_later_line(client, session, bigcommerce)
    run_jobs(client.application)
    run_jobs(client.application)

    payment = payment_request(session)
    [cart] = bigcommerce.carts.values()
    [coupon] = bigcommerce.coupons
    assert (payment.amount, payment.reference) == (5400, cart["id"])
    assert (coupon["code"], coupon["type"], coupon["max_uses"]) == (payment.coupon_code, "free_shipping", 1)
    # for the line's product only: the code the shopper sees at checkout buys nothing elsewhere
    assert coupon["applies_to"] == {"entity": "products", "ids": [cart["line_items"]["physical_items"][0]["product_id"]]}
    assert bigcommerce.checkout_coupons[cart["id"]] == [coupon["code"]]
    assert cart["line_items"]["physical_items"][0]["list_price"] == 50.0  # without tax

    paying = bigcommerce.checkout(cart["id"], 251, shipping=995)

    assert paying["shipping_cost_inc_tax"] == "0.0000"
    [item] = bigcommerce.order_products[251]
    assert (item["price_ex_tax"], item["total_tax"], item["total_inc_tax"]) == ("50.0000", "4.0000", "54.0000")
    assert paying["total_inc_tax"] == "54.0000"  # what was asked, once: no shipping, tax once
    assert coupon["num_uses"] == 1
    deliver(client, bigcommerce, "store/order/created", {"type": "order", "id": 251})
    run_jobs(client.application)
    assert (payment_request(session).status, payment_request(session).paid_order_id) == ("paid", 251)


def test_a_cart_attempt_that_fails_after_the_coupon_makes_no_second_coupon_and_leaves_no_cart(
        client, session, bigcommerce):
    stock_arrives_for_a_pay_later_line(client, session, bigcommerce)
    bigcommerce.lose_answer("POST", r"/v2/coupons$")  # made, the answer lost
    bigcommerce.fail("POST", r"/redirect_urls$", 503)

    run_jobs(client.application)
    run_jobs(client.application)
    first = payment_request(session)
    assert (first.reference, bigcommerce.carts) == ("", {})  # the cart made is deleted again
    [deleted] = bigcommerce.calls_to("DELETE", CARTS.replace("$", r"/[\w-]+$"))
    clock.freeze(first.next_attempt_at)
    run_jobs(client.application)

    payment = payment_request(session)
    [cart] = bigcommerce.carts.values()
    assert payment.reference == cart["id"] != deleted["path"].rsplit("/", 1)[1]
    assert len(bigcommerce.coupons) == 1 and len(bigcommerce.calls_to("POST", r"/v2/coupons$")) == 1
    assert bigcommerce.checkout_coupons[cart["id"]] == [payment.coupon_code]
    assert pay_links_sent(session) == [payment.url]


def test_a_cart_whose_answer_is_lost_is_made_again_and_only_the_new_one_is_handed_out_and_paid(
        client, session, bigcommerce):
    line_id = stock_arrives_for_a_pay_later_line(client, session, bigcommerce)
    bigcommerce.lose_answer("POST", CARTS)  # BigCommerce made the cart; we never learn its id

    run_jobs(client.application)
    run_jobs(client.application)
    first = payment_request(session)
    assert first.reference == "" and "504" in first.last_error
    [orphan] = bigcommerce.carts.values()
    clock.freeze(first.next_attempt_at)
    run_jobs(client.application)

    payment = payment_request(session)
    assert len(bigcommerce.carts) == 2 and payment.reference not in ("", orphan["id"])
    # The orphan: no link asked for or sent, no coupon, so nobody can reach or pay through it.
    assert bigcommerce.calls_to("POST", rf"/v3/carts/{orphan['id']}/redirect_urls$") == []
    assert orphan["id"] not in bigcommerce.checkout_coupons
    assert pay_links_sent(session) == [payment.url] and orphan["id"] not in payment.url
    session.rollback()
    requested = session.scalars(select(TimelineEvent).where(
        TimelineEvent.line_pk == line_id, TimelineEvent.kind == "payment_requested")).all()
    assert [e.data["payment_url"] for e in requested] == [payment.url]

    bigcommerce.checkout(payment.reference, 251, shipping=995)
    deliver(client, bigcommerce, "store/order/created", {"type": "order", "id": 251})
    run_jobs(client.application)
    paid = payment_request(session)
    assert (paid.status, paid.paid_order_id) == ("paid", 251)
    assert bigcommerce.orders[251]["shipping_cost_inc_tax"] == "0.0000"
    assert len(bigcommerce.refunds.get(251, [])) == 0
    clock.freeze(NOW + timedelta(days=40))  # long after: nothing more is asked of the shopper
    run_jobs(client.application)
    assert pay_links_sent(session) == [payment.url]
