"""The merchant's main paths through the console, end to end: the control panel frames the app,
the merchant works in the console, and shoppers see the result (their lines, their mail, the
storefront)."""
import re
import uuid
from collections import Counter
from datetime import date, timedelta

from playwright.sync_api import expect
from sqlalchemy import select

from api.jobs import run_due_jobs
from api.models import Line, OutboxMessage
from console_support import frame_app, go, open_console
from e2e_support import deliver_mail, widget

SCOPES = "store_v2_orders store_v2_products store_inventory store_v2_information_read_only store_content_checkout store_cart store_checkouts store_v2_marketing"


def run_jobs(app):
    with app.app_context():
        return run_due_jobs(app.extensions["database"])


def order_webhook(app, fake, order_id: int, store_hash: str):
    secret = {value for hook in fake.hooks.values() for value in (hook.get("headers") or {}).values()}.pop()
    payload = {"scope": "store/order/created", "store_id": "1025646", "data": {"type": "order", "id": order_id},
               "hash": uuid.uuid4().hex, "created_at": 1764158400, "producer": f"stores/{store_hash}"}
    with app.test_client() as client:
        response = client.post("/bigcommerce/webhooks", json=payload, headers={"X-Backorder-Desk-Secret": secret})
    assert response.status_code == 200, response.get_data(as_text=True)


def tick(checkbox):
    """Tick a BigDesign checkbox as a keyboard user does (its input is visually hidden)."""
    checkbox.press("Space")
    expect(checkbox).to_be_checked()


def lines_of(app, order_id: int) -> list[Line]:
    with app.app_context(), app.extensions["database"].session() as session:
        lines = session.scalars(select(Line).join(Line.order).where(Line.order.property.mapper.class_.order_id == order_id)).all()
        for line in lines:
            session.expunge(line)
        return lines


def test_receive_part_of_a_purchase_order_allocates_the_waiting_shopper_who_gets_an_email(page, live_demo, bigcommerce_store):
    fake, app, url = bigcommerce_store, live_demo.app, live_demo.url
    fake.add_product(77, "Trail Hoodie", 5000, [(501, "HOOD-M", 0), (502, "HOOD-L", 10)])

    # Install the app from the control panel: BigCommerce frames the install callback.
    frame = frame_app(page, "abc123", f"{url}/bigcommerce/auth?code={fake.authorize('abc123', SCOPES)}&scope={SCOPES}&context=stores/abc123")
    expect(frame.get_by_role("navigation", name="Backorder Desk")).to_be_visible()

    # A shopper orders two hoodies that are out of stock: the line waits.
    fake.add_order(250, [{"variant_id": 501, "quantity": 2, "price": 5000}], email="ada@example.com")
    order_webhook(app, fake, 250, "abc123")
    run_jobs(app)
    [line] = lines_of(app, 250)
    assert (line.quantity_backordered, line.state) == (2, "waiting")
    deliver_mail(app)  # the "backordered" email goes out now, so the next one is the allocation's

    # Open the app, create a purchase order for five hoodies.
    frame = open_console(page, live_demo, "abc123")
    go(frame, "Purchase orders")
    frame.get_by_role("button", name="New purchase order").click()
    dialog = frame.get_by_role("dialog")
    dialog.get_by_label("Supplier").fill("Cascade Knitwear")
    dialog.get_by_label("Reference").fill("PO-1001")
    dialog.get_by_label("Expected on").fill((date.today() + timedelta(days=10)).isoformat())
    dialog.get_by_role("searchbox", name="Find a variant to add by SKU or name").fill("HOOD-M")
    dialog.get_by_role("searchbox", name="Find a variant to add by SKU or name").press("Enter")
    dialog.get_by_role("button", name="Add HOOD-M").click()
    dialog.get_by_label(re.compile("Quantity of .*HOOD-M")).fill("5")
    dialog.get_by_role("button", name="Create purchase order").click()
    expect(frame.get_by_role("heading", level=1, name="Purchase order PO-1001")).to_be_visible()
    expect(frame.get_by_text("Open", exact=True)).to_be_visible()

    # Receive two of the five: the preview names the waiting order, then the receipt allocates it.
    frame.get_by_role("button", name="Receive", exact=True).click()
    dialog = frame.get_by_role("dialog")
    dialog.get_by_label(re.compile("Received of .*HOOD-M")).fill("2")
    dialog.get_by_role("button", name="Preview").click()
    expect(dialog.get_by_text("1 line gets units, first come first served:")).to_be_visible()
    expect(dialog.get_by_role("cell", name="ada@example.com")).to_be_visible()
    dialog.get_by_role("button", name="Confirm receipt").click()
    expect(frame.get_by_text("Partly received", exact=True)).to_be_visible()

    [line] = lines_of(app, 250)
    assert (line.quantity_allocated, line.state) == (2, "allocated")

    deliver_mail(app)
    page.goto(f"{url}/demo/mailbox")
    mail = page.locator("article.message").filter(has_text="allocated").filter(has=page.locator("span.tag", has_text="email"))
    expect(mail).to_have_count(1)
    expect(mail).to_contain_text("ada@example.com")
    expect(mail.locator("strong")).to_have_text(re.compile("is ready to ship$"))


