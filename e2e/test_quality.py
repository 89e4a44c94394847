"""What the widget promises any store: text stays text, a failing API leaves the page as it was,
it starts however it is loaded, axe finds nothing serious, and nothing on the page moves."""
import threading
from pathlib import Path

import pytest
from playwright.sync_api import expect

from api.tokens import order_link_token
from e2e_support import widget

AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
EVIL = "<img src=x onerror=alert(1)>"
CLS_PROBE = """
window.__cls = 0;
window.__shifts = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    if (entry.hadRecentInput) continue;
    window.__cls += entry.value;
    window.__shifts.push([entry.startTime, entry.value]);
  }
}).observe({ type: 'layout-shift', buffered: true });
"""


def test_text_from_the_api_renders_as_text_never_as_markup(page, demo):
    assert demo.admin("PATCH", "/api/v1/admin/variants/10601", json={"name": EVIL}).status_code == 200
    assert demo.admin("PATCH", "/api/v1/admin/variants/10501", json={"message": EVIL}).status_code == 200
    page.goto(f"{demo.url}/demo/products/105")
    box = widget(page, "product")
    expect(box.locator(".alts a").first).to_contain_text(EVIL)
    expect(box.get_by_text(EVIL, exact=True).first).to_be_visible()
    assert box.locator("img[src='x']").count() == 0
    assert page.errors == []  # no alert() dialog, no script error


UNAVAILABLE = {
    "en": "Backorder details are unavailable right now. Please try again later.",
    "de": "Details zu Nachbestellungen sind gerade nicht verfügbar. Bitte später erneut versuchen.",
    "fr": "Les détails du réassort sont indisponibles pour le moment. Réessayez plus tard.",
    "es": "Los detalles de los pedidos pendientes no están disponibles ahora. Inténtalo más tarde.",
}


def _api_fails(page, failure):
    def fail(route):
        if failure == "network":
            route.abort()
        else:
            route.fulfill(status=500, content_type="application/json", body='{"code": 500}')
    page.route("**/api/v1/**", fail)


@pytest.mark.parametrize("failure", ["network", "server_error"])
def test_api_down_leaves_product_and_category_pages_as_they_were(page, demo, failure):
    _api_fails(page, failure)
    for path in ("/demo/products/113", "/demo/"):
        with page.expect_event("requestfinished" if failure == "server_error" else "requestfailed",
                               lambda request: "/api/v1/" in request.url):
            page.goto(demo.url + path)
        page.wait_for_load_state("networkidle")
        assert page.locator("[data-backorder-desk]").count() == 0
    assert page.errors == []


@pytest.mark.parametrize("failure", ["network", "server_error"])
@pytest.mark.parametrize("locale", ["en", "de", "fr", "es"])
def test_api_down_gives_account_pages_a_short_notice(page, demo, failure, locale):
    _api_fails(page, failure)
    page.goto(f"{demo.url}/demo/account.php?action=view_order&order_id=1005&locale={locale}")
    expect(widget(page, "notice")).to_have_text(UNAVAILABLE[locale])
    page.goto(f"{demo.url}/demo/account.php?action=order_status&locale={locale}")
    expect(widget(page, "notice")).to_have_text(UNAVAILABLE[locale])
    expect(widget(page, "summary")).to_have_count(0)
    assert page.errors == []


@pytest.mark.parametrize("how", ["async", "late"])
def test_widget_starts_when_loaded_async_or_injected_late(page, demo, how):
    page.goto(f"{demo.url}/demo/products/104?nowidget=1")
    page.wait_for_load_state("load")
    page.evaluate("""(how) => {
        const script = document.createElement('script');
        script.src = '/widget.js';
        script.dataset.store = 'demo-store';
        if (how === 'async') script.async = true;
        document.body.appendChild(script);
    }""", how)
    expect(widget(page, "product").locator(".eta")).to_have_text("Ships in 3–4 weeks")
    page.evaluate("() => window.BackorderDesk.refresh()")
    expect(widget(page, "product")).to_have_count(1)


def test_public_api_reports_renders_to_listeners(page, demo):
    page.add_init_script("window.BackorderDesk = {queue: [['render', (e) => (window.__renders = window.__renders || []).push(e.kind)]]};")
    page.goto(f"{demo.url}/demo/products/105")
    expect(widget(page, "product")).to_have_count(1)
    page.wait_for_function("() => (window.__renders || []).includes('product')")
    page.evaluate("() => window.BackorderDesk.on('render', (e) => window.__renders.push('again:' + e.kind))")
    page.evaluate("() => window.BackorderDesk.refresh()")
    page.wait_for_function("() => window.__renders.includes('again:product')")


def _axe(page) -> list[dict]:
    if not AXE.exists():
        import os
        message = "axe-core is not installed: run `npm ci`"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("() => axe.run(document, { resultTypes: ['violations'] })")
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]]}
        for v in result["violations"] if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("path", ["/demo/products/105", "/demo/products/107", "/demo/", "/demo/account.php?action=order_status"])
def test_axe_finds_no_serious_violation_on_widget_pages(page, demo, path):
    page.goto(demo.url + path)
    expect(page.locator("[data-backorder-desk]").first).to_be_attached()
    assert _axe(page) == []


