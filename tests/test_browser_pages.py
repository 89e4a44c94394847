"""The few answers meant for a person in a browser: the unsubscribe page, the local pay page and
the demo storefront's order pages. A browser gets HTML, judged by its real Accept header; an API
client gets JSON."""
from datetime import timedelta

import pytest
from shopper_support import NOW, bc_app, shop, transaction  # noqa: F401
from sqlalchemy import select

from api.domain import clock
from api.domain.backorders import OrderLineIn, ingest_order
from api.domain.catalog import save_variant
from api.domain.stores import create_store
from api.jobs import run_due_jobs
from api.models import RestockSubscription
from api.tokens import order_link_token, unsubscribe_token

CHROME = ("text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,"
          "application/signed-exchange;v=b3;q=0.7")
FIREFOX = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
SAFARI = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
API_CLIENTS = [None, "*/*", "application/json", "application/json, text/html;q=0.5"]


def subscribed(shop, client, app) -> str:
    shop.variant(1, name="Red mug", backorders_enabled=False)
    client.post("/api/v1/stores/store-a/restock-subscriptions", json={"variant_id": 1, "email": "ada@example.com"})
    with transaction(app) as session:
        subscription_id = session.scalar(select(RestockSubscription.id))
    return f"/api/v1/unsubscribe/{unsubscribe_token(['test-secret-new'], 'store-a', subscription_id)}"


@pytest.mark.parametrize("accept", [CHROME, FIREFOX, SAFARI, "text/html"], ids=["chrome", "firefox", "safari", "html"])
def test_unsubscribe_gives_a_browser_an_html_page(shop, client, app, accept):
    response = client.get(subscribed(shop, client, app), headers={"Accept": accept})
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert "Red mug" in response.get_data(as_text=True)
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert "Accept" in response.headers["Vary"]


@pytest.mark.parametrize("accept", API_CLIENTS)
def test_unsubscribe_gives_an_api_client_json(shop, client, app, accept):
    headers = {"Accept": accept} if accept else {}
    response = client.get(subscribed(shop, client, app), headers=headers)
    assert response.status_code == 200
    assert response.get_json() == {"status": "unsubscribed", "variant_id": 1}
    assert "Accept" in response.headers["Vary"]


def test_a_bad_unsubscribe_link_is_a_page_for_a_browser_and_json_for_an_api_client(shop, client):
    page = client.get("/api/v1/unsubscribe/forged", headers={"Accept": CHROME})
    assert (page.status_code, page.mimetype) == (404, "text/html")
    assert "This unsubscribe link is not valid." in page.get_data(as_text=True)
    api = client.get("/api/v1/unsubscribe/forged")
    assert api.status_code == 404 and api.get_json()["message"] == "This unsubscribe link is not valid."


# --- the local pay page ----------------------------------------------------------------------


def pay_later_held(shop, client, **settings) -> str:
    """Order 100 (customer 7): 2 × Item 1 at $12.50, set to pay later, its stock arrived."""
    shop.settings(name="Northwind Outfitters", **settings)
    shop.variant(1)
    mine = shop.order(100, 1, 2, unit_price=1250)
    me = shop.session(7)
    shop.act(me, 100, mine, "payment-mode", {"mode": "pay_later"})
    run_due_jobs(client.application.extensions["database"])  # pay later starts once its refund is made
    shop.receive(1, 2)
    return shop.line(me, 100, mine)["payment_request"]["url"].removeprefix("http://app.test")


def test_the_pay_page_names_the_store_writes_the_amount_and_links_back_to_the_order(shop, client):
    path = pay_later_held(shop, client)
    html = client.get(path, headers={"Accept": CHROME}).get_data(as_text=True)
    assert "Northwind Outfitters" in html
    assert "$25.00" in html and "USD" not in html
    assert 'href="https://shop-a.example/account.php?action=view_order&amp;order_id=100"' in html
    assert "Waiting for your payment" in html and ">open<" not in html
    client.post(path)
    paid = client.get(path).get_data(as_text=True)
    assert ">Paid<" in paid and ">paid<" not in paid


