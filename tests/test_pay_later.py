"""Pay later: the line is refunded and keeps its place, and pays later once that refund is
confirmed; when its stock arrives it is held for the store's payment-hold days with a payment
request; paid, it ships like any other; unpaid, its units pass to the next in the queue and the
line is cancelled, with notice."""
from datetime import datetime, timedelta

from shopper_support import NOW, bc_app, run_jobs_command, shop, transaction  # noqa: F401
from sqlalchemy import select

from api.domain import clock
from api.domain.stores import create_store
from api.jobs import run_due_jobs
from api.models import LocalLedgerEntry, OutboxMessage, PaymentRequestRecord


def events(app, name):
    with transaction(app) as session:
        return [m.payload for m in session.scalars(
            select(OutboxMessage).where(OutboxMessage.event == name).order_by(OutboxMessage.id))]


def ledger(app):
    with transaction(app) as session:
        return [(e.kind, e.amount) for e in session.scalars(select(LocalLedgerEntry).order_by(LocalLedgerEntry.id))]


def pay_later(shop, headers, order_id, line_id):
    """Ask for pay later, and let the due job make its refund (pay later starts then)."""
    response = shop.act(headers, order_id, line_id, "payment-mode", {"mode": "pay_later"})
    assert response.status_code == 200, response.get_json()
    run_jobs_command(shop.client.application)
    return response.get_json()


def test_pay_later_refunds_and_keeps_the_queue_place_once_the_refund_is_made(shop, client, app):
    shop.variant(1)
    shop.order(99, 1, 1, customer_id=8)
    mine = shop.order(100, 1, 2, unit_price=1250)
    me = shop.session(7)
    before = shop.line(me, 100, mine)
    response = shop.act(me, 100, mine, "payment-mode", {"mode": "pay_later"})
    body = response.get_json()
    assert body["payment_mode"] == "pay_now"  # not before its refund is made
    assert body["refund"] == {"amount": 2500, "currency": "USD", "status": "pending"}
    waiting = shop.line(me, 100, mine)
    assert waiting["actions"]["pay_later"]["reason"] == "pay_later_pending"
    assert waiting["actions"]["switch"]["reason"] == "pay_later_pending"
    assert events(app, "payment_mode_changed") == []
    run_jobs_command(app)
    line = shop.line(me, 100, mine)
    assert line["queue"] == before["queue"] == {"position": 2, "units_ahead": 1, "quantity_waiting": 2}
    assert (line["payment_mode"], line["state"]) == ("pay_later", "waiting")
    assert line["actions"]["pay_later"]["reason"] == "already_pay_later"
    assert line["actions"]["pay_now"] == {"allowed": True, "reason": None}
    assert ledger(app) == [("refund", 2500)]
    assert events(app, "payment_mode_changed")[0]["mode"] == "pay_later"
    # Cancelling a pay-later line owes nothing more: it was refunded already.
    assert shop.act(me, 100, mine, "cancel", {"quantity": 1}).get_json()["refund"] is None


def test_stock_for_a_pay_later_line_is_held_and_paid_on_the_pay_page(shop, client, app):
    shop.settings(payment_hold_days=2)
    shop.variant(1)
    mine = shop.order(100, 1, 2, unit_price=1250)
    pay_later(shop, shop.session(7), 100, mine)
    shop.receive(1, 2)
    line = shop.line(shop.session(7), 100, mine)
    assert (line["state"], line["quantity_allocated"]) == ("awaiting_payment", 2)
    payment = line["payment_request"]
    assert (payment["amount"], payment["status"], payment["hold_until"]) == (2500, "open", "2026-11-28T23:59:59Z")
    [requested] = events(app, "payment_requested")
    assert requested["payment_url"] == payment["url"] and requested["hold_until"] == "2026-11-28T23:59:59"

    path = payment["url"].removeprefix("http://app.test")
    page = client.get(path)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Item 1" in html and "Pay $25.00" in html and "28 Nov 2026" in html
    assert page.headers["Content-Security-Policy"].startswith("default-src 'none'")
    assert client.post(path).status_code == 303
    assert client.post(path).status_code == 303  # paying twice books it once
    line = shop.line(shop.session(7), 100, mine)
    assert (line["state"], line["payment_mode"], line["payment_request"]) == ("allocated", "pay_now", None)
    assert [e["kind"] for e in line["timeline"]][-1] == "payment_received"
    assert ledger(app) == [("refund", 2500), ("payment", 2500)]
    # paid: the hold never expires
    clock.freeze(NOW + timedelta(days=5))
    assert run_due_jobs(app.extensions["database"])["expire_payment_holds"] == 0


