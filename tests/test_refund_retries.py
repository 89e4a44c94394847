"""Refunds that fail on BigCommerce: transient failures (no answer, a server or gateway error)
are asked again with backoff, a bounded number of times; a hard one (the provider declined it,
BigCommerce refused it) fails at once and the merchant is emailed at once. The merchant retries a
failed refund with POST /api/v1/admin/refunds/{id}/retry: pending again under its same key, so it
is paid once, however often it is retried."""
from datetime import timedelta

import pytest
from fake_bigcommerce import bigcommerce, deliver, fake_bigcommerce, install, run_jobs, session  # noqa: F401
from sqlalchemy import select

from api.domain import clock
from api.domain.refunds import MAX_REFUND_ATTEMPTS
from api.domain.stores import create_store, issue_api_key
from api.models import OutboxMessage, Refund, Store, TimelineEvent
from test_bigcommerce_orders import NOW, installed_store_with_backorder, shopper_headers

REFUNDS = r"/v3/orders/250/payment_actions/refunds$"


def cancelled_order(client, session, fake):
    """Order 250 for one hoodie, none in stock; the shopper cancels it: a refund is owed."""
    installed_store_with_backorder(client, fake, available=0, quantity=1)
    order = client.get("/api/v1/me/orders/250", headers=shopper_headers(client)).get_json()
    line_id = order["lines"][0]["id"]
    response = client.post(f"/api/v1/me/orders/250/lines/{line_id}/cancel", json={},
                           headers={**shopper_headers(client), "Idempotency-Key": "c-1"})
    assert response.status_code == 200, response.get_json()
    return line_id


def refund_of(session) -> Refund:
    session.rollback()
    return session.scalar(select(Refund))


def merchant_alerts(session) -> list[dict]:
    session.rollback()
    return [m.payload for m in session.scalars(select(OutboxMessage).where(OutboxMessage.event == "refund_failed"))]


def paid_refunds(fake) -> list[dict]:
    """Refunds BigCommerce holds for order 250 that moved money (a declined one moved none)."""
    return [r for r in fake.refunds.get(250, []) if not any(p["is_declined"] for p in r["payments"])]


@pytest.fixture
def merchant(client, bigcommerce):
    """Headers of the installed store's merchant (an admin API key)."""
    def headers():
        with client.application.app_context(), client.application.extensions["database"].transaction() as tx:
            return {"Authorization": f"Bearer {issue_api_key(tx, tx.scalar(select(Store).order_by(Store.id)))}"}
    return headers


def retry(client, headers, refund_id, key="r-1"):
    return client.post(f"/api/v1/admin/refunds/{refund_id}/retry", headers={**headers, "Idempotency-Key": key})


# --- the policy: transient failures retried, hard ones failed at once ---------------------------


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_a_refund_failing_transiently_is_asked_again_later_and_paid_once(client, session, bigcommerce, status):
    cancelled_order(client, session, bigcommerce)
    bigcommerce.fail("POST", REFUNDS, status, times=2)

    run_jobs(client.application)
    first = refund_of(session)
    assert (first.status, first.attempts) == ("pending", 1)
    assert first.next_attempt_at > NOW  # backoff: not asked again at once
    assert merchant_alerts(session) == []
    clock.freeze(first.next_attempt_at)
    run_jobs(client.application)
    second = refund_of(session)
    clock.freeze(second.next_attempt_at)
    run_jobs(client.application)

    refund = refund_of(session)
    assert (refund.status, refund.attempts) == ("confirmed", 3)
    assert len(paid_refunds(bigcommerce)) == 1
    assert merchant_alerts(session) == []


def test_a_refund_whose_answer_is_lost_then_found_by_its_marker_is_confirmed_without_asking_again(
        client, session, bigcommerce):
    cancelled_order(client, session, bigcommerce)
    bigcommerce.lose_answer("POST", REFUNDS)  # made, then a gateway timeout

    run_jobs(client.application)

    assert refund_of(session).status == "confirmed"  # found at once under its key
    assert len(bigcommerce.calls_to("POST", REFUNDS)) == 1 and len(paid_refunds(bigcommerce)) == 1


