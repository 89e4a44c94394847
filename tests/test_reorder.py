"""Reorder suggestions and automatic purchase-order drafts: the arithmetic (safety stock, reorder
point, position with waiting units, rounding to the minimum order and whole packs), the reorder
list over HTTP, the daily drafting job (once per need), drafts promising nothing to shoppers, and
approving a draft (dates for waiting shoppers, the supplier's email with its CSV, sent once)."""
import csv
import io
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from api.domain import clock
from api.domain.reorder import (
    days_of_cover, reorder_point, round_to_supplier, safety_stock, stock_position, stockout_on,
    suggested_quantity,
)
from api.jobs import daily_reorder_drafts
from api.models import DeliveredMessage, DemandForecast, OutboxMessage, Store, Supplier, Variant
from mailservers import make_worker, smtp_inbox  # noqa: F401
from test_admin_api import place, put_variant
from test_worker_delivery import NOW

TODAY = NOW.date()  # a Thursday
PO = "/api/v1/admin/purchase-orders"


# --- the arithmetic ------------------------------------------------------------------------------


def test_safety_stock_is_z_times_weekly_deviation_times_root_of_lead_time_in_weeks():
    assert safety_stock(2.0, 14, 0.95) == pytest.approx(1.6449 * 2.0 * 2 ** 0.5, abs=1e-3)
    assert safety_stock(2.0, 14, 0.5) == pytest.approx(0.0)  # z = 0: no cover for forecast error
    assert safety_stock(0.0, 14, 0.99) == 0.0
    assert safety_stock(2.0, 14, 0.99) > safety_stock(2.0, 14, 0.95)


def test_reorder_point_is_lead_time_demand_plus_safety_stock():
    assert reorder_point(7.0, 2.0, 14, 0.95) == pytest.approx(14 + 4.652, abs=1e-3)
    assert reorder_point(7.0, 0.0, 7, 0.95) == pytest.approx(7.0)


def test_position_counts_inbound_and_takes_off_units_waiting():
    assert stock_position(on_hand=5, open_inbound=10, waiting=8) == 7
    assert stock_position(on_hand=0, open_inbound=0, waiting=3) == -3


def test_days_of_cover_and_stockout_date_follow_the_forecast_rate():
    assert days_of_cover(14, 7.0) == 14.0
    assert stockout_on(TODAY, 14, 7.0) == TODAY + timedelta(days=14)
    assert days_of_cover(-3, 7.0) == 0.0 and stockout_on(TODAY, -3, 7.0) == TODAY  # out already
    assert days_of_cover(10, 0.0) is None and stockout_on(TODAY, 10, 0.0) is None  # no demand
    assert stockout_on(TODAY, 1_000_000, 0.001) is None  # past the horizon, not past the calendar


def test_quantities_round_up_to_the_minimum_order_then_to_whole_packs():
    assert round_to_supplier(3.2) == 4
    assert round_to_supplier(3, minimum_order_quantity=10) == 10
    assert round_to_supplier(3, minimum_order_quantity=10, pack_size=6) == 12  # 10 → two packs of 6
    assert round_to_supplier(13, minimum_order_quantity=10, pack_size=6) == 18
    assert round_to_supplier(12.0, pack_size=6) == 12  # already whole packs


def test_the_suggestion_orders_up_to_reorder_point_plus_lead_time_demand_only_at_or_below_it():
    # position -3 (3 units waiting), reorder point 18.65, lead-time demand 14: 35.65 → 36 (6 packs of 6)
    assert suggested_quantity(-3, 18.65, 14.0, minimum_order_quantity=10, pack_size=6) == 36
    assert suggested_quantity(18, 18.65, 14.0) == 15  # 32.65 − 18 → 15
    assert suggested_quantity(19, 18.65, 14.0) == 0  # above the reorder point: nothing yet


# --- a store to reorder for ---------------------------------------------------------------------


def store_id_of(session, store_hash="store-a") -> int:
    return session.scalar(select(Store.id).where(Store.hash == store_hash))


def add_supplier(app, store_hash="store-a", **fields) -> int:
    with app.extensions["database"].transaction() as session:
        supplier = Supplier(store_id=store_id_of(session, store_hash), **{
            "name": "Acme Ceramics", "email": "orders@acme.example", "lead_time_days": 14,
            "minimum_order_quantity": 10, "pack_size": 6, "auto_reorder": True, **fields})
        session.add(supplier)
        session.flush()
        return supplier.id


