"""My orders: each backordered line with its ETA, queue place, timeline, alternatives and which
actions are allowed (with stable reasons); other shoppers' orders answer exactly like missing ones."""
from datetime import timedelta

from shopper_support import NOW, bc_app, shop, transaction  # noqa: F401
from sqlalchemy import update

from api.domain import clock
from api.models import Line
from api.tokens import order_link_token

LINE_FIELDS = {
    "id", "product_id", "variant_id", "name", "sku", "quantity", "quantity_backordered",
    "quantity_allocated", "quantity_shipped", "quantity_cancelled", "state", "eta", "payment_mode",
    "unit_price", "currency", "actions", "alternatives", "timeline",
}


def test_order_detail_has_every_line_field_queue_place_and_timeline(shop, client):
    shop.variant(1, on_hand=1, price=2500)
    client.post("/api/v1/admin/variants/1/inbound", json={"quantity": 10, "expected_on": "2026-12-10"},
                headers=shop.admin)
    shop.order(99, 1, 3, customer_id=8)  # another shopper, ahead in the queue
    line_id = shop.order(100, 1, 2, unit_price=2500)
    me = shop.session(7)
    response = client.get("/api/v1/me/orders/100", headers=me)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    order = response.get_json()
    assert order["order_id"] == 100 and order["cancel_until"] == "2026-12-26T12:00:00Z"
    line = order["lines"][0]
    assert LINE_FIELDS <= set(line)
    assert line["id"] == line_id
    assert (line["quantity"], line["quantity_backordered"], line["state"]) == (2, 2, "waiting")
    assert (line["unit_price"], line["currency"], line["payment_mode"]) == (2500, "USD", "pay_now")
    assert line["eta"] == {"date": "2026-12-11", "source": "inbound"}
    assert line["queue"] == {"position": 2, "units_ahead": 2, "quantity_waiting": 2}
    assert line["actions"] == {
        "cancel": {"allowed": True, "reason": None, "max_quantity": 2, "refund_per_unit": 2500},
        "switch": {"allowed": False, "reason": "no_alternative_in_stock"},
        "pay_later": {"allowed": True, "reason": None},
        "pay_now": {"allowed": False, "reason": "already_paid"},
    }
    assert [e["kind"] for e in line["timeline"]] == ["placed"]
    assert line["timeline"][0]["at"] == "2026-11-26T12:00:00Z"


def test_my_orders_is_paged_newest_first_and_only_has_backordered_orders(shop, client):
    shop.variant(1, on_hand=1)
    shop.order(1, 1, 1)  # served from stock: nothing backordered
    for order_id, hour in ((2, 1), (3, 2), (4, 3)):
        shop.order(order_id, 1, 1, placed_at=f"2026-11-2{hour}T10:00:00Z")
    me = shop.session(7)
    page1 = client.get("/api/v1/me/orders?per_page=2", headers=me).get_json()
    assert (page1["total"], page1["page"], page1["per_page"]) == (3, 1, 2)
    assert [o["order_id"] for o in page1["items"]] == [4, 3]
    page2 = client.get("/api/v1/me/orders?per_page=2&page=2", headers=me).get_json()
    assert [o["order_id"] for o in page2["items"]] == [2]
    assert client.get("/api/v1/me/orders?per_page=0", headers=me).status_code == 422


def test_alternatives_on_hand_for_the_whole_quantity_are_offered(shop, client):
    shop.variant(1, category="mugs", price=1000)
    shop.variant(2, category="mugs", price=800, on_hand=5)
    shop.variant(3, category="mugs", price=1200, on_hand=1)  # not enough for 2
    shop.variant(4, category="mugs", price=1500, on_hand=9)
    line_id = shop.order(100, 1, 2)
    line = shop.line(shop.session(7), 100, line_id)
    assert [(a["variant_id"], a["price_difference"]) for a in line["alternatives"]] == [(2, -400), (4, 1000)]
    assert line["alternatives"][0]["switch"] == {"allowed": True, "reason": None}
    assert line["actions"]["switch"] == {"allowed": True, "reason": None}
    shop.settings(dearer_switch="refuse")
    line = shop.line(shop.session(7), 100, line_id)
    assert line["alternatives"][1]["switch"] == {"allowed": False, "reason": "dearer_switch_refused"}


def test_reason_codes_for_refused_actions(shop, client, app):
    shop.variant(1, on_hand=0)
    waiting = shop.order(100, 1, 2)
    shipped = shop.order(101, 1, 1)
    with transaction(app) as session:
        session.execute(update(Line).where(Line.id == shipped)
                        .values(quantity_shipped=1, state="shipped", eta_source=None))
    shop.settings(pay_later_enabled=False, cancel_window_days=10)
    me = shop.session(7)
    line = shop.line(me, 101, shipped)
    assert line["actions"]["cancel"]["reason"] == "already_shipped"
    assert line["actions"]["switch"]["reason"] == "not_waiting"
    line = shop.line(me, 100, waiting)
    assert line["actions"]["pay_later"] == {"allowed": False, "reason": "pay_later_disabled"}
    clock.freeze(NOW + timedelta(days=10, minutes=1))
    line = shop.line(shop.session(7), 100, waiting)
    assert line["actions"]["cancel"] == {"allowed": False, "reason": "outside_cancel_window", "max_quantity": 0, "refund_per_unit": 1000}


