"""A refund the payment provider declined, seen and retried by the merchant in the console's
Refunds page: paid once at BigCommerce, and the shopper told it is refunded."""
import time

import jwt
from playwright.sync_api import expect

from console_support import go, open_console
from e2e_support import CLIENT_ID, CLIENT_SECRET
from test_console_flows import SCOPES, order_webhook, run_jobs

STORE = "abc123"


def shopper_cancels(app, order_id: int, customer_id: int = 7):
    """The shopper, signed in on the storefront, cancels their order's only line."""
    now = int(time.time())
    customer_jwt = jwt.encode({
        "customer": {"id": customer_id, "email": "ada@example.com", "group_id": "0"}, "iss": "bc/apps",
        "aud": CLIENT_ID, "store_hash": STORE, "operation": "current_customer", "iat": now, "exp": now + 900,
    }, CLIENT_SECRET, algorithm="HS256")
    with app.test_client() as client:
        token = client.post(f"/api/v1/stores/{STORE}/sessions", json={"customer_jwt": customer_jwt}).get_json()["token"]
        headers = {"Authorization": f"Bearer {token}"}
        [line] = client.get(f"/api/v1/me/orders/{order_id}", headers=headers).get_json()["lines"]
        response = client.post(f"/api/v1/me/orders/{order_id}/lines/{line['id']}/cancel", json={},
                               headers={**headers, "Idempotency-Key": "cancel-1"})
    assert response.status_code == 200, response.get_json()


def test_the_merchant_retries_a_declined_refund_from_the_refunds_page_and_it_is_paid_once(
        page, live_demo, bigcommerce_store):
    fake, app = bigcommerce_store, live_demo.app
    with app.test_client() as client:
        installed = client.get("/bigcommerce/auth", query_string={
            "code": fake.authorize(STORE, SCOPES), "scope": SCOPES, "context": f"stores/{STORE}"})
    assert installed.status_code == 200
    fake.add_product(77, "Trail Hoodie", 5000, [(501, "HOOD-M", 0)])
    fake.add_order(250, [{"variant_id": 501, "quantity": 1, "price": 5000}])
    order_webhook(app, fake, 250, STORE)
    run_jobs(app)
    fake.decline_next_refund("Card expired")
    shopper_cancels(app, 250)
    run_jobs(app)  # the provider declines the refund: failed, the merchant emailed

    frame = open_console(page, live_demo, STORE)
    expect(frame.get_by_text("Failed refunds", exact=True)).to_be_visible()
    go(frame, "Refunds")
    expect(frame.get_by_text("refund the shopper by hand in your BigCommerce control panel", exact=False)).to_be_visible()
    row = frame.get_by_role("row").filter(has_text="#250")
    expect(row).to_contain_text("1 × Trail Hoodie")
    expect(row).to_contain_text("$50.00")
    expect(row).to_contain_text("Card expired")

    row.get_by_role("button", name="Retry the refund for order #250").click()

    expect(frame.get_by_text("The refund of $50.00 for order #250 will be asked for again")).to_be_visible()
    expect(frame.get_by_text("No failed refunds")).to_be_visible()
    run_jobs(app)
    frame.get_by_role("combobox", name="Status").click()
    frame.get_by_role("option", name="confirmed").click()
    expect(frame.get_by_role("row").filter(has_text="#250")).to_contain_text("confirmed")
    paid = [r for r in fake.refunds[250] if not any(p["is_declined"] for p in r["payments"])]
    assert len(paid) == 1 and fake.order_products[250][0]["quantity_refunded"] == 1
    assert page.errors == []