def test_an_unpaid_hold_expires_and_the_units_pass_to_the_next_in_queue(shop, client, app):
    shop.settings(payment_hold_days=3)
    shop.variant(1)
    mine = shop.order(100, 1, 2)
    theirs = shop.order(101, 1, 2, customer_id=8)
    pay_later(shop, shop.session(7), 100, mine)
    shop.receive(1, 2)
    url = shop.line(shop.session(7), 100, mine)["payment_request"]["url"]
    # Held to the end of the third day (the store's time zone, UTC here).
    clock.freeze(datetime(2026, 11, 29, 23, 59, 58))
    assert run_jobs_command(app)["expire_payment_holds"] == 0
    clock.freeze(datetime(2026, 11, 29, 23, 59, 59))
    assert run_jobs_command(app)["expire_payment_holds"] == 1
    assert run_jobs_command(app)["expire_payment_holds"] == 0

    line = shop.line(shop.session(7), 100, mine)
    assert (line["state"], line["quantity_cancelled"], line["quantity_allocated"]) == ("cancelled", 2, 0)
    assert [e["kind"] for e in line["timeline"]][-1] == "hold_expired"
    [expired] = events(app, "hold_expired")
    assert (expired["order_id"], expired["quantity"]) == (100, 2)
    assert shop.line(shop.session(8), 101, theirs)["state"] == "allocated"
    late = client.post(url.removeprefix("http://app.test"))
    assert late.status_code == 409
    assert "no longer open" in late.get_data(as_text=True)


def test_pay_now_on_a_waiting_pay_later_line_asks_for_payment_now(shop, client, app):
    shop.variant(1)
    mine = shop.order(100, 1, 1, unit_price=900)
    me = shop.session(7)
    pay_later(shop, me, 100, mine)
    response = shop.act(me, 100, mine, "payment-mode", {"mode": "pay_now"})
    assert response.status_code == 200
    payment = response.get_json()["payment_request"]
    assert (payment["amount"], payment["hold_until"]) == (900, None)
    again = shop.act(me, 100, mine, "payment-mode", {"mode": "pay_now"}).get_json()
    assert again["payment_request"]["url"] == payment["url"]  # one open request, not two
    client.post(payment["url"].removeprefix("http://app.test"))
    line = shop.line(me, 100, mine)
    assert (line["state"], line["payment_mode"]) == ("waiting", "pay_now")
    shop.receive(1, 1)
    assert shop.line(me, 100, mine)["state"] == "allocated"  # paid already: no hold, no request
    assert len(events(app, "payment_requested")) == 1


def test_payment_mode_refusals(shop, client):
    shop.variant(1, on_hand=1)
    part = shop.order(100, 1, 2)  # 1 allocated, 1 waiting
    whole = shop.order(101, 1, 1)
    me = shop.session(7)
    refused = shop.act(me, 100, part, "payment-mode", {"mode": "pay_later"})
    assert (refused.status_code, refused.get_json()["errors"]["reason"]) == (409, "partly_allocated")
    assert shop.act(me, 101, whole, "payment-mode", {"mode": "pay_now"}).get_json()["errors"]["reason"] == "already_paid"
    assert shop.act(me, 101, whole, "payment-mode", {"mode": "later"}).status_code == 422
    shop.settings(pay_later_enabled=False)
    disabled = shop.act(me, 101, whole, "payment-mode", {"mode": "pay_later"})
    assert disabled.get_json()["errors"]["reason"] == "pay_later_disabled"


def test_pay_page_answers_404_for_unknown_tokens_and_other_platforms(shop, client, app):
    assert client.get("/demo/pay/not-a-token").status_code == 404
    shop.variant(1)
    mine = shop.order(100, 1, 1)
    with transaction(app) as session:
        store, _ = create_store(session, "store-bc", [], platform="bigcommerce")
        session.add(PaymentRequestRecord(store_id=store.id, order_pk=1, line_pk=mine, purpose="pay_later",
                                         quantity=1, amount=1000, currency="USD", reference="bc-cart-1"))
    assert client.get("/demo/pay/bc-cart-1").status_code == 404
    assert client.post("/demo/pay/bc-cart-1").status_code == 404


def test_cancelling_part_of_a_held_line_asks_only_for_what_is_left(shop, client, app):
    shop.settings(cancel_allocated=True, payment_hold_days=2)
    shop.variant(1)
    mine = shop.order(100, 1, 3, unit_price=1000)
    pay_later(shop, shop.session(7), 100, mine)
    shop.receive(1, 3)
    me = shop.session(7)
    first = shop.line(me, 100, mine)["payment_request"]
    body = shop.act(me, 100, mine, "cancel", {"quantity": 1}).get_json()
    assert body["refund"] is None  # never paid
    line = shop.line(me, 100, mine)
    assert (line["state"], line["quantity_allocated"]) == ("awaiting_payment", 2)
    payment = line["payment_request"]
    assert (payment["amount"], payment["hold_until"]) == (2000, first["hold_until"])
    assert payment["url"] != first["url"]
    assert client.post(first["url"].removeprefix("http://app.test")).status_code == 409
    shop.act(me, 100, mine, "cancel", {})
    assert shop.line(me, 100, mine)["payment_request"] is None