def forecast(app, variant_id, supplier_id=None, weekly_demand=7.0, weekly_deviation=2.0, store_hash="store-a"):
    """The variant's forecast as the nightly job would store it, and its supplier."""
    with app.extensions["database"].transaction() as session:
        store_id = store_id_of(session, store_hash)
        variant = session.scalar(select(Variant).where(Variant.store_id == store_id, Variant.variant_id == variant_id))
        variant.supplier_id = supplier_id
        monday = TODAY - timedelta(days=TODAY.weekday())
        session.add(DemandForecast(
            variant_pk=variant.id, store_id=store_id, method="AutoETS", computed_on=TODAY,
            weeks=[[(monday + timedelta(weeks=n)).isoformat(), weekly_demand] for n in range(12)],
            weekly_demand=weekly_demand, weekly_deviation=weekly_deviation))


@pytest.fixture
def shop(app, client, admin):
    """Variant 1: nothing on hand, 3 units waiting; variant 2: plenty on hand; both from Acme
    (14 days, minimum 10, packs of 6, automatic reordering); variant 3: no supplier, no lead time."""
    put_variant(client, admin, 1, sku="MUG-1", name="Blue mug", backorders_enabled=True, on_hand=0)
    put_variant(client, admin, 2, sku="MUG-2", name="Red mug", on_hand=100)
    put_variant(client, admin, 3, sku="CAP-3", name="Cap", on_hand=1)
    assert place(client, admin, 101, (1, 3), placed_at="2026-11-20T09:00:00Z").status_code == 201
    acme = add_supplier(app)
    forecast(app, 1, acme)
    forecast(app, 2, acme)
    forecast(app, 3, None, weekly_demand=1.0)
    return acme


def reorder(client, admin, **query):
    response = client.get("/api/v1/admin/reorder", query_string=query, headers=admin)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_the_reorder_list_shows_variants_at_or_below_their_reorder_point_with_the_arithmetic(client, admin, shop):
    body = reorder(client, admin)
    assert body["service_level"] == 0.95
    assert [item["variant_id"] for item in body["items"]] == [1]
    item = body["items"][0]
    assert item == {
        "variant_id": 1, "product_id": 1, "sku": "MUG-1", "name": "Blue mug", "supplier_id": shop,
        "supplier": "Acme Ceramics", "on_hand": 0, "open_inbound": 0, "waiting": 3, "position": -3,
        "weekly_demand": 7.0, "lead_time_days": 14, "safety_stock": 4.65, "reorder_point": 18.65,
        "days_of_cover": 0.0, "stockout_on": TODAY.isoformat(), "suggested_quantity": 36,
        "draft_purchase_order_id": None,
    }


def test_all_lists_every_variant_with_a_forecast_most_urgent_first(client, admin, shop):
    items = reorder(client, admin, all="true")["items"]
    assert [(i["variant_id"], i["days_of_cover"]) for i in items] == [(1, 0.0), (3, 7.0), (2, 100.0)]
    cap = items[1]  # no supplier and no lead time: nothing to plan with
    assert (cap["supplier_id"], cap["lead_time_days"], cap["reorder_point"], cap["suggested_quantity"]) == (
        None, None, None, None)


def test_the_service_level_is_a_setting_that_sizes_safety_stock(client, admin, shop):
    response = client.patch("/api/v1/admin/settings", json={"service_level": 0.99}, headers=admin)
    assert response.status_code == 200 and response.get_json()["service_level"] == 0.99
    assert reorder(client, admin)["items"][0]["safety_stock"] == pytest.approx(2.3263 * 2 * 2 ** 0.5, abs=0.01)
    for bad in (0.4, 1.0, "0.9", True, None):
        response = client.patch("/api/v1/admin/settings", json={"service_level": bad}, headers=admin)
        assert response.status_code == 422 and "service_level" in response.get_json()["errors"]["json"]


