"""The product page: badge, ETA, partial stock, pay-later note, alternatives, notify-me, variant
and quantity changes, on the demo's Cornerstone markup."""
import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from api.models import RestockSubscription
from e2e_support import availability, us_date, widget


def open_product(page, demo, product_id: int, query: str = ""):
    page.goto(f"{demo.url}/demo/products/{product_id}{query}")
    box = widget(page, "product")
    expect(box.locator(".badge")).to_be_visible()
    return box


def choose(page, label: str):
    page.locator(".form-option", has_text=re.compile(f"^{re.escape(label)}$")).click()


def test_in_stock_product_shows_only_an_in_stock_badge(page, demo):
    box = open_product(page, demo, 108)
    expect(box).to_have_text("In stock")
    assert page.errors == []


def test_backorder_with_inbound_stock_shows_its_ship_date(page, demo):
    box = open_product(page, demo, 113)
    expected = availability(demo, 11301)["eta"]["date"]
    expect(box.locator(".badge")).to_have_text("Backorder")
    expect(box.locator(".eta")).to_have_text(f"Ships around {us_date(expected)}")
    expect(box).to_contain_text("Shipping container on its way.")
    expect(box).to_contain_text("Held at port for inspection.")
    expect(box).to_contain_text("Pay later available: pay when it ships.")


def test_backorder_on_lead_time_shows_a_range_of_weeks(page, demo):
    box = open_product(page, demo, 104)
    expect(box.locator(".eta")).to_have_text("Ships in 3–4 weeks")


def test_backorder_without_inbound_or_lead_time_says_the_date_is_not_known(page, demo):
    box = open_product(page, demo, 105)
    expect(box.locator(".eta")).to_have_text("Ship date not yet known")


def test_backorder_lists_in_stock_alternatives_with_image_name_price_and_link(page, demo):
    box = open_product(page, demo, 105)
    alternative = box.locator(".alts a").first
    expect(alternative).to_contain_text("Pine Softshell Vest")
    expect(alternative).to_contain_text("$119.00")
    expect(alternative).to_have_attribute("href", f"{demo.url}/demo/products/106")
    expect(alternative.locator("img")).to_have_attribute("alt", "")


def test_sold_out_product_offers_notify_me_with_inline_validation(page, demo):
    box = open_product(page, demo, 107)
    expect(box.locator(".badge")).to_have_text("Sold out")
    opener = box.get_by_role("button", name="Notify me when it’s back")
    opener.click()
    field = box.get_by_label("Email or phone")
    expect(field).to_be_focused()
    field.fill("not an address")
    box.get_by_role("button", name="Notify me").click()
    expect(box.locator(".error")).to_have_text("Enter an email or phone number.")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_be_focused()
    field.fill("ada@example.com")
    box.get_by_role("button", name="Notify me").click()
    expect(box.locator(".done")).to_have_text("Thanks! We’ll tell you.")
    with demo.app.app_context(), demo.app.extensions["database"].session() as session:
        # (the demo's history holds other shoppers' subscriptions to the socks)
        subscription = session.scalar(select(RestockSubscription).where(RestockSubscription.contact == "ada@example.com"))
        assert (subscription.status, subscription.variant.variant_id) == ("active", 10701)


def test_badge_follows_the_chosen_variant_without_a_reload(page, demo):
    box = open_product(page, demo, 101)
    expect(box.locator(".badge")).to_have_text("In stock")
    choose(page, "M")
    expect(box.locator(".badge")).to_have_text("Backorder")
    expect(box.locator(".eta")).to_have_text(f"Ships around {us_date(availability(demo, 10102)['eta']['date'])}")
    expect(box.locator("[role=status]")).to_contain_text("Backorder")
    choose(page, "L")
    expect(box.locator(".eta")).to_have_text(f"Ships around {us_date(availability(demo, 10103)['eta']['date'])}")
    choose(page, "S")
    expect(box.locator(".badge")).to_have_text("In stock")


