"""Every shopper-visible event reaches the shopper once, with the right content, over a real SMTP
server on loopback (and a fake SMS endpoint), through the worker."""
import base64
import re
from datetime import datetime

import pytest
from sqlalchemy import func, select

from api.domain import clock
from api.domain.fulfilment import ship_units
from api.models import LocalCoupon, Line, OutboxMessage, Store
from api.notifications.worker import default_jobs
from mailservers import SMS_SID, SMS_TOKEN, Inbox, make_worker, sms_endpoint, smtp_inbox  # noqa: F401
from shopper_support import Shop, bc_app, shop  # noqa: F401

GUEST = "guest@example.com"


def read(app, query):
    """Look at the database without holding a write lock (SQLite) across the worker's runs."""
    with app.extensions["database"].session(write=False) as db_session:
        return db_session.scalars(query).all()


def deliver(app, inbox=None, sms=None, jobs=None):
    with app.app_context():
        make_worker(app, inbox.url if inbox else None, sms.url if sms else None, jobs=jobs).run(once=True)


def only(inbox, address, subject_part=""):
    messages = [m for m in inbox.to(address) if subject_part in m["Subject"]]
    assert len(messages) == 1, [m["Subject"] for m in inbox.to(address)]
    return messages[0]


def place(client, admin, order_id, variant_id, quantity, *, customer=None, unit_price=1000):
    body = {"order_id": order_id, "currency": "USD",
            "customer": customer or {"id": 7, "email": "ada@example.com", "first_name": "Ada"},
            "lines": [{"variant_id": variant_id, "quantity": quantity, "unit_price": unit_price}]}
    response = client.post("/api/v1/admin/orders", json=body, headers=admin)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["lines"][0]["id"]


def inbound(client, admin, variant_id, quantity, expected_on):
    response = client.post(f"/api/v1/admin/variants/{variant_id}/inbound",
                           json={"quantity": quantity, "expected_on": expected_on}, headers=admin)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def test_backorder_placed_tells_what_when_why_and_how_to_manage_with_a_signed_guest_link(app, client, shop, smtp_inbox):
    shop.variant(11, name="Merino Tee", on_hand=1, reason="Our mill is catching up.")
    inbound(client, shop.admin, 11, 5, "2026-12-10")
    place(client, shop.admin, 501, 11, 3, customer={"email": GUEST, "first_name": "Grace"}, unit_price=4500)

    deliver(app, smtp_inbox)

    message = only(smtp_inbox, GUEST)
    assert message["Subject"] == "Order #501: when your backordered items will ship"
    text = Inbox.text(message)
    assert "Hi Grace," in text
    assert "* Merino Tee (SKU SKU-11)" in text and "Quantity: 2" in text
    assert "Expected to ship: 11 December 2026" in text
    assert "rests on stock expected on 10 December 2026" in text and "plus 1 day to pack it." in text
    assert "Why: Our mill is catching up." in text
    assert "cancel waiting items for a full refund, within 30 days of ordering" in text
    assert "switch to an alternative" in text and "pay only when the item is ready" in text
    html = Inbox.html(message)
    assert "Merino Tee" in html and "11 December 2026" in html and "#1f4e79" in html
    # The guest link opens a session for this order.
    token = re.search(r"https://shop-a\.example/\?bd_order=(\S+)", text).group(1)
    opened = client.post("/api/v1/stores/store-a/sessions", json={"order_link": token})
    assert opened.status_code == 200, opened.get_json()
    # The dedupe key travels on the message.
    [key] = read(app, select(OutboxMessage.dedupe_key).where(OutboxMessage.event == "backorder_placed"))
    assert message["X-Backorder-Desk-Dedupe-Key"] == key
    assert key.replace(":", ".") in message["Message-ID"]
    assert message["From"] == "store-a <desk@shop-a.example>" or "desk@shop-a.example" in message["From"]

    deliver(app, smtp_inbox)  # once: a second run sends nothing more
    assert len(smtp_inbox.to(GUEST)) == 1


def test_signed_in_customer_gets_the_account_order_page_link(app, client, shop, smtp_inbox):
    shop.variant(11, on_hand=0, lead_time_days=14)
    place(client, shop.admin, 502, 11, 1)
    deliver(app, smtp_inbox)
    text = Inbox.text(only(smtp_inbox, "ada@example.com"))
    assert "https://shop-a.example/account.php?action=view_order&order_id=502" in text
    assert "our supplier's lead time of 14 days" in text


