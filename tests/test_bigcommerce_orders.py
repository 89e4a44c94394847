"""Webhooks from a (fake) BigCommerce store, processed by the job runner, through to money moving
back through BigCommerce when a shopper acts."""
from datetime import UTC, datetime, timedelta

import jwt

from fake_bigcommerce import (  # noqa: F401
    CLIENT_ID, CLIENT_SECRET, bigcommerce, deliver, fake_bigcommerce, install, run_jobs, session,
)
from sqlalchemy import func, select

from api.domain import clock
from api.models import BigCommerceWebhook, Line, OutboxMessage, PaymentRequestRecord, Refund, Store, Variant

STORE = "abc123"
NOW = datetime(2026, 11, 26, 12, 0)  # the suite's frozen clock (tests/conftest.py)


def shopper_headers(client, customer_id=7):
    now = int(NOW.replace(tzinfo=UTC).timestamp())
    customer_jwt = jwt.encode({
        "customer": {"id": customer_id, "email": "ada@example.com", "group_id": "0"}, "iss": "bc/apps",
        "aud": CLIENT_ID, "store_hash": STORE, "operation": "current_customer", "iat": now, "exp": now + 900,
    }, CLIENT_SECRET, algorithm="HS256")
    response = client.post(f"/api/v1/stores/{STORE}/sessions", json={"customer_jwt": customer_jwt})
    assert response.status_code == 200, response.get_json()
    return {"Authorization": f"Bearer {response.get_json()['token']}"}


def installed_store_with_backorder(client, fake, *, available=1, quantity=3):
    """A hoodie with `available` in stock, and order 250 for `quantity` of it, delivered and processed."""
    install(client, fake)
    fake.add_product(77, "Trail Hoodie", 5000, [(501, "HOOD-M", available), (502, "HOOD-L", 10)])
    fake.add_order(250, [{"variant_id": 501, "quantity": quantity, "price": 5000}])
    assert deliver(client, fake, "store/order/created", {"type": "order", "id": 250}).status_code == 200
    counts = run_jobs(client.application)
    assert counts["bigcommerce_webhooks"] == 1, counts


def test_order_webhook_backordered_line_then_shopper_cancel_refunds_through_bigcommerce(client, session, bigcommerce):
    installed_store_with_backorder(client, bigcommerce, available=1, quantity=3)
    line = session.scalar(select(Line))
    assert (line.quantity, line.quantity_allocated, line.quantity_backordered, line.state) == (3, 1, 2, "waiting")
    product_line_id = bigcommerce.order_products[250][0]["id"]
    assert line.external_id == product_line_id and line.unit_price == 5000
    variant = session.scalar(select(Variant).where(Variant.variant_id == 501))
    assert (variant.name, variant.sku, variant.price, variant.backorders_enabled) == ("Trail Hoodie – M", "HOOD-M", 5000, True)
    line_id = line.id
    session.rollback()  # end the read, to see what happens next

    headers = {**shopper_headers(client), "Idempotency-Key": "cancel-1"}
    response = client.post(f"/api/v1/me/orders/250/lines/{line_id}/cancel", json={"quantity": 2}, headers=headers)

    assert response.status_code == 200, response.get_json()
    assert response.get_json()["refund"]["status"] == "pending"
    assert bigcommerce.calls_to("POST", r"/payment_actions/") == []  # never inside the request
    run_jobs(client.application)
    assert session.scalar(select(Refund.status)) == "confirmed"
    [quote] = bigcommerce.calls_to("POST", r"/v3/orders/250/payment_actions/refund_quotes$")
    [refund] = bigcommerce.calls_to("POST", r"/v3/orders/250/payment_actions/refunds$")
    assert refund["json"]["items"][0] | {"reason": None} == {
        "item_type": "PRODUCT", "item_id": product_line_id, "quantity": 2, "reason": None}
    assert refund["json"]["items"] == quote["json"]["items"]
    assert refund["json"]["payments"] == [{"provider_id": "braintree", "amount": 100.0, "offline": False}]
    assert bigcommerce.order_products[250][0]["quantity_refunded"] == 2


