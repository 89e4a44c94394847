"""The storefront's availability is precomputed; these prove it is never stale once a change has
committed, for each kind of change that can alter it (asking first, so the answer exists before
the change)."""
URL = "/api/v1/stores/store-a/availability"


def put_variant(client, admin, variant_id, **fields):
    body = {"product_id": variant_id, "name": f"Variant {variant_id}", "price": 1000, "currency": "USD", **fields}
    response = client.put(f"/api/v1/admin/variants/{variant_id}", json=body, headers=admin)
    assert response.status_code == 200, response.get_json()


def patch_variant(client, admin, variant_id, **fields):
    response = client.patch(f"/api/v1/admin/variants/{variant_id}", json=fields, headers=admin)
    assert response.status_code == 200, response.get_json()


def place(client, admin, order_id, variant_id, quantity):
    return client.post("/api/v1/admin/orders", headers=admin, json={
        "order_id": order_id, "currency": "USD", "customer": {"email": "ada@example.com"},
        "lines": [{"variant_id": variant_id, "quantity": quantity, "unit_price": 1000}],
    })


def receive(client, admin, variant_id, quantity, key, **fields):
    response = client.post(f"/api/v1/admin/variants/{variant_id}/receipts", json={"quantity": quantity, **fields},
                           headers={**admin, "Idempotency-Key": key})
    assert response.status_code == 201, response.get_json()


def item(client, variant_id, query=""):
    response = client.get(f"{URL}?variant_ids={variant_id}{query}")
    assert response.status_code == 200, response.get_json()
    (found,) = response.get_json()["items"]
    return found


def alternatives(client, variant_id):
    return [a["variant_id"] for a in item(client, variant_id)["alternatives"]]


def test_a_stock_change_shows_at_once(client, admin):
    put_variant(client, admin, 1, backorders_enabled=True)
    assert (item(client, 1)["state"], item(client, 1)["available_on_hand"]) == ("backorder", 0)
    patch_variant(client, admin, 1, on_hand=3)
    assert (item(client, 1)["state"], item(client, 1)["available_on_hand"]) == ("in_stock", 3)
    patch_variant(client, admin, 1, on_hand=0, backorders_enabled=False)
    assert item(client, 1)["state"] == "sold_out"


def test_an_order_joining_the_queue_moves_the_capacity_and_the_eta(client, admin):
    put_variant(client, admin, 1, backorders_enabled=True, backorder_limit=5)
    client.post("/api/v1/admin/variants/1/inbound", json={"quantity": 2, "expected_on": "2026-12-04"}, headers=admin)
    client.post("/api/v1/admin/variants/1/inbound", json={"quantity": 5, "expected_on": "2026-12-20"}, headers=admin)
    before = item(client, 1)
    assert (before["available_for_backorder"], before["eta"]["date"]) == (5, "2026-12-07")  # Fri 4 Dec + 1 working day
    assert place(client, admin, 1, 1, 2).status_code == 201
    after = item(client, 1)
    assert (after["available_for_backorder"], after["eta"]["date"]) == (3, "2026-12-22")


def test_a_refused_order_changes_nothing_the_storefront_sees(client, admin):
    put_variant(client, admin, 1, on_hand=1, backorders_enabled=True, backorder_limit=1)
    before = item(client, 1, "&quantity=2")
    assert place(client, admin, 1, 1, 5).status_code == 409
    assert item(client, 1, "&quantity=2") == before


def test_a_receipt_serves_the_queue_and_shows_what_is_left(client, admin):
    put_variant(client, admin, 1, backorders_enabled=True, backorder_limit=4)
    place(client, admin, 1, 1, 3)
    assert item(client, 1)["available_for_backorder"] == 1
    receive(client, admin, 1, 5, "r-1")
    found = item(client, 1)
    assert (found["state"], found["available_on_hand"], found["available_for_backorder"]) == ("in_stock", 2, 4)


def test_inbound_added_edited_received_and_deleted_moves_the_eta(client, admin):
    put_variant(client, admin, 1, backorders_enabled=True)
    assert item(client, 1)["eta"] == {"date": None, "source": "unknown"}
    added = client.post("/api/v1/admin/variants/1/inbound", json={"quantity": 1, "expected_on": "2026-12-04"},
                        headers=admin).get_json()
    assert item(client, 1)["eta"] == {"date": "2026-12-07", "source": "inbound"}
    client.patch(f"/api/v1/admin/variants/1/inbound/{added['id']}", json={"expected_on": "2026-12-10"}, headers=admin)
    assert item(client, 1)["eta"] == {"date": "2026-12-11", "source": "inbound"}
    later = client.post("/api/v1/admin/variants/1/inbound", json={"quantity": 4, "expected_on": "2026-12-24"},
                        headers=admin).get_json()
    client.delete(f"/api/v1/admin/variants/1/inbound/{added['id']}", headers=admin)
    assert item(client, 1)["eta"] == {"date": "2026-12-25", "source": "inbound"}
    receive(client, admin, 1, 1, "r-1", inbound_id=later["id"])
    assert (item(client, 1)["state"], item(client, 1, "&quantity=2")["eta"]) == (
        "in_stock", {"date": None, "source": "unknown"})