def test_axe_finds_no_serious_violation_in_the_order_page_and_its_dialog(page, demo):
    page.goto(f"{demo.url}/demo/account.php?action=view_order&order_id=1005")
    panel = widget(page, "orders")
    expect(panel.locator(".line").first).to_be_visible()
    assert _axe(page) == []
    panel.locator(".line").first.get_by_role("button", name="Switch").click()
    expect(panel.get_by_role("dialog")).to_be_visible()
    assert _axe(page) == []


def test_widget_causes_no_layout_shift(page, demo):
    """CLS 0 on every demo product page and on the category page in grid and list view."""
    page.add_init_script(CLS_PROBE)
    paths = [f"/demo/products/{product_id}" for product_id in range(101, 115)]
    shifts = {}
    for path in paths + ["/demo/", "/demo/outerwear/?mode=list"]:
        page.goto(demo.url + path)
        expect(page.locator("[data-backorder-desk]").first).to_be_attached()
        page.wait_for_load_state("networkidle")
        page.evaluate("() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")
        shifts[path] = page.evaluate("() => window.__cls")
    assert shifts == {path: 0 for path in shifts}


@pytest.fixture
def late_api(demo, monkeypatch):
    """The demo's API holds every answer until the test releases it (set()): the widget's data
    arrive only once the page has been painted."""
    released = threading.Event()
    serve = demo.app.wsgi_app

    def held(environ, start_response):
        if environ["PATH_INFO"].startswith("/api/v1/"):
            released.wait(10)
        return serve(environ, start_response)

    monkeypatch.setattr(demo.app, "wsgi_app", held)
    yield released
    released.set()


# The layout shift since `window.__released` (when the API was let answer).
LATE_CLS = "() => window.__shifts.filter(([at]) => at >= window.__released).reduce((sum, [, value]) => sum + value, 0)"
ORDER_PAGE = "/demo/account.php?action=view_order&order_id=1005"


@pytest.mark.parametrize("width,height", [(412, 823), (1350, 940), (1920, 1200)])
def test_account_pages_shift_nothing_when_their_data_arrive_late(page, demo, late_api, width, height):
    """The orders list's summaries sit in the room beside each status label, an order's panel in
    the room reserved after the order's content when the widget starts (down to the bottom of the
    window), a guest's order link opens over the page: nothing on screen moves when the API answers
    after the page was painted, at phone width (where Lighthouse measures), on a wide screen where
    the page is shorter than the window, and on a tall one. The whole load stays within CLS 0.01,
    except on a short order page where Chromium painted it before the widget started: the room's
    reservation then moves the footer once (README, "Size and speed")."""
    page.set_viewport_size({"width": width, "height": height})
    page.add_init_script(CLS_PROBE)
    token = order_link_token(demo.app.config["SECRET_KEYS"], "demo-store", 1003, "grace@example.com")
    late, whole, reserved = {}, {}, {}
    for path, kind in [("/demo/account.php?action=order_status", "summary"),
                       (ORDER_PAGE, "orders"),
                       (f"/demo/?bd_order={token}", "orders")]:
        late_api.clear()
        page.goto(demo.url + path, wait_until="domcontentloaded")
        page.wait_for_function("() => performance.getEntriesByType('paint').length > 0")
        if path == ORDER_PAGE:
            room = page.locator(".backorder-desk-room")
            expect(room).to_be_attached()
            reserved[path] = room.evaluate("(room) => room.style.minHeight")
        page.evaluate("() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")
        page.evaluate("() => { window.__released = performance.now(); }")
        late_api.set()
        expect(widget(page, kind).first).to_be_visible()
        page.wait_for_load_state("networkidle")
        page.evaluate("() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")
        late[path] = page.evaluate(LATE_CLS)
        whole[path] = page.evaluate("() => window.__cls")
    assert late == {path: 0 for path in late}
    # The order's content reaches past a phone's window: nothing is reserved there.
    assert (reserved[ORDER_PAGE] == "") == (width == 412), reserved
    assert all(value <= 0.01 for path, value in whole.items() if path != ORDER_PAGE or width == 412), whole


def test_an_order_page_gives_back_the_panels_room_when_no_shopper_is_signed_in(page, demo):
    """No shopper, no panel: the room reserved after the order's content is released, so the page
    keeps no blank space down to the bottom of the window."""
    page.set_viewport_size({"width": 1350, "height": 940})
    asked = []  # the storefront's answer to "who is signed in?", held until the room is seen
    page.route("**/customer/current.jwt*", lambda route: asked.append(route))
    page.goto(demo.url + ORDER_PAGE, wait_until="domcontentloaded")
    room = page.locator(".backorder-desk-room")
    expect(room).to_be_attached()
    page.wait_for_function("() => document.querySelector('.backorder-desk-room').style.minHeight !== ''")
    asked[0].fulfill(status=404, body="")
    page.wait_for_function("() => document.querySelector('.backorder-desk-room').style.minHeight === ''")
    expect(page.locator("[data-backorder-desk]")).to_have_count(0)


def test_a_guest_order_link_opens_over_the_page_and_closes(page, demo):
    token = order_link_token(demo.app.config["SECRET_KEYS"], "demo-store", 1003, "grace@example.com")
    page.goto(f"{demo.url}/?bd_order={token}")
    sheet = widget(page, "sheet").get_by_role("dialog", name="Your backorders")
    expect(sheet.get_by_role("heading", name="Backorders in order #1003")).to_be_visible()
    sheet.get_by_role("button", name="Close").click()
    expect(widget(page, "sheet")).to_have_count(0)
    expect(page.get_by_role("heading", name="Shop all")).to_be_visible()
    assert page.errors == []