def test_a_guests_pay_page_links_back_with_their_signed_order_link(shop, client, app):
    shop.settings(name="Northwind Outfitters")
    shop.variant(1)
    guest = client.post("/api/v1/admin/orders", headers=shop.admin, json={
        "order_id": 300, "currency": "USD", "customer": {"email": "guest@example.com"},
        "lines": [{"variant_id": 1, "quantity": 1, "unit_price": 1000}]}).get_json()
    link = order_link_token(["test-secret-new"], "store-a", 300, "guest@example.com")
    token = client.post("/api/v1/stores/store-a/sessions", json={"order_link": link}).get_json()["token"]
    me = {"Authorization": f"Bearer {token}"}
    shop.act(me, 300, guest["lines"][0]["id"], "payment-mode", {"mode": "pay_later"})
    run_due_jobs(app.extensions["database"])  # pay later starts once its refund is made
    shop.receive(1, 1)
    url = shop.line(me, 300, guest["lines"][0]["id"])["payment_request"]["url"]
    html = client.get(url.removeprefix("http://app.test")).get_data(as_text=True)
    assert 'href="https://shop-a.example/?bd_order=' in html


def test_an_expired_pay_page_says_so_in_words(shop, client, app):
    path = pay_later_held(shop, client, payment_hold_days=1)
    clock.freeze(NOW + timedelta(days=2))
    run_due_jobs(app.extensions["database"])
    html = client.get(path).get_data(as_text=True)
    assert "Expired" in html and ">expired<" not in html
    refused = client.post(path, headers={"Accept": CHROME})
    assert (refused.status_code, refused.mimetype) == (409, "text/html")


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_bad_pay_link_is_an_html_page_for_a_browser(shop, client, method):
    page = getattr(client, method)("/demo/pay/not-a-real-link", headers={"Accept": CHROME})
    assert (page.status_code, page.mimetype) == (404, "text/html")
    html = page.get_data(as_text=True)
    assert "This payment link is not valid." in html and '"code"' not in html
    assert page.headers["Content-Security-Policy"].startswith("default-src 'none'")
    api = getattr(client, method)("/demo/pay/not-a-real-link", headers={"Accept": "application/json"})
    assert api.status_code == 404 and api.get_json()["message"] == "This payment link is not valid."


# --- the demo storefront's order pages -------------------------------------------------------


def test_demo_order_totals_count_neither_switched_nor_cancelled_units(shop, client, app, monkeypatch):
    monkeypatch.setitem(app.config, "DEMO_MODE", True)
    with transaction(app) as session:
        store, _ = create_store(session, "demo-store", ["http://app.test"], name="Northwind Outfitters")
        store.cancel_allocated = True
        for variant_id, price, on_hand in ((1, 4500, 0), (2, 4000, 5), (3, 2000, 0)):
            save_variant(session, store, variant_id, {"product_id": 10, "name": f"Tee {variant_id}", "sku": f"T-{variant_id}",
                                                      "price": price, "currency": "USD", "category": "tops",
                                                      "on_hand": on_hand, "backorders_enabled": True}, replace=True)
        order = ingest_order(session, store, order_id=1001, currency="USD", customer_id=1, email="ada@example.com",
                             lines=[OrderLineIn(1, 2, 4500), OrderLineIn(3, 3, 2000)])
        tee, socks = (line.id for line in order.lines)
    me = shop.session(1, "demo-store")
    assert shop.act(me, 1001, tee, "switch", {"variant_id": 2}).status_code == 200  # 2 × $45 → 2 × $40
    assert shop.act(me, 1001, socks, "cancel", {"quantity": 1}).status_code == 200  # 3 × $20 → 2 × $20
    live = 2 * 4000 + 2 * 2000
    listing = client.get("/demo/account.php?action=order_status").get_data(as_text=True)
    assert f"4 products totaling ${live / 100:,.2f}" in listing
    detail = client.get("/demo/account.php?action=view_order&order_id=1001").get_data(as_text=True)
    assert f"<dt>Order total</dt><dd>${live / 100:,.2f}</dd>" in detail
