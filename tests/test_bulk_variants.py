"""Products in the console: search the catalog mirror, edit backorder settings of many variants
at once, and the reason shoppers then read in their language (product page, order page, emails)."""
import pytest
from sqlalchemy import select

from api.models import OutboxMessage, Store
from api.notifications.render import render
from shopper_support import Shop, bc_app  # noqa: F401

VARIANTS = "/api/v1/admin/variants"


@pytest.fixture
def shop(bc_app, client, admin):
    shop = Shop(client, admin)
    shop.variant(1, sku="MUG-BLUE", name="Blue mug")
    shop.variant(2, sku="MUG-RED", name="Red mug")
    shop.variant(3, sku="CAP-1", name="Cap", on_hand=3)
    return shop


def bulk(client, headers, variant_ids, **changes):
    return client.patch(VARIANTS, json={"variant_ids": variant_ids, "changes": changes}, headers=headers)


def availability(client, locale=None, variant_ids="1"):
    query = {"variant_ids": variant_ids, **({"locale": locale} if locale else {})}
    return client.get("/api/v1/stores/store-a/availability", query_string=query).get_json()["items"]


@pytest.mark.parametrize("search,skus", [("mug", ["MUG-BLUE", "MUG-RED"]), ("red", ["MUG-RED"]), ("cap-1", ["CAP-1"]), ("zzz", [])])
def test_the_catalog_is_searched_by_sku_or_name(client, shop, search, skus):
    page = client.get(VARIANTS, query_string={"search": search}, headers=shop.admin).get_json()
    assert [item["sku"] for item in page["items"]] == skus and page["total"] == len(skus)


def test_a_bulk_edit_changes_every_variant_named_and_nothing_else(client, shop):
    response = bulk(client, shop.admin, [2, 1], backorders_enabled=False, backorder_limit=5, lead_time_days=14,
                    message="Back soon", reason="supplier_delay", alternatives=[3])
    assert response.status_code == 200, response.get_json()
    items = response.get_json()["items"]
    assert [item["variant_id"] for item in items] == [1, 2]
    for item in items:
        assert (item["backorders_enabled"], item["backorder_limit"], item["lead_time_days"], item["message"]) == (
            False, 5, 14, "Back soon")
        assert (item["reason_code"], item["reason"], item["alternatives"]) == ("supplier_delay", "", [3])
    cap = client.get(VARIANTS, query_string={"search": "cap"}, headers=shop.admin).get_json()["items"][0]
    assert (cap["reason_code"], cap["message"]) == ("", "")
    entry = client.get("/api/v1/admin/audit", headers=shop.admin).get_json()["items"][0]
    assert (entry["method"], entry["path"]) == ("PATCH", "/api/v1/admin/variants")
    assert entry["summary"]["variant_ids"] == [2, 1] and entry["summary"]["changes"]["reason"] == "supplier_delay"


def test_lead_time_set_in_bulk_gives_waiting_lines_a_date(client, shop):
    line_id = shop.order(10, 1, 2)
    assert bulk(client, shop.admin, [1], lead_time_days=10).status_code == 200
    line = shop.line(shop.session(), 10, line_id)
    assert line["eta"] == {"date": "2026-12-08", "source": "lead_time"}  # Sun 6 Dec: Mon + 1 working day


@pytest.mark.parametrize("locale,text", [
    (None, "Our supplier is running late"), ("de", "Unser Lieferant ist in Verzug"),
    ("fr-CA", "Notre fournisseur a du retard"), ("es", "Nuestro proveedor se ha retrasado"), ("it", "Our supplier is running late"),
])
def test_shoppers_read_the_reason_in_their_language_on_the_product_page(client, shop, locale, text):
    bulk(client, shop.admin, [1], reason="supplier_delay")
    assert availability(client, locale)[0]["reason"] == text


def test_other_shows_the_merchants_own_words_and_a_coded_reason_replaces_them(client, shop):
    bulk(client, shop.admin, [1], reason="other", reason_text="Held at customs")
    assert availability(client, "de")[0]["reason"] == "Held at customs"
    bulk(client, shop.admin, [1], reason="new_release")
    assert availability(client)[0]["reason"] == "It is a new release"
    bulk(client, shop.admin, [1], reason="")
    assert availability(client)[0]["reason"] == ""


def test_the_order_page_shows_the_reason_in_the_orders_language(client, shop):
    line_id = shop.order(10, 1, 2)
    bulk(client, shop.admin, [1], reason="production_issue")
    assert shop.line(shop.session(), 10, line_id)["reason"] == "There is a problem in production"


def test_emails_give_the_reason_in_the_shoppers_language(app, client, shop, session):
    shop.order(10, 1, 2)
    bulk(client, shop.admin, [1], reason="unexpected_demand", lead_time_days=3)
    message = session.scalars(select(OutboxMessage).where(OutboxMessage.event == "eta_changed")).first()
    store = session.scalar(select(Store))
    for locale, text in (("en", "Demand was higher than expected"), ("de", "Die Nachfrage war höher als erwartet")):
        rendered = render(session, store, "eta_changed", {**message.payload, "locale": locale},
                          app_url="http://app.test", secret_keys=["s"])
        assert text in rendered.text and text in rendered.html


@pytest.mark.parametrize("body,field", [
    ({"variant_ids": [1], "changes": {"reason": "late"}}, "changes"),
    ({"variant_ids": [1], "changes": {"reason": "other"}}, "changes"),
    ({"variant_ids": [1], "changes": {"backorder_limit": -1}}, "changes"),
    ({"variant_ids": [1], "changes": {}}, "changes"),
    ({"variant_ids": [], "changes": {"message": "x"}}, "variant_ids"),
    ({"variant_ids": [1, 404], "changes": {"message": "x"}}, "variant_ids"),
    ({"changes": {"message": "x"}}, "variant_ids"),
])
def test_bad_bulk_edits_are_refused_with_the_field_named_and_change_nothing(client, shop, body, field):
    response = client.patch(VARIANTS, json=body, headers=shop.admin)
    assert response.status_code == 422
    assert field in response.get_json()["errors"]["json"]
    assert client.get(VARIANTS, query_string={"search": "blue"}, headers=shop.admin).get_json()["items"][0]["message"] == ""


@pytest.mark.parametrize("authorization", [None, "Bearer not-a-key", "Bearer bdc_not-a-session"])
def test_bulk_edit_needs_a_valid_credential(client, shop, authorization):
    headers = {"Authorization": authorization} if authorization else {}
    assert bulk(client, headers, [1], message="x").status_code == 401


def test_another_store_cannot_edit_or_find_these_variants(client, shop, other_admin):
    response = bulk(client, other_admin, [1], message="Hijacked")
    assert response.status_code == 422
    assert client.get(VARIANTS, query_string={"search": "mug"}, headers=other_admin).get_json()["total"] == 0
    assert availability(client)[0]["message"] == ""
