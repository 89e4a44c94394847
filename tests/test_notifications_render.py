"""Message rendering: every event in every locale, store branding, and HTML that escapes every
value coming from the catalog, the merchant or the shopper."""
import string

import pytest

from api.models import Store
from api.notifications.catalog import LOCALES, MESSAGES, Translator
from api.notifications.render import BUILDERS, MERCHANT_EVENTS, render

SECRET = ["render-secret"]
HOSTILE = '<script>alert("x")</script>'


def store(**fields) -> Store:
    defaults = {"hash": "store-a", "name": "Northwind", "storefront_origins": ["https://shop.example"],
                "handling_days": 1, "cancel_window_days": 30, "pay_later_enabled": True,
                "brand_colour": "#112233", "brand_logo_url": "https://cdn.example/logo.png"}
    return Store(**{**defaults, **fields})


def payload(event: str, locale: str = "en", **values) -> dict:
    base = {"order_id": 42, "customer_id": None, "email": "ada@example.com", "phone": "", "first_name": "Ada",
            "locale": locale, "line_id": 1, "name": "Merino Tee", "sku": "T-1", "quantity": 2,
            "unit_price": 4500, "currency": "EUR"}
    eta = {"date": "2026-12-11", "source": "inbound"}
    extra = {
        "backorder_placed": {"lines": [{"line_id": 1, "name": values.get("name", "Merino Tee"), "sku": "T-1",
                                        "quantity": 2, "unit_price": 4500, "currency": "EUR",
                                        "quantity_backordered": 2, "eta": eta}]},
        "eta_changed": {"old_eta": eta, "new_eta": {"date": "2026-12-20", "source": "inbound"}},
        "allocated": {"state": "allocated"},
        "payment_requested": {"amount": 4500, "payment_url": "https://pay.example/p/1",
                              "hold_until": "2026-11-29T12:00:00"},
        "payment_reminder": {"amount": 4500, "payment_url": "https://pay.example/p/1",
                             "hold_until": "2026-11-29T12:00:00"},
        "hold_expired": {"hold_until": "2026-11-29T12:00:00"},
        "shipped": {"tracking_number": "1Z999", "carrier": "UPS", "tracking_url": "https://track.example/1Z999"},
        "cancelled": {"refund": {"amount": 9000, "currency": "EUR", "status": "confirmed"}},
        "switched": {"to_name": "Merino Tee Grey", "price_difference": -500,
                     "refund": {"amount": 500, "currency": "EUR", "status": "confirmed"}},
        "payment_mode_changed": {"mode": "pay_later", "refund": {"amount": 9000, "currency": "EUR"}},
        "payment_received": {"amount": 9000},
        "restock": {"subscription_id": 5, "url": "https://shop.example/tee"},
        "delay_incentive": {"code": "BD-1234", "kind": "discount", "percent_off": 10,
                            "first_promised_on": "2026-12-11", "eta": {"date": "2026-12-30", "source": "inbound"}},
        "merchant_digest": {"date": "2026-11-26", "new_backorders": [], "overdue": [], "refunds": []},
        "refund_made": {"amount": 8600, "reason": "cancel"},
        "refund_failed": {"amount": 9000, "reason": "cancel", "refund_id": 3,
                          "error": "The payment provider declined the refund: Card expired"},
        "order_edit_failed": {"to_name": "Merino Tee Grey", "amount": 500, "error": "HTTP 422"},
        "inbound_overdue": {"inbound_id": 3, "variant_id": 9, "expected_on": "2026-11-20"},
        "purchase_order_sent": {"purchase_order_id": 7, "reference": "PO-7", "supplier": "Merino Mills",
                                "expected_on": "2026-12-10", "lines": [
                                    {"sku": values.get("sku", "T-1"), "name": values.get("name", "Merino Tee"),
                                     "variant_id": 9, "quantity": 24, "expected_on": "2026-12-10"}]},
    }[event]
    return {**base, **extra, **values}


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("event", sorted(BUILDERS))
def test_every_event_renders_in_every_locale(app, event, locale):
    rendered = render(None, store(), event, payload(event, locale), app_url="http://app.test", secret_keys=SECRET)
    assert rendered.subject and rendered.sms and "Northwind" in rendered.text
    assert f'<html lang="{"en" if event in MERCHANT_EVENTS else locale}">' in rendered.html
    if event not in MERCHANT_EVENTS and locale != "en":
        english = render(None, store(), event, payload(event, "en"), app_url="http://app.test", secret_keys=SECRET)
        assert rendered.subject != english.subject  # really translated


def test_the_catalogue_has_every_sentence_in_every_language_with_the_same_placeholders():
    def fields(text):
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}

    def forms(message):  # a counted sentence has one text per plural form
        return message.values() if isinstance(message, dict) else [message]

    for locale in LOCALES:
        assert MESSAGES[locale].keys() == MESSAGES["en"].keys()
        for key, message in MESSAGES[locale].items():
            english = set.union(*(fields(text) for text in forms(MESSAGES["en"][key])))
            for text in forms(message):
                assert fields(text) == english, (locale, key)


