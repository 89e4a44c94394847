"""The merchant console, opened the way BigCommerce's control panel opens it (a cross-origin
iframe on the store's control-panel origin, signed load payload), and on the local platform."""
import pytest
from playwright.sync_api import expect

from console_support import AXE, app_frame, axe_violations, frame_app, go, open_console, signed_payload

PAGES = ["Overview", "Backorders", "Purchase orders", "Products", "Messages", "Settings", "Activity"]


def test_the_control_panel_opens_the_console_with_the_users_session(page, demo):
    frame = open_console(page, demo)
    expect(frame.get_by_text("Signed in as merchant@northwind.example")).to_be_visible()
    # The token stays in memory: no cookie, and the page's data island is gone once read.
    console = app_frame(page)
    assert console.evaluate("() => document.cookie") == ""
    assert console.locator("#console-session").count() == 0
    assert page.errors == []


@pytest.mark.parametrize("title", PAGES)
def test_axe_finds_no_serious_violation_on_console_page(page, demo, title):
    if not AXE.exists():
        pytest.skip("axe-core is not installed: run `npm ci`")
    frame = open_console(page, demo)
    go(frame, title)
    expect(frame.get_by_role("status")).to_have_count(0)  # loaded: no spinner left
    expect(frame.get_by_text("Something went wrong")).to_have_count(0)
    assert axe_violations(app_frame(page)) == []
