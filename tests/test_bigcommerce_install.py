"""Installing, opening, re-installing and uninstalling the app on a (fake) BigCommerce store."""
import time

import jwt
import pytest
from fake_bigcommerce import CLIENT_ID, CLIENT_SECRET, bigcommerce, fake_bigcommerce, install, session  # noqa: F401
from sqlalchemy import select

from api.bigcommerce.install import WEBHOOK_SCOPES
from api.bigcommerce.secrets import decrypt_token
from api.models import BigCommerceInstallation, Store


def signed_payload(store_hash="abc123", *, secret=CLIENT_SECRET, aud=CLIENT_ID, expires_in=300, sub=None):
    now = int(time.time())
    claims = {"aud": aud, "iss": "bc", "iat": now, "nbf": now - 5, "exp": now + expires_in, "jti": "x",
              "sub": sub or f"stores/{store_hash}", "user": {"id": 24654, "email": "owner@shop.example", "locale": "en"},
              "owner": {"id": 24654, "email": "owner@shop.example"}, "url": "/"}
    return jwt.encode(claims, secret, algorithm="HS256")


def test_install_stores_encrypted_token_registers_webhooks_and_injects_script(client, session, app, bigcommerce):
    response = install(client, bigcommerce)
    assert response.status_code == 200, response.get_data(as_text=True)
    page = response.get_data(as_text=True)
    assert "The app is installed" in page and "data-store=&#34;abc123&#34;" in page

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


def test_load_opens_the_merchant_page_with_status_snippet_and_settings(client, bigcommerce):
    install(client, bigcommerce)
    response = client.get("/bigcommerce/load", query_string={"signed_payload_jwt": signed_payload()})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "9 of 9 registered" in page and "added to every page" in page
    assert ("&lt;script src=&#34;http://app.test/widget.js&#34; data-store=&#34;abc123&#34; "
            f"data-client-id=&#34;{CLIENT_ID}&#34; defer&gt;&lt;/script&gt;") in page
    assert 'name="admin_token"' in page
    assert "frame-ancestors https://*.bigcommerce.com" in response.headers["Content-Security-Policy"]


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
    assert 'name="admin_token"' not in response.get_data(as_text=True)


def test_load_without_signed_payload_is_400(client, bigcommerce):
    assert client.get("/bigcommerce/load").status_code == 400


def _admin_token(client):
    page = client.get("/bigcommerce/load", query_string={"signed_payload_jwt": signed_payload()}).get_data(as_text=True)
    return page.split('name="admin_token" value="')[1].split('"')[0]


def test_settings_form_saves_the_store_policy(client, session, bigcommerce):
    install(client, bigcommerce)
    response = client.post("/bigcommerce/settings", data={
        "admin_token": _admin_token(client), "name": "Ada's Shop", "cancel_window_days": "14",
        "pay_later_enabled": "on", "payment_hold_days": "5", "handling_days": "2",
        "dearer_switch": "refuse", "storefront_origins": "https://shop.example\nhttps://www.shop.example",
        "notification_channels": ["email", "sms"],
    })
    assert response.status_code == 200, response.get_data(as_text=True)
    assert "Settings saved." in response.get_data(as_text=True)
    store = session.scalar(select(Store).where(Store.hash == "abc123"))
    assert (store.name, store.cancel_window_days, store.cancel_allocated, store.pay_later_enabled) == (
        "Ada's Shop", 14, False, True)
    assert (store.payment_hold_days, store.handling_days, store.dearer_switch) == (5, 2, "refuse")
    assert store.storefront_origins == ["https://shop.example", "https://www.shop.example"]
    assert store.notification_channels == ["email", "sms"]


def test_settings_form_shows_field_errors_and_saves_nothing(client, session, bigcommerce):
    install(client, bigcommerce)
    response = client.post("/bigcommerce/settings", data={
        "admin_token": _admin_token(client), "payment_hold_days": "0", "handling_days": "1",
        "dearer_switch": "refuse", "storefront_origins": "shop.example/path",
    })
    assert response.status_code == 422
    assert "field-error" in response.get_data(as_text=True)
    assert session.scalar(select(Store)).dearer_switch == "pay_difference"


def test_settings_form_without_a_valid_admin_session_is_401(client, session, bigcommerce):
    install(client, bigcommerce)
    for token in ("", "forged.token.value"):
        response = client.post("/bigcommerce/settings", data={"admin_token": token, "dearer_switch": "refuse",
                                                              "payment_hold_days": "3", "handling_days": "1"})
        assert response.status_code == 401
    assert session.scalar(select(Store)).dearer_switch == "pay_difference"


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


def test_admin_session_from_load_authenticates_the_admin_api(client, bigcommerce):
    install(client, bigcommerce)
    headers = {"Authorization": f"Bearer {_admin_token(client)}"}
    response = client.get("/api/v1/admin/settings", headers=headers)
    assert response.status_code == 200 and response.get_json()["store_hash"] == "abc123"
    assert client.get("/api/v1/admin/settings", headers={"Authorization": "Bearer forged"}).status_code == 401


def test_access_token_encryption_survives_secret_key_rotation():
    from cryptography.fernet import InvalidToken

    from api.bigcommerce.secrets import encrypt_token

    encrypted = encrypt_token(["key-before-rotation"], "tok_123")
    assert "tok_123" not in encrypted
    assert decrypt_token(["key-after-rotation", "key-before-rotation"], encrypted) == "tok_123"
    with pytest.raises(InvalidToken):
        decrypt_token(["some-other-key"], encrypted)


def test_bigcommerce_money_becomes_minor_units_per_currency():
    from api.bigcommerce.money import to_major, to_minor

    assert (to_minor("25.0000", "USD"), to_minor(19.995, "EUR"), to_minor("1500.0000", "JPY")) == (2500, 2000, 1500)
    assert (to_minor("1.2345", "KWD"), to_minor("", "USD"), to_major(2050, "USD")) == (1235, 0, 20.5)