def test_dates_and_money_are_written_the_way_each_language_writes_them():
    assert [Translator(l).date("2026-12-11") for l in LOCALES] == [
        "11 December 2026", "11. Dezember 2026", "11 décembre 2026", "11 de diciembre de 2026"]
    assert Translator("en").money(123456, "USD") == "$1,234.56"
    assert Translator("de-AT").money(123456, "EUR") == "1.234,56 €"
    assert Translator("fr").money(123456, "EUR") == "1 234,56 €"
    assert Translator("en").money(1500, "JPY") == "¥1,500"
    assert Translator("pt-BR").lang == "en"  # a language we do not speak falls back to English


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("event", ["backorder_placed", "eta_changed", "delay_incentive"])
def test_a_delayed_line_reads_delayed_with_a_new_date_to_follow_never_date_unknown(app, event, locale):
    delayed = {"date": None, "source": "delayed"}
    values = {"backorder_placed": {"lines": [{**payload("backorder_placed")["lines"][0], "eta": delayed}]},
              "eta_changed": {"new_eta": delayed}, "delay_incentive": {"eta": delayed}}[event]
    rendered = render(None, store(), event, payload(event, locale, **values), app_url="http://app.test",
                      secret_keys=SECRET)
    words = Translator(locale)
    # The same words as the widget's (widget/src/strings.js, `delayed_tail`).
    assert words("eta_delayed") in rendered.text
    assert words("eta_unknown") not in rendered.text


def test_the_widget_words_a_delayed_date_as_the_emails_do_in_every_language():
    import re
    from pathlib import Path

    source = (Path(__file__).resolve().parent.parent / "widget" / "src" / "strings.js").read_text()
    product = source[source.index("export const PRODUCT"):source.index("export const ACCOUNT")]
    widget = dict(zip(re.findall(r"^  (\w\w): \{", product, re.M),
                      re.findall(r'^    delayed_tail: "([^"]+)",', product, re.M)))
    assert widget == {locale: Translator(locale)("eta_delayed") for locale in LOCALES}


def test_messages_are_personalised_and_store_branded(app):
    rendered = render(None, store(), "allocated", payload("allocated", first_name="Grace"),
                      app_url="http://app.test", secret_keys=SECRET)
    assert "Hi Grace," in rendered.text
    assert "background:#112233" in rendered.html
    assert '<img src="https://cdn.example/logo.png" alt="Northwind"' in rendered.html
    anonymous = render(None, store(), "allocated", payload("allocated", first_name=""), app_url="http://app.test",
                       secret_keys=SECRET)
    assert anonymous.text.count("Hello,") == 1


@pytest.mark.parametrize("event", sorted(set(BUILDERS) - {"merchant_digest"}))
def test_html_escapes_every_value_from_the_catalog_the_merchant_or_the_shopper(app, event):
    hostile_store = store(name=HOSTILE, brand_colour='red;"><script>', brand_logo_url="javascript:alert(1)")
    values = {"name": HOSTILE, "sku": HOSTILE, "first_name": HOSTILE, "to_name": HOSTILE,
              "carrier": HOSTILE, "tracking_number": HOSTILE, "tracking_url": "javascript:alert(1)",
              "payment_url": "javascript:alert(1)", "url": "javascript:alert(1)"}
    rendered = render(None, hostile_store, event, payload(event, **values), app_url="http://app.test",
                      secret_keys=SECRET)
    assert "<script>" not in rendered.html
    assert "&lt;script&gt;" in rendered.html
    assert "javascript:" not in rendered.html
    assert 'red;"' not in rendered.html
    assert "\n" not in rendered.subject


def test_digest_escapes_product_names(app):
    row = {"order_id": 1, "line_id": 1, "name": HOSTILE, "sku": HOSTILE, "quantity": 1, "eta_date": "2026-12-01"}
    refund = {**row, "amount": 100, "currency": "USD", "status": "pending", "reason": "cancel"}
    rendered = render(None, store(), "merchant_digest",
                      payload("merchant_digest", new_backorders=[row], overdue=[row], refunds=[refund]),
                      app_url="http://app.test", secret_keys=SECRET)
    assert "<script>" not in rendered.html and rendered.html.count("&lt;script&gt;") == 5


def _events_written_by_the_domain() -> set[str]:
    """Every event name a `record`/`record_many`/`record_rows` (shopper-visible) or `notify` call in
    api/ writes."""
    import ast
    from pathlib import Path

    import api

    events = set()
    for path in Path(api.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                continue
            hidden = any(k.arg == "shopper_visible" and isinstance(k.value, ast.Constant) and k.value.value is False
                         for k in node.keywords)
            if node.func.id in ("record", "record_many", "record_rows", "notify", "notify_once") and len(node.args) >= 3 and not hidden:
                name = node.args[2]
                if isinstance(name, ast.Constant) and isinstance(name.value, str):
                    events.add(name.value)
    return events


def test_every_event_the_domain_writes_has_a_message():
    written = _events_written_by_the_domain()
    assert {"backorder_placed", "eta_changed", "allocated", "cancelled", "restock"} <= written
    assert written <= set(BUILDERS), written - set(BUILDERS)