def test_a_variant_without_supplier_plans_with_its_own_lead_time(app, client, admin, shop):
    put_variant(client, admin, 3, sku="CAP-3", name="Cap", on_hand=1, lead_time_days=7)
    cap = next(i for i in reorder(client, admin)["items"] if i["variant_id"] == 3)
    # 1 a week over 7 days + 1.645 × 2 → 4.29; up to 4.29 + 1 from position 1 → 5 (no supplier: no packs)
    assert (cap["lead_time_days"], cap["reorder_point"], cap["suggested_quantity"]) == (7, 4.29, 5)


def test_a_large_stock_at_a_trickle_of_demand_has_no_stockout_date_and_breaks_nothing(app, client, admin, shop):
    put_variant(client, admin, 4, sku="VASE-4", name="Vase", on_hand=10_000_000)
    forecast(app, 4, shop, weekly_demand=0.001, weekly_deviation=0.0)
    vase = next(i for i in reorder(client, admin, all="true")["items"] if i["variant_id"] == 4)
    assert vase["stockout_on"] is None and vase["suggested_quantity"] == 0
    assert client.post("/api/v1/admin/reorder/drafts", headers=admin).status_code == 200


def test_one_stores_failed_drafting_does_not_stop_the_others_nor_repeat_all_day(app, client, admin, other_admin, shop,
                                                                                 monkeypatch):
    import api.jobs
    real = api.jobs.draft_purchase_orders
    put_variant(client, other_admin, 1, sku="MUG-1", name="Blue mug", backorders_enabled=True, on_hand=0)
    assert place(client, other_admin, 201, (1, 3), placed_at="2026-11-20T09:00:00Z").status_code == 201
    forecast(app, 1, add_supplier(app, "store-b"), store_hash="store-b")
    calls = []

    def fails_for_store_a(session, store):
        calls.append(store.hash)
        if store.hash == "store-a":
            raise RuntimeError("statsforecast fell over")
        return real(session, store)

    monkeypatch.setattr(api.jobs, "draft_purchase_orders", fails_for_store_a)
    assert daily_reorder_drafts(app.extensions["database"]) == 1  # store-b's draft
    assert daily_reorder_drafts(app.extensions["database"]) == 0 and calls == ["store-a", "store-b"]


# --- drafts ---------------------------------------------------------------------------------------


def drafts(client, admin):
    response = client.post("/api/v1/admin/reorder/drafts", headers=admin)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["items"]


def test_the_daily_job_drafts_one_order_per_supplier_and_running_twice_drafts_once(app, client, admin, shop):
    database = app.extensions["database"]
    assert daily_reorder_drafts(database) == 1
    assert daily_reorder_drafts(database) == 0  # once a day
    clock.freeze(NOW + timedelta(days=1))
    assert daily_reorder_drafts(database) == 0  # the next day: the draft covers the need
    assert drafts(client, admin) == []  # and so does drafting now
    listed = client.get(PO, query_string={"status": "draft"}, headers=admin).get_json()
    assert listed["total"] == 1
    draft = listed["items"][0]
    assert (draft["status"], draft["origin"], draft["supplier_id"], draft["supplier"], draft["approved_at"]) == (
        "draft", "reorder", shop, "Acme Ceramics", None)
    assert [(line["variant_id"], line["quantity"], line["quantity_expected"]) for line in draft["lines"]] == [(1, 36, 0)]
    assert reorder(client, admin)["items"][0]["draft_purchase_order_id"] == draft["id"]


def test_a_need_an_open_purchase_order_covers_is_not_drafted(client, admin, shop):
    response = client.post(PO, json={"supplier": "Acme Ceramics", "expected_on": (TODAY + timedelta(days=10)).isoformat(),
                                     "lines": [{"variant_id": 1, "quantity": 40}]}, headers=admin)
    assert response.status_code == 201
    assert reorder(client, admin)["items"] == []  # position 37 is above the reorder point
    assert drafts(client, admin) == []


def test_suppliers_not_opted_in_get_no_draft(app, client, admin, shop):
    with app.extensions["database"].transaction() as session:
        session.get(Supplier, shop).auto_reorder = False
    assert drafts(client, admin) == []
    assert reorder(client, admin)["items"][0]["suggested_quantity"] == 36  # still suggested


def test_a_new_need_joins_the_suppliers_draft_rather_than_a_second_one(client, admin, shop):
    first = drafts(client, admin)[0]
    client.patch("/api/v1/admin/variants/2", json={"on_hand": 0}, headers=admin)
    second = drafts(client, admin)
    assert [order["id"] for order in second] == [first["id"]]
    assert [(line["variant_id"], line["quantity"]) for line in second[0]["lines"]] == [(1, 36), (2, 36)]


