"""Account pages: the signed-in demo customer's order list and order details, the cancel, switch
and pay-later flows behind accessible dialogs, and a guest's order link."""
import re
from datetime import timedelta

from playwright.sync_api import expect
from sqlalchemy import select

from api.domain.backorders import recompute_store
from api.domain.dates import store_today
from api.models import InboundShipment, Store, Variant
from api.tokens import order_link_token
from e2e_support import lines_of, run_jobs, us_date, widget


def open_order(page, demo, order_id: int):
    page.goto(f"{demo.url}/demo/account.php?action=view_order&order_id={order_id}")
    panel = widget(page, "orders")
    expect(panel.locator(".line").first).to_be_visible()
    return panel


def line_named(panel, name: str):
    return panel.locator(".line").filter(has=panel.page.locator(f".name:text-is('{name}')"))


def test_order_list_shows_a_summary_beside_each_order_with_backorders(page, demo):
    page.goto(f"{demo.url}/demo/account.php?action=order_status")
    item = page.locator(".account-listItem").filter(has_text="Order #1005")
    expect(item.locator("[data-backorder-desk=summary]")).to_have_text("Waiting 3 waiting · Ship date not yet known")
    expect(page.locator("[data-backorder-desk=summary]")).to_have_count(3)
    assert page.errors == []


def test_order_details_show_state_eta_queue_and_history(page, demo):
    panel = open_order(page, demo, 1005)
    runner = line_named(panel, "Trail Runner 2 — 42")
    expect(runner.locator(".badge")).to_have_text("Waiting")
    eta = next(line for line in lines_of(demo, 1005) if line.variant_id == 11001).eta_date
    expect(runner.locator(".eta")).to_have_text(f"Ships around {us_date(eta.isoformat())}")
    expect(runner).to_contain_text("1 ahead of you in the queue.")
    runner.get_by_text("History").click()
    expect(runner.locator("ol li").first).to_contain_text("Ordered")


def test_a_line_whose_stock_is_overdue_reads_delayed_with_a_new_date_to_follow(page, demo):
    # Trail Runner 42's inbound stock did not arrive by its expected date; the nightly recompute ran.
    with demo.app.app_context(), demo.app.extensions["database"].transaction() as session:
        store = session.scalar(select(Store).where(Store.hash == "demo-store"))
        for inbound in session.scalars(select(InboundShipment).join(Variant, InboundShipment.variant_pk == Variant.id)
                                       .where(Variant.store_id == store.id, Variant.variant_id == 11001)):
            inbound.expected_on = store_today(store) - timedelta(days=2)
        recompute_store(session, store)
    assert [line.eta for line in lines_of(demo, 1005) if line.variant_id == 11001] == [
        {"date": None, "source": "delayed"}]

    panel = open_order(page, demo, 1005)
    runner = line_named(panel, "Trail Runner 2 — 42")
    expect(runner.locator(".eta")).to_have_text("Delayed — new date to follow")
    page.goto(f"{demo.url}/demo/account.php?action=order_status")
    item = page.locator(".account-listItem").filter(has_text="Order #1005")
    expect(item.locator("[data-backorder-desk=summary]")).to_have_text("Waiting 3 waiting · Delayed — new date to follow")
    assert page.errors == []


def test_cancel_dialog_traps_focus_closes_on_escape_and_cancels(page, demo):
    panel = open_order(page, demo, 1005)
    runner = line_named(panel, "Trail Runner 2 — 42")
    opener = runner.get_by_role("button", name="Cancel")
    opener.click()
    dialog = panel.get_by_role("dialog", name="Cancel: Trail Runner 2 — 42")
    expect(dialog).to_be_visible()
    quantity = dialog.get_by_label("How many")
    expect(quantity).to_be_focused()
    for _ in range(3):  # Tab cycles inside the dialog: quantity, Go back, Confirm, quantity
        page.keyboard.press("Tab")
    expect(quantity).to_be_focused()
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    expect(opener).to_be_focused()

    opener.click()
    panel.get_by_label("How many").fill("2")
    panel.get_by_role("dialog").get_by_role("button", name="Confirm").click()
    expect(panel.locator("[role=status]").last).to_have_text("Cancelled 2 — refund $278.00")
    expect(runner.locator(".badge")).to_have_text("Cancelled")
    line = next(line for line in lines_of(demo, 1005) if line.variant_id == 11001)
    assert (line.state, line.quantity_cancelled) == ("cancelled", 2)


