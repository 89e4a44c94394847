"""The merchant console's page and its sessions: the local console exchanges an admin API key
for a short-lived session that the admin API accepts like the key, for that store only."""
import json
from datetime import timedelta

import pytest

from api.domain import clock
from shopper_support import NOW


def boot_of(page: str) -> dict:
    island = page.split('<script type="application/json" id="console-session">')[1].split("</script>")[0]
    return json.loads(island)


def open_session(client, headers) -> dict:
    response = client.post("/api/v1/admin/sessions", headers=headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_local_console_page_asks_for_a_key_and_loads_the_built_bundle(client):
    response = client.get("/console/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert boot_of(page) == {"platform": "local", "token": None}
    assert '<script type="module" src="/static/console/index.test.js">' in page
    assert 'href="/static/console/index.test.css"' in page
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'self'" in csp and "script-src 'self'" in csp
    assert "Set-Cookie" not in response.headers


def test_console_page_without_a_build_is_503(client, console_build):
    console_build.unlink()
    response = client.get("/console/")
    assert response.status_code == 503
    assert "npm run build" in response.get_json()["message"]


def test_an_admin_key_is_exchanged_for_a_session_that_works_like_the_key(client, admin, store_and_key):
    session = open_session(client, admin)
    assert session["token"].startswith("bdc_") and session["token"] not in admin["Authorization"]
    assert session["expires_at"] == (NOW + timedelta(hours=1)).isoformat() + "Z"
    assert session["user"] == {"id": None, "email": "", "label": f"API key ending {store_and_key[1][-4:]}"}
    assert session["store"] == {"hash": "store-a", "name": "", "platform": "local"}

    settings = client.get("/api/v1/admin/settings", headers={"Authorization": f"Bearer {session['token']}"})
    assert settings.status_code == 200 and settings.get_json()["store_hash"] == "store-a"


@pytest.mark.parametrize("authorization", [None, "Bearer not-a-key", "Bearer bdc_not-a-session", "Basic Zm9vOmJhcg=="])
def test_a_session_needs_a_valid_admin_key(client, store_and_key, authorization):
    headers = {"Authorization": authorization} if authorization else {}
    response = client.post("/api/v1/admin/sessions", headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_session_cannot_extend_itself(client, admin):
    session = open_session(client, admin)
    response = client.post("/api/v1/admin/sessions", headers={"Authorization": f"Bearer {session['token']}"})
    assert response.status_code == 401


def test_sessions_expire_after_their_lifetime(client, admin, app, monkeypatch):
    monkeypatch.setitem(app.config, "CONSOLE_SESSION_MAX_AGE", 600)
    session = open_session(client, admin)
    headers = {"Authorization": f"Bearer {session['token']}"}
    assert session["expires_at"] == (NOW + timedelta(minutes=10)).isoformat() + "Z"

    clock.freeze(NOW + timedelta(minutes=9, seconds=59))
    assert client.get("/api/v1/admin/settings", headers=headers).status_code == 200
    clock.freeze(NOW + timedelta(minutes=10))
    assert client.get("/api/v1/admin/settings", headers=headers).status_code == 401


def test_a_session_sees_only_its_own_store(client, admin, other_admin):
    mine = {"Authorization": f"Bearer {open_session(client, admin)['token']}"}
    theirs = {"Authorization": f"Bearer {open_session(client, other_admin)['token']}"}
    client.put("/api/v1/admin/variants/5", json={"product_id": 1, "name": "Mug"}, headers=mine)

    assert client.get("/api/v1/admin/settings", headers=theirs).get_json()["store_hash"] == "store-b"
    assert client.get("/api/v1/admin/variants", headers=theirs).get_json()["total"] == 0
    assert client.get("/api/v1/admin/variants/5/inbound", headers=theirs).status_code == 404
    assert client.get("/api/v1/admin/variants", headers=mine).get_json()["total"] == 1


def test_the_demo_opens_the_console_signed_in_as_the_demo_merchant_in_demo_mode_only(client, app, monkeypatch):
    from api.domain.stores import create_store

    with app.extensions["database"].transaction() as db_session:
        create_store(db_session, "demo-store", ["http://127.0.0.1:5000"])
    assert client.get("/demo/console").status_code == 404
    monkeypatch.setitem(app.config, "DEMO_MODE", True)
    boot = boot_of(client.get("/demo/console").get_data(as_text=True))
    assert (boot["platform"], boot["user"]["label"], boot["store"]["hash"]) == ("local", "Demo merchant", "demo-store")
    settings = client.get("/api/v1/admin/settings", headers={"Authorization": f"Bearer {boot['token']}"})
    assert settings.get_json()["store_hash"] == "demo-store"
