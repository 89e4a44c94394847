"""A refund through BigCommerce cannot be rolled back with our transaction. So in every action
the refund is the last call to the platform: when an earlier call fails (the order edit of a
switch, the payment request of the pay-later line that freed units reach), nothing has been
refunded yet, and the shopper's retry refunds exactly once."""
from fake_bigcommerce import bigcommerce, deliver, fake_bigcommerce, install, run_jobs, session  # noqa: F401
from sqlalchemy import select, update

from api.models import Line, Refund, Store
from test_bigcommerce_orders import installed_store_with_backorder, shopper_headers

REFUNDS = r"/v3/orders/\d+/payment_actions/refunds$"


def _post(client, headers, path, body, key):
    return client.post(path, json=body, headers={**headers, "Idempotency-Key": key})


def test_a_switch_whose_order_edit_fails_refunds_nothing_and_its_retry_refunds_once(client, session, bigcommerce):
    installed_store_with_backorder(client, bigcommerce, available=0, quantity=2)
    bigcommerce.variants[502].update(price=40.0, calculated_price=40.0)  # cheaper: the difference is refunded
    deliver(client, bigcommerce, "store/product/updated", {"type": "product", "id": 77})
    run_jobs(client.application)
    line_id = session.scalar(select(Line.id))
    session.rollback()
    headers = shopper_headers(client)
    path = f"/api/v1/me/orders/250/lines/{line_id}/switch"
    bigcommerce.fail("PUT", r"/v2/orders/250$", 400, times=1)

    failed = _post(client, headers, path, {"variant_id": 502}, "switch-1")

    assert failed.status_code == 500
    assert bigcommerce.calls_to("POST", REFUNDS) == []
    assert session.scalar(select(Line.state).where(Line.id == line_id)) == "waiting"
    session.rollback()

    retried = _post(client, headers, path, {"variant_id": 502}, "switch-2")

    assert retried.status_code == 200, retried.get_json()
    assert retried.get_json()["refund"] == {"amount": 2000, "currency": "USD", "status": "confirmed"}
    [refund] = bigcommerce.calls_to("POST", REFUNDS)
    assert refund["json"]["items"][0]["amount"] == 20.0
    assert len(session.scalars(select(Refund)).all()) == 1


def test_a_cancel_whose_freed_unit_cannot_be_offered_to_the_next_in_line_refunds_nothing(client, session, bigcommerce):
    # Order 250 (customer 7) holds the one hoodie; order 251 (customer 8) waits for one, pay later.
    installed_store_with_backorder(client, bigcommerce, available=1, quantity=1)
    bigcommerce.add_order(251, [{"variant_id": 501, "quantity": 1, "price": 5000}], customer_id=8)
    deliver(client, bigcommerce, "store/order/created", {"type": "order", "id": 251})
    run_jobs(client.application)
    session.execute(update(Store).values(cancel_allocated=True))
    session.commit()
    held, waiting = session.scalars(select(Line.id).order_by(Line.id)).all()
    session.rollback()
    later = _post(client, shopper_headers(client, 8), f"/api/v1/me/orders/251/lines/{waiting}/payment-mode",
                  {"mode": "pay_later"}, "pay-later-1")
    assert later.status_code == 200, later.get_json()
    refunds_before = len(bigcommerce.calls_to("POST", REFUNDS))
    headers = shopper_headers(client, 7)
    path = f"/api/v1/me/orders/250/lines/{held}/cancel"
    bigcommerce.fail("POST", r"/v3/carts$", 400, times=1)  # the pay-later shopper's cart

    failed = _post(client, headers, path, {}, "cancel-1")

    assert failed.status_code == 500
    assert len(bigcommerce.calls_to("POST", REFUNDS)) == refunds_before
    session.rollback()

    retried = _post(client, headers, path, {}, "cancel-2")

    assert retried.status_code == 200, retried.get_json()
    assert retried.get_json()["refund"]["status"] == "confirmed"
    assert len(bigcommerce.calls_to("POST", REFUNDS)) == refunds_before + 1
    assert session.scalar(select(Line.state).where(Line.id == waiting)) == "awaiting_payment"
