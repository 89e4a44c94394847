"""Stores are isolated from each other (OWASP API1): the same customer id, order number or
Idempotency-Key in two stores are different things, and a merchant's key, a shopper's session or
a signed link reaches its own store only."""
from shopper_support import Shop, bc_app, shop, transaction  # noqa: F401
from sqlalchemy import select, update

from api.domain.events import notify
from api.domain.restock import subscribe
from api.domain.stores import create_store
from api.models import OutboxMessage, Store
from api.tokens import unsubscribe_token

SECRET_KEYS = ["test-secret-new"]


def _store_b(app, client) -> Shop:
    with transaction(app) as db_session:
        _, api_key = create_store(db_session, "store-b", ["https://shop-b.example"])
    return Shop(client, {"Authorization": f"Bearer {api_key}"})


def test_the_same_customer_and_order_number_in_another_store_are_someone_else(shop, bc_app, client):
    shop_b = _store_b(bc_app, client)
    for each in (shop, shop_b):
        each.variant(1, on_hand=0)
        each.variant(2, on_hand=5)
    line_a = shop.order(5001, 1, 2, customer_id=7)
    line_b = shop_b.order(5001, 1, 3, customer_id=7)
    customer_in_b = shop_b.session(7, store_hash="store-b")

    listed = client.get("/api/v1/me/orders", headers=customer_in_b).get_json()["items"]
    assert [[line["id"] for line in order["lines"]] for order in listed] == [[line_b]]
    detail = client.get("/api/v1/me/orders/5001", headers=customer_in_b).get_json()
    assert [line["id"] for line in detail["lines"]] == [line_b]
    for action, body in (("cancel", {}), ("switch", {"variant_id": 2}), ("payment-mode", {"mode": "pay_later"})):
        response = shop_b.act(customer_in_b, 5001, line_a, action, body)
        assert response.status_code == 404, (action, response.get_json())
    assert shop.line(shop.session(7), 5001, line_a)["quantity_cancelled"] == 0


def test_one_idempotency_key_in_two_stores_is_two_requests(shop, bc_app, client):
    shop_b = _store_b(bc_app, client)
    lines = {}
    for each, store_hash in ((shop, "store-a"), (shop_b, "store-b")):
        each.variant(1, on_hand=0)
        lines[store_hash] = (each, each.session(7, store_hash=store_hash), each.order(5001, 1, 2))

    for store_hash, (each, headers, line_id) in lines.items():
        response = each.act(headers, 5001, line_id, "cancel", {"quantity": 1}, key="same-key")
        assert response.status_code == 200, (store_hash, response.get_json())
        assert "Idempotent-Replayed" not in response.headers
        assert response.get_json()["line_id"] == line_id


def test_the_same_key_on_another_line_is_422_not_the_first_lines_answer(shop, client):
    shop.variant(1, on_hand=0)
    first, second = shop.order(5001, 1, 2), shop.order(5002, 1, 2)
    me = shop.session(7)
    assert shop.act(me, 5001, first, "cancel", {"quantity": 1}, key="k").status_code == 200

    reused = shop.act(me, 5002, second, "cancel", {"quantity": 1}, key="k")

    assert reused.status_code == 422
    assert shop.line(me, 5002, second)["quantity_cancelled"] == 0


def test_an_uninstalled_stores_admin_key_is_refused(shop, bc_app, client):
    assert client.get("/api/v1/admin/settings", headers=shop.admin).status_code == 200
    with transaction(bc_app) as db_session:
        db_session.execute(update(Store).where(Store.hash == "store-a").values(active=False))

    assert client.get("/api/v1/admin/settings", headers=shop.admin).status_code == 401


def test_a_merchant_cannot_retry_another_stores_message(shop, bc_app, client):
    _store_b(bc_app, client)
    with transaction(bc_app) as db_session:
        store_b = db_session.scalar(select(Store).where(Store.hash == "store-b"))
        message = notify(db_session, store_b.id, "restock", {"email": "b@example.com"})
        message.status = "failed"
        db_session.flush()
        message_id = message.id

    response = client.post(f"/api/v1/admin/outbox/{message_id}/retry", headers=shop.admin)

    assert response.status_code == 404
    with transaction(bc_app) as db_session:
        assert db_session.get(OutboxMessage, message_id).status == "failed"


def test_an_unsubscribe_link_names_its_own_store(shop, bc_app, client):
    shop_b = _store_b(bc_app, client)
    shop_b.variant(1, on_hand=0)
    with transaction(bc_app) as db_session:
        store_b = db_session.scalar(select(Store).where(Store.hash == "store-b"))
        subscription, _ = subscribe(db_session, store_b, 1, email="b@example.com")
        db_session.flush()
        subscription_id = subscription.id

    # A link signed for store-a that names store-b's subscription.
    response = client.get(f"/api/v1/unsubscribe/{unsubscribe_token(SECRET_KEYS, 'store-a', subscription_id)}")

    assert response.status_code == 404