def test_a_draft_promises_nothing_to_shoppers(client, admin, shop):
    draft = drafts(client, admin)[0]
    line_id = draft["lines"][0]["id"]
    shown = client.get("/api/v1/stores/store-a/availability?variant_ids=1").get_json()["items"][0]
    assert shown["eta"] == {"date": None, "source": "unknown"}
    queue = client.get("/api/v1/admin/variants/1/queue", headers=admin).get_json()["lines"]
    assert queue[0]["eta"] == {"date": None, "source": "unknown"}
    assert client.get("/api/v1/admin/overview", headers=admin).get_json()["inbound_next_7_days"]["units"] == 0
    assert client.get("/api/v1/admin/variants/1/inbound", headers=admin).get_json()["items"] == []
    refused = client.post(f"{PO}/{draft['id']}/receipts", json={}, headers={**admin, "Idempotency-Key": "r1"})
    assert refused.status_code == 409
    refused = client.post("/api/v1/admin/variants/1/receipts", json={"quantity": 5, "inbound_id": line_id},
                          headers={**admin, "Idempotency-Key": "r2"})
    assert refused.status_code == 409
    # the merchant edits it: still a draft, still nothing promised
    edited = client.patch(f"{PO}/{draft['id']}", json={"lines": [{"line_id": line_id, "quantity": 48}]}, headers=admin)
    assert edited.status_code == 200 and edited.get_json()["status"] == "draft"
    assert client.get("/api/v1/stores/store-a/availability?variant_ids=1").get_json()["items"][0]["eta"]["source"] == "unknown"


# --- approving ------------------------------------------------------------------------------------


def approve(client, admin, purchase_order_id, key=None):
    headers = {**admin, "Idempotency-Key": key} if key else admin
    return client.post(f"{PO}/{purchase_order_id}/approve", headers=headers)


def outbox(app, event):
    with app.extensions["database"].session(write=False) as session:
        return session.scalars(select(OutboxMessage).where(OutboxMessage.event == event).order_by(OutboxMessage.id)).all()


def test_approving_a_draft_orders_it_and_gives_waiting_shoppers_a_date(app, client, admin, shop):
    draft = drafts(client, admin)[0]
    response = approve(client, admin, draft["id"])
    assert response.status_code == 200, response.get_json()
    order = response.get_json()
    expected = (TODAY + timedelta(days=14)).isoformat()
    assert (order["status"], order["expected_on"], order["approved_at"]) == ("open", expected, "2026-11-26T12:00:00Z")
    assert [(line["expected_on"], line["quantity_expected"]) for line in order["lines"]] == [(expected, 36)]
    queue = client.get("/api/v1/admin/variants/1/queue", headers=admin).get_json()["lines"]
    assert queue[0]["eta"] == {"date": "2026-12-11", "source": "inbound"}  # arrives Thursday 10th, +1 handling day
    assert client.get("/api/v1/stores/store-a/availability?variant_ids=1").get_json()["items"][0]["eta"]["source"] == "inbound"
    changed = outbox(app, "eta_changed")
    assert [(m.payload["email"], m.payload["new_eta"]) for m in changed] == [
        ("ada@example.com", {"date": "2026-12-11", "source": "inbound"})]
    sent = outbox(app, "purchase_order_sent")
    assert [(m.dedupe_key, m.payload["email"]) for m in sent] == [
        (f"purchase_order_sent:{draft['id']}", "orders@acme.example")]
    item = next(i for i in reorder(client, admin, all="true")["items"] if i["variant_id"] == 1)
    assert (item["open_inbound"], item["position"], item["draft_purchase_order_id"]) == (36, 33, None)

    again = approve(client, admin, draft["id"])
    assert again.status_code == 409
    assert len(outbox(app, "purchase_order_sent")) == 1  # never sent twice


def test_approve_replays_its_first_answer_for_the_same_idempotency_key(app, client, admin, shop):
    draft = drafts(client, admin)[0]
    first = approve(client, admin, draft["id"], key="approve-1")
    replay = approve(client, admin, draft["id"], key="approve-1")
    assert first.status_code == replay.status_code == 200
    assert replay.get_json() == first.get_json() and replay.headers["Idempotent-Replayed"] == "true"
    assert approve(client, admin, draft["id"], key="approve-2").status_code == 409
    assert len(outbox(app, "purchase_order_sent")) == 1


