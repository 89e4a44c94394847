"""Merchant insight in the console, end to end: the Insights page's charts and the tables behind
them, a variant at its reorder point on the Reorder page, its draft purchase order approved and
sent (the supplier's email in the demo mailbox), and the waiting shopper's line given the new date
on their account page. Suppliers are created in the console and named on variants."""
import re
from datetime import date
from pathlib import Path

from playwright.sync_api import expect

from api.demo import seed
from console_support import app_frame, axe_violations, go, open_console
from e2e_support import deliver_mail, lines_of, run_jobs, us_date, widget

# The seeded variant at its reorder point, and the order whose shopper waits for it (api/demo/seed.py).
REORDER = {"variant_id": seed.REORDER_VARIANT_ID, "sku": seed.REORDER_SKU, "name": seed.REORDER_NAME,
           "supplier": seed.REORDER_SUPPLIER, "order_id": 1005}


def week_of(iso: str) -> str:
    """A weekly period as the console names it (en-US): "Week of Nov 30, 2026"."""
    day = date.fromisoformat(iso)
    return f"Week of {day:%b} {day.day}, {day.year}"


def see_eta_accuracy(frame, report):
    """The ETA-accuracy chart is drawn, and its table holds the API's figures for every week that shipped."""
    chart = frame.get_by_role("img", name=re.compile("^Share of lines shipped on time per period"))
    expect(chart.locator("svg .recharts-line")).to_have_count(1)
    table = frame.get_by_role("table", name="ETA accuracy per period")
    shipped = [each for each in report["eta_accuracy"]["periods"] if each["lines_shipped"]]
    assert shipped, "the demo history ships backordered lines in the last 90 days"
    for each in shipped:
        cells = table.get_by_role("row").filter(has_text=week_of(each["period"])).get_by_role("cell")
        expect(cells.nth(1)).to_have_text(str(each["lines_shipped"]))
        expect(cells.nth(2)).to_have_text(str(each["on_time"]))


def test_from_insights_to_a_reorder_draft_approved_the_supplier_is_emailed_and_the_waiting_shopper_gets_a_date(page, demo):
    [before] = [line for line in lines_of(demo, REORDER["order_id"]) if line.variant_id == REORDER["variant_id"]]
    assert (before.state, before.eta_date) == ("waiting", None)
    run_jobs(demo)  # the nightly forecasts, then the daily reorder job drafts a purchase order

    # 1. Insights: the ETA-accuracy chart and its table.
    frame = open_console(page, demo)
    go(frame, "Insights")
    see_eta_accuracy(frame, demo.admin("GET", "/api/v1/admin/analytics").get_json())

    # 2. The variant below its reorder point is on the Reorder page, with its supplier and draft.
    go(frame, "Reorder")
    row = frame.get_by_role("row").filter(has_text=REORDER["sku"])
    expect(row).to_contain_text(REORDER["supplier"])
    row.get_by_role("link", name=re.compile(r"^Draft #\d+$")).click()

    # 3. Its draft purchase order, approved and sent after a confirmation that says what it does.
    expect(frame.get_by_role("heading", level=1, name=re.compile("^Purchase order"))).to_be_visible()
    expect(frame.get_by_text("Draft", exact=True)).to_be_visible()
    expect(frame.get_by_text("Origin: Reorder")).to_be_visible()
    frame.get_by_role("button", name="Approve and send").click()
    dialog = frame.get_by_role("dialog")
    expect(dialog).to_contain_text(f"This emails the purchase order to {REORDER['supplier']}")
    expect(dialog).to_contain_text("Shoppers waiting for these items get that date at once")
    assert axe_violations(app_frame(page)) == []
    dialog.get_by_role("button", name="Approve and send").click()
    expect(frame.get_by_text(f"Approved and sent to {REORDER['supplier']}.", exact=False)).to_be_visible()
    expect(frame.get_by_text("Open", exact=True)).to_be_visible()

    # 4. The supplier's email, with the order as a CSV file, in the demo mailbox.
    deliver_mail(demo.app)
    page.goto(f"{demo.url}/demo/mailbox")
    [supplier] = [each for each in demo.admin("GET", "/api/v1/admin/suppliers").get_json()["items"] if each["name"] == REORDER["supplier"]]
    mail = page.locator("article.message").filter(has_text=supplier["email"])
    expect(mail).to_have_count(1)
    expect(mail).to_contain_text("purchase_order_sent")
    expect(mail.locator("details.attachment summary")).to_contain_text(".csv")

    # 5. The waiting shopper's line shows the new date on their account page.
    [after] = [line for line in lines_of(demo, REORDER["order_id"]) if line.variant_id == REORDER["variant_id"]]
    assert after.eta_date is not None
    page.goto(f"{demo.url}/demo/account.php?action=view_order&order_id={REORDER['order_id']}")
    line = widget(page, "orders").locator(".line").filter(has=page.locator(f".name:text-is('{REORDER['name']}')"))
    expect(line.locator(".eta")).to_have_text(f"Ships around {us_date(after.eta_date.isoformat())}")
    assert page.errors == []


