"""A first walk through the merchant API: catalog, inbound, orders, receipts."""


def put_variant(client, admin, variant_id, **fields):
    body = {"product_id": 1, "name": f"Variant {variant_id}", "price": 1000, "currency": "USD", **fields}
    response = client.put(f"/api/v1/admin/variants/{variant_id}", json=body, headers=admin)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def place(client, admin, order_id, variant_id, quantity, **extra):
    return client.post(
        "/api/v1/admin/orders",
        json={"order_id": order_id, "currency": "USD",
              "customer": {"id": 7, "email": "ada@example.com", "first_name": "Ada"},
              "lines": [{"variant_id": variant_id, "quantity": quantity, "unit_price": 1000}], **extra},
        headers=admin,
    )


def test_order_waits_then_receipt_allocates_first_come_first_served(client, admin):
    put_variant(client, admin, 11, on_hand=2, backorders_enabled=True)
    client.post("/api/v1/admin/variants/11/inbound", json={"quantity": 5, "expected_on": "2026-12-10"}, headers=admin)
    first = place(client, admin, 1, 11, 4)
    assert first.status_code == 201, first.get_json()
    line = first.get_json()["lines"][0]
    assert (line["quantity_backordered"], line["quantity_allocated"], line["state"]) == (2, 2, "waiting")
    assert line["eta"] == {"date": "2026-12-11", "source": "inbound"}
    second = place(client, admin, 2, 11, 3).get_json()["lines"][0]
    assert second["eta"] == {"date": "2026-12-11", "source": "inbound"}
    third = place(client, admin, 3, 11, 1).get_json()["lines"][0]
    assert third["eta"] == {"date": None, "source": "unknown"}

    receipt = client.post("/api/v1/admin/variants/11/receipts", json={"quantity": 4},
                          headers={**admin, "Idempotency-Key": "r-1"})
    assert receipt.status_code == 201, receipt.get_json()
    assert receipt.get_json() == {
        "allocated": [{"order_id": 1, "line_id": line["id"], "quantity": 2},
                      {"order_id": 2, "line_id": second["id"], "quantity": 2}],
        "on_hand": 0,
    }
    replay = client.post("/api/v1/admin/variants/11/receipts", json={"quantity": 4},
                         headers={**admin, "Idempotency-Key": "r-1"})
    assert replay.get_json() == receipt.get_json()
    assert replay.headers["Idempotent-Replayed"] == "true"
    queue = client.get("/api/v1/admin/backorders", headers=admin).get_json()
    assert [(l["order_id"], l["quantity_waiting"]) for l in queue["variants"][0]["lines"]] == [(2, 1), (3, 1)]


def test_availability_shows_backorder_eta_and_etag(client, admin):
    put_variant(client, admin, 21, product_id=5, on_hand=0, backorders_enabled=True, lead_time_days=14)
    response = client.get("/api/v1/stores/store-a/availability?variant_ids=21")
    item = response.get_json()["items"][0]
    assert item["state"] == "backorder"
    assert item["eta"] == {"date": "2026-12-11", "source": "lead_time"}
    assert response.headers["Cache-Control"] == "public, max-age=30"
    again = client.get("/api/v1/stores/store-a/availability?variant_ids=21",
                       headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304
