"""Category pages: a badge on every card that is not simply in stock, from one batched request,
in grid and list view, and on cards added later (infinite scroll, faceted search)."""
import pytest
from playwright.sync_api import expect

from e2e_support import widget


def badge_of(page, product_id: int):
    return page.locator(f"article[data-entity-id='{product_id}'] [data-backorder-desk=card] .badge")


def test_cards_get_badges_from_one_batched_request(page, demo):
    requests = []
    page.on("request", lambda request: "/availability" in request.url and requests.append(request.url))
    page.goto(f"{demo.url}/demo/")
    expect(badge_of(page, 107)).to_have_text("Sold out")
    expect(badge_of(page, 104)).to_have_text("Backorder")
    expect(badge_of(page, 113)).to_have_text("Backorder")
    expect(badge_of(page, 108)).to_have_count(0)  # in stock: the card stays as the theme made it
    expect(badge_of(page, 103)).to_have_count(0)  # every size in stock
    assert len(requests) == 1 and "product_ids=101,102," in requests[0]
    assert page.errors == []


def test_list_view_cards_get_badges_too(page, demo):
    page.goto(f"{demo.url}/demo/accessories/?mode=list")
    expect(page.locator("article.listItem[data-entity-id='107'] [data-backorder-desk=card] .badge")).to_have_text("Sold out")


def test_cards_added_later_are_badged(page, demo):
    page.goto(f"{demo.url}/demo/outerwear/")
    expect(widget(page, "card").first).to_be_attached()
    page.evaluate("""() => {
        const item = document.createElement('li');
        item.innerHTML = '<article class="card" data-entity-id="107"><figure class="card-figure"></figure>' +
          '<div class="card-body"><h3 class="card-title">Basecamp Wool Socks</h3></div></article>';
        document.querySelector('.productGrid').appendChild(item);
    }""")
    expect(badge_of(page, 107)).to_have_text("Sold out")


SOME_ON_BACKORDER = {
    "en": "Some options on backorder", "de": "Einige Varianten nachbestellt",
    "fr": "Certaines options en réassort", "es": "Algunas opciones bajo pedido",
}


@pytest.mark.parametrize("locale", ["en", "de", "fr", "es"])
def test_a_product_with_only_some_options_on_backorder_says_so(page, demo, locale):
    page.goto(f"{demo.url}/demo/?locale={locale}")
    for product_id in (101, 110):  # Merino tee: S in stock, M and L on backorder; Trail Runner: 43 in stock
        expect(badge_of(page, product_id)).to_have_text(SOME_ON_BACKORDER[locale])
    expect(badge_of(page, 103)).to_have_count(0)
    assert page.errors == []
