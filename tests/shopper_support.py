"""Helpers shared by the shopper API tests: a catalog, orders, and signed-in shoppers."""
import itertools
import json
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from click.testing import CliRunner

from api.cli import main
from api.domain import clock

NOW = datetime(2026, 11, 26, 12, 0, 0)  # where conftest freezes the clock for every test
CLIENT_ID, CLIENT_SECRET = "app-client-id", "app-client-secret-0123456789abcdef"
_keys = itertools.count(1)


def customer_jwt(customer_id=7, store_hash="store-a", *, secret=CLIENT_SECRET, aud=CLIENT_ID,
                 expires_in=900, **claims):
    now = clock.utcnow().replace(tzinfo=UTC)
    payload = {
        "customer": {"id": customer_id, "email": f"c{customer_id}@example.com", "group_id": "0"},
        "iss": "bc/apps", "aud": aud, "store_hash": store_hash, "operation": "current_customer",
        "iat": int(now.timestamp()), "exp": int((now + timedelta(seconds=expires_in)).timestamp()),
        **claims,
    }
    return jwt.encode(payload, secret, algorithm="HS256")


class Shop:
    """Drives store-a through the admin API and the shopper API."""

    def __init__(self, client, admin):
        self.client, self.admin = client, admin

    def variant(self, variant_id, **fields):
        body = {"product_id": variant_id * 10, "name": f"Item {variant_id}", "sku": f"SKU-{variant_id}",
                "price": 1000, "currency": "USD", "backorders_enabled": True, **fields}
        response = self.client.put(f"/api/v1/admin/variants/{variant_id}", json=body, headers=self.admin)
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    def order(self, order_id, variant_id, quantity, *, customer_id=7, email="ada@example.com",
              unit_price=1000, placed_at=None):
        body = {"order_id": order_id, "currency": "USD",
                "customer": {"id": customer_id, "email": email, "first_name": "Ada"},
                "lines": [{"variant_id": variant_id, "quantity": quantity, "unit_price": unit_price}]}
        if placed_at:
            body["placed_at"] = placed_at
        response = self.client.post("/api/v1/admin/orders", json=body, headers=self.admin)
        assert response.status_code == 201, response.get_json()
        return response.get_json()["lines"][0]["id"]

    def receive(self, variant_id, quantity):
        response = self.client.post(f"/api/v1/admin/variants/{variant_id}/receipts", json={"quantity": quantity},
                                    headers={**self.admin, "Idempotency-Key": f"receipt-{next(_keys)}"})
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    def settings(self, **fields):
        response = self.client.patch("/api/v1/admin/settings", json=fields, headers=self.admin)
        assert response.status_code == 200, response.get_json()

    def session(self, customer_id=7, store_hash="store-a"):
        response = self.client.post(f"/api/v1/stores/{store_hash}/sessions",
                                    json={"customer_jwt": customer_jwt(customer_id, store_hash)})
        assert response.status_code == 200, response.get_json()
        return {"Authorization": f"Bearer {response.get_json()['token']}"}

    def line(self, headers, order_id, line_id):
        response = self.client.get(f"/api/v1/me/orders/{order_id}", headers=headers)
        assert response.status_code == 200, response.get_json()
        return next(line for line in response.get_json()["lines"] if line["id"] == line_id)

    def act(self, headers, order_id, line_id, action, body, key=None):
        return self.client.post(
            f"/api/v1/me/orders/{order_id}/lines/{line_id}/{action}", json=body,
            headers={**headers, "Idempotency-Key": key or f"key-{next(_keys)}"},
        )


def run_jobs_command(app) -> dict:
    """`backorder-desk jobs run` on the test app's database, with the clock as frozen."""
    result = CliRunner().invoke(main, ["jobs", "run"], env={
        "DATABASE_URL": app.config["DATABASE_URL"],
        "SECRET_KEYS": "test-secret-new,test-secret-old", "APP_URL": "http://app.test",
    })
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def transaction(app):
    """A committed unit of work outside any request (no app context is pushed, so the test
    client's requests keep their own)."""
    return app.extensions["database"].transaction()


@pytest.fixture
def bc_app(app, monkeypatch):
    monkeypatch.setitem(app.config, "BIGCOMMERCE_CLIENT_ID", CLIENT_ID)
    monkeypatch.setitem(app.config, "BIGCOMMERCE_CLIENT_SECRET", CLIENT_SECRET)
    return app


@pytest.fixture
def shop(bc_app, client, admin):
    return Shop(client, admin)