def test_refund_retried_after_a_lost_answer_is_not_paid_twice(client, session, bigcommerce):
    installed_store_with_backorder(client, bigcommerce, available=0, quantity=1)
    line_id = session.scalar(select(Line.id))
    session.rollback()
    bigcommerce.fail("POST", r"/payment_actions/refunds$", 503, times=4)  # more than the client retries

    response = client.post(f"/api/v1/me/orders/250/lines/{line_id}/cancel", json={},
                           headers={**shopper_headers(client), "Idempotency-Key": "c-1"})
    assert response.get_json()["refund"]["status"] == "pending"
    assert bigcommerce.refunds.get(250) is None

    # BigCommerce actually made the refund, but the answer was lost.
    bigcommerce.failures.clear()
    client_calls = len(bigcommerce.calls)
    key = session.scalar(select(Refund.key))
    session.rollback()
    bigcommerce.refunds[250] = [{"id": 9001, "order_id": 250, "items": [
        {"item_type": "PRODUCT", "item_id": bigcommerce.order_products[250][0]["id"], "quantity": 1,
         "reason": f"Backorder Desk {key}"}], "payments": []}]
    clock.freeze(NOW + timedelta(hours=1))
    run_jobs(client.application)
    session.expire_all()
    refund = session.scalar(select(Refund))
    assert (refund.status, refund.reference) == ("confirmed", "9001")
    assert bigcommerce.calls_to("POST", r"/payment_actions/refunds$")[client_calls:] == []


def test_forged_or_missing_webhook_header_is_401_and_nothing_stored(client, session, bigcommerce):
    install(client, bigcommerce)
    for secret in ("", "forged-secret"):
        response = deliver(client, bigcommerce, "store/order/created", {"type": "order", "id": 250}, secret=secret)
        assert response.status_code == 401
    other_store = deliver(client, bigcommerce, "store/order/created", {"type": "order", "id": 250}, store_hash="zzz999")
    assert other_store.status_code == 401
    assert session.scalar(select(func.count()).select_from(BigCommerceWebhook)) == 0


def test_webhook_with_missing_fields_is_400(client, bigcommerce):
    install(client, bigcommerce)
    response = client.post("/bigcommerce/webhooks", json={"scope": "store/order/created"})
    assert response.status_code == 400
    assert {"hash", "producer", "data"} <= set(response.get_json()["errors"])


def test_duplicate_delivery_is_processed_once(client, session, bigcommerce):
    install(client, bigcommerce)
    bigcommerce.add_product(77, "Trail Hoodie", 5000, [(501, "HOOD-M", 0)])
    bigcommerce.add_order(250, [{"variant_id": 501, "quantity": 1, "price": 5000}])
    first = deliver(client, bigcommerce, "store/order/created", {"type": "order", "id": 250}, delivery_hash="h-1")
    again = deliver(client, bigcommerce, "store/order/created", {"type": "order", "id": 250}, delivery_hash="h-1")
    assert (first.get_json(), again.get_json()) == ({"status": "queued"}, {"status": "duplicate"})
    assert run_jobs(client.application)["bigcommerce_webhooks"] == 1
    assert run_jobs(client.application)["bigcommerce_webhooks"] == 0
    assert len(bigcommerce.calls_to("GET", r"/v2/orders/250$")) == 1
    assert session.scalar(select(func.count()).select_from(Line)) == 1


def test_webhook_is_answered_without_calling_bigcommerce(client, session, bigcommerce):
    install(client, bigcommerce)
    before = len(bigcommerce.calls)
    assert deliver(client, bigcommerce, "store/order/created", {"type": "order", "id": 250}).status_code == 200
    assert len(bigcommerce.calls) == before
    job = session.scalar(select(BigCommerceWebhook))
    assert (job.status, job.scope, job.payload["data"]["id"]) == ("pending", "store/order/created", 250)


def test_store_admin_shipping_then_cancelling_updates_the_lines(client, session, bigcommerce):
    installed_store_with_backorder(client, bigcommerce, available=1, quantity=3)
    bigcommerce.order_products[250][0]["quantity_shipped"] = 1
    bigcommerce.orders[250]["status_id"] = 3
    deliver(client, bigcommerce, "store/shipment/created", {"type": "shipment", "id": 12, "orderId": 250})
    deliver(client, bigcommerce, "store/order/statusUpdated",
            {"type": "order", "id": 250, "status": {"previous_status_id": 11, "new_status_id": 3}})
    run_jobs(client.application)
    line = session.scalar(select(Line))
    assert (line.quantity_shipped, line.quantity_allocated, line.state) == (1, 0, "waiting")
    session.rollback()

    bigcommerce.orders[250]["status_id"] = 5
    deliver(client, bigcommerce, "store/order/statusUpdated",
            {"type": "order", "id": 250, "status": {"previous_status_id": 3, "new_status_id": 5}})
    run_jobs(client.application)
    line = session.scalar(select(Line))
    assert (line.quantity_shipped, line.quantity_cancelled, line.state) == (1, 2, "shipped")
    events = session.scalars(select(OutboxMessage.event).order_by(OutboxMessage.id)).all()
    assert "shipped" in events and events[-1] == "cancelled"
    assert bigcommerce.calls_to("POST", r"/refunds$") == []  # the store admin already moved the money


