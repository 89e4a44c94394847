"""Installing, opening, re-installing and uninstalling the app on a (fake) BigCommerce store."""
import json
import time

import jwt
import pytest
from fake_bigcommerce import CLIENT_ID, CLIENT_SECRET, bigcommerce, fake_bigcommerce, install, session  # noqa: F401
from sqlalchemy import select

from api.bigcommerce.install import WEBHOOK_SCOPES
from api.bigcommerce.secrets import decrypt_token
from api.models import BigCommerceInstallation, BigCommerceWebhook, Store


def signed_payload(store_hash="abc123", *, secret=CLIENT_SECRET, aud=CLIENT_ID, expires_in=300, sub=None, user=None):
    now = int(time.time())
    claims = {"aud": aud, "iss": "bc", "iat": now, "nbf": now - 5, "exp": now + expires_in, "jti": "x",
              "sub": sub or f"stores/{store_hash}",
              "user": user or {"id": 24654, "email": "owner@shop.example", "locale": "en"},
              "owner": {"id": 24654, "email": "owner@shop.example"}, "url": "/"}
    return jwt.encode(claims, secret, algorithm="HS256")


def test_install_stores_encrypted_token_registers_webhooks_and_injects_script(client, session, app, bigcommerce):
    response = install(client, bigcommerce)
    assert response.status_code == 200, response.get_data(as_text=True)
    page = response.get_data(as_text=True)
    assert 'id="console-session"' in page and '"hash": "abc123"' in page

    token = bigcommerce.tokens["abc123"]
    assert token not in page
    store = session.scalar(select(Store).where(Store.hash == "abc123"))
    assert (store.platform, store.active) == ("bigcommerce", True)
    installation = session.scalar(select(BigCommerceInstallation))
    assert token not in installation.access_token_encrypted
    assert decrypt_token(app.config["SECRET_KEYS"], installation.access_token_encrypted) == token
    assert installation.owner_email == "owner@shop.example"
    assert "store_v2_orders" in installation.scopes

    hooks = list(bigcommerce.hooks.values())
    assert sorted(h["scope"] for h in hooks) == sorted(WEBHOOK_SCOPES)
    assert {h["destination"] for h in hooks} == {"http://app.test/bigcommerce/webhooks"}
    assert all(h["is_active"] for h in hooks)
    secrets = {h["headers"]["X-Backorder-Desk-Secret"] for h in hooks}
    assert len(secrets) == 1 and len(secrets.pop()) >= 32

    [sent] = [call["json"] for call in bigcommerce.calls_to("POST", r"/v3/content/scripts$")]
    assert {k: v for k, v in sent.items() if k not in ("name", "description")} == {
        "kind": "src", "src": f"http://app.test/widget.js?store=abc123&client_id={CLIENT_ID}",
        "load_method": "defer", "location": "footer", "visibility": "all_pages", "auto_uninstall": True,
        "consent_category": "essential", "enabled": True,
    }
    assert list(bigcommerce.scripts.values())[0]["src"] == sent["src"]
    exchange = bigcommerce.calls_to("POST", r"^/oauth2/token$")[0]["json"]
    assert exchange["grant_type"] == "authorization_code"
    assert exchange["redirect_uri"] == "http://app.test/bigcommerce/auth"


def test_reinstall_updates_hooks_and_script_instead_of_duplicating(client, session, bigcommerce):
    install(client, bigcommerce)
    first_secret = {h["headers"]["X-Backorder-Desk-Secret"] for h in bigcommerce.hooks.values()}
    hook_ids, script_ids = set(bigcommerce.hooks), set(bigcommerce.scripts)

    again = install(client, bigcommerce)

    assert again.status_code == 200
    assert set(bigcommerce.hooks) == hook_ids and set(bigcommerce.scripts) == script_ids
    new_secret = {h["headers"]["X-Backorder-Desk-Secret"] for h in bigcommerce.hooks.values()}
    assert len(new_secret) == 1 and new_secret != first_secret
    assert len(bigcommerce.calls_to("PUT", r"/v3/hooks/\d+$")) == len(WEBHOOK_SCOPES)
    assert len(session.scalars(select(Store)).all()) == 1
    assert len(session.scalars(select(BigCommerceInstallation)).all()) == 1


