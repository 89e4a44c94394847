"""Restock alerts: subscribe by email or phone (validated), once per person and variant; when
stock goes on hand after the queue is served, one `restock` message per subscriber; a signed link
unsubscribes."""
from shopper_support import bc_app, shop, transaction  # noqa: F401
from sqlalchemy import func, select

from api.models import OutboxMessage, RestockSubscription
from api.tokens import unsubscribe_token

URL = "/api/v1/stores/store-a/restock-subscriptions"


def restock_messages(app):
    with transaction(app) as session:
        return [m.payload for m in session.scalars(
            select(OutboxMessage).where(OutboxMessage.event == "restock").order_by(OutboxMessage.id))]


def subscriptions(app):
    with transaction(app) as session:
        return [(s.contact, s.status) for s in session.scalars(select(RestockSubscription).order_by(RestockSubscription.id))]


def test_subscribe_by_email_then_again_is_200_without_a_second_row(shop, client, app):
    shop.variant(1, backorders_enabled=False)
    first = client.post(URL, json={"variant_id": 1, "email": "Ada@Example.com", "locale": "en-GB"})
    assert first.status_code == 201
    assert first.get_json() == {"variant_id": 1, "status": "active", "channel": "email"}
    again = client.post(URL, json={"variant_id": 1, "email": "ada@example.com"})
    assert again.status_code == 200
    assert subscriptions(app) == [("ada@example.com", "active")]


def test_phone_numbers_are_stored_in_e164(shop, client, app):
    shop.variant(1)
    response = client.post(URL, json={"variant_id": 1, "phone": "+44 20 7946 0958"})
    assert response.status_code == 201 and response.get_json()["channel"] == "sms"
    assert client.post(URL, json={"variant_id": 1, "phone": "+442079460958"}).status_code == 200
    assert subscriptions(app) == [("+442079460958", "active")]


def test_invalid_contacts_are_422_with_field_errors(shop, client):
    shop.variant(1)
    cases = [
        ({"variant_id": 1, "email": "not-an-email"}, "email"),
        ({"variant_id": 1, "phone": "12345"}, "phone"),
        ({"variant_id": 1, "phone": "+1 555"}, "phone"),
        ({"variant_id": 1}, "email"),
        ({"variant_id": 1, "email": "a@example.com", "phone": "+14155550123"}, "email"),
        ({"variant_id": 1, "email": "a@example.com", "locale": "english"}, "locale"),
        ({"email": "a@example.com"}, "variant_id"),
    ]
    for body, field in cases:
        response = client.post(URL, json=body)
        assert response.status_code == 422, body
        assert field in response.get_json()["errors"]["json"], body
    assert client.post(URL, json={"variant_id": 999, "email": "a@example.com"}).status_code == 404
    assert client.post("/api/v1/stores/nope/restock-subscriptions",
                       json={"variant_id": 1, "email": "a@example.com"}).status_code == 404


def test_stock_left_after_the_queue_alerts_each_subscriber_once(shop, client, app):
    shop.variant(1)
    shop.order(100, 1, 2)
    client.post(URL, json={"variant_id": 1, "email": "ada@example.com"})
    client.post(URL, json={"variant_id": 1, "phone": "+14155550123", "locale": "fr"})
    shop.receive(1, 2)  # all of it goes to the waiting order: nothing on hand yet
    assert restock_messages(app) == []
    shop.receive(1, 3)
    messages = restock_messages(app)
    assert [(m["email"], m["phone"], m["locale"]) for m in messages] == [
        ("ada@example.com", "", "en"), ("", "+14155550123", "fr")]
    assert messages[0]["variant_id"] == 1 and messages[0]["store_hash"] == "store-a"
    assert {status for _, status in subscriptions(app)} == {"notified"}
    shop.receive(1, 1)
    assert len(restock_messages(app)) == 2
    # subscribing again after the alert renews the subscription
    assert client.post(URL, json={"variant_id": 1, "email": "ada@example.com"}).status_code == 201


def test_unsubscribe_link_stops_alerts(shop, client, app):
    shop.variant(1, name="Red mug")
    client.post(URL, json={"variant_id": 1, "email": "ada@example.com"})
    with transaction(app) as session:
        subscription_id = session.scalar(select(RestockSubscription.id))
    token = unsubscribe_token(["test-secret-new"], "store-a", subscription_id)
    response = client.get(f"/api/v1/unsubscribe/{token}")
    assert response.status_code == 200
    assert response.get_json() == {"status": "unsubscribed", "variant_id": 1}
    html = client.get(f"/api/v1/unsubscribe/{token}", headers={"Accept": "text/html"})
    assert html.mimetype == "text/html" and "Red mug" in html.get_data(as_text=True)
    shop.receive(1, 1)
    assert restock_messages(app) == []
    assert client.get("/api/v1/unsubscribe/forged").status_code == 404
    other_purpose = unsubscribe_token(["someone-else"], "store-a", subscription_id)
    assert client.get(f"/api/v1/unsubscribe/{other_purpose}").status_code == 404
    with transaction(app) as session:
        assert session.scalar(select(func.count()).select_from(RestockSubscription)) == 1
