"""Prices are bounded so that any amount the app computes from them (a line's refund, a switch's
price difference, a payment request) stays a JSON-safe integer the database can store: a price
past the bound is a 422 naming the field, never a 500 later when money moves."""
from api.http.schemas import MAX_LINE_QUANTITY, MAX_SAFE_INTEGER
from shopper_support import bc_app, shop  # noqa: F401

MAX_PRICE = MAX_SAFE_INTEGER // MAX_LINE_QUANTITY


def test_the_dearest_allowed_line_can_be_cancelled_and_refunded_in_full(shop):
    shop.variant(1, on_hand=0)
    line_id = shop.order(5001, 1, MAX_LINE_QUANTITY, unit_price=MAX_PRICE)

    response = shop.act(shop.session(), 5001, line_id, "cancel", {})

    assert response.status_code == 200, response.get_json()
    assert response.get_json()["refund"]["amount"] == MAX_LINE_QUANTITY * MAX_PRICE <= MAX_SAFE_INTEGER


def test_the_dearest_allowed_switch_asks_for_its_difference(shop):
    shop.variant(1, on_hand=0, category="mugs", price=0)
    shop.variant(2, on_hand=MAX_LINE_QUANTITY, category="mugs", price=MAX_PRICE)
    line_id = shop.order(5001, 1, MAX_LINE_QUANTITY, unit_price=0)

    response = shop.act(shop.session(), 5001, line_id, "switch", {"variant_id": 2})

    assert response.status_code == 200, response.get_json()
    assert response.get_json()["payment_request"]["amount"] == MAX_LINE_QUANTITY * MAX_PRICE


def test_prices_past_the_bound_are_422_with_the_field_named(shop):
    client, admin = shop.client, shop.admin
    variant = client.put("/api/v1/admin/variants/1", headers=admin,
                         json={"product_id": 10, "price": MAX_PRICE + 1})
    assert variant.status_code == 422
    assert "price" in variant.get_json()["errors"]["json"]

    shop.variant(1, on_hand=0)
    order = client.post("/api/v1/admin/orders", headers=admin, json={
        "order_id": 5001, "currency": "USD", "customer": {"id": 7, "email": "ada@example.com"},
        "lines": [{"variant_id": 1, "quantity": 2000, "unit_price": 2**53 - 1}]})
    assert order.status_code == 422
    assert "unit_price" in order.get_json()["errors"]["json"]["lines"]["0"]
