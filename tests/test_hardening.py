"""Hardening: CORS only for the store's registered origins, rate limits, a body size limit,
security headers, and errors that never show a stack trace."""
import tempfile

import pytest
from shopper_support import bc_app, shop  # noqa: F401

from api.domain import shopper as shopper_domain

SHOP = "https://shop-a.example"


def preflight(client, url, origin=SHOP, method="POST"):
    return client.options(url, headers={
        "Origin": origin, "Access-Control-Request-Method": method,
        "Access-Control-Request-Headers": "authorization, content-type, idempotency-key",
    })


def test_storefront_and_shopper_preflights_allow_only_registered_origins(shop, client):
    for url in ("/api/v1/stores/store-a/sessions", "/api/v1/stores/store-a/restock-subscriptions",
                "/api/v1/me/orders/1/lines/2/cancel"):
        allowed = preflight(client, url)
        assert allowed.status_code == 200, url
        assert allowed.headers["Access-Control-Allow-Origin"] == SHOP
        assert "Idempotency-Key" in allowed.headers["Access-Control-Allow-Headers"]
        assert "Authorization" in allowed.headers["Access-Control-Allow-Headers"]
        assert "POST" in allowed.headers["Access-Control-Allow-Methods"]
        assert "Access-Control-Allow-Credentials" not in allowed.headers
        for stranger in ("https://evil.example", "http://shop-a.example", "https://shop-a.example:8443",
                         "https://shop-a.example.evil.example"):
            refused = preflight(client, url, stranger)
            assert "Access-Control-Allow-Origin" not in refused.headers, (url, stranger)


def test_shopper_responses_allow_only_the_sessions_own_store_origin(shop, client, app):
    from shopper_support import transaction
    from api.domain.stores import create_store

    with transaction(app) as session:
        create_store(session, "store-b", ["https://shop-b.example"])
    me = shop.session(7)
    own = client.get("/api/v1/me/orders", headers={**me, "Origin": SHOP})
    assert own.headers["Access-Control-Allow-Origin"] == SHOP
    assert "Origin" in own.headers["Vary"]
    # store-b's origin is a registered origin, but not of this session's store
    other = client.get("/api/v1/me/orders", headers={**me, "Origin": "https://shop-b.example"})
    assert other.status_code == 200 and "Access-Control-Allow-Origin" not in other.headers


def test_sessions_are_rate_limited_with_the_error_shape(shop, client, bc_app, monkeypatch):
    monkeypatch.setitem(bc_app.config, "SESSION_RATE_LIMIT", "3 per minute")
    answers = [client.post("/api/v1/stores/store-a/sessions", json={"customer_jwt": "x"}) for _ in range(3)]
    assert [a.status_code for a in answers] == [401, 401, 401]
    assert [(a.headers["X-RateLimit-Limit"], a.headers["X-RateLimit-Remaining"]) for a in answers] == [
        ("3", "2"), ("3", "1"), ("3", "0")]
    limited = client.post("/api/v1/stores/store-a/sessions", json={"customer_jwt": "x"})
    assert limited.status_code == 429
    assert limited.get_json()["code"] == 429 and limited.get_json()["status"] == "Too Many Requests"
    assert "3 per 1 minute" in limited.get_json()["message"]
    assert 0 < int(limited.headers["Retry-After"]) <= 60
    assert limited.headers["X-RateLimit-Remaining"] == "0"


def test_availability_counts_against_no_rate_limit(shop, client, bc_app, monkeypatch):
    monkeypatch.setitem(bc_app.config, "SESSION_RATE_LIMIT", "1 per minute")
    answers = [client.get("/api/v1/stores/store-a/availability?variant_ids=1") for _ in range(5)]
    assert [a.status_code for a in answers] == [200] * 5
    assert not any("X-RateLimit-Limit" in a.headers for a in answers)
    assert client.post("/api/v1/stores/store-a/sessions", json={"customer_jwt": "x"}).status_code == 401