def test_allocated_lines_can_be_cancelled_only_where_the_store_allows(shop, client):
    shop.variant(1, on_hand=2)
    line_id = shop.order(100, 1, 2)
    me = shop.session(7)
    assert shop.line(me, 100, line_id)["actions"]["cancel"]["reason"] == "allocated_not_cancellable"
    shop.settings(cancel_allocated=True)
    assert shop.line(me, 100, line_id)["actions"]["cancel"] == {"allowed": True, "reason": None, "max_quantity": 2, "refund_per_unit": 1000}


def test_other_shoppers_orders_and_lines_answer_like_missing_ones(shop, client):
    """BOLA: every shopper route, walked with another customer's token and with a guest token
    for another order, answers 404 exactly like an order that does not exist."""
    shop.variant(1)
    shop.variant(2, on_hand=5)
    mine = shop.order(100, 1, 2, customer_id=7)
    shop.order(200, 1, 1, customer_id=None, email="guest@example.com")
    intruders = {
        "another customer": shop.session(8),
        "a guest of another order": {"Authorization": "Bearer " + client.post(
            "/api/v1/stores/store-a/sessions",
            json={"order_link": order_link_token(["test-secret-new"], "store-a", 200, "guest@example.com")},
        ).get_json()["token"]},
    }
    routes = [
        ("get", "/api/v1/me/orders/{order}", None),
        ("post", "/api/v1/me/orders/{order}/lines/{line}/cancel", {"quantity": 1}),
        ("post", "/api/v1/me/orders/{order}/lines/{line}/switch", {"variant_id": 2}),
        ("post", "/api/v1/me/orders/{order}/lines/{line}/payment-mode", {"mode": "pay_later"}),
    ]
    for who, headers in intruders.items():
        listed = client.get("/api/v1/me/orders", headers=headers).get_json()["items"]
        assert 100 not in [o["order_id"] for o in listed], who
        for index, (method, template, body) in enumerate(routes):
            theirs = getattr(client, method)(template.format(order=100, line=mine), json=body,
                                             headers={**headers, "Idempotency-Key": f"bola-{who}-{index}"})
            missing = getattr(client, method)(template.format(order=999, line=mine), json=body,
                                              headers={**headers, "Idempotency-Key": f"bola-missing-{who}-{index}"})
            assert theirs.status_code == missing.status_code == 404, (who, template)
            assert theirs.get_json()["message"].replace("100", "999") == missing.get_json()["message"]
    # my line through someone else's order number is missing too
    shop.order(101, 1, 1, customer_id=7)
    me = shop.session(7)
    assert shop.act(me, 101, mine, "cancel", {}).status_code == 404
    assert shop.line(me, 100, mine)["quantity_cancelled"] == 0


def test_cancel_shows_the_refund_per_unit_that_cancelling_gives_back(shop, client):
    shop.settings(dearer_switch="pay_difference", cancel_allocated=True)
    shop.variant(1, category="mugs", price=1000)
    shop.variant(2, category="mugs", price=1300, on_hand=5)
    paid = shop.order(100, 1, 2, unit_price=1000)
    later = shop.order(101, 1, 1, unit_price=1000)
    dearer = shop.order(102, 1, 2, unit_price=1000)
    me = shop.session(7)
    assert shop.act(me, 101, later, "payment-mode", {"mode": "pay_later"}).status_code == 200
    switched = shop.act(me, 102, dearer, "switch", {"variant_id": 2}).get_json()
    new_line = switched["new_line_id"]

    assert shop.line(me, 100, paid)["actions"]["cancel"]["refund_per_unit"] == 1000
    assert shop.line(me, 101, later)["actions"]["cancel"]["refund_per_unit"] == 0
    # The new line costs 1300 a unit, of which 300 (the difference) is not paid yet.
    assert shop.line(me, 102, new_line)["actions"]["cancel"]["refund_per_unit"] == 1000
    for order_id, line_id in ((100, paid), (102, new_line)):
        per_unit = shop.line(me, order_id, line_id)["actions"]["cancel"]["refund_per_unit"]
        cancelled = shop.act(me, order_id, line_id, "cancel", {"quantity": 1})
        assert cancelled.status_code == 200, cancelled.get_json()
        cancelled = cancelled.get_json()
        assert cancelled["refund"]["amount"] == per_unit


def test_order_list_says_where_units_stand_and_which_line_a_switch_created(shop, client):
    shop.variant(1, category="mugs", price=1000)
    shop.variant(2, category="mugs", price=1000, on_hand=5)
    shop.variant(3, on_hand=1)
    line_id = shop.order(100, 1, 2)
    partly = shop.order(101, 3, 3)
    me = shop.session(7)
    new_line = shop.act(me, 100, line_id, "switch", {"variant_id": 2}).get_json()["new_line_id"]
    orders = {o["order_id"]: o for o in client.get("/api/v1/me/orders", headers=me).get_json()["items"]}
    lines = {line["id"]: line for order in orders.values() for line in order["lines"]}
    counts = ("quantity_waiting", "quantity_allocated", "quantity_cancelled", "quantity_shipped")
    assert [lines[partly][field] for field in counts] == [2, 1, 0, 0]
    assert [lines[line_id][field] for field in counts] == [0, 0, 2, 0]
    assert (lines[new_line]["replaces_line_id"], lines[new_line]["state"]) == (line_id, "allocated")
    assert lines[line_id]["replaces_line_id"] is None
    assert shop.line(me, 100, new_line)["replaces_line_id"] == line_id
