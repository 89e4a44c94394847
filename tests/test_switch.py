"""Switch: a waiting line moves to an alternative on hand for the whole quantity; the old line is
`switched`, a new allocated line joins the order, the price difference is refunded or asked for
(or refused, per store policy), and everyone behind moves up."""
from shopper_support import bc_app, run_jobs_command, shop, transaction  # noqa: F401
from sqlalchemy import select

from api.models import LocalLedgerEntry, OutboxMessage


def events(app, name):
    with transaction(app) as session:
        return [m.payload for m in session.scalars(select(OutboxMessage).where(OutboxMessage.event == name))]


def variants(client, admin):
    return {v["variant_id"]: v for v in client.get("/api/v1/admin/variants", headers=admin).get_json()["items"]}


def test_switch_to_a_cheaper_alternative_refunds_the_difference(shop, client, app):
    shop.variant(1, category="mugs", price=1000)
    shop.variant(2, category="mugs", price=700, on_hand=5, name="Blue mug")
    client.post("/api/v1/admin/variants/1/inbound", json={"quantity": 1, "expected_on": "2026-12-10"},
                headers=shop.admin)
    mine = shop.order(100, 1, 2)
    behind = shop.order(101, 1, 1, customer_id=8)
    assert shop.line(shop.session(8), 101, behind)["queue"]["position"] == 2

    response = shop.act(shop.session(7), 100, mine, "switch", {"variant_id": 2})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["quantity"], body["price_difference"]) == (2, -600)
    assert body["refund"] == {"amount": 600, "currency": "USD", "status": "pending"}
    assert body["payment_request"] is None
    lines = {line["id"]: line for line in body["order"]["lines"]}
    old, new = lines[mine], lines[body["new_line_id"]]
    assert (old["state"], old["eta"], old["actions"]["cancel"]["reason"]) == ("switched", None, "switched")
    assert (new["state"], new["variant_id"], new["quantity_allocated"], new["unit_price"]) == ("allocated", 2, 2, 700)
    assert [e["kind"] for e in old["timeline"]] == ["placed", "switched"]
    assert variants(client, shop.admin)[2]["on_hand"] == 3
    [switched] = events(app, "switched")
    assert (switched["to_variant_id"], switched["price_difference"]) == (2, -600)
    run_jobs_command(app)  # the order edit, then the refund it owes
    with transaction(app) as session:
        assert [(e.kind, e.amount) for e in session.scalars(select(LocalLedgerEntry))] == [("refund", 600)]
    moved = shop.line(shop.session(8), 101, behind)
    assert moved["queue"]["position"] == 1
    assert moved["eta"] == {"date": "2026-12-11", "source": "inbound"}


def test_switch_to_a_dearer_alternative_asks_for_the_difference(shop, client, app):
    shop.variant(1, category="mugs", price=1000)
    shop.variant(2, category="mugs", price=1300, on_hand=5)
    mine = shop.order(100, 1, 1)
    body = shop.act(shop.session(7), 100, mine, "switch", {"variant_id": 2}).get_json()
    assert body["refund"] is None
    payment = body["payment_request"]
    # held for the store's payment-hold days (3 by default) to the end of the day, like a pay-later line's stock
    assert (payment["amount"], payment["status"], payment["hold_until"]) == (300, "open", "2026-11-29T23:59:59Z")
    assert payment["url"].startswith("http://app.test/demo/pay/")
    new = next(line for line in body["order"]["lines"] if line["id"] == body["new_line_id"])
    assert new["payment_request"]["url"] == payment["url"]
    [switched] = events(app, "switched")  # the one message: it asks for the difference
    assert (switched["price_difference"], switched["payment_url"]) == (300, payment["url"])
    assert events(app, "payment_requested") == []

    path = payment["url"].removeprefix("http://app.test")
    page = client.get(path)
    assert page.status_code == 200 and "Pay $3.00" in page.get_data(as_text=True)
    paid = client.post(path)
    assert paid.status_code == 303
    assert "this is paid" in client.get(path).get_data(as_text=True)