def test_actions_and_subscriptions_are_rate_limited(shop, client, bc_app, monkeypatch):
    monkeypatch.setitem(bc_app.config, "ACTION_RATE_LIMIT", "2 per minute")
    monkeypatch.setitem(bc_app.config, "SUBSCRIPTION_RATE_LIMIT", "1 per minute")
    shop.variant(1)
    line_id = shop.order(100, 1, 5)
    me = shop.session(7)
    codes = [shop.act(me, 100, line_id, "cancel", {"quantity": 1}).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    url = "/api/v1/stores/store-a/restock-subscriptions"
    assert client.post(url, json={"variant_id": 1, "email": "a@example.com"}).status_code == 201
    assert client.post(url, json={"variant_id": 1, "email": "b@example.com"}).status_code == 429


def test_oversized_bodies_are_413_in_the_error_shape(shop, client):
    response = client.post("/api/v1/stores/store-a/sessions", json={"customer_jwt": "x" * 70_000})
    assert response.status_code == 413
    assert response.get_json()["code"] == 413


@pytest.mark.parametrize("url", ["/api/v1/me/orders", "/api/v1/stores/store-a/availability?variant_ids=1",
                                 "/api/v1/unsubscribe/abc"])
def test_security_headers_on_json(shop, client, url):
    response = client.get(url)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_unexpected_errors_show_no_stack_trace(shop, client, monkeypatch):
    shop.variant(1)
    shop.order(100, 1, 1)

    def broken(*args, **kwargs):
        raise RuntimeError("secret internals /srv/app/api/domain/shopper.py line 42")

    monkeypatch.setattr("api.blueprints.shopper.order_detail", broken)
    monkeypatch.setitem(client.application.config, "PROPAGATE_EXCEPTIONS", False)
    response = client.get("/api/v1/me/orders/100", headers=shop.session(7))
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "Traceback" not in body and "secret internals" not in body
    assert response.get_json()["message"] == "Something went wrong on our side. Please try again."
    assert shopper_domain.order_detail is not broken


def test_cancel_switch_and_payment_mode_share_one_action_budget(shop, client, bc_app, monkeypatch):
    monkeypatch.setitem(bc_app.config, "ACTION_RATE_LIMIT", "3 per minute")
    shop.variant(1)
    line_id = shop.order(100, 1, 5)
    me = shop.session(7)
    codes = [shop.act(me, 100, line_id, "cancel", {"quantity": 1}).status_code,
             shop.act(me, 100, line_id, "switch", {"variant_id": 99}).status_code,
             shop.act(me, 100, line_id, "payment-mode", {"mode": "pay_later"}).status_code]
    assert 429 not in codes, codes
    for action, body in (("cancel", {"quantity": 1}), ("switch", {"variant_id": 99}),
                         ("payment-mode", {"mode": "pay_now"})):
        assert shop.act(me, 100, line_id, action, body).status_code == 429, action


def test_an_uncaught_error_is_a_json_500_with_a_request_id_and_a_logged_traceback(app_factory, caplog):
    with tempfile.TemporaryDirectory() as folder:
        app = app_factory(f"sqlite:///{folder}/boom.sqlite3", PROPAGATE_EXCEPTIONS=False)

        @app.get("/api/v1/boom")
        def boom():
            raise RuntimeError("secret internals")

        with caplog.at_level("ERROR"):
            response = app.test_client().get("/api/v1/boom")
        app.extensions["database"].engine.dispose()
    assert response.status_code == 500 and response.mimetype == "application/json"
    body = response.get_json()
    assert body["code"] == 500 and body["status"] == "Internal Server Error"
    assert body["request_id"] and response.headers["X-Request-Id"] == body["request_id"]
    assert "secret internals" not in response.get_data(as_text=True)
    logged = [r for r in caplog.records if body["request_id"] in r.getMessage()]
    assert logged and logged[0].exc_info and "secret internals" in str(logged[0].exc_info[1])


def test_rate_limits_can_be_turned_off(shop, client, bc_app, monkeypatch):
    monkeypatch.setitem(bc_app.config, "SESSION_RATE_LIMIT", "1 per minute")
    monkeypatch.setitem(bc_app.config, "RATELIMIT_ENABLED", False)
    answers = [client.post("/api/v1/stores/store-a/sessions", json={"customer_jwt": "x"}) for _ in range(3)]
    assert [a.status_code for a in answers] == [401, 401, 401]
