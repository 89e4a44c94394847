"""The merchant console, opened the way BigCommerce's control panel opens it (a cross-origin
iframe on the store's control-panel origin, signed load payload), and on the local platform."""
import os
import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import update

from api.domain import clock
from api.models import ConsoleSession
from console_support import AXE, app_frame, axe_violations, go, open_console, signed_payload, tab_to

def expire_console_sessions(demo):
    with demo.app.app_context(), demo.app.extensions["database"].transaction() as session:
        session.execute(update(ConsoleSession).values(expires_at=clock.utcnow() - timedelta(seconds=1)))


PAGES = ["Overview", "Insights", "Backorders", "Refunds", "Reorder", "Purchase orders", "Suppliers", "Products",
         "Messages", "Settings", "Activity"]


def test_the_control_panel_opens_the_console_with_the_users_session(page, demo):
    frame = open_console(page, demo)
    expect(frame.get_by_text("Signed in as merchant@northwind.example")).to_be_visible()
    # The token stays in memory: no cookie, and the page's data island is gone once read.
    console = app_frame(page)
    assert console.evaluate("() => document.cookie") == ""
    assert console.locator("#console-session").count() == 0
    assert page.errors == []


def loaded(frame):
    expect(frame.get_by_role("status")).to_have_count(0)  # no spinner left
    expect(frame.get_by_text("Something went wrong")).to_have_count(0)


@pytest.fixture
def axe_installed():
    if not AXE.exists():
        message = "axe-core is not installed: run `npm ci`"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


@pytest.mark.parametrize("title", PAGES)
def test_axe_finds_no_serious_violation_on_console_page(page, demo, axe_installed, title):
    frame = open_console(page, demo)
    go(frame, title)
    loaded(frame)
    assert axe_violations(app_frame(page)) == []


@pytest.mark.parametrize("view,heading,button", [
    ("#/backorders/10102", "Trailhead Merino Tee — M (NW-101-M)", "Receive stock"),
    ("#/backorders/10102", "Trailhead Merino Tee — M (NW-101-M)", "Add inbound"),
    ("#/purchase-orders", "Purchase orders", "New purchase order"),
    ("#/purchase-orders", "Purchase orders", "Import CSV"),
    ("#/purchase-orders/1", "Purchase order #1", "Receive"),
    ("#/products", "Products", "Edit Trailhead Merino Tee — S"),
    ("#/products", "Products", "Forecast of Trailhead Merino Tee — S"),
    ("#/suppliers", "Suppliers", "New supplier"),
    ("#/suppliers", "Suppliers", "Import CSV"),
])
def test_axe_finds_no_serious_violation_in_views_and_their_dialogs(page, demo, axe_installed, view, heading, button):
    frame = open_console(page, demo, hash_path=view)
    expect(frame.get_by_role("heading", level=1, name=heading)).to_be_visible()
    loaded(frame)
    assert axe_violations(app_frame(page)) == []
    frame.get_by_role("button", name=button, exact=True).click()
    expect(frame.get_by_role("dialog")).to_be_visible()
    assert axe_violations(app_frame(page)) == []


def test_removing_the_user_in_the_control_panel_ends_the_console_session(page, demo):
    frame = open_console(page, demo)
    go(frame, "Settings")
    loaded(frame)  # the page's own requests are answered before the session ends
    with demo.app.test_client() as client:
        assert client.get(f"/bigcommerce/remove_user?signed_payload_jwt={signed_payload('demo-store')}").status_code == 204
    frame.get_by_role("navigation", name="Backorder Desk").get_by_role("link", name="Activity").click()
    expect(frame.get_by_text("Session expired — reopen the app")).to_be_visible()
    expect(frame.get_by_role("navigation", name="Backorder Desk")).to_have_count(0)


def test_the_local_console_asks_for_the_key_once_and_keeps_nothing_in_the_browser(page, demo):
    page.goto(f"{demo.url}/console/")
    page.get_by_label("Admin API key").fill(demo.admin_key)
    page.keyboard.press("Enter")
    expect(page.get_by_text("Signed in as API key ending")).to_be_visible()
    go(page, "Settings")
    assert page.evaluate("() => [document.cookie, localStorage.length, sessionStorage.length]") == ["", 0, 0]
    assert demo.admin_key not in page.content()

    expire_console_sessions(demo)
    go_anywhere = page.get_by_role("navigation", name="Backorder Desk").get_by_role("link", name="Activity")
    go_anywhere.click()
    expect(page.get_by_text("Your session has expired")).to_be_visible()
    page.get_by_label("Admin API key").fill(demo.admin_key)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1, name="Activity")).to_be_visible()


def test_a_wrong_key_is_refused_with_a_clear_message(page, demo):
    page.goto(f"{demo.url}/console/")
    page.get_by_label("Admin API key").fill("bd_not-a-key")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("That key is not valid for any store.")).to_be_visible()


def test_adding_inbound_works_with_the_keyboard_alone(page, demo):
    frame = open_console(page, demo, hash_path="#/backorders/10102")
    expect(frame.get_by_role("heading", level=1, name=re.compile("NW-101-M"))).to_be_visible()
    console = app_frame(page)
    tab_to(page, console, "Add inbound")
    page.keyboard.press("Enter")
    dialog = frame.get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_label("Quantity")).to_be_focused()  # the dialog takes the focus to its first field
    page.keyboard.type("7")
    page.keyboard.press("Tab")
    expect(dialog.get_by_label("Expected on")).to_be_focused()
    day = date.today() + timedelta(days=40)
    page.keyboard.type(day.strftime("%m%d%Y"))  # a date field takes the digits in the locale's order
    page.keyboard.press("Enter")  # first Enter: the preview
    expect(dialog.get_by_text(re.compile("No shopper’s date changes|will be told"))).to_be_visible()
    page.keyboard.press("Enter")  # second Enter: save
    expect(frame.get_by_text("Inbound saved.")).to_be_visible()
    expect(frame.get_by_role("cell", name="7", exact=True)).to_be_visible()
    items = demo.admin("GET", "/api/v1/admin/variants/10102/inbound").get_json()["items"]
    assert {"quantity": 7, "expected_on": day.isoformat()} in [{k: each[k] for k in ("quantity", "expected_on")} for each in items]


def test_settings_show_the_apis_field_errors_beside_the_field_and_save_nothing(page, demo):
    frame = open_console(page, demo, hash_path="#/settings")
    colour = frame.get_by_label("Brand colour")
    expect(colour).to_have_value("#1f4e79")
    colour.fill("navy")
    frame.get_by_label("Handling time (days)").fill("2")
    frame.get_by_role("button", name="Save settings").click()
    expect(frame.get_by_text("A colour such as #1f4e79.")).to_be_visible()
    assert demo.admin("GET", "/api/v1/admin/settings").get_json()["handling_days"] == 1

    colour.fill("#224466")
    frame.get_by_role("button", name="Save settings").click()
    expect(frame.get_by_text("Settings saved.")).to_be_visible()
    saved = demo.admin("GET", "/api/v1/admin/settings").get_json()
    assert (saved["brand_colour"], saved["handling_days"]) == ("#224466", 2)