def test_a_refund_failing_transiently_every_time_fails_after_the_last_attempt_and_alerts_the_merchant(
        client, session, bigcommerce):
    cancelled_order(client, session, bigcommerce)
    bigcommerce.fail("POST", REFUNDS, 503, times=1000)

    moment = NOW
    for _ in range(MAX_REFUND_ATTEMPTS + 2):
        run_jobs(client.application)
        moment += timedelta(days=1)
        clock.freeze(moment)

    refund = refund_of(session)
    assert (refund.status, refund.attempts) == ("failed", MAX_REFUND_ATTEMPTS)
    assert len(bigcommerce.calls_to("POST", REFUNDS)) == MAX_REFUND_ATTEMPTS
    [alert] = merchant_alerts(session)
    assert alert["refund_id"] == refund.id and "HTTP 503" in alert["error"]


def test_a_refund_the_provider_declines_fails_at_once_and_alerts_the_merchant_at_once(client, session, bigcommerce):
    cancelled_order(client, session, bigcommerce)
    bigcommerce.decline_next_refund("Do not honor")

    run_jobs(client.application)

    refund = refund_of(session)
    assert (refund.status, refund.attempts) == ("failed", 1)
    assert "Do not honor" in refund.last_error
    [alert] = merchant_alerts(session)
    assert (alert["refund_id"], alert["amount"]) == (refund.id, 5000)
    clock.freeze(NOW + timedelta(days=2))
    run_jobs(client.application)
    assert len(bigcommerce.calls_to("POST", REFUNDS)) == 1  # not asked again by itself


@pytest.mark.parametrize("path", [r"/payment_actions/refund_quotes$", REFUNDS])
def test_a_refund_bigcommerce_refuses_fails_at_once_and_alerts_the_merchant(client, session, bigcommerce, path):
    cancelled_order(client, session, bigcommerce)
    bigcommerce.fail("POST", path, 422, times=1000)  # say, more than is left to refund

    run_jobs(client.application)

    refund = refund_of(session)
    assert (refund.status, refund.attempts) == ("failed", 1) and "HTTP 422" in refund.last_error
    assert len(merchant_alerts(session)) == 1


# --- the merchant's retry -------------------------------------------------------------------------


def test_a_declined_refund_retried_by_the_merchant_is_paid_once(client, session, bigcommerce, merchant):
    cancelled_order(client, session, bigcommerce)
    bigcommerce.decline_next_refund("Card expired")
    run_jobs(client.application)
    failed = refund_of(session)
    assert failed.status == "failed"
    assert client.get("/api/v1/admin/overview", headers=merchant()).get_json()["failed_refunds"] == 1

    response = retry(client, merchant(), failed.id)

    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["id"], body["status"], body["attempts"], body["error"]) == (failed.id, "pending", 0, "")
    run_jobs(client.application)
    refund = refund_of(session)
    assert (refund.status, refund.key) == ("confirmed", failed.key)  # the same key
    assert len(paid_refunds(bigcommerce)) == 1
    assert bigcommerce.order_products[250][0]["quantity_refunded"] == 1
    assert [r["status"] for r in client.get("/api/v1/admin/refunds", headers=merchant()).get_json()["items"]] \
        == ["confirmed"]
    assert client.get("/api/v1/admin/overview", headers=merchant()).get_json()["failed_refunds"] == 0
    kinds = session.scalars(select(TimelineEvent.kind).where(TimelineEvent.line_pk == refund.line_pk)).all()
    assert kinds.count("refund_retried") == 1 and kinds.count("refund_made") == 1


def test_a_retry_whose_refund_got_through_before_its_answer_was_lost_is_not_paid_again(
        client, session, bigcommerce, merchant):
    cancelled_order(client, session, bigcommerce)
    bigcommerce.decline_next_refund("Card expired")
    run_jobs(client.application)
    assert retry(client, merchant(), refund_of(session).id).status_code == 200
    bigcommerce.lose_answer("POST", REFUNDS)
    bigcommerce.fail("GET", REFUNDS, 503, times=4)  # and the look for it fails too: asked later

    run_jobs(client.application)
    assert refund_of(session).status == "pending"
    clock.freeze(NOW + timedelta(hours=1))
    run_jobs(client.application)

    assert refund_of(session).status == "confirmed"
    assert len(paid_refunds(bigcommerce)) == 1
    assert len(bigcommerce.calls_to("POST", REFUNDS)) == 2  # the declined one, the retry: never a third


def test_retrying_a_refund_that_is_not_failed_is_409(client, session, bigcommerce, merchant):
    cancelled_order(client, session, bigcommerce)
    pending = refund_of(session)

    assert retry(client, merchant(), pending.id).status_code == 409
    run_jobs(client.application)
    response = retry(client, merchant(), pending.id, key="r-2")

    assert response.status_code == 409
    assert "confirmed" in response.get_json()["message"]
    assert len(paid_refunds(bigcommerce)) == 1


