"""The merchant API end to end over HTTP: authentication, validation, scoping, every route."""
import pytest


ADMIN_ROUTES = [
    ("GET", "/api/v1/admin/settings"),
    ("PATCH", "/api/v1/admin/settings"),
    ("GET", "/api/v1/admin/variants"),
    ("PUT", "/api/v1/admin/variants/1"),
    ("PATCH", "/api/v1/admin/variants/1"),
    ("GET", "/api/v1/admin/variants/1/inbound"),
    ("POST", "/api/v1/admin/variants/1/inbound"),
    ("PATCH", "/api/v1/admin/variants/1/inbound/1"),
    ("DELETE", "/api/v1/admin/variants/1/inbound/1"),
    ("POST", "/api/v1/admin/variants/1/receipts"),
    ("POST", "/api/v1/admin/orders"),
    ("GET", "/api/v1/admin/backorders"),
]


def put_variant(client, headers, variant_id, **fields):
    body = {"product_id": 1, "name": f"Variant {variant_id}", "price": 1000, "currency": "USD", **fields}
    response = client.put(f"/api/v1/admin/variants/{variant_id}", json=body, headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def order_body(order_id, *lines, **extra):
    return {
        "order_id": order_id,
        "currency": "USD",
        "customer": {"id": 7, "email": "ada@example.com", "first_name": "Ada"},
        "lines": [{"variant_id": v, "quantity": q, "unit_price": 1000} for v, q in lines],
        **extra,
    }


def place(client, headers, order_id, *lines, **extra):
    return client.post("/api/v1/admin/orders", json=order_body(order_id, *lines, **extra), headers=headers)


def receipt(client, headers, variant_id, key, **body):
    return client.post(f"/api/v1/admin/variants/{variant_id}/receipts", json=body,
                       headers={**headers, "Idempotency-Key": key})


def add_inbound(client, headers, variant_id, quantity, expected_on):
    response = client.post(f"/api/v1/admin/variants/{variant_id}/inbound",
                           json={"quantity": quantity, "expected_on": expected_on}, headers=headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


# --- authentication ---------------------------------------------------------------------------


@pytest.mark.parametrize("method,path", ADMIN_ROUTES)
@pytest.mark.parametrize("authorization", [None, "Bearer not-a-key", "Basic Zm9vOmJhcg==", "Bearer "])
def test_every_admin_route_needs_a_valid_admin_key(client, store_and_key, method, path, authorization):
    headers = {"Authorization": authorization} if authorization else {}
    response = client.open(path, method=method, json={}, headers={**headers, "Idempotency-Key": "k"})
    assert response.status_code == 401
    assert response.get_json()["code"] == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


# --- settings ---------------------------------------------------------------------------------


def test_settings_read_and_change_only_the_fields_given(client, admin):
    settings = client.get("/api/v1/admin/settings", headers=admin).get_json()
    assert settings["store_hash"] == "store-a"
    assert settings["storefront_origins"] == ["https://shop-a.example"]
    assert settings["handling_days"] == 1

    changed = client.patch("/api/v1/admin/settings", headers=admin, json={
        "handling_days": 3, "cancel_window_days": None, "dearer_switch": "refuse",
        "storefront_origins": ["https://shop-a.example", "http://localhost:3000"],
        "delay_incentive": {"enabled": True, "threshold_days": 10},
    })
    assert changed.status_code == 200, changed.get_json()
    again = client.get("/api/v1/admin/settings", headers=admin).get_json()
    assert again == changed.get_json()
    assert (again["handling_days"], again["cancel_window_days"], again["dearer_switch"]) == (3, None, "refuse")
    assert again["delay_incentive"] == {"enabled": True, "threshold_days": 10, "kind": "discount", "percent_off": 10}
    assert again["pay_later_enabled"] == settings["pay_later_enabled"]


@pytest.mark.parametrize("body,field", [
    ({"handling_days": -1}, "handling_days"),
    ({"handling_days": "soon"}, "handling_days"),
    ({"payment_hold_days": 0}, "payment_hold_days"),
    ({"dearer_switch": "maybe"}, "dearer_switch"),
    ({"storefront_origins": ["https://shop.example/path"]}, "storefront_origins"),
    ({"notification_channels": ["pigeon"]}, "notification_channels"),
    ({"delay_incentive": {"percent_off": 101}}, "delay_incentive"),
    ({"cancel_window_days": 10**12}, "cancel_window_days"),
    ({"store_hash": "someone-else"}, "store_hash"),
    ({"no_such_setting": 1}, "no_such_setting"),
])
def test_bad_settings_are_refused_with_the_field_named(client, admin, body, field):
    response = client.patch("/api/v1/admin/settings", headers=admin, json=body)
    assert response.status_code == 422
    assert field in response.get_json()["errors"]["json"]
    assert client.get("/api/v1/admin/settings", headers=admin).get_json()["store_hash"] == "store-a"


# --- variants ---------------------------------------------------------------------------------


def test_put_creates_then_replaces_a_variant_and_patch_changes_some_fields(client, admin):
    created = put_variant(client, admin, 5, product_id=2, sku="S-5", on_hand=3, backorders_enabled=True,
                          backorder_limit=10, lead_time_days=7, message="Soon", reason="Popular",
                          alternatives=[6, 7], category="boots", url="https://shop-a.example/p/2",
                          image_url="https://cdn.example/5.png")
    assert created["variant_id"] == 5
    assert (created["on_hand"], created["backorder_limit"], created["alternatives"]) == (3, 10, [6, 7])

    replaced = put_variant(client, admin, 5, product_id=2, name="Renamed")
    assert (replaced["name"], replaced["sku"], replaced["on_hand"], replaced["backorders_enabled"],
            replaced["backorder_limit"], replaced["alternatives"]) == ("Renamed", "", 0, False, None, [])

    patched = client.patch("/api/v1/admin/variants/5", json={"on_hand": 4, "message": "Back"}, headers=admin)
    assert patched.status_code == 200
    assert (patched.get_json()["on_hand"], patched.get_json()["message"], patched.get_json()["name"]) == (4, "Back", "Renamed")


def test_patching_an_unknown_variant_is_not_found(client, admin):
    response = client.patch("/api/v1/admin/variants/404", json={"on_hand": 1}, headers=admin)
    assert response.status_code == 404
    assert response.get_json()["status"] == "Not Found"


@pytest.mark.parametrize("body,field", [
    ({}, "product_id"),
    ({"product_id": 0}, "product_id"),
    ({"product_id": 1, "on_hand": -1}, "on_hand"),
    ({"product_id": 1, "on_hand": 10**12}, "on_hand"),
    ({"product_id": 1, "price": -5}, "price"),
    ({"product_id": 1, "price": 10**20}, "price"),
    ({"product_id": 1, "currency": "usd"}, "currency"),
    ({"product_id": 1, "backorder_limit": -1}, "backorder_limit"),
    ({"product_id": 1, "lead_time_days": 100000}, "lead_time_days"),
    ({"product_id": 1, "alternatives": ["x"]}, "alternatives"),
    ({"product_id": 1, "backorders_enabled": "perhaps"}, "backorders_enabled"),
    ({"product_id": 1, "colour": "red"}, "colour"),
])
def test_bad_variant_fields_are_422_with_field_errors(client, admin, body, field):
    response = client.put("/api/v1/admin/variants/5", json=body, headers=admin)
    assert response.status_code == 422
    assert field in response.get_json()["errors"]["json"]


def test_malformed_bodies_and_absurd_ids_are_client_errors_never_500(client, admin):
    not_json = client.put("/api/v1/admin/variants/5", data="{oops", headers={**admin, "Content-Type": "application/json"})
    assert not_json.status_code == 422  # JSON we cannot read (issue 12)
    a_list = client.put("/api/v1/admin/variants/5", json=[1, 2], headers=admin)
    assert a_list.status_code == 422
    assert client.put(f"/api/v1/admin/variants/{10**20}", json={"product_id": 1}, headers=admin).status_code == 404
    assert client.get(f"/api/v1/admin/variants/{2**63}/inbound", headers=admin).status_code == 404
    put_variant(client, admin, 5)
    assert client.delete(f"/api/v1/admin/variants/5/inbound/{2**40}", headers=admin).status_code == 404
    assert client.patch(f"/api/v1/admin/variants/5/inbound/{10**25}", json={"quantity": 1}, headers=admin).status_code == 404


def test_variants_list_is_paged_and_filtered_by_storefront_state(client, admin):
    put_variant(client, admin, 1, product_id=1, on_hand=5)
    put_variant(client, admin, 2, product_id=1, on_hand=0, backorders_enabled=True)
    put_variant(client, admin, 3, product_id=2, on_hand=0)
    put_variant(client, admin, 4, product_id=2, on_hand=0, backorders_enabled=True, backorder_limit=1)
    put_variant(client, admin, 5, product_id=3, on_hand=2)
    assert place(client, admin, 1, (4, 1)).status_code == 201  # 4 is now at its limit

    first = client.get("/api/v1/admin/variants?per_page=2", headers=admin).get_json()
    assert (first["total"], first["page"], first["per_page"]) == (5, 1, 2)
    assert [v["variant_id"] for v in first["items"]] == [1, 2]
    last = client.get("/api/v1/admin/variants?per_page=2&page=3", headers=admin).get_json()
    assert [v["variant_id"] for v in last["items"]] == [5]
    beyond = client.get("/api/v1/admin/variants?per_page=2&page=9", headers=admin).get_json()
    assert (beyond["items"], beyond["total"]) == ([], 5)

    def ids(state):
        body = client.get(f"/api/v1/admin/variants?state={state}", headers=admin).get_json()
        return [v["variant_id"] for v in body["items"]], body["total"]

    assert ids("in_stock") == ([1, 5], 2)
    assert ids("backorder") == ([2], 1)
    assert ids("sold_out") == ([3, 4], 2)


@pytest.mark.parametrize("query,field", [
    ("state=lost", "state"), ("page=0", "page"), ("per_page=201", "per_page"), ("page=x", "page"),
])
def test_bad_variant_list_queries_are_422(client, admin, query, field):
    response = client.get(f"/api/v1/admin/variants?{query}", headers=admin)
    assert response.status_code == 422
    assert field in response.get_json()["errors"]["query"]


# --- inbound ----------------------------------------------------------------------------------


def test_inbound_is_added_listed_edited_and_deleted_and_moves_etas(client, admin):
    put_variant(client, admin, 5, backorders_enabled=True)
    line = place(client, admin, 1, (5, 2)).get_json()["lines"][0]
    assert line["eta"] == {"date": None, "source": "unknown"}

    later = add_inbound(client, admin, 5, 10, "2026-12-20")
    sooner = add_inbound(client, admin, 5, 2, "2026-12-05")
    assert sooner == {"id": sooner["id"], "purchase_order_id": sooner["purchase_order_id"], "variant_id": 5,
                      "quantity": 2, "expected_on": "2026-12-05", "received_on": None, "quantity_received": None}
    listed = client.get("/api/v1/admin/variants/5/inbound", headers=admin).get_json()["items"]
    assert [i["id"] for i in listed] == [sooner["id"], later["id"]]

    def eta():
        queue = client.get("/api/v1/admin/backorders", headers=admin).get_json()
        return queue["variants"][0]["lines"][0]["eta"]

    assert eta() == {"date": "2026-12-08", "source": "inbound"}  # Sat 5 Dec: Mon, +1 working day
    edited = client.patch(f"/api/v1/admin/variants/5/inbound/{sooner['id']}", json={"quantity": 1}, headers=admin)
    assert edited.status_code == 200 and edited.get_json()["quantity"] == 1
    assert eta() == {"date": "2026-12-22", "source": "inbound"}
    deleted = client.delete(f"/api/v1/admin/variants/5/inbound/{later['id']}", headers=admin)
    assert deleted.status_code == 204
    assert eta() == {"date": None, "source": "unknown"}
    assert [i["id"] for i in client.get("/api/v1/admin/variants/5/inbound", headers=admin).get_json()["items"]] == [sooner["id"]]


def test_inbound_of_unknown_variants_or_ids_is_not_found(client, admin):
    put_variant(client, admin, 5)
    put_variant(client, admin, 6)
    theirs = add_inbound(client, admin, 6, 3, "2026-12-05")
    assert client.get("/api/v1/admin/variants/99/inbound", headers=admin).status_code == 404
    assert client.post("/api/v1/admin/variants/99/inbound", json={"quantity": 1, "expected_on": "2026-12-05"},
                       headers=admin).status_code == 404
    assert client.patch(f"/api/v1/admin/variants/5/inbound/{theirs['id']}", json={"quantity": 1},
                        headers=admin).status_code == 404
    assert client.delete(f"/api/v1/admin/variants/5/inbound/{theirs['id']}", headers=admin).status_code == 404
    assert client.delete("/api/v1/admin/variants/5/inbound/12345", headers=admin).status_code == 404


@pytest.mark.parametrize("body,field", [
    ({"expected_on": "2026-12-05"}, "quantity"),
    ({"quantity": 0, "expected_on": "2026-12-05"}, "quantity"),
    ({"quantity": 3}, "expected_on"),
    ({"quantity": 3, "expected_on": "next week"}, "expected_on"),
    ({"quantity": 3, "expected_on": "2026-02-30"}, "expected_on"),
])
def test_bad_inbound_is_422(client, admin, body, field):
    put_variant(client, admin, 5)
    response = client.post("/api/v1/admin/variants/5/inbound", json=body, headers=admin)
    assert response.status_code == 422
    assert field in response.get_json()["errors"]["json"]
    inbound = add_inbound(client, admin, 5, 1, "2026-12-05")
    patched = client.patch(f"/api/v1/admin/variants/5/inbound/{inbound['id']}", json={"quantity": -2}, headers=admin)
    assert patched.status_code == 422


# --- receipts ---------------------------------------------------------------------------------


def test_a_receipt_replayed_with_the_same_key_counts_stock_once(client, admin):
    put_variant(client, admin, 5, backorders_enabled=True)
    first = place(client, admin, 1, (5, 2)).get_json()["lines"][0]
    done = receipt(client, admin, 5, "receipt-1", quantity=5)
    assert done.status_code == 201
    assert done.get_json() == {"allocated": [{"order_id": 1, "line_id": first["id"], "quantity": 2}], "on_hand": 3}
    for _ in range(2):
        replay = receipt(client, admin, 5, "receipt-1", quantity=5)
        assert (replay.status_code, replay.get_json()) == (201, done.get_json())
        assert replay.headers["Idempotent-Replayed"] == "true"
    variants = client.get("/api/v1/admin/variants", headers=admin).get_json()["items"]
    assert variants[0]["on_hand"] == 3
    assert receipt(client, admin, 5, "receipt-2", quantity=5).get_json()["on_hand"] == 8


def test_the_same_key_with_a_different_body_is_422_and_a_missing_key_is_400(client, admin):
    put_variant(client, admin, 5)
    assert receipt(client, admin, 5, "k-1", quantity=2).status_code == 201
    reused = receipt(client, admin, 5, "k-1", quantity=3)
    assert reused.status_code == 422
    assert "Idempotency-Key" in reused.get_json()["errors"]["headers"]
    missing = client.post("/api/v1/admin/variants/5/receipts", json={"quantity": 1}, headers=admin)
    assert missing.status_code == 400
    too_long = receipt(client, admin, 5, "k" * 256, quantity=1)
    assert too_long.status_code == 400
    assert client.get("/api/v1/admin/variants", headers=admin).get_json()["items"][0]["on_hand"] == 2


def test_receipts_name_the_right_inbound_once(client, admin):
    put_variant(client, admin, 5, backorders_enabled=True)
    put_variant(client, admin, 6, backorders_enabled=True)
    ours = add_inbound(client, admin, 5, 4, "2026-12-05")
    theirs = add_inbound(client, admin, 6, 4, "2026-12-05")
    assert receipt(client, admin, 5, "a", quantity=4, inbound_id=theirs["id"]).status_code == 404
    assert receipt(client, admin, 99, "b", quantity=4).status_code == 404
    assert receipt(client, admin, 5, "c", quantity=4, inbound_id=ours["id"]).status_code == 201
    twice = receipt(client, admin, 5, "d", quantity=4, inbound_id=ours["id"])
    assert twice.status_code == 409
    listed = client.get("/api/v1/admin/variants/5/inbound", headers=admin).get_json()["items"]
    assert (listed[0]["received_on"], listed[0]["quantity_received"]) == ("2026-11-26", 4)
    assert client.get("/api/v1/admin/variants", headers=admin).get_json()["items"][0]["on_hand"] == 4


@pytest.mark.parametrize("body,field", [
    ({}, "quantity"), ({"quantity": 0}, "quantity"), ({"quantity": "ten"}, "quantity"),
    ({"quantity": 1, "inbound_id": 0}, "inbound_id"), ({"quantity": 1, "inbound_id": 2**31}, "inbound_id"),
])
def test_bad_receipts_are_422_and_leave_the_key_free(client, admin, body, field):
    put_variant(client, admin, 5)
    response = receipt(client, admin, 5, "key", **body)
    assert response.status_code == 422
    assert field in response.get_json()["errors"]["json"]
    assert receipt(client, admin, 5, "key", quantity=1).status_code == 201


# --- orders -----------------------------------------------------------------------------------


def test_an_order_answers_each_lines_backordered_quantity_state_and_eta(client, admin):
    put_variant(client, admin, 5, on_hand=1, backorders_enabled=True, lead_time_days=10)
    put_variant(client, admin, 6, on_hand=9)
    response = client.post("/api/v1/admin/orders", headers=admin, json={
        **order_body(1), "placed_at": "2026-11-26T09:00:00+02:00",
        "lines": [{"line_id": 70, "variant_id": 5, "quantity": 3, "unit_price": 2500},
                  {"line_id": 71, "variant_id": 6, "quantity": 2, "unit_price": 900}],
    })
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert (body["order_id"], body["customer_id"], body["placed_at"]) == (1, 7, "2026-11-26T07:00:00Z")
    assert [(l["line_id"], l["quantity_backordered"], l["quantity_allocated"], l["state"], l["eta"])
            for l in body["lines"]] == [
        (70, 2, 1, "waiting", {"date": "2026-12-08", "source": "lead_time"}),
        (71, 0, 2, "allocated", None),
    ]


def test_a_repeated_order_id_is_409_and_never_a_duplicate(client, admin):
    put_variant(client, admin, 5, on_hand=0, backorders_enabled=True)
    assert place(client, admin, 1, (5, 1)).status_code == 201
    repeated = place(client, admin, 1, (5, 1))
    assert repeated.status_code == 409
    queue = client.get("/api/v1/admin/backorders", headers=admin).get_json()
    assert queue["variants"][0]["waiting_units"] == 1


def test_the_platforms_backordered_quantity_is_taken_as_given(client, admin):
    put_variant(client, admin, 5, on_hand=10, backorders_enabled=True)
    response = client.post("/api/v1/admin/orders", headers=admin, json={
        **order_body(1), "lines": [{"variant_id": 5, "quantity": 4, "unit_price": 100, "quantity_backordered": 4}],
    })
    assert response.get_json()["lines"][0]["quantity_backordered"] == 4


def test_an_order_past_the_backorder_limit_is_409_and_not_recorded(client, admin):
    put_variant(client, admin, 5, backorders_enabled=True, backorder_limit=2)
    put_variant(client, admin, 6, on_hand=5)
    refused = place(client, admin, 1, (6, 1), (5, 3))
    assert refused.status_code == 409
    assert refused.get_json()["errors"] == {"json": {"lines": {"1": {"quantity": ["At most 2 can be backordered."]}}},
                                            "reason": "backorder_limit"}
    assert client.get("/api/v1/admin/variants?state=in_stock", headers=admin).get_json()["items"][0]["on_hand"] == 5
    assert place(client, admin, 1, (5, 2)).status_code == 201  # the refused order left nothing behind


@pytest.mark.parametrize("change,path", [
    ({"order_id": 0}, ["order_id"]),
    ({"order_id": 10**20}, ["order_id"]),
    ({"currency": "dollars"}, ["currency"]),
    ({"customer": {"email": "not-an-email"}}, ["customer", "email"]),
    ({"customer": None}, ["customer"]),
    ({"lines": []}, ["lines"]),
    ({"lines": [{"variant_id": 5, "quantity": 0, "unit_price": 1}]}, ["lines", "0", "quantity"]),
    ({"lines": [{"variant_id": 5, "quantity": 1}]}, ["lines", "0", "unit_price"]),
    ({"lines": [{"variant_id": 99, "quantity": 1, "unit_price": 1}]}, ["lines", "0", "variant_id"]),
    ({"placed_at": "yesterday"}, ["placed_at"]),
    ({"placed_at": "9999-12-31T23:59:59-05:00"}, ["placed_at"]),
])
def test_bad_orders_are_422_with_the_field_named(client, admin, change, path):
    put_variant(client, admin, 5, on_hand=5)
    response = client.post("/api/v1/admin/orders", json={**order_body(1, (5, 1)), **change}, headers=admin)
    assert response.status_code == 422, response.get_json()
    errors = response.get_json()["errors"]["json"]
    for key in path:
        errors = errors[key]
    assert errors


# --- the queue --------------------------------------------------------------------------------


def test_the_backorder_queue_lists_positions_units_ahead_and_etas_per_variant(client, admin):
    put_variant(client, admin, 5, product_id=2, sku="S5", backorders_enabled=True, lead_time_days=30)
    put_variant(client, admin, 6, product_id=2, sku="S6", backorders_enabled=True)
    add_inbound(client, admin, 5, 3, "2026-12-05")
    place(client, admin, 2, (5, 2), placed_at="2026-11-25T10:00:00Z")
    place(client, admin, 1, (5, 2), placed_at="2026-11-24T10:00:00Z")
    place(client, admin, 3, (6, 1), (5, 1), placed_at="2026-11-25T11:00:00Z")

    queue = client.get("/api/v1/admin/backorders", headers=admin).get_json()["variants"]
    assert [(v["variant_id"], v["waiting_units"], v["on_hand"]) for v in queue] == [(5, 5, 0), (6, 1, 0)]
    assert [(l["position"], l["order_id"], l["units_ahead"], l["quantity_waiting"], l["eta"])
            for l in queue[0]["lines"]] == [
        (1, 1, 0, 2, {"date": "2026-12-08", "source": "inbound"}),
        (2, 2, 2, 2, {"date": "2026-12-29", "source": "lead_time"}),
        (3, 3, 4, 1, {"date": "2026-12-29", "source": "lead_time"}),
    ]
    assert queue[0]["lines"][0]["customer_email"] == "ada@example.com"
    only_six = client.get("/api/v1/admin/backorders?variant_id=6", headers=admin).get_json()["variants"]
    assert [v["variant_id"] for v in only_six] == [6]
    assert client.get("/api/v1/admin/backorders?variant_id=abc", headers=admin).status_code == 422


# --- one store never sees another's data ------------------------------------------------------


def test_another_stores_catalog_inbound_orders_and_queue_are_invisible(client, admin, other_admin):
    put_variant(client, admin, 5, backorders_enabled=True)
    inbound = add_inbound(client, admin, 5, 3, "2026-12-05")
    assert place(client, admin, 1, (5, 1)).status_code == 201

    assert client.get("/api/v1/admin/variants", headers=other_admin).get_json()["total"] == 0
    assert client.patch("/api/v1/admin/variants/5", json={"on_hand": 9}, headers=other_admin).status_code == 404
    assert client.get("/api/v1/admin/variants/5/inbound", headers=other_admin).status_code == 404
    assert client.delete(f"/api/v1/admin/variants/5/inbound/{inbound['id']}", headers=other_admin).status_code == 404
    assert receipt(client, other_admin, 5, "x", quantity=3).status_code == 404
    assert client.get("/api/v1/admin/backorders", headers=other_admin).get_json() == {"variants": []}
    assert client.get("/api/v1/admin/settings", headers=other_admin).get_json()["store_hash"] == "store-b"

    # store-b may use the same variant and order numbers for its own catalog.
    put_variant(client, other_admin, 5, backorders_enabled=True)
    assert receipt(client, other_admin, 5, "y", quantity=1).get_json() == {"allocated": [], "on_hand": 1}
    assert place(client, other_admin, 1, (5, 1)).status_code == 201
    assert receipt(client, admin, 5, "x", quantity=1).get_json()["allocated"][0]["order_id"] == 1


def test_the_openapi_document_describes_the_admin_routes(client):
    spec = client.get("/api/openapi.json").get_json()
    paths = spec["paths"]
    for path in ("/api/v1/admin/settings", "/api/v1/admin/variants", "/api/v1/admin/variants/{variant_id}",
                 "/api/v1/admin/variants/{variant_id}/inbound",
                 "/api/v1/admin/variants/{variant_id}/inbound/{inbound_id}",
                 "/api/v1/admin/variants/{variant_id}/receipts", "/api/v1/admin/orders",
                 "/api/v1/admin/backorders"):
        assert path in paths
    assert "401" in paths["/api/v1/admin/settings"]["get"]["responses"]