def test_switch_to_an_in_stock_alternative(page, demo):
    panel = open_order(page, demo, 1005)
    line_named(panel, "Trail Runner 2 — 42").get_by_role("button", name="Switch").click()
    dialog = panel.get_by_role("dialog")
    dialog.get_by_label("Trail Runner 2 — 43").check()
    dialog.get_by_role("button", name="Confirm").click()
    expect(panel.locator("[role=status]").last).to_have_text("Switched 2")
    expect(line_named(panel, "Trail Runner 2 — 42").locator(".badge")).to_have_text("Switched")
    expect(line_named(panel, "Trail Runner 2 — 43").locator(".badge")).to_have_text("Reserved for you")
    states = {line.variant_id: line.state for line in lines_of(demo, 1005)}
    assert states[11001] == "switched" and states[11002] == "allocated"


def test_pay_later_then_pay_now(page, demo):
    panel = open_order(page, demo, 1005)
    shell = line_named(panel, "Drizzle Rain Shell — M")
    shell.get_by_role("button", name="Pay later").click()
    expect(panel.get_by_role("dialog")).to_contain_text("Refunded now: $159.00. To pay when it is ready: $159.00. You keep your place.")
    panel.get_by_role("dialog").get_by_role("button", name="Confirm").click()
    expect(shell).to_contain_text("Pay later asked for")
    run_jobs(demo)  # the refund is made; pay later takes effect
    panel = open_order(page, demo, 1005)
    shell = line_named(panel, "Drizzle Rain Shell — M")
    expect(shell).to_contain_text("You pay when it is ready.")
    expect(shell.get_by_role("button", name="Pay now")).to_be_visible()
    assert next(line for line in lines_of(demo, 1005) if line.variant_id == 10501).payment_mode == "pay_later"

    shell.get_by_role("button", name="Pay now").click()
    expect(panel.get_by_role("dialog")).to_contain_text("To pay now: $159.00.")
    panel.get_by_role("dialog").get_by_role("button", name="Confirm").click()
    link = shell.get_by_role("link", name="Pay now · $159.00")
    expect(link).to_have_attribute("href", re.compile(re.escape(demo.url) + "/demo/pay/"))
    link.click()  # the shopper pays on the pay page
    page.get_by_role("button", name="Pay $159.00").click()
    expect(page.get_by_text("Thank you: this is paid.")).to_be_visible()
    open_order(page, demo, 1005)
    expect(line_named(panel, "Drizzle Rain Shell — M").get_by_role("button", name="Pay later")).to_be_visible()
    assert next(line for line in lines_of(demo, 1005) if line.variant_id == 10501).payment_mode == "pay_now"


def test_a_disabled_action_says_why_in_plain_words(page, demo):
    response = demo.admin("PATCH", "/api/v1/admin/settings", json={"pay_later_enabled": False})
    assert response.status_code == 200, response.get_json()
    panel = open_order(page, demo, 1005)
    shell = line_named(panel, "Drizzle Rain Shell — M")
    expect(shell.get_by_role("button", name="Pay later")).to_be_disabled()
    expect(shell.locator(".reason")).to_have_text("Pay later: not possible, the store does not offer it.")


def test_guest_order_link_opens_that_order_on_any_page(page, demo):
    token = order_link_token(demo.app.config["SECRET_KEYS"], "demo-store", 1003, "grace@example.com")
    page.goto(f"{demo.url}/?bd_order={token}")
    assert page.url.startswith(f"{demo.url}/demo/?bd_order=")
    panel = widget(page, "orders")
    expect(panel.get_by_role("heading", name="Backorders in order #1003")).to_be_visible()
    expect(line_named(panel, "Ridge Fleece Hoodie — Red").locator(".badge")).to_have_text("Waiting")
    expect(page.get_by_text("Order #1005")).to_have_count(0)
