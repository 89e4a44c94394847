"""Purchase orders over HTTP: create, read, edit, cancel, receive in part or whole (through the
same first-come-first-served receipt), CSV import that saves all or nothing, and today's inbound
routes working on as single-line purchase orders."""
import pytest

from test_admin_api import add_inbound, place, put_variant
from test_console_backorders import day

PO = "/api/v1/admin/purchase-orders"


@pytest.fixture
def shop(client, admin):
    put_variant(client, admin, 1, sku="MUG-1", name="Blue mug", backorders_enabled=True)
    put_variant(client, admin, 2, sku="CAP-9", name="Red cap", backorders_enabled=True)
    assert place(client, admin, 101, (1, 2), placed_at="2026-11-20T09:00:00Z").status_code == 201
    assert place(client, admin, 102, (1, 3), placed_at="2026-11-21T09:00:00Z").status_code == 201
    return admin


def create(client, headers, **body):
    body = {"supplier": "Acme Ceramics", "reference": "PO-1", "expected_on": day(5),
            "lines": [{"variant_id": 1, "quantity": 4}, {"variant_id": 2, "quantity": 6, "expected_on": day(9)}], **body}
    response = client.post(PO, json=body, headers=headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def receive(client, headers, purchase_order_id, key, body):
    return client.post(f"{PO}/{purchase_order_id}/receipts", json=body, headers={**headers, "Idempotency-Key": key})


def outbox_count(client, headers, event):
    return client.get("/api/v1/admin/outbox", query_string={"event": event}, headers=headers).get_json()["total"]


def queue(client, headers, variant_id=1):
    return client.get(f"/api/v1/admin/variants/{variant_id}/queue", headers=headers).get_json()["lines"]


def test_a_purchase_order_is_created_with_its_lines_and_counts_as_supply(client, shop):
    order = create(client, shop)
    assert (order["supplier"], order["reference"], order["expected_on"], order["status"]) == (
        "Acme Ceramics", "PO-1", day(5), "open")
    mug, cap = order["lines"]
    assert (mug["variant_id"], mug["sku"], mug["quantity"], mug["quantity_received"], mug["expected_on"]) == (
        1, "MUG-1", 4, 0, day(5))
    assert (cap["quantity_expected"], cap["expected_on"]) == (6, day(9))
    assert (order["quantity"], order["quantity_received"]) == (10, 0)
    assert client.get(f"{PO}/{order['id']}", headers=shop).get_json() == order
    # the first shopper's 2 units are covered by the 4 coming on day 5 (+1 handling day)
    assert queue(client, shop)[0]["eta"] == {"date": day(6), "source": "inbound"}
    inbound = client.get("/api/v1/admin/variants/1/inbound", headers=shop).get_json()["items"]
    assert [(i["id"], i["purchase_order_id"]) for i in inbound] == [(mug["id"], order["id"])]


def test_receiving_part_of_a_line_serves_the_queue_first_come_first_served(client, shop):
    order = create(client, shop)
    mug = order["lines"][0]
    response = receive(client, shop, order["id"], "k1", {"lines": [{"line_id": mug["id"], "quantity": 3}]})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["purchase_order"]["status"] == "partly_received"
    assert body["receipts"] == [{"line_id": mug["id"], "variant_id": 1, "quantity": 3, "allocated": [
        {"order_id": 101, "line_id": 1, "quantity": 2}, {"order_id": 102, "line_id": 2, "quantity": 1}]}]
    line = body["purchase_order"]["lines"][0]
    assert (line["quantity_received"], line["quantity_expected"], line["received_on"]) == (3, 1, None)
    assert [(entry["order_id"], entry["quantity_waiting"]) for entry in queue(client, shop)] == [(102, 2)]
    assert outbox_count(client, shop, "allocated") == 2

    replay = receive(client, shop, order["id"], "k1", {"lines": [{"line_id": mug["id"], "quantity": 3}]})
    assert replay.get_json() == body and replay.headers["Idempotent-Replayed"] == "true"


def test_receiving_the_whole_order_receives_what_is_still_expected(client, shop):
    order = create(client, shop)
    receive(client, shop, order["id"], "k1", {"lines": [{"line_id": order["lines"][0]["id"], "quantity": 1}]})
    body = receive(client, shop, order["id"], "k2", {}).get_json()
    assert [(r["line_id"], r["quantity"]) for r in body["receipts"]] == [
        (order["lines"][0]["id"], 3), (order["lines"][1]["id"], 6)]
    assert body["purchase_order"]["status"] == "received"
    assert all(line["received_on"] for line in body["purchase_order"]["lines"])
    assert receive(client, shop, order["id"], "k3", {}).status_code == 409


@pytest.mark.parametrize("lines,field", [
    ([{"line_id": 1, "quantity": 5}], "quantity"),
    ([{"line_id": 999, "quantity": 1}], "line_id"),
    ([{"line_id": 1, "quantity": 1}, {"line_id": 1, "quantity": 1}], "line_id"),
])
def test_receipts_beyond_what_a_line_expects_are_refused_and_nothing_moves(client, shop, lines, field):
    order = create(client, shop)
    response = receive(client, shop, order["id"], "k", {"lines": lines})
    assert response.status_code == 422
    assert field in str(response.get_json()["errors"]["json"]["lines"])
    assert len(queue(client, shop)) == 2


def test_receipt_needs_an_idempotency_key(client, shop):
    order = create(client, shop)
    assert client.post(f"{PO}/{order['id']}/receipts", json={}, headers=shop).status_code == 400


def test_editing_the_date_moves_open_lines_and_tells_the_shoppers(client, shop):
    order = create(client, shop)
    before = outbox_count(client, shop, "eta_changed")
    response = client.patch(f"{PO}/{order['id']}", json={"expected_on": day(12), "supplier": "Acme Ltd"}, headers=shop)
    assert response.status_code == 200, response.get_json()
    edited = response.get_json()
    assert (edited["supplier"], [line["expected_on"] for line in edited["lines"]]) == ("Acme Ltd", [day(12), day(12)])
    assert queue(client, shop)[0]["eta"] == {"date": day(13), "source": "inbound"}
    assert outbox_count(client, shop, "eta_changed") == before + 1


def test_editing_lines_changes_adds_and_removes(client, shop):
    order = create(client, shop)
    mug, cap = order["lines"]
    response = client.patch(f"{PO}/{order['id']}", headers=shop, json={"lines": [
        {"line_id": mug["id"], "quantity": 8}, {"variant_id": 2, "quantity": 1, "expected_on": day(2)}]})
    assert response.status_code == 200, response.get_json()
    lines = response.get_json()["lines"]
    assert [(line["variant_id"], line["quantity"]) for line in lines] == [(1, 8), (2, 1)]
    assert lines[1]["id"] != cap["id"]


def test_a_received_part_cannot_be_edited_away(client, shop):
    order = create(client, shop)
    mug, cap = order["lines"]
    receive(client, shop, order["id"], "k", {"lines": [{"line_id": mug["id"], "quantity": 2}]})
    too_few = client.patch(f"{PO}/{order['id']}", headers=shop, json={"lines": [
        {"line_id": mug["id"], "quantity": 1}, {"line_id": cap["id"]}]})
    assert too_few.status_code == 422 and "quantity" in str(too_few.get_json()["errors"]["json"]["lines"])
    removed = client.patch(f"{PO}/{order['id']}", headers=shop, json={"lines": [{"line_id": cap["id"]}]})
    assert removed.status_code == 422
    assert len(client.get(f"{PO}/{order['id']}", headers=shop).get_json()["lines"]) == 2


def test_cancelling_stops_counting_what_was_not_received(client, shop):
    order = create(client, shop)
    storefront = "/api/v1/stores/store-a/availability?variant_ids=2"  # no queue: the 6 caps would come
    assert client.get(storefront).get_json()["items"][0]["eta"]["source"] == "inbound"
    response = client.post(f"{PO}/{order['id']}/cancel", headers=shop)
    assert response.status_code == 200 and response.get_json()["status"] == "cancelled"
    assert all(line["quantity_expected"] == 0 for line in response.get_json()["lines"])
    assert queue(client, shop)[0]["eta"] == {"date": None, "source": "unknown"}
    assert client.get(storefront).get_json()["items"][0]["eta"] == {"date": None, "source": "unknown"}
    assert client.post(f"{PO}/{order['id']}/cancel", headers=shop).status_code == 409
    assert receive(client, shop, order["id"], "k", {}).status_code == 409
    assert client.patch(f"{PO}/{order['id']}", json={"supplier": "X"}, headers=shop).status_code == 409


def test_list_filters_by_status_searches_and_pages(client, shop):
    first = create(client, shop)
    create(client, shop, supplier="Bolt Hats", reference="B-7", lines=[{"variant_id": 2, "quantity": 1}])
    client.post(f"{PO}/{first['id']}/cancel", headers=shop)

    def refs(**query):
        return [o["reference"] for o in client.get(PO, query_string=query, headers=shop).get_json()["items"]]

    assert refs() == ["B-7", "PO-1"]
    assert refs(status="cancelled") == ["PO-1"]
    assert refs(search="bolt") == ["B-7"]
    assert refs(per_page=1, page=2) == ["PO-1"]


@pytest.mark.parametrize("body,field", [
    ({"supplier": ""}, "supplier"),
    ({"expected_on": "next week"}, "expected_on"),
    ({"lines": []}, "lines"),
    ({"lines": [{"variant_id": 1, "quantity": 0}]}, "lines"),
    ({"lines": [{"variant_id": 1, "quantity": "2"}]}, "lines"),
    ({"lines": [{"variant_id": 404, "quantity": 1}]}, "lines"),
])
def test_bad_purchase_orders_are_refused_with_the_field_named(client, shop, body, field):
    base = {"supplier": "Acme", "reference": "R", "expected_on": day(3), "lines": [{"variant_id": 1, "quantity": 1}]}
    response = client.post(PO, json={**base, **body}, headers=shop)
    assert response.status_code == 422
    assert field in response.get_json()["errors"]["json"]
    assert client.get(PO, headers=shop).get_json()["total"] == 0


def test_an_empty_patch_is_refused(client, shop):
    order = create(client, shop)
    assert client.patch(f"{PO}/{order['id']}", json={}, headers=shop).status_code == 422


@pytest.mark.parametrize("method,path", [("GET", "/1"), ("PATCH", "/1"), ("POST", "/1/cancel"), ("POST", "/1/receipts"),
                                         ("GET", f"/{2**31}")])
def test_unknown_purchase_orders_are_404(client, shop, method, path):
    body = {} if path.endswith("receipts") else {"supplier": "X"}
    response = client.open(PO + path, method=method, json=body, headers={**shop, "Idempotency-Key": "k"})
    assert response.status_code == 404


ROUTES = [("GET", ""), ("POST", ""), ("GET", "/1"), ("PATCH", "/1"), ("POST", "/1/cancel"),
          ("POST", "/1/receipts"), ("POST", "/import")]


@pytest.mark.parametrize("method,path", ROUTES)
@pytest.mark.parametrize("authorization", [None, "Bearer not-a-key", "Bearer bdc_not-a-session"])
def test_every_route_needs_a_valid_credential(client, shop, method, path, authorization):
    headers = {"Authorization": authorization} if authorization else {}
    response = client.open(PO + path, method=method, json={}, headers={**headers, "Idempotency-Key": "k"})
    assert response.status_code == 401


def test_another_store_sees_none_of_them(client, shop, other_admin):
    order = create(client, shop)
    assert client.get(PO, headers=other_admin).get_json()["total"] == 0
    for method, path in [("GET", ""), ("PATCH", ""), ("POST", "/cancel"), ("POST", "/receipts")]:
        response = client.open(f"{PO}/{order['id']}{path}", method=method, json={} if path == "/receipts" else {"supplier": "X"},
                               headers={**other_admin, "Idempotency-Key": "k"})
        assert response.status_code == 404, (method, path)
    other = client.post(PO, headers=other_admin, json={"supplier": "X", "expected_on": day(3),
                                                       "lines": [{"variant_id": 1, "quantity": 1}]})
    assert other.status_code == 422  # store-a's variant is not in store-b's catalog


def test_inbound_routes_work_on_as_single_line_purchase_orders(client, shop):
    inbound = add_inbound(client, shop, 1, 5, day(4))
    [order] = client.get(PO, headers=shop).get_json()["items"]
    assert (order["supplier"], order["status"], order["lines"][0]["id"]) == ("", "open", inbound["id"])
    response = client.post("/api/v1/admin/variants/1/receipts", json={"quantity": 5, "inbound_id": inbound["id"]},
                           headers={**shop, "Idempotency-Key": "r"})
    assert response.status_code == 201
    assert client.get(f"{PO}/{order['id']}", headers=shop).get_json()["status"] == "received"
    assert client.delete(f"/api/v1/admin/variants/1/inbound/{inbound['id']}", headers=shop).status_code == 204
    assert client.get(PO, headers=shop).get_json()["total"] == 0


# --- CSV import --------------------------------------------------------------------------------

GOOD_CSV = (
    "reference,supplier,sku,variant_id,quantity,expected_on\n"
    f"PO-7,Acme Ceramics,MUG-1,,4,{day(5)}\n"
    f"PO-7,Acme Ceramics,,2,6,{day(9)}\n"
    f"PO-8,Bolt Hats,CAP-9,,2,{day(3)}\n"
)


def import_csv(client, headers, text, dry_run=None, as_file=False):
    query = {"dry_run": "true"} if dry_run else {}
    if as_file:
        import io
        return client.post(f"{PO}/import", query_string=query, headers=headers,
                           data={"file": (io.BytesIO(text.encode()), "orders.csv")}, content_type="multipart/form-data")
    return client.post(f"{PO}/import", query_string=query, data=text, headers={**headers, "Content-Type": "text/csv"})


def test_a_csv_creates_one_purchase_order_per_reference(client, shop):
    response = import_csv(client, shop, GOOD_CSV)
    assert response.status_code == 201, response.get_json()
    orders = response.get_json()["purchase_orders"]
    assert [(o["reference"], o["supplier"], o["expected_on"], len(o["lines"])) for o in orders] == [
        ("PO-7", "Acme Ceramics", day(5), 2), ("PO-8", "Bolt Hats", day(3), 1)]
    assert client.get(PO, headers=shop).get_json()["total"] == 2
    assert queue(client, shop)[0]["eta"] == {"date": day(6), "source": "inbound"}


def test_a_csv_upload_works_like_a_csv_body(client, shop):
    response = import_csv(client, shop, GOOD_CSV, as_file=True)
    assert response.status_code == 201, response.get_json()


def test_a_dry_run_checks_and_saves_nothing(client, shop):
    response = import_csv(client, shop, GOOD_CSV, dry_run=True)
    assert response.status_code == 200, response.get_json()
    plans = response.get_json()["purchase_orders"]
    assert [(p["reference"], [(line["row"], line["variant_id"], line["quantity"]) for line in p["lines"]]) for p in plans] == [
        ("PO-7", [(2, 1, 4), (3, 2, 6)]), ("PO-8", [(4, 2, 2)])]
    assert client.get(PO, headers=shop).get_json()["total"] == 0
    audit = client.get("/api/v1/admin/audit", headers=shop).get_json()["items"]
    assert all("import" not in entry["path"] for entry in audit)


def test_a_csv_with_one_bad_row_saves_nothing_and_names_every_bad_row(client, shop):
    text = GOOD_CSV + (f"PO-9,Acme,NOPE,,1,{day(3)}\nPO-9,Acme,MUG-1,,0,soon\nPO-7,Other,MUG-1,,1,{day(3)}\n"
                       f"PO-8,Acme,,\u00b2,\u0661,{day(3)}\n")
    response = import_csv(client, shop, text)
    assert response.status_code == 422
    errors = response.get_json()["errors"]["csv"]
    assert set(errors) == {"5", "6", "7", "8"}
    assert {"variant_id", "quantity"} <= set(errors["8"])  # "²" and "١" are digits to str, not to int
    assert "sku" in errors["5"] and set(errors["6"]) == {"quantity", "expected_on"} and "supplier" in errors["7"]
    assert "nothing was saved" in response.get_json()["message"]
    assert client.get(PO, headers=shop).get_json()["total"] == 0


@pytest.mark.parametrize("text,key", [
    ("reference,supplier,quantity\nA,B,1\n", "columns"),
    ("reference,supplier,sku,quantity,expected_on\n", "rows"),
    ("", "columns"),
])
def test_a_csv_without_the_columns_or_rows_is_refused(client, shop, text, key):
    response = import_csv(client, shop, text)
    assert response.status_code == 422 and key in response.get_json()["errors"]["csv"]


def test_a_reference_already_used_is_refused(client, shop):
    create(client, shop, reference="PO-7")
    response = import_csv(client, shop, GOOD_CSV)
    assert response.status_code == 422 and "reference" in response.get_json()["errors"]["csv"]["2"]


def test_a_csv_naming_another_stores_variants_saves_nothing(client, shop, other_admin):
    response = import_csv(client, other_admin, GOOD_CSV)
    assert response.status_code == 422 and set(response.get_json()["errors"]["csv"]) == {"2", "3", "4"}


@pytest.mark.parametrize("text", ["a\rb\x00c", '"unclosed,quote\n', b"\xff\xfe".decode("latin-1")])
def test_a_file_that_is_not_csv_is_refused_and_saves_nothing(client, shop, text):
    response = import_csv(client, shop, text)
    assert response.status_code == 422 and "csv" in response.get_json()["errors"]
    assert client.get(PO, headers=shop).get_json()["total"] == 0
