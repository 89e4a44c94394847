"""Message templates in the console: the list of events × languages × channels, and previews
rendered with sample data and the store's branding."""
import pytest

from api.notifications.render import BUILDERS

TEMPLATES = "/api/v1/admin/message-templates"


def test_every_event_is_listed_with_its_languages_and_channels(client, admin):
    items = client.get(TEMPLATES, headers=admin).get_json()["items"]
    assert [item["event"] for item in items] == sorted(BUILDERS)
    by_event = {item["event"]: item for item in items}
    assert by_event["eta_changed"] == {"event": "eta_changed", "locales": ["en", "de", "fr", "es"], "channels": ["email", "sms"]}
    assert by_event["merchant_digest"] == {"event": "merchant_digest", "locales": ["en"], "channels": ["email"]}


@pytest.mark.parametrize("event", sorted(BUILDERS))
def test_every_template_previews_in_every_language_and_channel(client, admin, event):
    client.patch("/api/v1/admin/settings", json={"name": "Northwind Outfitters"}, headers=admin)
    listed = {item["event"]: item for item in client.get(TEMPLATES, headers=admin).get_json()["items"]}[event]
    for locale in listed["locales"]:
        for channel in listed["channels"]:
            response = client.get(f"{TEMPLATES}/{event}/preview", query_string={"locale": locale, "channel": channel},
                                  headers=admin)
            assert response.status_code == 200, (locale, channel, response.get_json())
            body = response.get_json()
            assert (body["event"], body["locale"], body["channel"]) == (event, locale, channel)
            if channel == "email":
                assert body["subject"] and "Northwind Outfitters" in body["text"]
                assert f'<html lang="{locale}">' in body["html"]
            else:
                assert body["text"] and body["subject"] == body["html"] == ""


def test_a_preview_is_in_the_language_asked(client, admin):
    english = client.get(f"{TEMPLATES}/eta_changed/preview", headers=admin).get_json()
    german = client.get(f"{TEMPLATES}/eta_changed/preview?locale=de", headers=admin).get_json()
    assert english["subject"] != german["subject"] and "voraussichtlich" in german["text"].lower()


@pytest.mark.parametrize("query,field", [({"locale": "it"}, "locale"), ({"channel": "fax"}, "channel")])
def test_bad_preview_queries_are_refused_with_the_field_named(client, admin, query, field):
    response = client.get(f"{TEMPLATES}/eta_changed/preview", query_string=query, headers=admin)
    assert response.status_code == 422 and field in response.get_json()["errors"]["query"]


@pytest.mark.parametrize("query,field", [({"locale": "de"}, "locale"), ({"channel": "sms"}, "channel")])
def test_the_merchant_digest_is_english_email_only(client, admin, query, field):
    response = client.get(f"{TEMPLATES}/merchant_digest/preview", query_string=query, headers=admin)
    assert response.status_code == 422 and field in response.get_json()["errors"]["query"]


def test_an_unknown_event_is_404(client, admin):
    assert client.get(f"{TEMPLATES}/no_such_event/preview", headers=admin).status_code == 404


@pytest.mark.parametrize("path", [TEMPLATES, f"{TEMPLATES}/eta_changed/preview"])
@pytest.mark.parametrize("authorization", [None, "Bearer not-a-key", "Bearer bdc_not-a-session"])
def test_templates_need_a_valid_credential(client, store_and_key, path, authorization):
    headers = {"Authorization": authorization} if authorization else {}
    assert client.get(path, headers=headers).status_code == 401


def test_a_preview_carries_the_callers_store_only(client, admin, other_admin):
    client.patch("/api/v1/admin/settings", json={"name": "Store A Goods"}, headers=admin)
    theirs = client.get(f"{TEMPLATES}/allocated/preview", headers=other_admin).get_json()
    assert "Store A Goods" not in theirs["text"] and "store-b" in theirs["text"]
