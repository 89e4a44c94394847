"""Dates a shopper can trust: a promise moves only for a cause, an overdue shipment says
"delayed" instead of a past or sliding date, the store's time zone decides "today" and when a
payment hold ends, handling counts working days, and every surface shows the same ETA."""
from datetime import datetime

from sqlalchemy import select

from api.domain import clock
from api.models import OutboxMessage
from api.notifications.worker import default_jobs
from mailservers import Inbox, smtp_inbox  # noqa: F401
from shopper_support import bc_app, shop  # noqa: F401
from test_notifications_events import deliver, inbound, only, place, read


def outbox(app, event):
    return read(app, select(OutboxMessage.payload).where(OutboxMessage.event == event).order_by(OutboxMessage.id))


def eta(shop, order_id, line_id):
    return shop.line(shop.session(), order_id, line_id)["eta"]


def test_editing_only_the_product_message_days_later_does_not_move_a_lead_time_eta(app, client, shop, smtp_inbox):
    shop.settings(delay_incentive={"enabled": True, "threshold_days": 3, "kind": "discount", "percent_off": 10})
    shop.variant(11, on_hand=0, lead_time_days=14)
    line_id = place(client, shop.admin, 600, 11, 1)
    assert eta(shop, 600, line_id) == {"date": "2026-12-11", "source": "lead_time"}  # Thu 10 Dec + 1

    clock.freeze(datetime(2026, 12, 1, 12, 0))  # five days later
    response = client.patch("/api/v1/admin/variants/11", json={"message": "Knitted to order."}, headers=shop.admin)
    assert response.status_code == 200, response.get_json()
    deliver(app, smtp_inbox, jobs=default_jobs())
    assert eta(shop, 600, line_id) == {"date": "2026-12-11", "source": "lead_time"}
    assert outbox(app, "eta_changed") == [] and outbox(app, "delay_incentive") == []
    assert not [m for m in smtp_inbox.to("ada@example.com") if "longer" in Inbox.text(m)]

    # A new lead time is a cause: the promise moves, counted from the day it was made.
    client.patch("/api/v1/admin/variants/11", json={"lead_time_days": 20}, headers=shop.admin)
    assert eta(shop, 600, line_id) == {"date": "2026-12-17", "source": "lead_time"}  # Wed 16 Dec + 1
    assert [p["new_eta"] for p in outbox(app, "eta_changed")] == [{"date": "2026-12-17", "source": "lead_time"}]


def test_an_overdue_inbound_shows_delayed_never_a_past_or_sliding_date_and_alerts_the_merchant(
        app, client, shop, smtp_inbox):
    shop.settings(merchant_email="owner@shop-a.example")
    shop.variant(11, on_hand=0)
    inbound_id = inbound(client, shop.admin, 11, 2, "2026-12-01")
    line_id = place(client, shop.admin, 601, 11, 1)
    assert eta(shop, 601, line_id) == {"date": "2026-12-02", "source": "inbound"}
    jobs = default_jobs()
    deliver(app, smtp_inbox, jobs=jobs)

    clock.freeze(datetime(2026, 12, 3, 10, 0))  # the shipment due on 1 December has not come
    deliver(app, smtp_inbox, jobs=jobs)
    assert eta(shop, 601, line_id) == {"date": None, "source": "delayed"}
    update = only(smtp_inbox, "ada@example.com", "Update:")
    assert update["Subject"] == "Update: Item 11 is delayed"
    text = Inbox.text(update)
    assert "delayed — new date to follow" in text and "3 December" not in text
    assert "Previously expected: 2 December 2026" in text
    alert = only(smtp_inbox, "owner@shop-a.example", "Inbound overdue")
    assert "expected on 1 December 2026 has not been received" in Inbox.text(alert)

    clock.freeze(datetime(2026, 12, 4, 10, 0))  # a day later: no sliding date, no second notice
    deliver(app, smtp_inbox, jobs=jobs)
    assert eta(shop, 601, line_id) == {"date": None, "source": "delayed"}
    assert len(smtp_inbox.to("ada@example.com")) == 2
    only(smtp_inbox, "owner@shop-a.example", "Inbound overdue")  # still one alert (the digests list it too)

    # The merchant gives the shipment a new date: the shopper gets it.
    client.patch(f"/api/v1/admin/variants/11/inbound/{inbound_id}", json={"expected_on": "2026-12-10"},
                 headers=shop.admin)
    assert eta(shop, 601, line_id) == {"date": "2026-12-11", "source": "inbound"}


