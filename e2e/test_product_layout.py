"""The product box in Cornerstone's real layout (issue 13, item 13): the demo product page has
Cornerstone 6.21's markup and the rules that matter (inline forms, Add to Cart floated in the left
half, Add to Wish List beside it). The box sits below both buttons, across the column, with all
of its content inside it, whatever the width."""
import pytest
from playwright.sync_api import expect

from e2e_support import widget

BOX = """(host) => {
  const r = (el) => { const b = el.getBoundingClientRect(); return { left: b.left, right: b.right, top: b.top, bottom: b.bottom, width: b.width }; };
  const box = host.shadowRoot.querySelector('.bd-product');
  const inner = [...box.querySelectorAll('*')].filter((el) => el.getClientRects().length).map(r);
  return { box: r(box), inner, alts: [...box.querySelectorAll('.alts li')].map((li) => li.textContent) };
}"""


def rect(locator):
    return locator.evaluate("(el) => { const b = el.getBoundingClientRect(); return { left: b.left, right: b.right, top: b.top, bottom: b.bottom, width: b.width }; }")


@pytest.mark.parametrize("width", [1920, 1280, 800])
def test_the_box_sits_below_the_floated_buttons_with_its_content_inside(page, demo, width):
    # Three alternatives, long names included: the merchant's own choice.
    response = demo.admin("PATCH", "/api/v1/admin/variants/11001", json={"alternatives": [11002, 11101, 10301]})
    assert response.status_code == 200, response.get_json()
    page.set_viewport_size({"width": width, "height": 1000})
    page.goto(f"{demo.url}/demo/products/110")  # Trail Runner 2 — 42: on backorder, with alternatives
    host = widget(page, "product")
    expect(host.locator(".alts li").first).to_be_visible()
    cart, wish = rect(page.locator("#form-action-addToCart")), rect(page.get_by_role("button", name="Add to Wish List"))
    column = rect(page.locator(".productView-options"))
    layout = host.evaluate(BOX)
    box = layout["box"]
    assert wish["top"] == cart["top"], "Add to Wish List stays beside Add to Cart"
    assert box["top"] >= max(cart["bottom"], wish["bottom"]), "the box is below both buttons"
    assert box["left"] <= column["left"] + 1 and box["width"] >= column["width"] - 2, "the box spans the column"
    for inner in layout["inner"]:
        assert box["left"] <= inner["left"] and inner["right"] <= box["right"] + 0.5, inner
        assert box["top"] <= inner["top"] and inner["bottom"] <= box["bottom"] + 0.5, inner
    assert len(layout["alts"]) == 3
    assert page.errors == []


def test_another_size_of_the_same_product_shows_its_size(page, demo):
    page.goto(f"{demo.url}/demo/products/110")
    same = widget(page, "product").locator(".alts li").filter(has_text="Trail Runner 2")
    expect(same.locator(".option")).to_have_text("43")
    expect(same).to_contain_text("$139.00")
