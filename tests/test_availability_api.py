"""The public availability endpoint the widget calls from product pages and category pages."""
import pytest
from sqlalchemy import text

from api.domain.stores import create_store

URL = "/api/v1/stores/store-a/availability"


def put_variant(client, headers, variant_id, **fields):
    body = {"product_id": 1, "name": f"Variant {variant_id}", "price": 1000, "currency": "USD", **fields}
    response = client.put(f"/api/v1/admin/variants/{variant_id}", json=body, headers=headers)
    assert response.status_code == 200, response.get_json()


def place(client, headers, order_id, variant_id, quantity):
    response = client.post("/api/v1/admin/orders", headers=headers, json={
        "order_id": order_id, "currency": "USD", "customer": {"email": "ada@example.com"},
        "lines": [{"variant_id": variant_id, "quantity": quantity, "unit_price": 1000}],
    })
    assert response.status_code == 201, response.get_json()


def items(client, query, **headers):
    response = client.get(f"{URL}?{query}", headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["items"]


def test_each_variant_says_its_state_stock_eta_and_wording(client, admin):
    put_variant(client, admin, 1, product_id=10, sku="IN", on_hand=4)
    put_variant(client, admin, 2, product_id=10, sku="BO", backorders_enabled=True, backorder_limit=5,
                message="Made to order.", reason="A busy season.")
    put_variant(client, admin, 3, product_id=11, sku="OFF", backorders_enabled=False)
    put_variant(client, admin, 4, product_id=11, sku="FULL", backorders_enabled=True, backorder_limit=1)
    client.post("/api/v1/admin/variants/2/inbound", json={"quantity": 10, "expected_on": "2026-12-04"}, headers=admin)
    place(client, admin, 1, 4, 1)

    by_sku = {item["sku"]: item for item in items(client, "product_ids=10,11")}
    assert by_sku["IN"] == {
        "product_id": 10, "variant_id": 1, "sku": "IN", "state": "in_stock", "available_on_hand": 4,
        "available_for_backorder": 0, "eta": None, "message": "", "reason": "", "pay_later": False,
        "alternatives": [],
    }
    assert by_sku["BO"]["state"] == "backorder"
    assert (by_sku["BO"]["available_for_backorder"], by_sku["BO"]["eta"]) == (5, {"date": "2026-12-07", "source": "inbound"})  # Fri 4 Dec + 1 working day
    assert (by_sku["BO"]["message"], by_sku["BO"]["reason"], by_sku["BO"]["pay_later"]) == ("Made to order.", "A busy season.", True)
    assert (by_sku["OFF"]["state"], by_sku["OFF"]["eta"]) == ("sold_out", None)
    assert (by_sku["FULL"]["state"], by_sku["FULL"]["available_for_backorder"]) == ("sold_out", 0)


def test_the_eta_is_the_one_a_new_order_of_the_requested_quantity_would_get(client, admin):
    put_variant(client, admin, 1, on_hand=2, backorders_enabled=True, lead_time_days=20)
    client.post("/api/v1/admin/variants/1/inbound", json={"quantity": 3, "expected_on": "2026-12-04"}, headers=admin)
    (two,) = items(client, "variant_ids=1&quantity=2")
    assert (two["state"], two["eta"]) == ("in_stock", None)
    (five,) = items(client, "variant_ids=1&quantity=5")
    assert (five["state"], five["eta"]) == ("backorder", {"date": "2026-12-07", "source": "inbound"})
    (six,) = items(client, "variant_ids=1&quantity=6")
    assert six["eta"] == {"date": "2026-12-17", "source": "lead_time"}
    (unlimited,) = items(client, "variant_ids=1")
    assert unlimited["available_for_backorder"] is None


def test_pay_later_follows_the_store_policy(client, admin):
    put_variant(client, admin, 1, backorders_enabled=True)
    assert items(client, "variant_ids=1")[0]["pay_later"] is True
    client.patch("/api/v1/admin/settings", json={"pay_later_enabled": False}, headers=admin)
    assert items(client, "variant_ids=1")[0]["pay_later"] is False


def test_waiting_items_offer_on_hand_alternatives_with_what_a_card_needs(client, admin):
    put_variant(client, admin, 1, product_id=1, category="boots", price=10000, backorders_enabled=True,
                alternatives=[3])
    put_variant(client, admin, 2, product_id=2, category="boots", price=11000, on_hand=1,
                name="Boot B", url="https://shop-a.example/b", image_url="https://cdn.example/b.png")
    put_variant(client, admin, 3, product_id=3, category="hats", price=2000, on_hand=5)
    put_variant(client, admin, 4, product_id=4, category="boots", price=10000, on_hand=0)
    (item,) = items(client, "variant_ids=1")
    assert [a["variant_id"] for a in item["alternatives"]] == [3, 2]
    assert item["alternatives"][1] == {
        "product_id": 2, "variant_id": 2, "name": "Boot B", "price": 11000, "currency": "USD",
        "url": "https://shop-a.example/b", "image_url": "https://cdn.example/b.png",
    }


def test_responses_carry_an_etag_and_a_short_public_max_age_and_answer_304(client, admin):
    put_variant(client, admin, 1, on_hand=3)
    first = client.get(f"{URL}?variant_ids=1")
    assert first.headers["Cache-Control"] == "public, max-age=30"
    etag = first.headers["ETag"]
    again = client.get(f"{URL}?variant_ids=1", headers={"If-None-Match": etag})
    assert (again.status_code, again.data) == (304, b"")
    assert again.headers["ETag"] == etag

    client.patch("/api/v1/admin/variants/1", json={"on_hand": 2}, headers=admin)
    changed = client.get(f"{URL}?variant_ids=1", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag
    assert changed.get_json()["items"][0]["available_on_hand"] == 2


@pytest.mark.parametrize("query,field", [
    ("", "product_ids"),
    ("product_ids=1&variant_ids=2", "product_ids"),
    ("variant_ids=", "variant_ids"),
    ("variant_ids=1,two", "variant_ids"),
    ("variant_ids=0", "variant_ids"),
    ("variant_ids=-4", "variant_ids"),
    (f"variant_ids={10**20}", "variant_ids"),
    ("variant_ids=" + ",".join(str(i) for i in range(1, 52)), "variant_ids"),
    ("product_ids=" + ",".join(str(i) for i in range(1, 52)), "product_ids"),
    ("variant_ids=1&quantity=0", "quantity"),
    ("variant_ids=1&quantity=many", "quantity"),
])
def test_bad_queries_are_422_with_the_field_named(client, admin, query, field):
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 422
    assert field in response.get_json()["errors"]["query"]


def test_fifty_ids_are_fine(client, admin):
    for variant_id in (1, 50):
        put_variant(client, admin, variant_id, on_hand=1)
    found = items(client, "variant_ids=" + ",".join(str(i) for i in range(1, 51)))
    assert [item["variant_id"] for item in found] == [1, 50]


def test_an_unknown_store_is_404(client, admin):
    response = client.get("/api/v1/stores/no-such-store/availability?variant_ids=1")
    assert response.status_code == 404
    assert response.get_json()["code"] == 404


def test_another_stores_variants_are_invisible(app, client, admin):
    with app.extensions["database"].transaction() as db_session:
        _, other_key = create_store(db_session, "store-b", ["https://shop-b.example"])
    put_variant(client, {"Authorization": f"Bearer {other_key}"}, 7, product_id=70, on_hand=3)
    put_variant(client, admin, 1, product_id=10, on_hand=3, category="x")
    assert items(client, "variant_ids=7") == []
    assert items(client, "product_ids=70") == []
    assert [i["variant_id"] for i in client.get("/api/v1/stores/store-b/availability?variant_ids=7,1").get_json()["items"]] == [7]


def test_cors_allows_only_the_stores_registered_origins(client, admin):
    put_variant(client, admin, 1, on_hand=3)
    ours = client.get(f"{URL}?variant_ids=1", headers={"Origin": "https://shop-a.example"})
    assert ours.headers["Access-Control-Allow-Origin"] == "https://shop-a.example"
    assert "Origin" in ours.headers["Vary"]
    theirs = client.get(f"{URL}?variant_ids=1", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in theirs.headers
    assert "Access-Control-Allow-Credentials" not in ours.headers


def test_the_answer_has_exactly_the_contracts_fields_types_and_order(client, admin):
    """The answer is written as JSON directly (the hot path skips marshmallow): it must be what
    the documented schema would give."""
    from api.http.schemas import Availability

    put_variant(client, admin, 1, product_id=1, sku='S "1" é', category="boots", backorders_enabled=True,
                message="Line\nbreak", lead_time_days=3)
    put_variant(client, admin, 2, product_id=1, category="boots", price=1200, on_hand=2, name="Ünïcode")
    put_variant(client, admin, 3, product_id=2, backorders_enabled=False)
    body = client.get(f"{URL}?product_ids=1,2").get_json()
    assert Availability().dump(body) == body
    for found in body["items"]:
        assert list(found) == list(Availability().fields["items"].inner.schema.fields)
    assert body["items"][0]["sku"] == 'S "1" é' and body["items"][0]["message"] == "Line\nbreak"
    assert body["items"][0]["alternatives"][0]["name"] == "Ünïcode"


def test_the_answer_survives_the_database_dropping_the_reads_connection(postgres_app):
    """The storefront's read skips the pool's pre-ping (one round trip, not four): a pooled
    connection the server has closed is found by the read itself, replaced, and the read retried."""
    with postgres_app.extensions["database"].transaction() as db_session:
        create_store(db_session, "store-p", ["https://shop-p.example"])
    client = postgres_app.test_client()
    url = "/api/v1/stores/store-p/availability?variant_ids=1"
    assert client.get(url).status_code == 200  # the read's pooled connection now exists
    with postgres_app.extensions["database"].engine.connect() as connection:
        dropped = connection.execute(text(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database()"
            " AND pid <> pg_backend_pid() AND state = 'idle' AND query LIKE '%variant_availability%'")).scalar()
    assert dropped >= 1
    response = client.get(url)
    assert response.status_code == 200 and response.get_json() == {"items": []}