def test_an_overdue_lead_time_shows_delayed_too(app, client, shop):
    shop.variant(11, on_hand=0, lead_time_days=3)
    line_id = place(client, shop.admin, 602, 11, 1)
    assert eta(shop, 602, line_id) == {"date": "2026-12-01", "source": "lead_time"}
    clock.freeze(datetime(2026, 11, 30, 12, 0))  # the supplier's three days have passed
    deliver(app, jobs=default_jobs())
    assert eta(shop, 602, line_id) == {"date": None, "source": "delayed"}


def test_changing_handling_days_or_working_days_recomputes_every_eta(app, client, shop):
    shop.variant(11, on_hand=0, lead_time_days=14)
    line_id = place(client, shop.admin, 603, 11, 1)
    shop.settings(handling_days=3)
    assert eta(shop, 603, line_id) == {"date": "2026-12-15", "source": "lead_time"}  # Thu 10 Dec + 3 working days
    shop.settings(working_days=[0, 1, 2, 3, 4, 5])  # Saturdays too
    assert eta(shop, 603, line_id) == {"date": "2026-12-14", "source": "lead_time"}
    assert [p["new_eta"]["date"] for p in outbox(app, "eta_changed")] == ["2026-12-15", "2026-12-14"]


def test_calendar_settings_are_validated(client, shop):
    for body in ({"working_days": [7]}, {"working_days": []}, {"timezone": "Mars/Olympus"}):
        response = client.patch("/api/v1/admin/settings", json=body, headers=shop.admin)
        assert response.status_code == 422, body
        assert set(response.get_json()["errors"]["json"]) == set(body)
    settings = client.get("/api/v1/admin/settings", headers=shop.admin).get_json()
    assert (settings["timezone"], settings["working_days"]) == ("UTC", [0, 1, 2, 3, 4])


def test_today_is_the_stores_date_and_every_surface_shows_the_same_eta(app, client, shop):
    shop.settings(timezone="America/New_York")
    shop.variant(11, on_hand=0, lead_time_days=14)
    clock.freeze(datetime(2026, 11, 27, 3, 0))  # 22:00 on 26 November in New York
    [item] = client.get("/api/v1/stores/store-a/availability?variant_ids=11").get_json()["items"]
    line_id = place(client, shop.admin, 604, 11, 1)
    promised = {"date": "2026-12-11", "source": "lead_time"}  # from 26 Nov, not 27 Nov (UTC)
    assert item["eta"] == promised
    assert eta(shop, 604, line_id) == promised
    [placed] = outbox(app, "backorder_placed")
    assert placed["lines"][0]["eta"] == promised


def test_a_new_york_shopper_keeps_the_hold_until_the_shown_date_has_ended(app, client, shop, smtp_inbox):
    shop.settings(timezone="America/New_York", payment_hold_days=2)
    shop.variant(11, on_hand=0)
    line_id = place(client, shop.admin, 605, 11, 1)
    assert shop.act(shop.session(), 605, line_id, "payment-mode", {"mode": "pay_later"}).status_code == 200
    deliver(app, smtp_inbox, jobs=default_jobs())  # the pay-later refund is made by its job
    shop.receive(11, 1)  # 26 Nov, 07:00 in New York
    deliver(app, smtp_inbox, jobs=default_jobs())  # the payment request too
    payment = shop.line(shop.session(), 605, line_id)["payment_request"]
    assert payment["hold_until"] == "2026-11-29T04:59:59Z"  # the end of 28 Nov in New York
    deliver(app, smtp_inbox)
    request = only(smtp_inbox, "ada@example.com", "Pay for")
    assert "held for you until 28 November 2026, 23:59 (America/New_York time)" in Inbox.text(request)

    clock.freeze(datetime(2026, 11, 29, 2, 0))  # 21:00 on 28 Nov in New York: still held
    deliver(app, smtp_inbox, jobs=default_jobs())
    assert shop.line(shop.session(), 605, line_id)["state"] == "awaiting_payment"
    clock.freeze(datetime(2026, 11, 29, 5, 0))
    deliver(app, smtp_inbox, jobs=default_jobs())
    assert shop.line(shop.session(), 605, line_id)["state"] == "cancelled"