def test_only_a_draft_can_be_approved(client, admin, shop):
    response = client.post(PO, json={"supplier": "Acme Ceramics", "expected_on": "2026-12-20",
                                     "lines": [{"variant_id": 1, "quantity": 4}]}, headers=admin)
    assert approve(client, admin, response.get_json()["id"]).status_code == 409
    assert approve(client, admin, 999).status_code == 404


def test_a_draft_is_not_approved_while_its_supplier_cannot_be_sent_it(app, client, admin, shop):
    [draft] = drafts(client, admin)
    with app.extensions["database"].transaction() as session:
        session.get(Supplier, shop).email = ""
    response = approve(client, admin, draft["id"])
    assert response.status_code == 409 and "no email address" in response.get_json()["message"]
    assert client.get(f"{PO}/{draft['id']}", headers=admin).get_json()["status"] == "draft"
    assert outbox(app, "purchase_order_sent") == []
    assert client.delete(f"/api/v1/admin/suppliers/{shop}", headers=admin).status_code == 204
    response = approve(client, admin, draft["id"])
    assert response.status_code == 409 and "no supplier" in response.get_json()["message"]


def test_a_supplier_set_to_auto_send_has_its_draft_approved_and_sent_by_the_job(app, client, admin, shop):
    with app.extensions["database"].transaction() as session:
        session.get(Supplier, shop).auto_send = True
    assert daily_reorder_drafts(app.extensions["database"]) == 1
    orders = client.get(PO, headers=admin).get_json()["items"]
    assert [(o["status"], o["origin"]) for o in orders] == [("open", "reorder")]
    assert len(outbox(app, "purchase_order_sent")) == 1


def test_the_supplier_email_goes_through_the_outbox_to_the_mailbox_with_its_csv(app, client, admin, shop, monkeypatch):
    draft = drafts(client, admin)[0]
    assert approve(client, admin, draft["id"]).status_code == 200
    with app.app_context():
        make_worker(app, None, mailbox=True).run(once=True)
        make_worker(app, None, mailbox=True).run(once=True)  # a second run sends nothing again
    with app.extensions["database"].session(write=False) as session:
        mails = session.scalars(select(DeliveredMessage).where(DeliveredMessage.event == "purchase_order_sent")).all()
        assert len(mails) == 1
        mail = mails[0]
        assert (mail.recipient, mail.subject) == ("orders@acme.example", f"Purchase order Reorder {TODAY} from store-a")
        assert "<table" in mail.html_body and "<th scope=\"col\"" in mail.html_body and "Blue mug" in mail.html_body
        assert "MUG-1 | Blue mug | 36" in mail.text_body
        [attachment] = mail.attachments
        message_id = mail.id
    assert attachment["filename"] == f"purchase-order-{draft['id']}.csv"
    rows = list(csv.DictReader(io.StringIO(attachment["content"])))
    assert rows == [{"purchase_order": str(draft["id"]), "reference": f"Reorder {TODAY}", "sku": "MUG-1",
                     "name": "Blue mug", "variant_id": "1", "quantity": "36", "expected_on": "2026-12-10"}]
    monkeypatch.setitem(app.config, "DEMO_MODE", True)
    page = client.get("/demo/mailbox").get_data(as_text=True)
    assert f"Purchase order Reorder {TODAY} from store-a" in page
    assert f"/demo/mailbox/{message_id}/attachments/1" in page
    download = client.get(f"/demo/mailbox/{message_id}/attachments/1")
    assert download.status_code == 200 and download.mimetype == "text/csv"
    assert download.headers["Content-Disposition"] == f'attachment; filename="purchase-order-{draft["id"]}.csv"'
    assert client.get(f"/demo/mailbox/{message_id}/attachments/2").status_code == 404