def test_widget_src_carries_the_store_and_client_id_url_encoded(client, app, bigcommerce, monkeypatch):
    monkeypatch.setitem(app.config, "BIGCOMMERCE_CLIENT_ID", "id with/odd&chars=")
    monkeypatch.setattr(bigcommerce, "client_id", "id with/odd&chars=")
    install(client, bigcommerce)
    [script] = bigcommerce.scripts.values()
    assert script["src"] == "http://app.test/widget.js?store=abc123&client_id=id+with%2Fodd%26chars%3D"


def test_reinstall_turns_an_older_script_tag_script_into_the_src_script(client, session, bigcommerce):
    install(client, bigcommerce)
    [(uuid, script)] = bigcommerce.scripts.items()
    script.update(kind="script_tag", load_method="default",
                  html='<script src="http://app.test/widget.js" data-store="abc123" defer></script>')
    del script["src"]
    session.scalar(select(BigCommerceInstallation)).script_uuid = ""  # as an install from before it was recorded
    session.commit()

    install(client, bigcommerce)

    assert list(bigcommerce.scripts) == [uuid]
    assert bigcommerce.calls_to("PUT", f"/v3/content/scripts/{uuid}$")
    assert (script["kind"], script["load_method"], "html" in script) == ("src", "defer", False)
    assert script["src"] == f"http://app.test/widget.js?store=abc123&client_id={CLIENT_ID}"


def test_install_with_a_refused_code_answers_an_error_and_saves_nothing(client, session, bigcommerce):
    response = client.get("/bigcommerce/auth", query_string={"code": "forged", "scope": "x", "context": "stores/abc123"})
    assert response.status_code == 502
    assert session.scalars(select(Store)).all() == []


def test_auth_without_code_is_400_with_field_errors(client, bigcommerce):
    response = client.get("/bigcommerce/auth", query_string={"context": "stores/abc123"})
    assert response.status_code == 400
    assert "code" in response.get_json()["errors"]


def console_boot(page: str) -> dict:
    island = page.split('<script type="application/json" id="console-session">')[1].split("</script>")[0]
    return json.loads(island)


def test_load_opens_the_console_signed_in_as_the_control_panel_user(client, bigcommerce):
    install(client, bigcommerce)
    response = client.get("/bigcommerce/load", query_string={"signed_payload_jwt": signed_payload()})
    assert response.status_code == 200
    boot = console_boot(response.get_data(as_text=True))
    assert boot["platform"] == "bigcommerce"
    assert boot["user"] == {"id": 24654, "email": "owner@shop.example", "label": "owner@shop.example"}
    assert boot["store"]["hash"] == "abc123" and boot["expires_at"].endswith("Z")
    assert "Set-Cookie" not in response.headers
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'self' https://*.bigcommerce.com https://store-abc123.mybigcommerce.com" in csp
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("token", [
    signed_payload(secret="not-the-client-secret-but-just-as-long"),
    signed_payload(expires_in=-120),
    signed_payload(aud="another-app"),
    signed_payload(sub="users/42"),
    "not-a-jwt",
])
def test_load_rejects_invalid_or_expired_signed_payload(client, bigcommerce, token):
    install(client, bigcommerce)
    response = client.get("/bigcommerce/load", query_string={"signed_payload_jwt": token})
    assert response.status_code == 401
    assert 'console-session' not in response.get_data(as_text=True)


def test_load_without_signed_payload_is_400(client, bigcommerce):
    assert client.get("/bigcommerce/load").status_code == 400


def _console_token(client, user_id=24654, email="owner@shop.example"):
    page = client.get("/bigcommerce/load", query_string={
        "signed_payload_jwt": signed_payload(user={"id": user_id, "email": email, "locale": "en"})})
    return console_boot(page.get_data(as_text=True))["token"]


