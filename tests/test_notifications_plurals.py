"""Numbers in messages agree with what they count, in every catalogue language, by each
language's plural rules (CLDR, through Babel): "1 day", "3 days"; "3 × … have arrived"; French
counts 0 and 1 as singular."""
import pytest
from test_notifications_render import SECRET, payload, store

from api.notifications.catalog import LOCALES, MESSAGES, Translator
from api.notifications.render import BUILDERS, render


def text(event: str, locale: str, store_fields=None, **values) -> str:
    rendered = render(None, store(**(store_fields or {})), event, payload(event, locale, **values),
                      app_url="http://app.test", secret_keys=SECRET)
    return rendered.text


ARRIVED = {
    "en": ("Good news: 1 × Merino Tee from order #42 has arrived and is reserved for you. It will ship soon.",
           "Good news: 3 × Merino Tee from order #42 have arrived and are reserved for you. They will ship soon."),
    "de": ("Gute Nachricht: 1 × Merino Tee aus Bestellung #42 ist eingetroffen und für Sie reserviert.",
           "Gute Nachricht: 3 × Merino Tee aus Bestellung #42 sind eingetroffen und für Sie reserviert."),
    "fr": ("Bonne nouvelle : 1 × Merino Tee de la commande n° 42 est arrivé et vous est réservé. Il sera bientôt expédié.",
           "Bonne nouvelle : 3 × Merino Tee de la commande n° 42 sont arrivés et vous sont réservés. Ils seront bientôt expédiés."),
    "es": ("Buenas noticias: 1 × Merino Tee del pedido n.º 42 ha llegado y está reservado para ti. Se enviará pronto.",
           "Buenas noticias: 3 × Merino Tee del pedido n.º 42 han llegado y están reservados para ti. Se enviarán pronto."),
}
SHIPPED = {
    "en": ("1 × Merino Tee from order #42 has shipped.", "3 × Merino Tee from order #42 have shipped."),
    "de": ("1 × Merino Tee aus Bestellung #42 wurde versandt.", "3 × Merino Tee aus Bestellung #42 wurden versandt."),
    "fr": ("1 × Merino Tee de la commande n° 42 a été expédié.", "3 × Merino Tee de la commande n° 42 ont été expédiés."),
    "es": ("1 × Merino Tee del pedido n.º 42 se ha enviado.", "3 × Merino Tee del pedido n.º 42 se han enviado."),
}
PACKING = {  # the handling days an inbound-based date adds
    "en": ("plus 1 day to pack it.", "plus 3 days to pack it."),
    "de": ("plus 1 Tag zum Verpacken.", "plus 3 Tage zum Verpacken."),
    "fr": ("plus 1 jour de préparation.", "plus 3 jours de préparation."),
    "es": ("más 1 día de preparación.", "más 3 días de preparación."),
}
CANCEL_WINDOW = {
    "en": ("within 1 day of ordering", "within 30 days of ordering"),
    "de": ("innerhalb von 1 Tag nach der Bestellung", "innerhalb von 30 Tagen nach der Bestellung"),
    "fr": ("dans un délai de 1 jour après la commande", "dans un délai de 30 jours après la commande"),
    "es": ("en un plazo de 1 día desde el pedido", "en un plazo de 30 días desde el pedido"),
}
LEAD_TIME = {
    "en": ("lead time of 1 day.", "lead time of 10 days."),
    "de": ("Lieferzeit unseres Lieferanten von 1 Tag.", "Lieferzeit unseres Lieferanten von 10 Tagen."),
    "fr": ("le délai de notre fournisseur, 1 jour.", "le délai de notre fournisseur, 10 jours."),
    "es": ("el plazo de nuestro proveedor: 1 día.", "el plazo de nuestro proveedor: 10 días."),
}


@pytest.mark.parametrize("locale", LOCALES)
def test_arrived_agrees_with_the_quantity(app, locale):
    one, many = ARRIVED[locale]
    assert one in text("allocated", locale, quantity=1)
    assert many in text("allocated", locale, quantity=3)


@pytest.mark.parametrize("locale", LOCALES)
def test_shipped_agrees_with_the_quantity(app, locale):
    one, many = SHIPPED[locale]
    assert one in text("shipped", locale, quantity=1)
    assert many in text("shipped", locale, quantity=3)


@pytest.mark.parametrize("locale", LOCALES)
def test_handling_days_are_counted_in_words(app, locale):
    one, many = PACKING[locale]
    assert one in text("backorder_placed", locale, {"handling_days": 1})
    assert many in text("backorder_placed", locale, {"handling_days": 3})


@pytest.mark.parametrize("locale", LOCALES)
def test_no_handling_days_adds_no_packing_words(app, locale):
    packing = PACKING[locale][0].split(" ", 3)[-1]  # "to pack it.", "zum Verpacken.", …
    assert packing in text("backorder_placed", locale, {"handling_days": 1})
    rendered = text("backorder_placed", locale, {"handling_days": 0})
    assert packing.rstrip(".") not in rendered and " 0 " not in rendered


@pytest.mark.parametrize("locale", LOCALES)
def test_the_cancel_window_is_counted_in_words(app, locale):
    one, many = CANCEL_WINDOW[locale]
    assert one in text("backorder_placed", locale, {"cancel_window_days": 1})
    assert many in text("backorder_placed", locale, {"cancel_window_days": 30})


@pytest.mark.parametrize("locale", LOCALES)
def test_the_supplier_lead_time_is_counted_in_words(locale):
    one, many = LEAD_TIME[locale]
    t = Translator(locale)
    assert t("basis_lead_time", count=1, days=1).endswith(one)
    assert t("basis_lead_time", count=10, days=10).endswith(many)


def test_french_counts_zero_and_one_as_singular_english_only_one():
    assert Translator("fr")("shipped_intro", count=0, quantity=0, name="X", order=1).endswith("a été expédié.")
    assert Translator("en")("shipped_intro", count=0, quantity=0, name="X", order=1).endswith("have shipped.")


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("event", sorted(set(BUILDERS) - {"merchant_digest"}))
def test_no_message_hedges_a_plural(app, event, locale):
    for quantity in (1, 2):
        rendered = text(event, locale, quantity=quantity)
        for hedge in ("(s)", "(e)", "(es)"):
            assert hedge not in rendered, (event, locale, quantity)


def test_every_counted_sentence_has_the_plural_forms_of_its_language():
    needed = {"en": {"one", "other"}, "de": {"one", "other"}, "fr": {"one", "other"}, "es": {"one", "other"}}
    for locale in LOCALES:
        for key, message in MESSAGES[locale].items():
            assert isinstance(message, str) == isinstance(MESSAGES["en"][key], str), (locale, key)
            if isinstance(message, dict):
                assert needed[locale] <= message.keys(), (locale, key)
