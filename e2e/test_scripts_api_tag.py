"""The widget as BigCommerce's Scripts API injects it on install: a `kind: src` script, so a bare
`<script src="APP_URL/widget.js?store=…&client_id=…" defer>` without data attributes. The demo's
own pages are served with their hand-pasted tag swapped for that one."""
import re
from urllib.parse import urlencode

import pytest
from playwright.sync_api import expect

from api.blueprints import service
from e2e_support import CLIENT_ID, widget

PASTED_TAG = re.compile(r'<script src="/widget\.js"[^>]*></script>')


def serve_with_tag(page, demo, tag: str):
    """Every demo page arrives with `tag` in place of the hand-pasted widget tag."""
    def swap(route):
        if route.request.resource_type != "document":
            return route.continue_()
        response = route.fetch()
        html, count = PASTED_TAG.subn(tag, response.text())
        assert count == 1, "the demo page has no widget tag to swap"
        route.fulfill(response=response, body=html)
    page.route(re.compile(re.escape(demo.url) + r"/demo/.*"), swap)


def src_tag(demo, path: str = "/widget.js", **query) -> str:
    query = {"store": "demo-store", "client_id": CLIENT_ID, **query}
    return f'<script src="{demo.url}{path}?{urlencode(query)}" defer></script>'


def test_a_src_script_without_data_attributes_reads_its_store_from_the_url(page, demo):
    serve_with_tag(page, demo, src_tag(demo))
    page.goto(f"{demo.url}/demo/products/108")
    expect(widget(page, "product")).to_have_text("In stock")
    assert page.locator("script[data-store]").count() == 0
    assert page.errors == []


def test_the_client_id_from_the_url_signs_the_customer_in_on_account_pages(page, demo):
    serve_with_tag(page, demo, src_tag(demo))
    page.goto(f"{demo.url}/demo/account.php?action=view_order&order_id=1005")
    expect(widget(page, "orders").locator(".line").first).to_be_visible()
    assert page.errors == []


def test_the_locale_can_come_from_the_url_too(page, demo):
    serve_with_tag(page, demo, src_tag(demo, locale="de"))
    page.goto(f"{demo.url}/demo/products/108")
    expect(widget(page, "product")).to_have_text("Auf Lager")


def test_the_pinned_bundle_is_found_by_its_url_when_there_is_no_current_script(page, demo):
    # A module script has no document.currentScript: the widget finds its tag by the URL.
    digest = service.widget_bundle()[1]
    serve_with_tag(page, demo, src_tag(demo, f"/widget.{digest}.js").replace(" defer>", ' type="module">'))
    page.goto(f"{demo.url}/demo/products/108")
    expect(widget(page, "product")).to_have_text("In stock")
    assert page.errors == []


def test_the_widget_url_serves_the_same_bundle_and_caching_whatever_the_query(live_demo):
    with live_demo.app.test_client() as client:
        plain = client.get("/widget.js")
        configured = client.get(f"/widget.js?store=demo-store&client_id={CLIENT_ID}&locale=de")
        digest = plain.headers["X-Widget-Hash"]
        pinned = client.get(f"/widget.{digest}.js?store=demo-store")
        revalidated = client.get("/widget.js?store=other", headers={"If-None-Match": f'"{digest}"'})
    assert configured.status_code == pinned.status_code == 200
    assert configured.data == pinned.data == plain.data
    assert configured.headers["ETag"] == plain.headers["ETag"]
    assert configured.headers["Cache-Control"] == "public, max-age=300"
    assert pinned.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert revalidated.status_code == 304


@pytest.mark.parametrize("locale", ["en", "de", "fr", "es"])
def test_a_product_page_loads_only_its_language_and_no_account_code(page, demo, locale):
    scripts = []
    page.on("request", lambda request: request.resource_type == "script" and scripts.append(request.url))
    serve_with_tag(page, demo, src_tag(demo, locale=locale))
    page.goto(f"{demo.url}/demo/products/113")
    expect(widget(page, "product").locator(".badge")).to_be_visible()
    page.wait_for_load_state("networkidle")
    names = sorted(url.split("?")[0].removeprefix(demo.url) for url in scripts)
    assert names[0] == "/widget.js" and len(names) == 2
    assert re.fullmatch(rf"/widget/strings-{locale}\.\w+\.js", names[1])


def test_account_pages_fetch_the_account_chunk_once_from_the_widget_origin(page, demo):
    scripts = []
    page.on("response", lambda response: response.request.resource_type == "script" and scripts.append(response))
    serve_with_tag(page, demo, src_tag(demo, locale="fr"))
    page.goto(f"{demo.url}/demo/account.php?action=view_order&order_id=1005")
    expect(widget(page, "orders").locator(".line").first).to_be_visible()
    chunk = [r for r in scripts if "/widget/account-" in r.url]
    assert len(chunk) == 1 and chunk[0].url.startswith(demo.url + "/widget/account-fr.")
    assert chunk[0].headers["cache-control"] == "public, max-age=31536000, immutable"
    assert page.locator("script[src*='/widget/']").count() == 0  # chunk tags are removed once run
    assert page.errors == []