def test_inventory_webhook_allocates_arrived_stock_to_the_queue(client, session, bigcommerce):
    installed_store_with_backorder(client, bigcommerce, available=0, quantity=2)
    assert bigcommerce.available[501] == -2  # BigCommerce deducted the backordered units
    bigcommerce.available[501] += 5  # the merchant received 5
    deliver(client, bigcommerce, "store/sku/inventory/updated",
            {"type": "sku", "id": 461, "inventory": {"product_id": 77, "method": "relative", "value": 5, "variant_id": 501}})
    run_jobs(client.application)
    line = session.scalar(select(Line))
    variant = session.scalar(select(Variant).where(Variant.variant_id == 501))
    assert (line.quantity_allocated, line.state, variant.on_hand) == (2, "allocated", 3)


def test_product_webhook_refreshes_the_catalog_mirror(client, session, bigcommerce):
    installed_store_with_backorder(client, bigcommerce)
    bigcommerce.products[77]["name"] = "Trail Hoodie v2"
    bigcommerce.variants[502]["calculated_price"] = 55.5
    deliver(client, bigcommerce, "store/product/updated", {"type": "product", "id": 77})
    run_jobs(client.application)
    names = dict(session.execute(select(Variant.variant_id, Variant.name)).all())
    assert names == {501: "Trail Hoodie v2 – M", 502: "Trail Hoodie v2 – L"}
    assert session.scalar(select(Variant.price).where(Variant.variant_id == 502)) == 5550


def test_failing_bigcommerce_leaves_the_job_to_retry(client, session, bigcommerce):
    install(client, bigcommerce)
    bigcommerce.add_product(77, "Trail Hoodie", 5000, [(501, "HOOD-M", 0)])
    bigcommerce.add_order(250, [{"variant_id": 501, "quantity": 1, "price": 5000}])
    bigcommerce.fail("GET", r"/v2/orders/250$", 500, times=4)
    deliver(client, bigcommerce, "store/order/created", {"type": "order", "id": 250})
    assert run_jobs(client.application)["bigcommerce_webhooks"] == 0
    job = session.scalar(select(BigCommerceWebhook))
    assert (job.status, job.attempts) == ("pending", 1) and "HTTP 500" in job.last_error
    retry_at = job.next_attempt_at
    assert retry_at > NOW
    session.rollback()
    clock.freeze(retry_at)
    assert run_jobs(client.application)["bigcommerce_webhooks"] == 1
    assert session.scalar(select(func.count()).select_from(Line)) == 1


def test_pay_later_asks_for_payment_with_a_cart_and_the_paying_order_marks_it_paid(client, session, bigcommerce):
    installed_store_with_backorder(client, bigcommerce, available=0, quantity=1)
    line_id = session.scalar(select(Line.id))
    session.rollback()
    headers = shopper_headers(client)
    response = client.post(f"/api/v1/me/orders/250/lines/{line_id}/payment-mode", json={"mode": "pay_later"},
                           headers={**headers, "Idempotency-Key": "pl-1"})
    assert response.status_code == 200, response.get_json()
    run_jobs(client.application)
    assert bigcommerce.calls_to("POST", r"/refunds$")[0]["json"]["items"][0]["quantity"] == 1

    bigcommerce.available[501] += 1
    deliver(client, bigcommerce, "store/sku/inventory/updated",
            {"type": "sku", "id": 1, "inventory": {"product_id": 77, "method": "relative", "value": 1, "variant_id": 501}})
    run_jobs(client.application)
    payment = session.scalar(select(PaymentRequestRecord))
    assert payment.status == "open" and payment.url.startswith("https://shop.example/cart.php?action=loadInCheckout")
    [cart] = bigcommerce.carts.values()
    assert cart["id"] == payment.reference and cart["customer_id"] == 7
    assert cart["line_items"]["physical_items"][0] | {"id": None} == {
        "id": None, "product_id": 77, "variant_id": 501, "quantity": 1, "list_price": 50.0, "sku": "HOOD-M",
        "name": "Trail Hoodie"}
    assert session.scalar(select(Line.state)) == "awaiting_payment"
    session.rollback()

    bigcommerce.add_order(251, [{"variant_id": 501, "quantity": 1, "price": 5000}], cart_id=cart["id"])
    deliver(client, bigcommerce, "store/order/created", {"type": "order", "id": 251})
    run_jobs(client.application)
    assert session.scalar(select(PaymentRequestRecord.status)) == "paid"
    assert session.scalar(select(Line.state)) == "allocated"
    assert session.scalar(select(func.count()).select_from(Line)) == 1  # the paying order is no new backorder


def test_uninstalled_webhook_deactivates_the_store(client, session, bigcommerce):
    install(client, bigcommerce)
    deliver(client, bigcommerce, "store/app/uninstalled", {"type": "store", "id": "1025646"})
    run_jobs(client.application)
    assert session.scalar(select(Store.active)) is False


