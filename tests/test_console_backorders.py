"""The console's backorder routes: overview figures, variants with waiting units, a variant's
queue, and previews that match what the receipt or inbound change then does."""
from datetime import timedelta

import pytest

from api.domain import clock
from api.domain.dates import add_working_days
from api.models import OutboxMessage
from shopper_support import NOW
from test_admin_api import add_inbound, place, put_variant, receipt

TODAY = NOW.date()


def day(n: int) -> str:
    return (TODAY + timedelta(days=n)).isoformat()


def ships(n: int) -> str:
    """The ETA of stock arriving in `n` days: plus one handling day, a working day (Mon-Fri)."""
    return add_working_days(TODAY + timedelta(days=n), 1, [0, 1, 2, 3, 4]).isoformat()


def get(client, headers, path, **query):
    response = client.get(f"/api/v1/admin{path}", query_string=query, headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def post(client, headers, path, body):
    return client.post(f"/api/v1/admin{path}", json=body, headers=headers)


@pytest.fixture
def shop(client, admin):
    """Two backordered variants: a mug (3 lines queued, inbound due) and a cap (one EUR line)."""
    put_variant(client, admin, 1, sku="MUG-1", name="Blue mug", backorders_enabled=True, backorder_limit=50)
    put_variant(client, admin, 2, sku="CAP-9", name="Red cap", backorders_enabled=True, lead_time_days=2)
    put_variant(client, admin, 3, sku="TEE-1", name="Plain tee", on_hand=4)
    add_inbound(client, admin, 1, 3, day(3))
    add_inbound(client, admin, 1, 10, day(20))
    assert place(client, admin, 101, (1, 2), placed_at="2026-11-20T09:00:00Z").status_code == 201
    assert place(client, admin, 102, (1, 2), placed_at="2026-11-21T09:00:00Z").status_code == 201
    assert place(client, admin, 103, (1, 1), (3, 1)).status_code == 201
    assert place(client, admin, 104, (2, 4), currency="EUR").status_code == 201
    return admin


def test_overview_counts_what_waits_its_value_promises_inbound_and_failures(client, shop, session):
    session.add(OutboxMessage(store_id=1, event="allocated", dedupe_key="x", status="failed"))
    session.commit()
    figures = get(client, shop, "/overview")
    assert (figures["units_waiting"], figures["lines_waiting"]) == (9, 4)
    assert figures["backordered_value"] == [{"currency": "EUR", "amount": 4000}, {"currency": "USD", "amount": 5000}]
    assert figures["oldest_wait"] == {"placed_at": "2026-11-20T09:00:00Z", "days": 6}
    assert figures["lines_past_first_promise"] == 0
    assert figures["inbound_next_7_days"] == {"shipments": 1, "units": 3, "until": day(7)}
    assert figures["failed_messages"] == 1

    clock.freeze(NOW + timedelta(days=7))  # the cap's first promise (lead time and handling) has passed
    assert get(client, shop, "/overview")["lines_past_first_promise"] == 2  # the cap, and the mug line promised first


def test_overview_of_an_empty_store(client, admin):
    figures = get(client, admin, "/overview")
    assert figures == {"units_waiting": 0, "lines_waiting": 0, "backordered_value": [], "oldest_wait": None,
                       "lines_past_first_promise": 0, "failed_messages": 0, "failed_refunds": 0,
                       "inbound_next_7_days": {"shipments": 0, "units": 0, "until": day(7)}}


def test_backordered_variants_show_stock_queue_inbound_limit_and_next_eta(client, shop):
    page = get(client, shop, "/backorders/variants")
    assert page["total"] == 2
    mug, cap = page["items"]  # most units waiting first
    assert (mug["sku"], mug["on_hand"], mug["waiting_units"], mug["waiting_lines"], mug["backorder_limit"]) == (
        "MUG-1", 0, 5, 3, 50)
    assert mug["next_inbound"] == {"expected_on": day(3), "quantity": 3}
    assert mug["next_eta"] == {"date": ships(3), "source": "inbound"}
    assert (cap["sku"], cap["next_inbound"], cap["next_eta"]["source"]) == ("CAP-9", None, "lead_time")


@pytest.mark.parametrize("query,skus", [
    ({"search": "mug"}, ["MUG-1"]),
    ({"search": "cap-9"}, ["CAP-9"]),
    ({"search": "nothing"}, []),
    ({"sort": "sku"}, ["CAP-9", "MUG-1"]),
    ({"sort": "sku", "order": "desc"}, ["MUG-1", "CAP-9"]),
    ({"sort": "next_inbound"}, ["MUG-1", "CAP-9"]),
    ({"sort": "oldest"}, ["MUG-1", "CAP-9"]),
    ({"sort": "waiting", "order": "asc"}, ["CAP-9", "MUG-1"]),
    ({"per_page": 1, "page": 2}, ["CAP-9"]),
])
def test_backordered_variants_search_sort_and_page(client, shop, query, skus):
    assert [item["sku"] for item in get(client, shop, "/backorders/variants", **query)["items"]] == skus


@pytest.mark.parametrize("query,field", [({"sort": "price"}, "sort"), ({"order": "up"}, "order"), ({"page": 0}, "page")])
def test_backordered_variants_refuse_bad_queries_with_the_field_named(client, shop, query, field):
    response = client.get("/api/v1/admin/backorders/variants", query_string=query, headers=shop)
    assert response.status_code == 422 and field in response.get_json()["errors"]["query"]


def test_a_variants_queue_lists_lines_in_the_order_they_are_served(client, shop):
    queue = get(client, shop, "/variants/1/queue")
    assert (queue["sku"], queue["waiting_units"]) == ("MUG-1", 5)
    assert [(line["position"], line["order_id"], line["quantity_waiting"]) for line in queue["lines"]] == [
        (1, 101, 2), (2, 102, 2), (3, 103, 1)]
    first = queue["lines"][0]
    assert first["customer"] == {"id": 7, "email": "ada@example.com", "first_name": "Ada"}
    assert (first["quantity_allocated"], first["payment_mode"], first["placed_at"]) == (0, "pay_now", "2026-11-20T09:00:00Z")
    assert first["eta"] == {"date": ships(3), "source": "inbound"} and first["first_promised_on"] == ships(3)
    assert queue["lines"][2]["eta"] == {"date": ships(20), "source": "inbound"}


def test_receipt_preview_names_the_lines_served_and_the_receipt_does_exactly_that(client, shop):
    preview = post(client, shop, "/variants/1/receipts/preview", {"quantity": 3})
    assert preview.status_code == 200, preview.get_json()
    body = preview.get_json()
    assert [(a["position"], a["order_id"], a["quantity"], a["in_full"]) for a in body["allocations"]] == [
        (1, 101, 2, True), (2, 102, 1, False)]
    assert (body["on_hand_after"], body["still_waiting"]) == (0, 2)
    assert get(client, shop, "/variants/1/queue")["waiting_units"] == 5  # nothing written

    done = receipt(client, shop, 1, "r1", quantity=3).get_json()
    assert [(a["order_id"], a["quantity"]) for a in done["allocated"]] == [
        (a["order_id"], a["quantity"]) for a in body["allocations"]]


def test_receipt_preview_beyond_the_queue_leaves_the_rest_on_hand(client, shop):
    body = post(client, shop, "/variants/2/receipts/preview", {"quantity": 10}).get_json()
    assert [(a["order_id"], a["quantity"]) for a in body["allocations"]] == [(104, 4)]
    assert (body["on_hand_after"], body["still_waiting"]) == (6, 0)


def test_inbound_date_change_preview_counts_the_shoppers_the_save_then_notifies(client, shop, session):
    inbound_id = get(client, shop, "/variants/1/inbound")["items"][0]["id"]
    preview = post(client, shop, f"/variants/1/inbound/{inbound_id}/preview", {"expected_on": day(10)})
    assert preview.status_code == 200, preview.get_json()
    body = preview.get_json()
    # 101 waits on that shipment; 102 and 103 on the later one, whose date stays
    assert (body["lines_moved"], body["shoppers_notified"], body["earlier"], body["later"]) == (1, 1, 0, 1)
    assert [line["order_id"] for line in body["lines"]] == [101]
    assert body["lines"][0]["old_eta"] == {"date": ships(3), "source": "inbound"}
    assert body["lines"][0]["new_eta"] == {"date": ships(10), "source": "inbound"}

    before = session.query(OutboxMessage).filter_by(event="eta_changed").count()
    session.rollback()  # end the read (the fixture's session writes, so it holds SQLite's lock)
    assert client.patch(f"/api/v1/admin/variants/1/inbound/{inbound_id}", json={"expected_on": day(10)},
                        headers=shop).status_code == 200
    session.expire_all()
    sent = session.query(OutboxMessage).filter_by(event="eta_changed").all()[before:]
    assert [message.payload["order_id"] for message in sent] == [101]


def test_new_inbound_preview_counts_the_dates_it_would_bring_forward(client, shop):
    body = post(client, shop, "/variants/2/inbound/preview", {"expected_on": day(1), "quantity": 4}).get_json()
    assert (body["lines_moved"], body["shoppers_notified"], body["earlier"]) == (1, 1, 1)
    assert body["lines"][0]["new_eta"] == {"date": ships(1), "source": "inbound"}
    assert get(client, shop, "/variants/2/inbound")["items"] == []  # nothing written


@pytest.mark.parametrize("path,body,field", [
    ("/variants/1/receipts/preview", {"quantity": 0}, "quantity"),
    ("/variants/1/receipts/preview", {}, "quantity"),
    ("/variants/1/inbound/preview", {"quantity": 2}, "expected_on"),
    ("/variants/1/inbound/1/preview", {"expected_on": "soon"}, "expected_on"),
])
def test_previews_refuse_bad_bodies_with_the_field_named(client, shop, path, body, field):
    response = post(client, shop, path, body)
    assert response.status_code == 422 and field in response.get_json()["errors"]["json"]


@pytest.mark.parametrize("path", ["/variants/99/queue"])
def test_unknown_variant_is_404(client, shop, path):
    assert client.get(f"/api/v1/admin{path}", headers=shop).status_code == 404


@pytest.mark.parametrize("path,body", [
    ("/variants/99/receipts/preview", {"quantity": 1}),
    ("/variants/99/inbound/preview", {"quantity": 1, "expected_on": "2026-12-01"}),
    ("/variants/1/inbound/9999/preview", {"quantity": 1}),
    ("/variants/1/inbound/99999999999/preview", {"quantity": 1}),
])
def test_previews_of_unknown_variants_or_inbound_are_404(client, shop, path, body):
    assert post(client, shop, path, body).status_code == 404


ROUTES = [("GET", "/overview"), ("GET", "/backorders/variants"), ("GET", "/variants/1/queue"),
          ("POST", "/variants/1/receipts/preview"), ("POST", "/variants/1/inbound/preview"),
          ("POST", "/variants/1/inbound/1/preview")]


@pytest.mark.parametrize("method,path", ROUTES)
@pytest.mark.parametrize("authorization", [None, "Bearer not-a-key", "Bearer bdc_not-a-session"])
def test_every_route_needs_a_valid_credential(client, shop, method, path, authorization):
    headers = {"Authorization": authorization} if authorization else {}
    assert client.open(f"/api/v1/admin{path}", method=method, json={"quantity": 1}, headers=headers).status_code == 401


def test_another_store_sees_none_of_it(client, shop, other_admin):
    assert get(client, other_admin, "/overview")["units_waiting"] == 0
    assert get(client, other_admin, "/backorders/variants")["total"] == 0
    assert client.get("/api/v1/admin/variants/1/queue", headers=other_admin).status_code == 404
    assert post(client, other_admin, "/variants/1/receipts/preview", {"quantity": 1}).status_code == 404
    assert post(client, other_admin, "/variants/1/inbound/1/preview", {"quantity": 1}).status_code == 404


def test_previews_are_not_in_the_activity_log(client, shop):
    before = get(client, shop, "/audit")["total"]
    post(client, shop, "/variants/1/receipts/preview", {"quantity": 1})
    post(client, shop, "/variants/1/inbound/preview", {"quantity": 1, "expected_on": day(2)})
    assert get(client, shop, "/audit")["total"] == before