def test_dearer_switch_is_refused_when_the_store_says_so(shop, client):
    shop.settings(dearer_switch="refuse")
    shop.variant(1, category="mugs", price=1000)
    shop.variant(2, category="mugs", price=1300, on_hand=5)
    mine = shop.order(100, 1, 1)
    me = shop.session(7)
    assert shop.line(me, 100, mine)["actions"]["switch"] == {"allowed": False, "reason": "dearer_switch_refused"}
    refused = shop.act(me, 100, mine, "switch", {"variant_id": 2})
    assert refused.status_code == 409
    assert refused.get_json()["errors"] == {"reason": "dearer_switch_refused",
                                            "json": {"variant_id": ["This store does not allow switching to a dearer item."]}}
    assert shop.line(me, 100, mine)["state"] == "waiting"


def test_switch_needs_stock_for_the_whole_quantity_and_a_real_alternative(shop, client):
    shop.variant(1, category="mugs", price=1000)
    shop.variant(2, category="mugs", price=900, on_hand=1)
    shop.variant(3, category="plates", price=900, on_hand=9)
    mine = shop.order(100, 1, 2)
    me = shop.session(7)
    assert shop.line(me, 100, mine)["actions"]["switch"]["reason"] == "no_alternative_in_stock"
    short = shop.act(me, 100, mine, "switch", {"variant_id": 2})
    assert (short.status_code, short.get_json()["errors"]["reason"]) == (409, "no_alternative_in_stock")
    unrelated = shop.act(me, 100, mine, "switch", {"variant_id": 3})
    assert unrelated.status_code == 422
    assert "variant_id" in unrelated.get_json()["errors"]["json"]
    assert shop.act(me, 100, mine, "switch", {"variant_id": 1}).status_code == 422
    assert shop.act(me, 100, mine, "switch", {"variant_id": 424242}).status_code == 404
    assert shop.act(me, 100, mine, "switch", {}).status_code == 422


def test_a_line_that_is_not_waiting_cannot_switch(shop, client):
    shop.variant(1, category="mugs", on_hand=1)
    shop.variant(2, category="mugs", on_hand=5)
    mine = shop.order(100, 1, 1)
    refused = shop.act(shop.session(7), 100, mine, "switch", {"variant_id": 2})
    assert (refused.status_code, refused.get_json()["errors"]["reason"]) == (409, "not_waiting")


def test_switching_a_partly_allocated_line_frees_its_units_for_the_queue(shop, client):
    shop.variant(1, category="mugs", on_hand=1, price=1000)
    shop.variant(2, category="mugs", on_hand=5, price=1000)
    mine = shop.order(100, 1, 3)  # 1 allocated, 2 waiting
    theirs = shop.order(101, 1, 1, customer_id=8)
    body = shop.act(shop.session(7), 100, mine, "switch", {"variant_id": 2}).get_json()
    assert (body["quantity"], body["price_difference"], body["refund"]) == (3, 0, None)
    assert shop.line(shop.session(8), 101, theirs)["state"] == "allocated"


def test_cancelling_a_dearer_switch_before_paying_refunds_only_what_was_paid(shop, client, app):
    shop.settings(cancel_allocated=True)
    shop.variant(1, category="mugs", price=1000)
    shop.variant(2, category="mugs", price=1300, on_hand=5)
    mine = shop.order(100, 1, 2)
    me = shop.session(7)
    new_line = shop.act(me, 100, mine, "switch", {"variant_id": 2}).get_json()["new_line_id"]
    body = shop.act(me, 100, new_line, "cancel", {"quantity": 1}).get_json()
    assert body["refund"]["amount"] == 1000  # 1300 less the 300 never paid
    assert shop.line(me, 100, new_line)["payment_request"]["amount"] == 300
    assert shop.act(me, 100, new_line, "cancel", {}).get_json()["refund"]["amount"] == 1000
    assert shop.line(me, 100, new_line)["payment_request"] is None