def test_uninstall_deactivates_the_store_and_keeps_its_data(client, session, bigcommerce):
    install(client, bigcommerce)
    assert client.get("/bigcommerce/uninstall", query_string={"signed_payload_jwt": signed_payload(expires_in=-120)}).status_code == 401

    response = client.get("/bigcommerce/uninstall", query_string={"signed_payload_jwt": signed_payload()})

    assert response.status_code == 204
    store = session.scalar(select(Store).where(Store.hash == "abc123"))
    assert store.active is False
    installation = session.scalar(select(BigCommerceInstallation))
    assert installation.uninstalled_at is not None and installation.access_token_encrypted
    assert client.get("/bigcommerce/load", query_string={"signed_payload_jwt": signed_payload()}).status_code == 404
    assert client.get("/api/v1/stores/abc123/availability?variant_ids=1").status_code == 404

    session.rollback()  # end the read, to see what happens next
    install(client, bigcommerce)  # re-installing brings the same store back
    assert session.scalar(select(Store).where(Store.hash == "abc123")).active is True


def test_remove_user_is_verified_the_same_way(client, bigcommerce):
    install(client, bigcommerce)
    assert client.get("/bigcommerce/remove_user", query_string={"signed_payload_jwt": signed_payload()}).status_code == 204
    assert client.get("/bigcommerce/remove_user", query_string={"signed_payload_jwt": signed_payload(aud="x")}).status_code == 401


def test_console_session_from_load_authenticates_the_admin_api(client, bigcommerce):
    install(client, bigcommerce)
    headers = {"Authorization": f"Bearer {_console_token(client)}"}
    response = client.get("/api/v1/admin/settings", headers=headers)
    assert response.status_code == 200 and response.get_json()["store_hash"] == "abc123"
    assert client.get("/api/v1/admin/settings", headers={"Authorization": "Bearer bdc_forged"}).status_code == 401


def test_remove_user_ends_that_users_console_sessions_only(client, bigcommerce):
    install(client, bigcommerce)
    removed = {"Authorization": f"Bearer {_console_token(client, 77, 'clerk@shop.example')}"}
    kept = {"Authorization": f"Bearer {_console_token(client)}"}
    assert client.get("/api/v1/admin/settings", headers=removed).status_code == 200

    payload = signed_payload(user={"id": 77, "email": "clerk@shop.example"})
    assert client.get("/bigcommerce/remove_user", query_string={"signed_payload_jwt": payload}).status_code == 204

    assert client.get("/api/v1/admin/settings", headers=removed).status_code == 401
    assert client.get("/api/v1/admin/settings", headers=kept).status_code == 200


def test_uninstall_ends_every_console_session_of_the_store(client, bigcommerce):
    install(client, bigcommerce)
    tokens = [_console_token(client), _console_token(client, 77, "clerk@shop.example")]
    assert client.get("/bigcommerce/uninstall", query_string={"signed_payload_jwt": signed_payload()}).status_code == 204
    install(client, bigcommerce)  # even a re-install does not bring them back
    for token in tokens:
        assert client.get("/api/v1/admin/settings", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_integration_reports_the_script_snippet_webhooks_and_reconciliation(client, session, bigcommerce):
    install(client, bigcommerce)
    headers = {"Authorization": f"Bearer {_console_token(client)}"}
    session.add(BigCommerceWebhook(store_id=session.scalar(select(Store.id)), hash="h1", scope="store/order/created",
                                   status="failed", last_error="timed out"))
    session.commit()
    response = client.get("/api/v1/admin/integration", headers=headers)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["platform"] == "bigcommerce" and body["script"]["installed"] is True
    assert body["snippet"] == (f'<script src="http://app.test/widget.js" data-store="abc123" '
                               f'data-client-id="{CLIENT_ID}" defer></script>')
    assert body["webhooks"] == {"expected": len(WEBHOOK_SCOPES), "registered": len(WEBHOOK_SCOPES),
                                "failed_jobs": 1, "pending_jobs": 0, "last_error": "timed out"}
    assert body["last_reconciled_at"] is None