def test_an_order_bigcommerce_took_past_our_backorder_limit_is_still_queued(client, session, bigcommerce):
    installed_store_with_backorder(client, bigcommerce, available=0, quantity=3)
    variant = session.scalar(select(Variant).where(Variant.variant_id == 501))
    variant.backorder_limit = 3  # the queue is full by our count
    session.commit()
    bigcommerce.add_order(251, [{"variant_id": 501, "quantity": 2, "price": 5000}])
    assert deliver(client, bigcommerce, "store/order/created", {"type": "order", "id": 251}).status_code == 200
    run_jobs(client.application)

    session.rollback()
    lines = session.scalars(select(Line).order_by(Line.id)).all()
    assert [(line.quantity, line.state) for line in lines] == [(3, "waiting"), (2, "waiting")]
    assert session.scalar(select(BigCommerceWebhook.status).order_by(BigCommerceWebhook.id.desc())) == "done"


def test_deliveries_arriving_together_are_each_stored_once_and_answered_after_commit(app, client, session, bigcommerce):
    """The intake stores concurrent deliveries together (group commit): every one is answered
    2xx, a repeated hash is a duplicate whichever copy came first, and each answer means stored."""
    from concurrent.futures import ThreadPoolExecutor

    install(client, bigcommerce)
    hashes = [f"burst-{n}" for n in range(12)] * 2  # each delivered twice, at the same time

    def post(delivery_hash):
        response = deliver(app.test_client(), bigcommerce, "store/product/inventory/updated",
                           {"type": "product", "id": 77, "inventory": {"product_id": 77, "method": "absolute",
                                                                       "value": 3}},
                           delivery_hash=delivery_hash)
        with app.extensions["database"].transaction(write=False) as reading:  # already committed
            stored = reading.scalar(select(func.count()).select_from(BigCommerceWebhook)
                                    .where(BigCommerceWebhook.hash == delivery_hash))
        return delivery_hash, response.status_code, response.get_json()["status"], stored

    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(post, hashes))
    assert {(code, stored) for _, code, _, stored in answers} == {(200, 1)}
    for delivery_hash in set(hashes):
        assert sorted(status for h, _, status, _ in answers if h == delivery_hash) == ["duplicate", "queued"]
    assert session.scalar(select(func.count()).select_from(BigCommerceWebhook)) == 12


def test_a_delivery_is_stored_after_the_database_dropped_the_intakes_connection(postgres_app):
    """The intake writes on a pooled connection in autocommit, without the pool's pre-ping: a
    connection the server has closed is found by the insert itself, replaced, and the insert
    tried again (it is safe to repeat), so the delivery is still stored."""
    from sqlalchemy import text

    from api.bigcommerce import webhooks
    from api.bigcommerce.install import WEBHOOK_SECRET_HEADER, secret_digest
    from api.domain.stores import create_store
    from api.models import BigCommerceInstallation

    database = postgres_app.extensions["database"]
    with database.transaction() as db_session:
        store, _ = create_store(db_session, "pg1", ["https://shop-pg1.example"], platform="bigcommerce")
        db_session.add(BigCommerceInstallation(store_id=store.id, access_token_encrypted="-",
                                               webhook_secret_hash=secret_digest("s3cret")))
        store_id = store.id
    database.dispose()  # so the delivery below leaves exactly one pooled connection: the intake's
    payload = {"scope": "store/order/created", "producer": "stores/pg1", "hash": "before",
               "data": {"type": "order", "id": 250}}
    response = postgres_app.test_client().post("/bigcommerce/webhooks", json=payload,
                                               headers={WEBHOOK_SECRET_HEADER: "s3cret"})
    assert response.get_json() == {"status": "queued"}
    intakes = database.read_once(lambda connection, _: connection.execute("SELECT pg_backend_pid()").fetchone()[0])
    with database.engine.connect() as connection:
        assert connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": intakes}).scalar()
    # Straight to the intake (the secret's read would otherwise meet the dropped connection first).
    assert webhooks.accept(database, store_id, {**payload, "hash": "after"}) is True
    with database.transaction(write=False) as db_session:
        assert db_session.scalars(select(BigCommerceWebhook.hash).order_by(BigCommerceWebhook.id)).all() == [
            "before", "after"]


def test_sqlite_flushes_every_commit_to_disk(tmp_path):
    """A delivery answered 2xx is never sent again, so its commit must survive a power cut, not
    only a crash of the process: WAL with synchronous=NORMAL would not."""
    from api.db import make_engine

    engine = make_engine(f"sqlite:///{tmp_path}/durable.sqlite3")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
    engine.dispose()