def test_store_settings_show_at_once(client, admin):
    put_variant(client, admin, 1, backorders_enabled=True, lead_time_days=10)
    assert (item(client, 1)["eta"]["date"], item(client, 1)["pay_later"]) == ("2026-12-08", True)  # Sun 6 Dec: Mon + 1
    response = client.patch("/api/v1/admin/settings", json={"handling_days": 3, "pay_later_enabled": False},
                            headers=admin)
    assert response.status_code == 200
    assert (item(client, 1)["eta"]["date"], item(client, 1)["pay_later"]) == ("2026-12-10", False)


def test_catalog_edits_show_at_once(client, admin):
    put_variant(client, admin, 1, product_id=7, sku="OLD", backorders_enabled=True, lead_time_days=5)
    assert client.get(f"{URL}?product_ids=7").get_json()["items"][0]["sku"] == "OLD"
    patch_variant(client, admin, 1, product_id=8, sku="NEW", message="Made to order.", reason="Busy season.",
                  lead_time_days=9, backorder_limit=0)
    assert client.get(f"{URL}?product_ids=7").get_json()["items"] == []
    (found,) = client.get(f"{URL}?product_ids=8").get_json()["items"]
    assert (found["sku"], found["message"], found["reason"], found["state"]) == (
        "NEW", "Made to order.", "Busy season.", "sold_out")


def test_an_alternative_going_out_of_stock_leaves_the_list_at_once(client, admin):
    put_variant(client, admin, 1, category="boots", price=1000, backorders_enabled=True)
    put_variant(client, admin, 2, category="boots", price=1100, on_hand=1)
    put_variant(client, admin, 3, category="boots", price=1500, on_hand=4)
    put_variant(client, admin, 4, category="hats", price=9000, on_hand=1)
    patch_variant(client, admin, 1, alternatives=[4])
    assert alternatives(client, 1) == [4, 2, 3]
    assert place(client, admin, 1, 2, 1).status_code == 201  # its last unit sold
    assert alternatives(client, 1) == [4, 3]
    assert place(client, admin, 2, 4, 1).status_code == 201  # the curated one too
    assert alternatives(client, 1) == [3]


def test_an_alternative_back_in_stock_joins_the_list_at_once(client, admin):
    put_variant(client, admin, 1, category="boots", price=1000, backorders_enabled=True)
    put_variant(client, admin, 2, category="boots", price=1100, backorders_enabled=True)
    put_variant(client, admin, 3, category="boots", price=3000, on_hand=1)
    assert alternatives(client, 1) == [3]
    receive(client, admin, 2, 2, "r-1")
    assert alternatives(client, 1) == [2, 3]


def test_a_new_variant_or_a_price_or_category_change_reorders_alternatives(client, admin):
    put_variant(client, admin, 1, category="boots", price=1000, backorders_enabled=True)
    put_variant(client, admin, 2, category="boots", price=2000, on_hand=1)
    put_variant(client, admin, 3, category="boots", price=3000, on_hand=1)
    assert alternatives(client, 1) == [2, 3]
    put_variant(client, admin, 4, category="boots", price=1050, on_hand=1)
    assert alternatives(client, 1) == [4, 2, 3]
    patch_variant(client, admin, 3, price=1010)
    assert alternatives(client, 1) == [3, 4, 2]
    patch_variant(client, admin, 4, category="hats")
    assert alternatives(client, 1) == [3, 2]
    patch_variant(client, admin, 1, price=2100)
    assert alternatives(client, 1) == [2, 3]


def test_an_alternatives_name_and_link_show_at_once(client, admin):
    put_variant(client, admin, 1, category="boots", price=1000, backorders_enabled=True)
    put_variant(client, admin, 2, category="boots", price=1100, on_hand=1)
    item(client, 1)
    patch_variant(client, admin, 2, name="Boot, renamed", url="https://shop-a.example/renamed")
    (alternative,) = item(client, 1)["alternatives"]
    assert (alternative["name"], alternative["url"]) == ("Boot, renamed", "https://shop-a.example/renamed")


def test_alternatives_come_from_many_near_variants_not_only_the_closest(client, admin):
    """A variant whose list is full only moves when a change comes near enough to enter it."""
    put_variant(client, admin, 1, category="boots", price=5000, backorders_enabled=True)
    for variant_id, price in ((2, 5100), (3, 5200), (4, 5300), (5, 5400), (6, 9000)):
        put_variant(client, admin, variant_id, category="boots", price=price, on_hand=1)
    assert alternatives(client, 1) == [2, 3, 4, 5]
    place(client, admin, 1, 3, 1)
    assert alternatives(client, 1) == [2, 4, 5, 6]
    patch_variant(client, admin, 6, price=4990)
    assert alternatives(client, 1) == [6, 2, 4, 5]

