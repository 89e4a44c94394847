"""The activity log: every change through the admin API (and so the console) says who, what, when."""
from datetime import timedelta

import pytest

from api.domain.console_sessions import open_session
from api.models import Store
from shopper_support import NOW


@pytest.fixture
def clerk(app, store_and_key):
    """A console session of a BigCommerce control-panel user of store-a."""
    with app.extensions["database"].transaction() as db_session:
        token, _ = open_session(db_session, db_session.get(Store, store_and_key[0]), label="clerk@shop.example",
                                lifetime=timedelta(hours=1), user_id=77, user_email="clerk@shop.example")
    return {"Authorization": f"Bearer {token}"}


def audit(client, headers, **query):
    response = client.get("/api/v1/admin/audit", query_string=query, headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_changes_are_recorded_with_who_what_and_when_newest_first(client, admin, clerk, store_and_key):
    client.patch("/api/v1/admin/settings", json={"handling_days": 3}, headers=admin)
    client.put("/api/v1/admin/variants/5", json={"product_id": 1, "name": "Mug"}, headers=clerk)

    page = audit(client, admin)
    assert page["total"] == 2
    newest, oldest = page["items"]
    assert (newest["actor"], newest["method"], newest["route"]) == (
        "clerk@shop.example", "PUT", "/api/v1/admin/variants/<int:variant_id>")
    assert newest["target"] == {"variant_id": 5} and newest["summary"] == {"product_id": 1, "name": "Mug"}
    assert oldest["actor"] == f"API key ending {store_and_key[1][-4:]}"
    assert (oldest["method"], oldest["path"], oldest["summary"]) == ("PATCH", "/api/v1/admin/settings", {"handling_days": 3})
    assert oldest["created_at"] == NOW.isoformat() + "Z" and oldest["status_code"] == 200


def test_reads_refusals_and_signing_in_are_not_changes(client, admin):
    client.get("/api/v1/admin/settings", headers=admin)
    client.patch("/api/v1/admin/settings", json={"handling_days": -1}, headers=admin)
    client.post("/api/v1/admin/sessions", headers=admin)
    assert audit(client, admin)["total"] == 0


def test_long_bodies_are_summarised(client, admin):
    client.patch("/api/v1/admin/settings", json={"name": "x" * 200, "storefront_origins": [f"https://s{i}.example" for i in range(20)]},
                 headers=admin)
    client.put("/api/v1/admin/variants/5", json={"product_id": 1, "message": "y" * 2000}, headers=admin)
    variant, settings = audit(client, admin)["items"]
    assert len(settings["summary"]["storefront_origins"]) == 20
    assert variant["summary"]["message"] == "y" * 200 + "…"


def test_the_log_is_paged_and_validated(client, admin):
    for days in range(3):
        client.patch("/api/v1/admin/settings", json={"handling_days": days}, headers=admin)
    page = audit(client, admin, page=2, per_page=2)
    assert (page["total"], len(page["items"]), page["items"][0]["summary"]) == (3, 1, {"handling_days": 0})
    response = client.get("/api/v1/admin/audit?page=0", headers=admin)
    assert response.status_code == 422 and "page" in response.get_json()["errors"]["query"]


@pytest.mark.parametrize("authorization", [None, "Bearer not-a-key", "Bearer bdc_not-a-session"])
def test_the_log_needs_a_valid_credential(client, store_and_key, authorization):
    headers = {"Authorization": authorization} if authorization else {}
    assert client.get("/api/v1/admin/audit", headers=headers).status_code == 401


def test_another_store_sees_none_of_the_log(client, admin, other_admin):
    client.patch("/api/v1/admin/settings", json={"handling_days": 3}, headers=admin)
    assert audit(client, other_admin)["total"] == 0
