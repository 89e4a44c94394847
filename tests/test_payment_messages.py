"""What a shopper is told when money is asked for: one message per moment, with the amount due and
its deadline, and a dearer switch's unpaid difference has a deadline like any other hold."""
from datetime import timedelta

from shopper_support import NOW, bc_app, shop, transaction  # noqa: F401
from sqlalchemy import select

from api.domain import clock
from api.jobs import run_due_jobs
from api.models import Line, LocalLedgerEntry, OutboxMessage, Store, Variant
from api.notifications.render import render


def messages(app) -> list[OutboxMessage]:
    with transaction(app) as session:
        rows = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        session.expunge_all()
        return rows


def rendered(app, message: OutboxMessage):
    with transaction(app) as session:
        store = session.get(Store, message.store_id)
        return render(session, store, message.event, message.payload, app_url="http://app.test",
                      secret_keys=["test-secret-new"])


def test_stock_for_a_pay_later_line_is_one_message_with_the_amount_and_the_deadline(shop, app):
    shop.settings(payment_hold_days=2)
    shop.variant(1)
    mine = shop.order(100, 1, 2, unit_price=1250)
    me = shop.session(7)
    assert shop.act(me, 100, mine, "payment-mode", {"mode": "pay_later"}).status_code == 200
    run_due_jobs(app.extensions["database"])  # pay later starts once its refund is made
    before = len(messages(app))
    shop.receive(1, 2)
    [message] = messages(app)[before:]
    assert message.event == "payment_requested"
    text = rendered(app, message).text
    assert "Item 1 from order #100 is in stock and held for you until 28 November 2026, 23:59 (UTC time). Pay $25.00" in text
    timeline = [entry["kind"] for entry in shop.line(me, 100, mine)["timeline"]]
    assert timeline[-2:] == ["allocated", "payment_requested"]  # the timeline still tells both steps


def dearer_switch(shop, quantity=1):
    shop.settings(payment_hold_days=3)
    shop.variant(1, category="boots", price=10000)
    shop.variant(2, category="boots", price=20000, on_hand=5, name="Summit Boot")
    mine = shop.order(100, 1, quantity, unit_price=10000)
    me = shop.session(7)
    body = shop.act(me, 100, mine, "switch", {"variant_id": 2}).get_json()
    return me, body


def test_a_dearer_switch_is_one_message_with_the_difference_and_its_deadline(shop, app):
    before = len(messages(app))
    me, body = dearer_switch(shop)
    assert body["payment_request"]["hold_until"] == "2026-11-29T23:59:59Z"  # the end of the day
    [message] = [m for m in messages(app)[before:] if m.event != "backorder_placed"]
    assert message.event == "switched"
    email = rendered(app, message)
    assert "Pay the difference of $100.00 by 29 November 2026, 23:59 (UTC time) and we will ship it." in email.text
    assert body["payment_request"]["url"] in email.html


def test_the_api_shows_the_amount_due_and_the_deadline_of_a_switch_difference(shop, app):
    me, body = dearer_switch(shop)
    new_line = shop.line(me, 100, body["new_line_id"])
    assert new_line["payment_request"] == {
        "url": body["payment_request"]["url"], "amount": 10000, "currency": "USD", "status": "open",
        "hold_until": "2026-11-29T23:59:59Z", "purpose": "switch_difference",
    }


def test_an_unpaid_switch_difference_ends_at_its_deadline_and_refunds_what_was_paid(shop, app):
    me, body = dearer_switch(shop, quantity=2)
    clock.freeze(NOW + timedelta(days=3, hours=12))  # past the end of the third day
    assert run_due_jobs(app.extensions["database"])["expire_payment_holds"] == 1
    new_line = shop.line(shop.session(7), 100, body["new_line_id"])
    assert (new_line["state"], new_line["quantity_cancelled"], new_line["payment_request"]) == ("cancelled", 2, None)
    with transaction(app) as session:
        assert session.scalar(select(Variant.on_hand).where(Variant.variant_id == 2)) == 5  # back on sale
        assert [(e.kind, e.amount) for e in session.scalars(select(LocalLedgerEntry))] == [("refund", 20000)]
    [expired] = [m for m in messages(app) if m.event == "hold_expired"]
    text = rendered(app, expired).text
    assert "the difference was not paid in time" in text and "$200.00" in text
    assert run_due_jobs(app.extensions["database"])["expire_payment_holds"] == 0


def test_a_switch_difference_whose_units_shipped_meanwhile_just_ends(shop, app):
    me, body = dearer_switch(shop)
    with transaction(app) as session:  # the merchant shipped it unpaid, in their own admin
        line = session.get(Line, body["new_line_id"])
        line.quantity_shipped, line.quantity_allocated, line.state = 1, 0, "shipped"
    clock.freeze(NOW + timedelta(days=3, hours=12))  # past the end of the third day
    assert run_due_jobs(app.extensions["database"])["expire_payment_holds"] == 1
    assert shop.line(shop.session(7), 100, body["new_line_id"])["state"] == "shipped"
    assert [m for m in messages(app) if m.event == "hold_expired"] == []
    with transaction(app) as session:
        assert session.scalar(select(LocalLedgerEntry.id)) is None  # nothing refunded
