"""Suppliers over HTTP: created, read, edited, deleted and imported from CSV (upsert by name), named
by variants (one by one and in bulk) and purchase orders; another store's are never seen."""
import pytest

from test_admin_api import put_variant

SUPPLIERS = "/api/v1/admin/suppliers"
PO = "/api/v1/admin/purchase-orders"


def create(client, headers, **body):
    response = client.post(SUPPLIERS, json={"name": "Acme Ceramics", **body}, headers=headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def upload(client, headers, text, dry_run=False):
    return client.post(f"{SUPPLIERS}/import", data=text.encode(), content_type="text/csv", headers=headers,
                       query_string={"dry_run": "true"} if dry_run else {})


@pytest.mark.parametrize("method,path", [("GET", SUPPLIERS), ("POST", SUPPLIERS), ("GET", f"{SUPPLIERS}/1"),
                                         ("PATCH", f"{SUPPLIERS}/1"), ("DELETE", f"{SUPPLIERS}/1"),
                                         ("POST", f"{SUPPLIERS}/import")])
def test_supplier_routes_need_the_merchants_key(client, admin, method, path):
    response = client.open(path, method=method, json={"name": "x"})
    assert response.status_code == 401 and response.get_json()["code"] == 401


def test_a_supplier_is_created_with_defaults_read_listed_by_name_and_edited(client, admin):
    zeta = create(client, admin, name="Zeta Threads", email="orders@zeta.example", lead_time_days=21,
                  minimum_order_quantity=12, pack_size=6, auto_reorder=True)
    acme = create(client, admin)
    assert {k: v for k, v in acme.items() if k not in ("id", "created_at", "updated_at")} == {
        "name": "Acme Ceramics", "email": "", "lead_time_days": 14, "minimum_order_quantity": 1, "pack_size": 1,
        "auto_reorder": False, "auto_send": False}
    assert acme["created_at"].endswith("Z")
    assert client.get(f"{SUPPLIERS}/{zeta['id']}", headers=admin).get_json() == zeta
    listed = client.get(SUPPLIERS, headers=admin).get_json()["items"]
    assert [s["name"] for s in listed] == ["Acme Ceramics", "Zeta Threads"]

    response = client.patch(f"{SUPPLIERS}/{zeta['id']}", json={"lead_time_days": 10, "auto_send": True}, headers=admin)
    assert response.status_code == 200, response.get_json()
    assert (response.get_json()["lead_time_days"], response.get_json()["auto_send"], response.get_json()["name"]) == (
        10, True, "Zeta Threads")


def test_a_name_is_unique_in_a_store(client, admin, other_admin):
    acme = create(client, admin)
    again = client.post(SUPPLIERS, json={"name": "Acme Ceramics"}, headers=admin)
    assert again.status_code == 409 and again.get_json()["errors"]["json"]["name"]
    other = create(client, admin, name="Borealis Wool")
    renamed = client.patch(f"{SUPPLIERS}/{other['id']}", json={"name": "Acme Ceramics"}, headers=admin)
    assert renamed.status_code == 409
    assert client.patch(f"{SUPPLIERS}/{acme['id']}", json={"name": "Acme Ceramics"}, headers=admin).status_code == 200
    create(client, other_admin)  # another store may have its own Acme


@pytest.mark.parametrize("body,field", [
    ({}, "name"), ({"name": ""}, "name"), ({"name": "A", "email": "not-an-email"}, "email"),
    ({"name": "A", "lead_time_days": -1}, "lead_time_days"), ({"name": "A", "pack_size": 0}, "pack_size"),
    ({"name": "A", "minimum_order_quantity": "12"}, "minimum_order_quantity"),
    ({"name": "A", "auto_reorder": "yes"}, "auto_reorder"), ({"name": "A", "colour": "red"}, "colour"),
    ({"name": "A", "auto_send": True}, "email"),  # sending needs somewhere to send to
])
def test_bad_supplier_fields_are_422_with_the_field_named(client, admin, body, field):
    response = client.post(SUPPLIERS, json=body, headers=admin)
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["errors"]["json"]


def test_an_empty_patch_is_422(client, admin):
    acme = create(client, admin)
    assert client.patch(f"{SUPPLIERS}/{acme['id']}", json={}, headers=admin).status_code == 422


def test_another_stores_supplier_is_not_found_and_cannot_be_named(client, admin, other_admin):
    theirs = create(client, other_admin, name="Their Supplier")
    for method in ("GET", "PATCH", "DELETE"):
        response = client.open(f"{SUPPLIERS}/{theirs['id']}", method=method, json={"lead_time_days": 1}, headers=admin)
        assert response.status_code == 404, method
    assert client.get(SUPPLIERS, headers=admin).get_json()["items"] == []

    put_variant(client, admin, 1)
    response = client.patch("/api/v1/admin/variants/1", json={"supplier_id": theirs["id"]}, headers=admin)
    assert response.status_code == 422
    assert response.get_json()["errors"]["json"]["supplier_id"]
    bulk = client.patch("/api/v1/admin/variants", json={"variant_ids": [1], "changes": {"supplier_id": theirs["id"]}},
                        headers=admin)
    assert bulk.status_code == 422 and bulk.get_json()["errors"]["json"]["changes"]["supplier_id"]
    po = client.post(PO, json={"supplier_id": theirs["id"], "expected_on": "2026-12-10",
                               "lines": [{"variant_id": 1, "quantity": 2}]}, headers=admin)
    assert po.status_code == 422 and po.get_json()["errors"]["json"]["supplier_id"]


def test_a_variant_names_its_supplier_one_by_one_and_in_bulk(client, admin):
    acme, zeta = create(client, admin), create(client, admin, name="Zeta Threads")
    assert put_variant(client, admin, 1, supplier_id=acme["id"])["supplier_id"] == acme["id"]
    put_variant(client, admin, 2)
    assert client.get("/api/v1/admin/variants", headers=admin).get_json()["items"][1]["supplier_id"] is None

    bulk = client.patch("/api/v1/admin/variants", json={"variant_ids": [1, 2], "changes": {"supplier_id": zeta["id"]}},
                        headers=admin)
    assert bulk.status_code == 200, bulk.get_json()
    assert [v["supplier_id"] for v in bulk.get_json()["items"]] == [zeta["id"], zeta["id"]]
    cleared = client.patch("/api/v1/admin/variants/2", json={"supplier_id": None}, headers=admin)
    assert cleared.get_json()["supplier_id"] is None


def test_a_purchase_order_names_its_supplier_by_id_or_by_name(client, admin):
    acme = create(client, admin)
    put_variant(client, admin, 1)
    lines = [{"variant_id": 1, "quantity": 2}]
    by_id = client.post(PO, json={"supplier_id": acme["id"], "expected_on": "2026-12-10", "lines": lines}, headers=admin)
    assert by_id.status_code == 201, by_id.get_json()
    assert {k: by_id.get_json()[k] for k in ("supplier", "supplier_id", "origin", "approved_at")} == {
        "supplier": "Acme Ceramics", "supplier_id": acme["id"], "origin": "merchant", "approved_at": None}
    by_name = client.post(PO, json={"supplier": "Acme Ceramics", "expected_on": "2026-12-10", "lines": lines},
                          headers=admin).get_json()
    assert by_name["supplier_id"] == acme["id"]
    unknown = client.post(PO, json={"supplier": "Someone New", "expected_on": "2026-12-10", "lines": lines},
                          headers=admin).get_json()
    assert (unknown["supplier"], unknown["supplier_id"]) == ("Someone New", None)
    neither = client.post(PO, json={"expected_on": "2026-12-10", "lines": lines}, headers=admin)
    assert neither.status_code == 422 and "supplier" in neither.get_json()["errors"]["json"]

    linked = client.patch(f"{PO}/{unknown['id']}", json={"supplier_id": acme["id"]}, headers=admin).get_json()
    assert (linked["supplier"], linked["supplier_id"]) == ("Acme Ceramics", acme["id"])


def test_deleting_a_supplier_unlinks_its_variants_and_purchase_orders(client, admin):
    acme = create(client, admin)
    put_variant(client, admin, 1, supplier_id=acme["id"])
    po = client.post(PO, json={"supplier_id": acme["id"], "expected_on": "2026-12-10",
                               "lines": [{"variant_id": 1, "quantity": 2}]}, headers=admin).get_json()

    assert client.delete(f"{SUPPLIERS}/{acme['id']}", headers=admin).status_code == 204

    assert client.get(f"{SUPPLIERS}/{acme['id']}", headers=admin).status_code == 404
    assert client.get("/api/v1/admin/variants", headers=admin).get_json()["items"][0]["supplier_id"] is None
    after = client.get(f"{PO}/{po['id']}", headers=admin).get_json()
    assert (after["supplier"], after["supplier_id"]) == ("Acme Ceramics", None)


CSV = ("name,email,lead_time_days,minimum_order_quantity,pack_size,auto_reorder,auto_send\n"
       "Acme Ceramics,orders@acme.example,21,,6,true,false\n"
       "Borealis Wool,,10,24,12,no,\n")


def test_a_csv_dry_run_shows_what_would_be_created_or_updated_and_saves_nothing(client, admin):
    create(client, admin, lead_time_days=30)
    response = upload(client, admin, CSV, dry_run=True)
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {"dry_run": True, "suppliers": [
        {"row": 2, "action": "update", "name": "Acme Ceramics", "email": "orders@acme.example", "lead_time_days": 21,
         "pack_size": 6, "auto_reorder": True, "auto_send": False},
        {"row": 3, "action": "create", "name": "Borealis Wool", "lead_time_days": 10, "minimum_order_quantity": 24,
         "pack_size": 12, "auto_reorder": False}]}
    assert [s["lead_time_days"] for s in client.get(SUPPLIERS, headers=admin).get_json()["items"]] == [30]


def test_a_csv_import_upserts_by_name_keeping_what_a_row_leaves_empty(client, admin):
    acme = create(client, admin, minimum_order_quantity=50)
    response = upload(client, admin, CSV)
    assert response.status_code == 201, response.get_json()
    saved = {s["name"]: s for s in response.get_json()["suppliers"]}
    assert saved["Acme Ceramics"]["id"] == acme["id"]
    assert (saved["Acme Ceramics"]["lead_time_days"], saved["Acme Ceramics"]["minimum_order_quantity"],
            saved["Acme Ceramics"]["auto_reorder"]) == (21, 50, True)
    assert (saved["Borealis Wool"]["email"], saved["Borealis Wool"]["auto_send"], saved["Borealis Wool"]["pack_size"]) == (
        "", False, 12)
    # the same file again changes nothing and adds no one
    assert upload(client, admin, CSV).status_code == 201
    assert len(client.get(SUPPLIERS, headers=admin).get_json()["items"]) == 2


def test_a_csv_with_any_bad_row_saves_nothing_and_names_each_problem(client, admin):
    text = ("name,lead_time_days,pack_size,auto_send\n"
            "Good Co,5,1,false\n"
            ",5,1,false\n"
            "Bad Numbers,soon,0,maybe\n"
            "Good Co,7,1,false\n"
            "Silent Sender,3,1,true\n"
            f"Odd Digits,\u00b2,{'9' * 5000},false\n")
    response = upload(client, admin, text)
    assert response.status_code == 422
    errors = response.get_json()["errors"]["csv"]
    assert set(errors) == {"3", "4", "5", "6", "7"}
    assert set(errors["4"]) == {"lead_time_days", "pack_size", "auto_send"}
    assert set(errors["7"]) == {"lead_time_days", "pack_size"}  # digits to str, not numbers to int
    assert "name" in errors["3"] and "name" in errors["5"] and "email" in errors["6"]
    assert client.get(SUPPLIERS, headers=admin).get_json()["items"] == []

    missing = upload(client, admin, "email\nx@y.example\n")
    assert missing.status_code == 422 and missing.get_json()["errors"]["csv"]["columns"]