def test_a_table_of_insights_downloads_as_the_csv_the_api_serves(page, demo):
    report = demo.admin("GET", "/api/v1/admin/analytics?granularity=month").get_json()
    frame = open_console(page, demo, hash_path="#/insights?granularity=month")
    expect(frame.get_by_role("table", name="ETA accuracy per period")).to_be_visible()
    with page.expect_download() as download:
        frame.get_by_role("button", name="Download CSV: ETA accuracy per period").click()
    assert download.value.suggested_filename == f"eta_accuracy-{report['from']}-{report['to']}.csv"
    served = demo.admin("GET", f"/api/v1/admin/analytics/eta_accuracy.csv?from={report['from']}&to={report['to']}&granularity=month")
    assert Path(download.value.path()).read_bytes() == served.get_data()
    assert page.errors == []


def test_a_supplier_created_in_the_console_is_chosen_for_a_variant(page, demo):
    frame = open_console(page, demo)
    go(frame, "Suppliers")
    frame.get_by_role("button", name="New supplier").click()
    dialog = frame.get_by_role("dialog")
    dialog.get_by_label(re.compile(r"^Name")).fill("Fjord Wool Co")
    dialog.get_by_label("Email", exact=True).fill("orders@fjordwool.example")
    dialog.get_by_label(re.compile(r"^Lead time \(days\)")).fill("12")
    dialog.get_by_label(re.compile(r"^Pack size")).fill("6")
    dialog.get_by_role("button", name="Create supplier").click()
    expect(frame.get_by_text("Supplier Fjord Wool Co created.")).to_be_visible()
    expect(frame.get_by_role("row").filter(has_text="Fjord Wool Co")).to_contain_text("orders@fjordwool.example")

    go(frame, "Products")
    frame.get_by_role("button", name="Edit Trailhead Merino Tee — S").click()
    dialog = frame.get_by_role("dialog")
    dialog.get_by_role("checkbox", name="Change supplier").press("Space")
    dialog.get_by_role("combobox", name="Supplier").click()
    dialog.get_by_role("option", name="Fjord Wool Co").click()
    dialog.get_by_role("button", name="Save changes").click()
    expect(frame.get_by_text("1 variant updated.")).to_be_visible()
    expect(frame.get_by_role("row").filter(has_text="NW-101-S")).to_contain_text("Fjord Wool Co")

    [supplier] = [each for each in demo.admin("GET", "/api/v1/admin/suppliers").get_json()["items"] if each["name"] == "Fjord Wool Co"]
    assert (supplier["lead_time_days"], supplier["pack_size"]) == (12, 6)
    variants = demo.admin("GET", "/api/v1/admin/variants?search=NW-101-S").get_json()["items"]
    assert [each["supplier_id"] for each in variants if each["sku"] == "NW-101-S"] == [supplier["id"]]


def test_suppliers_imported_from_csv_are_checked_first_then_created_and_updated(page, demo):
    csv = ("name,email,lead_time_days,minimum_order_quantity,pack_size,auto_reorder,auto_send\n"
           "Fjord Wool Co,orders@fjordwool.example,12,6,6,true,false\n"
           "Harbour Packs,packs@harbour.example,20,1,1,false,false\n")
    frame = open_console(page, demo)
    go(frame, "Suppliers")
    frame.get_by_role("button", name="Import CSV").click()
    dialog = frame.get_by_role("dialog")
    dialog.locator("input[type=file]").set_input_files({"name": "suppliers.csv", "mimeType": "text/csv", "buffer": csv.encode()})
    dialog.get_by_role("button", name="Check file").click()
    expect(dialog.get_by_text(re.compile(r"Every row is right: \d+ new suppliers?, \d+ updated\."))).to_be_visible()
    dialog.get_by_role("button", name="Import", exact=True).click()
    expect(frame.get_by_text("Imported 2 suppliers.")).to_be_visible()
    expect(frame.get_by_role("row").filter(has_text="Harbour Packs")).to_contain_text("20 days")
    names = [each["name"] for each in demo.admin("GET", "/api/v1/admin/suppliers").get_json()["items"]]
    assert {"Fjord Wool Co", "Harbour Packs"} <= set(names)


def test_the_service_level_is_set_in_percent_on_the_settings_page(page, demo):
    frame = open_console(page, demo, hash_path="#/settings")
    level = frame.get_by_label("Service level (%)")
    expect(level).to_have_value("95")
    level.fill("98.5")
    frame.get_by_role("button", name="Save settings").click()
    expect(frame.get_by_text("Settings saved.")).to_be_visible()
    assert demo.admin("GET", "/api/v1/admin/settings").get_json()["service_level"] == 0.985
    go(frame, "Reorder")
    expect(frame.get_by_text("for a 98.5% service level")).to_be_visible()
