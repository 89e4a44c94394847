"""Shopper sessions: a current-customer JWT or a guest's order link buys a short session token;
anything expired, forged or meant for someone else is refused with 401 and a clear message."""
from datetime import timedelta

from shopper_support import NOW, bc_app, customer_jwt, shop, transaction  # noqa: F401
from sqlalchemy import update

from api.domain import clock
from api.domain.stores import create_store
from api.models import Store
from api.tokens import ShopperSession, order_link_token, session_token

KEYS = ["test-secret-new", "test-secret-old"]


def post_session(client, body, store_hash="store-a"):
    return client.post(f"/api/v1/stores/{store_hash}/sessions", json=body)


def test_customer_jwt_gives_a_session_that_lists_my_orders(shop, client):
    shop.variant(1)
    shop.order(100, 1, 2)
    response = post_session(client, {"customer_jwt": customer_jwt(7)})
    assert response.status_code == 200
    body = response.get_json()
    assert body["expires_at"] == "2026-11-26T13:00:00Z"
    orders = client.get("/api/v1/me/orders", headers={"Authorization": f"Bearer {body['token']}"})
    assert orders.status_code == 200
    assert [o["order_id"] for o in orders.get_json()["items"]] == [100]


def test_session_max_age_is_configurable(shop, client, bc_app, monkeypatch):
    monkeypatch.setitem(bc_app.config, "SESSION_MAX_AGE", 600)
    body = post_session(client, {"customer_jwt": customer_jwt(7)}).get_json()
    assert body["expires_at"] == "2026-11-26T12:10:00Z"
    headers = {"Authorization": f"Bearer {body['token']}"}
    clock.freeze(NOW + timedelta(seconds=599))
    assert client.get("/api/v1/me/orders", headers=headers).status_code == 200
    clock.freeze(NOW + timedelta(seconds=601))
    expired = client.get("/api/v1/me/orders", headers=headers)
    assert expired.status_code == 401
    assert expired.get_json()["message"] == "This session has expired."


def test_bad_customer_jwts_are_refused_with_a_reason(shop, client, app):
    with transaction(app) as session:
        create_store(session, "store-b", ["https://shop-b.example"])
    cases = {
        "This customer token has expired.": customer_jwt(7, expires_in=-5),
        "This customer token's signature is not valid.": customer_jwt(7, secret="x" * 40),
        "This customer token was issued for another app.": customer_jwt(7, aud="someone-else"),
        "This customer token belongs to another store.": customer_jwt(7, "store-b"),
        "This is not a current-customer token.": customer_jwt(7, operation="something_else"),
        "This customer token is not valid.": "not.a.jwt",
    }
    for message, token in cases.items():
        response = post_session(client, {"customer_jwt": token})
        assert response.status_code == 401, message
        body = response.get_json()
        assert body["message"] == message
        assert body["code"] == 401 and body["status"] == "Unauthorized"
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_jwt_signed_with_none_algorithm_is_refused(shop, client):
    import jwt

    token = jwt.encode({"customer": {"id": 7}, "aud": "app-client-id", "store_hash": "store-a",
                        "operation": "current_customer", "exp": 4102444800}, None, algorithm="none")
    assert post_session(client, {"customer_jwt": token}).status_code == 401


def test_customer_sign_in_needs_the_app_credentials(app, client, store_and_key):
    response = post_session(client, {"customer_jwt": customer_jwt(7)})
    assert response.status_code == 401
    assert response.get_json()["message"] == "Customer sign-in is not configured for this app."


def test_unknown_store_and_bad_bodies(shop, client):
    assert post_session(client, {"customer_jwt": customer_jwt(7, "nope")}, "nope").status_code == 404
    both = post_session(client, {"customer_jwt": "a", "order_link": "b"})
    assert both.status_code == 422 and "customer_jwt" in both.get_json()["errors"]["json"]
    assert post_session(client, {}).status_code == 422