def test_partial_stock_wording_follows_the_quantity_input(page, demo):
    arrives = date.today() + timedelta(days=12)
    response = demo.admin("POST", "/api/v1/admin/variants/11002/inbound",
                          json={"quantity": 10, "expected_on": arrives.isoformat()})
    assert response.status_code == 201, response.get_json()
    box = open_product(page, demo, 110)
    choose(page, "43")
    expect(box.locator(".badge")).to_have_text("In stock")
    page.locator('input[name="qty[]"]').fill("5")
    expected = availability(demo, 11002, 5)["eta"]["date"]
    expect(box.locator(".partial")).to_have_text(f"2 ship now, 3 around {us_date(expected)}")
    expect(box.locator(".badge")).to_have_text("Backorder")
    page.get_by_role("button", name="Decrease quantity").click()
    page.get_by_role("button", name="Decrease quantity").click()
    page.get_by_role("button", name="Decrease quantity").click()
    expect(box.locator(".badge")).to_have_text("In stock")
    expect(box.locator(".partial")).to_have_count(0)


def test_strings_dates_and_money_follow_the_locale(page, demo):
    box = open_product(page, demo, 113, "?locale=de")
    expected = date.fromisoformat(availability(demo, 11301)["eta"]["date"])
    expect(box.locator(".badge")).to_have_text("Nachbestellung")
    expect(box.locator(".eta")).to_contain_text("Versand um den " + str(expected.day) + ".")
    expect(box.locator(".alts a").first).to_contain_text("99,00\u00a0$")


def test_a_product_view_added_later_is_picked_up(page, demo):
    """Quick view: Cornerstone inserts a product view into a modal after the page has loaded."""
    page.goto(f"{demo.url}/demo/")
    expect(widget(page, "card").first).to_be_attached()
    page.evaluate("""() => {
        const modal = document.createElement('div');
        modal.id = 'modal';
        modal.innerHTML = '<div class="productView" data-entity-id="105"><form data-cart-item-add>' +
          '<input type="hidden" name="product_id" value="105"></form></div>';
        document.body.appendChild(modal);
    }""")
    expect(page.locator("#modal").locator("[data-backorder-desk=product] .eta")).to_have_text("Ship date not yet known")


SOLD_OUT = {
    "en": ("Sold out", "None left, and no more can be ordered for now.", "Notify me when it’s back", "Available now"),
    "de": ("Ausverkauft", "Keine mehr da, und derzeit nicht bestellbar.", "Bei Verfügbarkeit melden", "Sofort lieferbar"),
    "fr": ("Épuisé", "Plus aucun, et impossible à commander pour le moment.", "Me prévenir du retour", "Disponible maintenant"),
    "es": ("Agotado", "No quedan y por ahora no se puede pedir.", "Avisarme cuando vuelva", "Disponible ahora"),
}


@pytest.mark.parametrize("locale", ["en", "de", "fr", "es"])
@pytest.mark.parametrize("product_id", [102, 107])  # hoodie Red at its backorder limit; socks without backorders
def test_sold_out_never_speaks_of_reserving_and_offers_notify_me_and_alternatives(page, demo, product_id, locale):
    badge, note, notify, alternatives = SOLD_OUT[locale]
    box = open_product(page, demo, product_id, f"?locale={locale}")
    expect(box.locator(".badge")).to_have_text(badge)
    expect(box).to_contain_text(note)
    expect(box.get_by_role("button", name=notify)).to_be_visible()
    # The merchant's backorder message ("only a few more can be reserved") is not shown.
    expect(box).not_to_contain_text("reserved")
    expect(box).not_to_contain_text("Back with the winter restock.")
    if product_id == 102:  # the Grey hoodie is in stock: offered as an alternative
        expect(box.get_by_role("heading", name=alternatives)).to_be_visible()
        expect(box.locator(".alts .option")).to_have_text("Grey")
    assert page.errors == []