def test_eta_changes_later_then_earlier_say_old_and_new_date_and_why(app, client, shop, smtp_inbox):
    shop.variant(11, on_hand=0)
    inbound_id = inbound(client, shop.admin, 11, 5, "2026-12-10")
    place(client, shop.admin, 503, 11, 1)
    client.patch(f"/api/v1/admin/variants/11/inbound/{inbound_id}", json={"expected_on": "2026-12-20"}, headers=shop.admin)
    deliver(app, smtp_inbox)
    later = only(smtp_inbox, "ada@example.com", "Update:")
    assert later["Subject"] == "Update: Item 11 is now expected 22 December 2026"  # Sun 20 Dec: Mon + 1
    text = Inbox.text(later)
    assert "Previously expected: 11 December 2026" in text and "Now expected: 22 December 2026" in text
    assert "The shipment we counted on was delayed or reduced" in text

    client.patch(f"/api/v1/admin/variants/11/inbound/{inbound_id}", json={"expected_on": "2026-12-05"}, headers=shop.admin)
    deliver(app, smtp_inbox)
    earlier = only(smtp_inbox, "ada@example.com", "Good news:")
    assert earlier["Subject"] == "Good news: Item 11 is now expected 8 December 2026"  # Sat 5 Dec
    assert "Previously expected: 22 December 2026" in Inbox.text(earlier)


def test_allocated_and_shipped_each_send_one_message(app, client, shop, smtp_inbox):
    shop.variant(11, on_hand=0)
    line_id = place(client, shop.admin, 504, 11, 2)
    shop.receive(11, 2)
    deliver(app, smtp_inbox)
    allocated = only(smtp_inbox, "ada@example.com", "ready to ship")
    assert "2 × Item 11 from order #504 have arrived and are reserved for you" in Inbox.text(allocated)

    with app.app_context(), app.extensions["database"].transaction() as tx:
        store = tx.scalar(select(Store).where(Store.hash == "store-a"))
        ship_units(tx, store, tx.get(Line, line_id), 2)
    deliver(app, smtp_inbox)
    shipped = only(smtp_inbox, "ada@example.com", "on its way")
    assert "2 × Item 11 from order #504 have shipped." in Inbox.text(shipped)


def test_cancel_sends_the_refund_amount(app, client, shop, smtp_inbox):
    shop.variant(11, on_hand=0)
    line_id = place(client, shop.admin, 505, 11, 2, unit_price=2250)
    response = shop.act(shop.session(), 505, line_id, "cancel", {"quantity": 2})
    assert response.status_code == 200, response.get_json()
    deliver(app, smtp_inbox)
    message = only(smtp_inbox, "ada@example.com", "is cancelled")
    text = Inbox.text(message)
    assert "We have cancelled 2 × Item 11 from order #505." in text
    assert "We have asked for a refund of $45.00" in text
    deliver(app, smtp_inbox, jobs=default_jobs())  # the due job makes the refund
    deliver(app, smtp_inbox)
    made = only(smtp_inbox, "ada@example.com", "refund of $45.00 is made")
    assert "We have refunded $45.00 for Item 11 from order #505" in Inbox.text(made)


def test_switch_to_a_cheaper_alternative_says_so_and_refunds_the_difference(app, client, shop, smtp_inbox):
    shop.variant(12, name="Fleece Grey", on_hand=5, price=800)
    shop.variant(11, name="Fleece Red", on_hand=0, alternatives=[12])
    line_id = place(client, shop.admin, 506, 11, 1)
    response = shop.act(shop.session(), 506, line_id, "switch", {"variant_id": 12})
    assert response.status_code == 200, response.get_json()
    deliver(app, smtp_inbox)
    message = only(smtp_inbox, "ada@example.com", "You switched")
    assert message["Subject"] == "You switched to Fleece Grey"
    text = Inbox.text(message)
    assert "We replaced Fleece Red with Fleece Grey in order #506" in text
    assert "We have asked for a refund of the difference of $2.00" in text