def test_over_smtp_the_purchase_order_is_html_with_a_csv_attachment(app, client, admin, shop, smtp_inbox):
    draft = drafts(client, admin)[0]
    approve(client, admin, draft["id"])
    with app.app_context():
        make_worker(app, smtp_inbox.url).run(once=True)
    [message] = [m for m in smtp_inbox.messages if m["To"] == "orders@acme.example"]
    assert message.get_content_type() == "multipart/mixed"
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "<caption" in html and "Blue mug" in html
    [attachment] = list(message.iter_attachments())
    assert (attachment.get_content_type(), attachment.get_filename()) == ("text/csv", f"purchase-order-{draft['id']}.csv")
    assert "MUG-1,Blue mug,1,36,2026-12-10" in attachment.get_content()
    assert message["X-Backorder-Desk-Dedupe-Key"] == f"purchase_order_sent:{draft['id']}"


# --- the HTTP contract ---------------------------------------------------------------------------


ROUTES = [("GET", "/api/v1/admin/variants/1/forecast"), ("GET", "/api/v1/admin/reorder"),
          ("POST", "/api/v1/admin/reorder/drafts"), ("POST", f"{PO}/1/approve")]


@pytest.mark.parametrize("method,path", ROUTES)
def test_the_reorder_routes_need_an_admin_key(client, store_and_key, method, path):
    assert client.open(path, method=method, headers={"Authorization": "Bearer not-a-key"}).status_code == 401
    assert client.open(path, method=method).status_code == 401


def test_bad_query_parameters_are_422(client, admin, shop):
    response = client.get("/api/v1/admin/reorder", query_string={"all": "maybe"}, headers=admin)
    assert response.status_code == 422 and "all" in response.get_json()["errors"]["query"]
    response = client.get(PO, query_string={"status": "drafted"}, headers=admin)
    assert response.status_code == 422


def test_another_stores_drafts_and_variants_are_not_found(app, client, admin, other_admin, shop):
    draft = drafts(client, admin)[0]
    assert approve(client, other_admin, draft["id"]).status_code == 404
    assert client.get("/api/v1/admin/variants/1/forecast", headers=other_admin).status_code == 404
    assert reorder(client, other_admin, all="true")["items"] == []
    assert drafts(client, other_admin) == []
    assert client.get(PO, query_string={"status": "draft"}, headers=other_admin).get_json()["total"] == 0


def test_a_product_name_reaches_the_suppliers_spreadsheet_as_text_never_as_a_formula():
    from api.notifications.render import purchase_order_csv

    text = purchase_order_csv({"purchase_order_id": 7, "reference": "=cmd|' /C calc'!A0", "lines": [
        {"sku": "+1", "name": "@SUM(A1)", "variant_id": 1, "quantity": 2, "expected_on": "2026-12-10"}]})
    [row] = list(csv.DictReader(io.StringIO(text)))
    assert (row["reference"], row["sku"], row["name"]) == ("'=cmd|' /C calc'!A0", "'+1", "'@SUM(A1)")


@pytest.mark.postgres
def test_drafting_and_approving_at_once_from_several_workers_drafts_and_sends_once(postgres_app):
    """On PostgreSQL, where they really run in parallel: the job in several workers and the
    merchant's "draft now" at the same moment make one draft; approvals at once send it once."""
    from test_postgres_concurrency import THREADS, run_in_threads

    from api.domain.stores import create_store

    database = postgres_app.extensions["database"]
    with database.transaction() as session:
        _, api_key = create_store(session, "store-a", ["https://shop.example"])
    admin = {"Authorization": f"Bearer {api_key}"}
    setup = postgres_app.test_client()
    put_variant(setup, admin, 1, sku="MUG-1", name="Blue mug", backorders_enabled=True, on_hand=0)
    acme = add_supplier(postgres_app)
    forecast(postgres_app, 1, acme)

    def work(index):
        if index % 2:
            daily_reorder_drafts(database)
        else:
            assert postgres_app.test_client().post("/api/v1/admin/reorder/drafts", headers=admin).status_code == 200

    run_in_threads(work)
    listed = setup.get(PO, query_string={"status": "draft"}, headers=admin).get_json()
    assert listed["total"] == 1 and [line["quantity"] for line in listed["items"][0]["lines"]] == [36]

    answers = []
    run_in_threads(lambda index: answers.append(approve(postgres_app.test_client(), admin, listed["items"][0]["id"]).status_code))
    assert sorted(answers) == [200] + [409] * (THREADS - 1)
    assert len(outbox(postgres_app, "purchase_order_sent")) == 1
