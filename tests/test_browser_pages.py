"""The few answers meant for a person in a browser: the unsubscribe page and the local pay page.
A browser gets HTML, judged by its real Accept header; an API client gets JSON."""
import pytest
from shopper_support import bc_app, shop, transaction  # noqa: F401
from sqlalchemy import select

from api.models import RestockSubscription
from api.tokens import unsubscribe_token

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
