"""A refund through BigCommerce cannot be rolled back with our transaction, so no request makes
one: the request commits what is owed, and due jobs make the platform calls afterwards. A
cheaper switch is refunded only once its order edit is made; a cart BigCommerce refuses delays
only the payment request it is for."""
from datetime import timedelta

from fake_bigcommerce import bigcommerce, deliver, fake_bigcommerce, install, run_jobs, session  # noqa: F401
from sqlalchemy import select, update

from api.domain import clock
from api.models import Line, OrderEdit, Refund, Store
from test_bigcommerce_orders import NOW, installed_store_with_backorder, shopper_headers

REFUNDS = r"/v3/orders/\d+/payment_actions/refunds$"


def _post(client, headers, path, body, key):
    return client.post(path, json=body, headers={**headers, "Idempotency-Key": key})


def test_a_switch_whose_order_edit_fails_is_refunded_only_once_the_edit_is_made(client, session, bigcommerce):
    installed_store_with_backorder(client, bigcommerce, available=0, quantity=2)
    bigcommerce.variants[502].update(price=40.0, calculated_price=40.0)  # cheaper: the difference is refunded
    deliver(client, bigcommerce, "store/product/updated", {"type": "product", "id": 77})
    run_jobs(client.application)
    line_id = session.scalar(select(Line.id))
    session.rollback()
    bigcommerce.fail("PUT", r"/v2/orders/250$", 400, times=1)

    switched = _post(client, shopper_headers(client), f"/api/v1/me/orders/250/lines/{line_id}/switch",
                     {"variant_id": 502}, "switch-1")
    assert switched.status_code == 200, switched.get_json()
    assert switched.get_json()["refund"] == {"amount": 2000, "currency": "USD", "status": "pending"}

    run_jobs(client.application)  # the edit is refused: nothing is refunded
    assert bigcommerce.calls_to("POST", REFUNDS) == []
    edit = session.scalar(select(OrderEdit))
    assert (edit.status, edit.attempts) == ("pending", 1) and "HTTP 400" in edit.last_error
    assert session.scalar(select(Refund.id)) is None
    session.rollback()

    clock.freeze(NOW + timedelta(minutes=5))
    run_jobs(client.application)
    run_jobs(client.application)

    assert len(bigcommerce.calls_to("PUT", r"/v2/orders/250$")) == 2
    [refund] = bigcommerce.calls_to("POST", REFUNDS)
    assert refund["json"]["items"][0]["amount"] == 20.0
    assert session.scalar(select(OrderEdit.status)) == "done"
    assert [r.status for r in session.scalars(select(Refund))] == ["confirmed"]


def test_a_cancel_whose_freed_unit_cannot_be_offered_at_once_still_refunds_once(client, session, bigcommerce):
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
    run_jobs(client.application)
    refunds_before = len(bigcommerce.calls_to("POST", REFUNDS))
    bigcommerce.fail("POST", r"/v3/carts$", 400, times=1)  # the pay-later shopper's cart

    cancelled = _post(client, shopper_headers(client, 7), f"/api/v1/me/orders/250/lines/{held}/cancel", {}, "c-1")
    run_jobs(client.application)

    assert cancelled.status_code == 200, cancelled.get_json()
    assert len(bigcommerce.calls_to("POST", REFUNDS)) == refunds_before + 1
    assert session.scalar(select(Line.state).where(Line.id == waiting)) == "awaiting_payment"
    assert bigcommerce.carts == {}
    session.rollback()
    clock.freeze(NOW + timedelta(minutes=5))
    run_jobs(client.application)
    assert len(bigcommerce.carts) == 1
    assert len(bigcommerce.calls_to("POST", REFUNDS)) == refunds_before + 1