def test_pay_later_request_reminder_and_hold_expiry(app, client, shop, smtp_inbox):
    shop.variant(11, on_hand=0)
    line_id = place(client, shop.admin, 507, 11, 1)
    assert shop.act(shop.session(), 507, line_id, "payment-mode", {"mode": "pay_later"}).status_code == 200
    shop.receive(11, 1)
    jobs = default_jobs()
    deliver(app, smtp_inbox, jobs=jobs)
    deliver(app, smtp_inbox, jobs=jobs)
    assert "We have refunded $10.00." in Inbox.text(only(smtp_inbox, "ada@example.com", "when it is ready"))
    request = only(smtp_inbox, "ada@example.com", "Pay for")
    text = Inbox.text(request)
    assert "held for you until 29 November 2026, 23:59 (UTC time). Pay $10.00" in text
    assert re.search(r"Pay now: http://app\.test/demo/pay/\S+", text)

    clock.freeze(datetime(2026, 11, 29, 0, 30))  # a day before the hold ends (end of 29 Nov)
    deliver(app, smtp_inbox, jobs=jobs)
    deliver(app, smtp_inbox, jobs=jobs)
    reminder = only(smtp_inbox, "ada@example.com", "Reminder:")
    assert " ".join(reminder["Subject"].split()) == "Reminder: Item 11 is held for you until 29 November 2026, 23:59 (UTC time)"

    clock.freeze(datetime(2026, 11, 30, 0, 1))
    deliver(app, smtp_inbox, jobs=jobs)
    expired = only(smtp_inbox, "ada@example.com", "the hold has ended")
    assert "You have not been charged for it." in Inbox.text(expired)


def test_restock_alert_is_localised_and_carries_list_unsubscribe(app, client, shop, smtp_inbox):
    shop.variant(13, name="Bonnet", on_hand=0, backorders_enabled=False)
    response = client.post("/api/v1/stores/store-a/restock-subscriptions",
                           json={"variant_id": 13, "email": "zoe@example.com", "locale": "fr"})
    assert response.status_code == 201, response.get_json()
    shop.receive(13, 3)
    deliver(app, smtp_inbox)
    message = only(smtp_inbox, "zoe@example.com")
    assert message["Subject"] == "Bonnet est de retour en stock"
    unsubscribe = re.fullmatch(r"<(http://app\.test/api/v1/unsubscribe/\S+)>", message["List-Unsubscribe"]).group(1)
    assert "Se désabonner" in Inbox.html(message)
    assert client.get(unsubscribe.removeprefix("http://app.test")).status_code == 200


def test_delay_incentive_sends_a_discount_code_once_when_the_eta_slips_past_the_threshold(app, client, shop, smtp_inbox):
    shop.settings(delay_incentive={"enabled": True, "threshold_days": 7, "kind": "discount", "percent_off": 15})
    shop.variant(11, on_hand=0)
    inbound_id = inbound(client, shop.admin, 11, 5, "2026-12-10")
    place(client, shop.admin, 508, 11, 1)
    client.patch(f"/api/v1/admin/variants/11/inbound/{inbound_id}", json={"expected_on": "2026-12-17"}, headers=shop.admin)
    jobs = default_jobs()
    deliver(app, smtp_inbox, jobs=jobs)
    assert not [m for m in smtp_inbox.to("ada@example.com") if "Sorry" in m["Subject"]]  # 7 days late: not more than 7

    client.patch(f"/api/v1/admin/variants/11/inbound/{inbound_id}", json={"expected_on": "2026-12-25"}, headers=shop.admin)
    deliver(app, smtp_inbox, jobs=jobs)
    deliver(app, smtp_inbox, jobs=jobs)
    message = only(smtp_inbox, "ada@example.com", "Sorry for the wait")
    [code] = read(app, select(LocalCoupon.code))
    text = Inbox.text(message)
    assert f"use code {code} for 15% off your next order" in text
    assert "We first expected Item 11 from order #508 by 11 December 2026; it is now 28 December 2026." in text  # Fri 25 Dec + 1 working day
    assert read(app, select(func.count()).select_from(LocalCoupon)) == [1]


def test_daily_merchant_digest_lists_new_backorders_overdue_lines_and_refunds(app, client, shop, smtp_inbox):
    shop.settings(merchant_email="owner@shop-a.example")
    shop.variant(11, on_hand=0, lead_time_days=3)
    place(client, shop.admin, 509, 11, 2)
    line_id = place(client, shop.admin, 510, 11, 1)
    assert shop.act(shop.session(), 510, line_id, "cancel", {}).status_code == 200
    jobs = default_jobs()
    deliver(app, smtp_inbox, jobs=jobs)
    digest = only(smtp_inbox, "owner@shop-a.example")
    assert digest["Subject"] == "Backorder digest for store-a, 26 November 2026"
    text = Inbox.text(digest)
    assert "New backorders (2)" in text and "Order #509: 2 × Item 11 (SKU-11), expected 1 December 2026" in text  # Sun 29 Nov: Mon + 1
    assert "Refunds (1)" in text and "Order #510: $10.00 (confirmed)" in text
    assert "Overdue against their ETA (0)" in text

    clock.freeze(datetime(2026, 12, 2, 12, 0))  # six days on, order 509 is overdue
    deliver(app, smtp_inbox, jobs=jobs)
    deliver(app, smtp_inbox, jobs=jobs)
    digests = smtp_inbox.to("owner@shop-a.example")
    assert len(digests) == 2
    assert "Order #509: 2 × Item 11 (SKU-11), was due 1 December 2026" in Inbox.text(digests[1])