def eta_changed_order_ids(app) -> list[int]:
    with app.app_context(), app.extensions["database"].session() as session:
        rows = session.scalars(select(OutboxMessage).where(OutboxMessage.event == "eta_changed")).all()
        return sorted(row.payload.get("order_id") for row in rows)


def test_moving_an_inbound_date_shows_how_many_shoppers_are_told_and_tells_exactly_those(page, demo):
    before = eta_changed_order_ids(demo.app)
    # (the demo's history has shipments of this tee received long ago)
    inbound = next(item for item in demo.admin("GET", "/api/v1/admin/variants/10102/inbound").get_json()["items"]
                   if item["received_on"] is None)
    assert inbound["quantity"] == 6  # the first of two shipments: it serves both waiting orders
    later = (date.fromisoformat(inbound["expected_on"]) + timedelta(days=14)).isoformat()
    expected = demo.admin("POST", f"/api/v1/admin/variants/10102/inbound/{inbound['id']}/preview", json={"expected_on": later}).get_json()
    assert expected["shoppers_notified"] == 2  # two orders wait for this tee, both served by this inbound

    frame = open_console(page, demo)
    go(frame, "Backorders")
    frame.get_by_role("link", name="NW-101-M").click()
    expect(frame.get_by_role("heading", level=1, name=re.compile("NW-101-M"))).to_be_visible()
    frame.get_by_role("button", name=re.compile("^Edit inbound of 6")).click()
    dialog = frame.get_by_role("dialog")
    dialog.get_by_label("Expected on").fill(later)
    dialog.get_by_role("button", name="Preview").click()
    expect(dialog.get_by_text("2 shoppers will be told that their date moved.")).to_be_visible()
    dialog.get_by_role("button", name="Save inbound").click()
    expect(frame.get_by_text("Inbound saved.")).to_be_visible()

    told = Counter(eta_changed_order_ids(demo.app)) - Counter(before)
    assert sorted(told.elements()) == sorted({line["order_id"] for line in expected["lines"]})


def test_a_csv_file_with_one_bad_row_saves_nothing_and_shows_that_rows_error(page, demo):
    before = demo.admin("GET", "/api/v1/admin/purchase-orders?per_page=200").get_json()["total"]
    due = (date.today() + timedelta(days=20)).isoformat()
    csv = ("reference,supplier,sku,quantity,expected_on\n"
           f"PO-2001,Cascade Knitwear,NW-101-M,10,{due}\n"
           f"PO-2001,Cascade Knitwear,NO-SUCH-SKU,5,{due}\n"
           f"PO-2002,Summit Supply,NW-104-M,4,{due}\n")

    frame = open_console(page, demo)
    go(frame, "Purchase orders")
    frame.get_by_role("button", name="Import CSV").click()
    dialog = frame.get_by_role("dialog")
    dialog.locator("input[type=file]").set_input_files({"name": "po.csv", "mimeType": "text/csv", "buffer": csv.encode()})
    dialog.get_by_role("button", name="Check file").click()

    expect(dialog.get_by_role("heading", name="Nothing was saved")).to_be_visible()
    rows = dialog.get_by_role("row").filter(has=frame.get_by_role("cell"))
    expect(rows).to_have_count(1)
    expect(rows.get_by_role("cell").first).to_have_text("3")  # the header is line 1
    expect(rows).to_contain_text("NO-SUCH-SKU")
    expect(dialog.get_by_role("button", name="Import", exact=True)).to_have_count(0)
    assert demo.admin("GET", "/api/v1/admin/purchase-orders?per_page=200").get_json()["total"] == before


def test_a_bulk_edit_of_the_reason_shows_on_the_storefront_product_page(page, demo):
    frame = open_console(page, demo)
    go(frame, "Products")
    search = frame.get_by_role("searchbox", name="Search products by SKU or name")
    search.fill("NW-101")
    search.press("Enter")
    expect(frame.get_by_role("cell", name="NW-101-M", exact=True)).to_be_visible()
    skus = frame.locator("tbody tr td:nth-child(2)").all_inner_texts()
    assert len(skus) > 1 and all(sku.startswith("NW-101-") for sku in skus)
    tick(frame.get_by_role("checkbox", name="Select All"))  # every row shown
    frame.get_by_role("button", name=f"Edit {len(skus)} selected").click()

    dialog = frame.get_by_role("dialog")
    tick(dialog.get_by_role("checkbox", name="Change the reason for the wait"))
    dialog.get_by_role("combobox", name="Reason").click()
    dialog.get_by_role("option", name="Supplier delay").click()
    dialog.get_by_role("button", name="Save changes").click()
    expect(frame.get_by_text(f"{len(skus)} variants updated.")).to_be_visible()
    expect(frame.get_by_role("cell", name="Supplier delay", exact=True)).to_have_count(len(skus))

    page.goto(f"{demo.url}/demo/products/101")
    box = widget(page, "product")
    expect(box.locator(".badge")).to_be_visible()
    page.locator(".form-option", has_text=re.compile("^M$")).click()  # a size that is backordered
    expect(box.locator(".reason")).to_have_text("Our supplier is running late")
    page.goto(f"{demo.url}/demo/products/101?locale=de")  # and in the shopper's language
    page.locator(".form-option", has_text=re.compile("^M$")).click()
    expect(widget(page, "product").locator(".reason")).to_have_text("Unser Lieferant ist in Verzug")