def test_retrying_another_stores_refund_is_404_and_changes_nothing(client, session, bigcommerce):
    cancelled_order(client, session, bigcommerce)
    bigcommerce.decline_next_refund()
    run_jobs(client.application)
    with client.application.app_context(), client.application.extensions["database"].transaction() as tx:
        _, other_key = create_store(tx, "store-b", ["https://shop-b.example"])

    response = retry(client, {"Authorization": f"Bearer {other_key}"}, refund_of(session).id)

    assert response.status_code == 404
    assert refund_of(session).status == "failed"


def test_retrying_a_refund_needs_the_merchants_credentials_and_an_idempotency_key(client, session, bigcommerce,
                                                                                   merchant):
    cancelled_order(client, session, bigcommerce)
    bigcommerce.decline_next_refund()
    run_jobs(client.application)
    refund_id = refund_of(session).id

    assert client.post(f"/api/v1/admin/refunds/{refund_id}/retry", headers={"Idempotency-Key": "r-1"}
                       ).status_code == 401
    assert client.post(f"/api/v1/admin/refunds/{refund_id}/retry", headers=shopper_headers(client)
                       ).status_code == 401
    assert client.post(f"/api/v1/admin/refunds/{refund_id}/retry", headers=merchant()).status_code == 400
    assert refund_of(session).status == "failed"


def test_the_same_retry_sent_twice_is_answered_the_same_and_asks_once(client, session, bigcommerce, merchant):
    cancelled_order(client, session, bigcommerce)
    bigcommerce.decline_next_refund()
    run_jobs(client.application)
    refund_id = refund_of(session).id
    headers = merchant()

    first = retry(client, headers, refund_id, key="same")
    run_jobs(client.application)  # confirmed meanwhile
    again = retry(client, headers, refund_id, key="same")

    assert first.status_code == again.status_code == 200
    assert again.get_json() == first.get_json() and again.headers["Idempotent-Replayed"] == "true"
    assert refund_of(session).status == "confirmed"
    session.rollback()
    assert session.scalar(select(TimelineEvent.id).where(TimelineEvent.kind == "refund_retried")) is not None
    assert len(session.scalars(select(TimelineEvent.id).where(TimelineEvent.kind == "refund_retried")).all()) == 1
    assert len(paid_refunds(bigcommerce)) == 1


def test_a_pay_later_refund_whose_line_was_served_since_cannot_be_retried(client, session, bigcommerce, merchant):
    installed_store_with_backorder(client, bigcommerce, available=0, quantity=1)
    order = client.get("/api/v1/me/orders/250", headers=shopper_headers(client)).get_json()
    line_id = order["lines"][0]["id"]
    bigcommerce.decline_next_refund()
    assert client.post(f"/api/v1/me/orders/250/lines/{line_id}/payment-mode", json={"mode": "pay_later"},
                       headers={**shopper_headers(client), "Idempotency-Key": "pl-1"}).status_code == 200
    run_jobs(client.application)
    bigcommerce.available[501] += 1  # stock arrives: the line, still paid, is allocated, then shipped
    deliver(client, bigcommerce, "store/sku/inventory/updated", {"type": "sku", "id": 1, "inventory": {
        "product_id": 77, "method": "relative", "value": 1, "variant_id": 501}})
    run_jobs(client.application)
    bigcommerce.ship(250, bigcommerce.order_products[250][0]["id"], 1)
    deliver(client, bigcommerce, "store/order/statusUpdated", {"type": "order", "id": 250, "status": {
        "previous_status_id": 11, "new_status_id": 2}})
    run_jobs(client.application)

    response = retry(client, merchant(), refund_of(session).id)

    assert response.status_code == 409, response.get_json()
    assert refund_of(session).status == "failed"
    assert paid_refunds(bigcommerce) == []


def test_a_failed_refund_the_merchant_then_made_by_hand_cannot_be_retried(client, session, bigcommerce, merchant):
    cancelled_order(client, session, bigcommerce)
    bigcommerce.decline_next_refund()
    run_jobs(client.application)
    by_hand = bigcommerce.merchant_refund(250, bigcommerce.order_products[250][0]["id"], 1)
    deliver(client, bigcommerce, "store/order/refund/created",
            {"type": "order", "id": 250, "refund": {"refund_id": by_hand["id"]}})
    run_jobs(client.application)

    response = retry(client, merchant(), refund_of(session).id)

    assert response.status_code == 409, response.get_json()
    assert "refunded otherwise" in response.get_json()["message"]
    assert len(paid_refunds(bigcommerce)) == 1  # the merchant's own