def test_sms_goes_to_the_provider_and_waits_for_the_end_of_quiet_hours(app, client, shop, smtp_inbox, sms_endpoint):
    shop.settings(notification_channels=["email", "sms"],
                  sms_quiet_hours={"start": 21, "end": 8, "timezone": "Europe/Berlin"})
    shop.variant(11, name="Trail Runner", on_hand=0, lead_time_days=14)
    customer = {"id": 7, "email": "ada@example.com", "first_name": "Ada", "phone": "+4915112345678", "locale": "de"}
    place(client, shop.admin, 511, 11, 1, customer=customer)
    deliver(app, smtp_inbox, sms_endpoint)  # 13:00 in Berlin
    [body] = sms_endpoint.bodies_to("+4915112345678")
    assert body.startswith("store-a: Bestellung #511 enthält nachbestellte Artikel. Trail Runner: 11. Dezember 2026.")
    request = sms_endpoint.requests[0]
    assert request["path"] == f"/2010-04-01/Accounts/{SMS_SID}/Messages.json"
    assert request["headers"]["Authorization"] == "Basic " + base64.b64encode(f"{SMS_SID}:{SMS_TOKEN}".encode()).decode()
    assert request["form"]["From"] == "+15550001111"
    assert [request["headers"]["Idempotency-Key"]] == read(app, select(OutboxMessage.dedupe_key))
    assert len(smtp_inbox.to("ada@example.com")) == 1  # and the email too

    clock.freeze(datetime(2026, 11, 26, 22, 0))  # 23:00 in Berlin: quiet
    place(client, shop.admin, 512, 11, 1, customer=customer)
    deliver(app, smtp_inbox, sms_endpoint)
    assert len(smtp_inbox.to("ada@example.com")) == 2  # email is not held back
    assert len(sms_endpoint.bodies_to("+4915112345678")) == 1
    [waiting] = read(app, select(OutboxMessage).where(OutboxMessage.payload["order_id"].as_integer() == 512))
    assert (waiting.status, waiting.next_attempt_at) == ("pending", datetime(2026, 11, 27, 7, 0))

    clock.freeze(datetime(2026, 11, 27, 7, 0))  # 08:00 in Berlin
    deliver(app, smtp_inbox, sms_endpoint)
    assert len(sms_endpoint.bodies_to("+4915112345678")) == 2
    assert len(smtp_inbox.to("ada@example.com")) == 2  # the email is not sent again


@pytest.mark.parametrize("phone", ["4915112345678", "+0123", "+49 151"])
def test_an_order_phone_must_be_e164(client, admin, phone):
    body = {"order_id": 1, "currency": "USD", "customer": {"email": "a@example.com", "phone": phone},
            "lines": [{"variant_id": 1, "quantity": 1, "unit_price": 1}]}
    response = client.post("/api/v1/admin/orders", json=body, headers=admin)
    assert response.status_code == 422
    assert "phone" in response.get_json()["errors"]["json"]["customer"]


def test_notification_settings_are_validated_and_shown(client, admin):
    good = {"brand_colour": "#aa3300", "brand_logo_url": "https://cdn.example/logo.png",
            "sms_quiet_hours": {"start": 22, "end": 7, "timezone": "America/New_York"},
            "merchant_email": "owner@shop-a.example", "notification_channels": ["email", "sms"]}
    response = client.patch("/api/v1/admin/settings", json=good, headers=admin)
    assert response.status_code == 200, response.get_json()
    assert {k: response.get_json()[k] for k in good} == good
    bad = client.patch("/api/v1/admin/settings", headers=admin, json={
        "brand_colour": "red", "sms_quiet_hours": {"start": 25, "end": 7, "timezone": "Mars/Olympus"},
        "merchant_email": "not-an-email"})
    assert bad.status_code == 422
    errors = bad.get_json()["errors"]["json"]
    assert set(errors) == {"brand_colour", "sms_quiet_hours", "merchant_email"}
    assert set(errors["sms_quiet_hours"]) == {"start", "timezone"}
    assert client.patch("/api/v1/admin/settings", json={"sms_quiet_hours": None}, headers=admin).get_json()["sms_quiet_hours"] is None
