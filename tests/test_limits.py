"""Issue 12, defects 2 and 3: dates are bounded where they enter and date arithmetic cannot
overflow; the stock on hand is bounded alike in the schema, the column and the arithmetic."""
from datetime import date

import pytest
from shopper_support import bc_app, shop, transaction  # noqa: F401
from sqlalchemy import update

from api.domain.backorders import MAX_ON_HAND
from api.models import InboundShipment, Variant


def inbound(client, admin, expected_on, variant_id=1):
    return client.post(f"/api/v1/admin/variants/{variant_id}/inbound",
                       json={"quantity": 2, "expected_on": expected_on}, headers=admin)


def test_inbound_dates_are_at_most_ten_years_ahead(shop, client):
    shop.variant(1)
    assert inbound(client, shop.admin, "2036-11-26").status_code == 201  # today (2026-11-26) + 10 years
    for far in ("2036-11-28", "9999-12-31", "1999-12-31"):
        response = inbound(client, shop.admin, far)
        assert response.status_code == 422, far
        assert "expected_on" in response.get_json()["errors"]["json"]
    first = client.get("/api/v1/admin/variants/1/inbound", headers=shop.admin).get_json()["items"][0]
    patched = client.patch(f"/api/v1/admin/variants/1/inbound/{first['id']}", json={"expected_on": "9999-12-31"},
                           headers=shop.admin)
    assert patched.status_code == 422


def test_orders_placed_outside_the_bounds_are_422(shop, client):
    shop.variant(1)
    body = {"order_id": 5, "currency": "USD", "customer": {"email": "a@example.com"},
            "lines": [{"variant_id": 1, "quantity": 1, "unit_price": 100}]}
    for placed_at in ("9999-12-31T23:59:59+00:00", "0001-01-01T00:00:00-14:00", "1970-01-01T00:00:00Z"):
        response = client.post("/api/v1/admin/orders", json={**body, "placed_at": placed_at}, headers=shop.admin)
        assert response.status_code == 422, placed_at


def test_a_far_inbound_stored_before_the_bound_breaks_nothing(shop, client, app):
    """The issue's reproduction, with the date written past the API as older data would be."""
    shop.settings(handling_days=0)
    shop.variant(1)
    assert inbound(client, shop.admin, "2026-12-10").status_code == 201
    with transaction(app) as session:
        session.execute(update(InboundShipment).values(expected_on=date.max))
    shop.settings(handling_days=5)
    line_id = shop.order(100, 1, 1)
    me = shop.session(7)
    assert shop.line(me, 100, line_id)["eta"]["date"] == "9999-12-31"
    availability = client.get("/api/v1/stores/store-a/availability?variant_ids=1")
    assert availability.status_code == 200
    assert availability.get_json()["items"][0]["eta"]["date"] == "9999-12-31"
    shop.receive(1, 1)


def test_stock_on_hand_grows_past_32_bits_and_stops_with_422_at_its_bound(shop, client, app):
    shop.variant(1, on_hand=10_000_000)
    with transaction(app) as session:  # as if after 214 receipts of 10,000,000
        session.execute(update(Variant).values(on_hand=2**31 - 5))
    received = shop.receive(1, 10_000_000)
    assert received["on_hand"] == 2**31 - 5 + 10_000_000
    variant = client.get("/api/v1/admin/variants", headers=shop.admin).get_json()["items"][0]
    assert variant["on_hand"] == received["on_hand"]

    with transaction(app) as session:
        session.execute(update(Variant).values(on_hand=MAX_ON_HAND - 5))
    refused = client.post("/api/v1/admin/variants/1/receipts", json={"quantity": 6},
                          headers={**shop.admin, "Idempotency-Key": "past-the-bound"})
    assert refused.status_code == 422 and "quantity" in refused.get_json()["errors"]["json"]
    assert shop.receive(1, 5)["on_hand"] == MAX_ON_HAND


@pytest.mark.parametrize("schema, field", [("VariantOut", "on_hand"), ("ReceiptOut", "on_hand"),
                                           ("QueueVariant", "on_hand"), ("AvailabilityItem", "available_on_hand")])
def test_responses_declare_the_bound_the_stock_keeps(client, schema, field):
    components = client.get("/api/openapi.json").get_json()["components"]["schemas"]
    assert components[schema]["properties"][field]["maximum"] == MAX_ON_HAND
    assert components["VariantIn"]["properties"]["on_hand"]["maximum"] == 10_000_000  # one PUT sets at most
