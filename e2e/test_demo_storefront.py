"""The demo walkthrough, in the browser: buy something out of stock, see it on the account page,
record inbound stock and receive it through the admin API (as the merchant console does; the
console's own browser tests are test_console*.py), and watch the ETA and state change."""
from datetime import date, timedelta

from playwright.sync_api import expect
from sqlalchemy import func, select

from api.domain.dates import WEEKDAYS, add_working_days
from api.models import Order
from e2e_support import lines_of, us_date, widget


def test_backorder_then_inbound_then_receipt_changes_eta_and_state(page, demo):
    page.goto(f"{demo.url}/demo/products/105")
    expect(widget(page, "product").locator(".badge")).to_have_text("Backorder")
    page.get_by_role("button", name="Buy now (demo checkout)").click()
    expect(page.get_by_role("status").first).to_contain_text("Thank you, Ada!")
    with demo.app.app_context(), demo.app.extensions["database"].session() as session:
        order_id = session.scalar(select(func.max(Order.order_id)))
    assert order_id == 1008
    panel = widget(page, "orders")
    shell = panel.locator(".line").filter(has_text="Drizzle Rain Shell")
    expect(shell.locator(".eta")).to_have_text("Ship date not yet known")
    expect(shell).to_contain_text("1 ahead of you in the queue.")

    admin = {"Authorization": f"Bearer {demo.admin_key}"}
    variant_id = lines_of(demo, order_id)[0].variant_id
    with demo.app.test_client() as client:
        inbound = client.post(f"/api/v1/admin/variants/{variant_id}/inbound", headers=admin, json={
            "quantity": 5, "expected_on": (date.today() + timedelta(days=6)).isoformat()})
    assert inbound.status_code == 201, inbound.get_json()

    page.goto(f"{demo.url}/demo/account.php?action=view_order&order_id={order_id}")
    # 6 days, plus one handling day on the demo store's working days (Monday to Friday)
    eta = add_working_days(date.today() + timedelta(days=6), 1, WEEKDAYS).isoformat()
    expect(shell.locator(".eta")).to_have_text(f"Ships around {us_date(eta)}")
    shell.get_by_text("History").click()
    expect(shell.locator("ol")).to_contain_text("New ship date")

    with demo.app.test_client() as client:
        received = client.post(f"/api/v1/admin/variants/{variant_id}/receipts", json={
            "quantity": 5, "inbound_id": inbound.get_json()["id"]}, headers={**admin, "Idempotency-Key": "demo-receipt"})
    assert received.status_code == 201, received.get_json()
    page.goto(f"{demo.url}/demo/account.php?action=view_order&order_id={order_id}")
    expect(shell.locator(".badge")).to_have_text("Reserved for you")
    assert lines_of(demo, order_id)[0].state == "allocated"


def test_order_past_the_backorder_limit_is_refused_with_a_reason(page, demo):
    page.goto(f"{demo.url}/demo/products/112")
    page.locator('input[name="qty[]"]').fill("3")
    page.get_by_role("button", name="Buy now (demo checkout)").click()
    # Teal's two places under its limit are taken (order 1004): the refusal says so, not "Only 0 more"
    expect(page.locator("main")).to_contain_text("is sold out: its backorder limit is reached.")
    expect(page.locator("main")).not_to_contain_text("Only 0")