def test_guest_order_link_gives_a_session_for_that_order_only(shop, client):
    shop.variant(1)
    shop.order(100, 1, 1, customer_id=None, email="guest@example.com")
    shop.order(101, 1, 1, customer_id=None, email="guest@example.com")
    link = order_link_token(KEYS, "store-a", 100, "Guest@Example.com")
    response = post_session(client, {"order_link": link})
    assert response.status_code == 200
    headers = {"Authorization": f"Bearer {response.get_json()['token']}"}
    assert [o["order_id"] for o in client.get("/api/v1/me/orders", headers=headers).get_json()["items"]] == [100]
    assert client.get("/api/v1/me/orders/100", headers=headers).status_code == 200
    assert client.get("/api/v1/me/orders/101", headers=headers).status_code == 404


def test_order_links_expire_after_30_days_and_are_tied_to_store_and_email(shop, client, app):
    with transaction(app) as session:
        create_store(session, "store-b", ["https://shop-b.example"])
    shop.variant(1)
    shop.order(100, 1, 1, customer_id=None, email="guest@example.com")
    link = order_link_token(KEYS, "store-a", 100, "guest@example.com")
    clock.freeze(NOW + timedelta(days=30, seconds=1))
    expired = post_session(client, {"order_link": link})
    assert (expired.status_code, expired.get_json()["message"]) == (401, "This order link has expired.")
    clock.freeze(NOW + timedelta(days=29))
    assert post_session(client, {"order_link": link}).status_code == 200
    wrong_store = post_session(client, {"order_link": link}, "store-b")
    assert wrong_store.get_json()["message"] == "This order link belongs to another store."
    other_email = post_session(client, {"order_link": order_link_token(KEYS, "store-a", 100, "eve@example.com")})
    assert other_email.get_json()["message"] == "This order link no longer matches an order."
    forged = post_session(client, {"order_link": link[:-3] + "abc"})
    assert forged.get_json()["message"] == "This order link is not valid."
    signed_elsewhere = order_link_token(["another-key"], "store-a", 100, "guest@example.com")
    assert post_session(client, {"order_link": signed_elsewhere}).status_code == 401


def test_key_rotation_old_key_still_verifies_new_key_signs(shop, client, bc_app, monkeypatch):
    shop.variant(1)
    shop.order(100, 1, 1)
    old_token, _ = session_token(["test-secret-old"], ShopperSession(store="store-a", customer_id=7), 3600)
    headers = {"Authorization": f"Bearer {old_token}"}
    assert client.get("/api/v1/me/orders", headers=headers).status_code == 200
    monkeypatch.setitem(bc_app.config, "SECRET_KEYS", ["test-secret-newest"])
    retired = client.get("/api/v1/me/orders", headers=headers)
    assert (retired.status_code, retired.get_json()["message"]) == (401, "This session is not valid.")


def test_a_token_for_another_purpose_is_not_a_session(shop, client):
    shop.variant(1)
    shop.order(100, 1, 1)
    link = order_link_token(KEYS, "store-a", 100, "ada@example.com")
    response = client.get("/api/v1/me/orders", headers={"Authorization": f"Bearer {link}"})
    assert response.status_code == 401


def test_session_tokens_are_accepted_only_in_the_authorization_header(shop, client):
    headers = shop.session(7)
    token = headers["Authorization"].split()[1]
    response = client.get(f"/api/v1/me/orders?token={token}")
    assert response.status_code == 401
    assert response.get_json()["message"] == "Session tokens are accepted only in the Authorization header."
    assert client.get("/api/v1/me/orders").get_json()["message"].startswith("A session is required")
    assert client.get("/api/v1/me/orders", headers={"Authorization": "Basic abc"}).status_code == 401


def test_a_session_of_a_deactivated_store_is_refused(shop, client, app):
    headers = shop.session(7)
    with transaction(app) as session:
        session.execute(update(Store).values(active=False))
    response = client.get("/api/v1/me/orders", headers=headers)
    assert response.status_code == 401
    assert response.get_json()["message"] == "This session's store is no longer active."


def test_a_customer_id_that_is_not_a_positive_integer_is_401(shop, client):
    for customer_id in (True, False, "7", 7.0, 0, -1, 2**53, None):
        response = post_session(client, {"customer_jwt": customer_jwt(customer_id)})
        assert response.status_code == 401, customer_id
        assert response.get_json()["code"] == 401
