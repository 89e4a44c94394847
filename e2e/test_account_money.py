"""Issue 13 on the account pages: where each line's units stand, the money of every decision
before and after it, payment states with their deadlines, an honest orders-list summary, and
errors in words, in the four languages."""
import re
from datetime import datetime, timedelta, timezone

import pytest
from playwright.sync_api import expect

from e2e_support import lines_of, run_jobs, us_date, widget

LOCALES = ["en", "de", "fr", "es"]
# The widget's words the tests click or read, per language.
WORDS = {
    "en": {"cancel": "Cancel", "how_many": "How many", "confirm": "Confirm", "pay_later": "Pay later",
           "units": "1 waiting · 1 cancelled", "cancelled": "Cancelled 1 — refund $45.00",
           "reserved": "1 reserved · 1 cancelled", "got_back": "You get $45.00 back.",
           "pay_later_money": "Refunded now: $159.00. To pay when it is ready: $159.00. You keep your place.",
           "vary": "ship dates vary, the last around",
           "network": "We could not reach the store. Check your connection and try again.",
           "stale": "This changed meanwhile: it is no longer waiting. Here it is as it stands now."},
    "de": {"cancel": "Stornieren", "how_many": "Anzahl", "confirm": "Bestätigen", "pay_later": "Später zahlen",
           "units": "1 wartend · 1 storniert", "cancelled": "1 storniert — Erstattung 45,00\u00a0$",
           "reserved": "1 reserviert · 1 storniert", "got_back": "Sie erhalten 45,00\u00a0$ zurück.",
           "pay_later_money": "Jetzt erstattet: 159,00\u00a0$. Zu zahlen, wenn es bereit ist: 159,00\u00a0$. Ihr Platz bleibt.",
           "vary": "Versanddaten unterschiedlich, zuletzt um den",
           "network": "Der Shop ist nicht erreichbar. Prüfen Sie die Verbindung und versuchen Sie es erneut.",
           "stale": "Das hat sich inzwischen geändert: wartet nicht mehr. So ist der aktuelle Stand."},
    "fr": {"cancel": "Annuler", "how_many": "Quantité", "confirm": "Confirmer", "pay_later": "Payer plus tard",
           "units": "1 en attente · 1 annulé(s)", "cancelled": "1 annulé(s) — remboursement 45,00\u00a0$US",
           "reserved": "1 réservé(s) · 1 annulé(s)", "got_back": "Vous êtes remboursé de 45,00\u00a0$US.",
           "pay_later_money": "Remboursé maintenant : 159,00\u00a0$US. À payer quand ce sera prêt : 159,00\u00a0$US. Vous gardez votre place.",
           "vary": "dates variables, la dernière vers le",
           "network": "Impossible de joindre la boutique. Vérifiez votre connexion et réessayez.",
           "stale": "Cela a changé entre-temps : n’est plus en attente. Voici l’état actuel."},
    "es": {"cancel": "Cancelar", "how_many": "Cantidad", "confirm": "Confirmar", "pay_later": "Pagar después",
           "units": "1 en espera · 1 cancelado(s)", "cancelled": "1 cancelado(s) — reembolso 45,00\u00a0US$",
           "reserved": "1 reservado(s) · 1 cancelado(s)", "got_back": "Te devolvemos 45,00\u00a0US$.",
           "pay_later_money": "Reembolso ahora: 159,00\u00a0US$. A pagar cuando esté listo: 159,00\u00a0US$. Mantienes tu lugar.",
           "vary": "las fechas varían, la última hacia el",
           "network": "No pudimos conectar con la tienda. Revisa tu conexión y reinténtalo.",
           "stale": "Esto cambió mientras tanto: ya no está en espera. Así está ahora."},
}
MERINO_M, TRAIL_RUNNER_42, RAIN_SHELL = "Trailhead Merino Tee — M", "Trail Runner 2 — 42", "Drizzle Rain Shell — M"


def open_order(page, demo, order_id: int, locale: str = "en"):
    page.goto(f"{demo.url}/demo/account.php?action=view_order&order_id={order_id}&locale={locale}")
    panel = widget(page, "orders")
    expect(panel.locator(".line").first).to_be_visible()
    return panel


def line_named(panel, name: str):
    return panel.locator(".line").filter(has=panel.page.locator(f".name:text-is('{name}')"))


def cancel_one(page, panel, name: str, words: dict):
    line_named(panel, name).get_by_role("button", name=words["cancel"]).click()
    dialog = panel.get_by_role("dialog")
    dialog.get_by_label(words["how_many"]).fill("1")
    expect(dialog).to_contain_text(words["got_back"])  # the exact refund, before confirming
    dialog.get_by_role("button", name=words["confirm"]).click()
    expect(dialog).to_have_count(0)


def receive(demo, variant_id: int, quantity: int):
    response = demo.admin("POST", f"/api/v1/admin/variants/{variant_id}/receipts", json={"quantity": quantity},
                          headers={"Idempotency-Key": f"e2e-receipt-{variant_id}-{quantity}"})
    assert response.status_code == 201, response.get_json()


@pytest.mark.parametrize("locale", LOCALES)
def test_a_line_says_where_its_units_stand_and_its_history_has_numbers_and_money(page, demo, locale):
    words = WORDS[locale]
    panel = open_order(page, demo, 1001, locale)
    merino = line_named(panel, MERINO_M)
    cancel_one(page, panel, MERINO_M, words)
    # Seen from the server, after the action: the visible confirmation, the units, the history.
    expect(panel.locator("[role=status]")).to_have_text(words["cancelled"])
    expect(panel.locator("[role=status]")).to_be_visible()
    expect(merino.locator(".units")).to_have_text(words["units"])
    expect(merino.locator("ol li").last).to_contain_text(words["cancelled"])

    receive(demo, 10102, 1)
    panel = open_order(page, demo, 1001, locale)
    expect(line_named(panel, MERINO_M).locator(".units")).to_have_text(words["reserved"])
    assert [(line.quantity_allocated, line.quantity_cancelled) for line in lines_of(demo, 1001) if line.variant_id == 10102] == [(1, 1)]
    assert page.errors == []


def test_part_reserved_and_part_waiting_shows_both_with_the_date(page, demo):
    receive(demo, 11001, 2)  # one unit to order 1003 (first in line), one to 1005
    panel = open_order(page, demo, 1005)
    runner = line_named(panel, TRAIL_RUNNER_42)
    expect(runner.locator(".units")).to_have_text("1 reserved · 1 waiting")
    eta = next(line for line in lines_of(demo, 1005) if line.variant_id == 11001).eta_date
    expect(runner.locator(".eta")).to_have_text(f"Ships around {us_date(eta.isoformat())}")
    runner.get_by_text("History").click()
    expect(runner.locator("ol")).to_contain_text("1 reserved for you")


@pytest.mark.parametrize("locale", LOCALES)
def test_pay_later_dialog_says_what_is_refunded_now_and_charged_later(page, demo, locale):
    words = WORDS[locale]
    panel = open_order(page, demo, 1005, locale)
    line_named(panel, RAIN_SHELL).get_by_role("button", name=words["pay_later"]).click()
    expect(panel.get_by_role("dialog")).to_contain_text(words["pay_later_money"])


def test_switch_dialog_shows_the_difference_and_a_dearer_switch_awaits_payment(page, demo):
    panel = open_order(page, demo, 1005)
    line_named(panel, TRAIL_RUNNER_42).get_by_role("button", name="Switch").click()
    dialog = panel.get_by_role("dialog")
    expect(dialog.get_by_label("Trail Runner 2 — 43 · $139.00 · same price")).to_be_visible()
    dearer = dialog.get_by_label("Granite Hiking Boot — 42 · $189.00 · to pay $100.00")
    dearer.check()
    dialog.get_by_role("button", name="Confirm").click()
    hold_days = demo.admin("GET", "/api/v1/admin/settings").get_json()["payment_hold_days"]
    by = us_date((datetime.now(timezone.utc) + timedelta(days=hold_days)).date().isoformat())
    expect(panel.locator("[role=status]")).to_have_text(f"Switched 2 — to pay $100.00 by {by}")
    boot = line_named(panel, "Granite Hiking Boot — 42")
    # The difference is unpaid: the new line awaits payment, with the amount due and its deadline.
    expect(boot.locator(".badge")).to_have_text("Awaiting payment")
    expect(boot.locator(".money")).to_have_text(f"To pay: $100.00 by {by}")
    expect(boot.get_by_role("link", name="Pay now · $100.00")).to_be_visible()
    expect(line_named(panel, TRAIL_RUNNER_42).locator(".units")).to_have_text("2 switched to Granite Hiking Boot — 42")


def test_a_held_pay_later_line_shows_the_amount_due_and_its_deadline(page, demo):
    panel = open_order(page, demo, 1005)
    shell = line_named(panel, RAIN_SHELL)
    shell.get_by_role("button", name="Pay later").click()
    panel.get_by_role("dialog").get_by_role("button", name="Confirm").click()
    expect(panel.locator("[role=status]")).to_have_text("Changed to pay later — refund $159.00")
    run_jobs(demo)  # the refund is made; pay later takes effect
    receive(demo, 10501, 1)
    panel = open_order(page, demo, 1005)
    hold = next(line for line in lines_of(demo, 1005) if line.variant_id == 10501)
    assert hold.state == "awaiting_payment"
    expect(shell.locator(".badge")).to_have_text("Awaiting payment")
    expect(shell.locator(".money")).to_have_text(re.compile(r"^To pay: \$159\.00 by \w{3} \d{1,2}"))
    expect(shell.get_by_role("link", name="Pay now · $159.00")).to_be_visible()


def summary_of(page, order_id: int):
    return page.locator(".account-listItem").filter(has_text=f"Order #{order_id}").locator("[data-backorder-desk=summary]")


@pytest.mark.parametrize("locale", LOCALES)
def test_orders_list_summary_gives_the_latest_date_or_says_they_vary(page, demo, locale):
    # Ada orders the Merino tee in M and L: their inbound shipments arrive on different days.
    response = demo.admin("POST", "/api/v1/admin/orders", json={
        "order_id": 1010, "currency": "USD", "customer": {"id": 1, "email": "ada@example.com", "first_name": "Ada"},
        "lines": [{"variant_id": 10102, "quantity": 1, "unit_price": 4500}, {"variant_id": 10103, "quantity": 1, "unit_price": 4500}]})
    assert response.status_code == 201, response.get_json()
    page.goto(f"{demo.url}/demo/account.php?action=order_status&locale={locale}")
    expect(summary_of(page, 1010)).to_contain_text(WORDS[locale]["vary"])
    # Order 1005: one line has a date, the other none: the summary does not pretend.
    expect(summary_of(page, 1005)).to_contain_text({"en": "Ship date not yet known", "de": "Versanddatum noch unbekannt",
                                                    "fr": "Date d’expédition inconnue", "es": "Fecha de envío desconocida"}[locale])


def test_orders_list_summary_shows_the_new_line_after_a_switch(page, demo):
    panel = open_order(page, demo, 1005)
    line_named(panel, TRAIL_RUNNER_42).get_by_role("button", name="Switch").click()
    panel.get_by_role("dialog").get_by_label("Trail Runner 2 — 43 · $139.00 · same price").check()
    panel.get_by_role("dialog").get_by_role("button", name="Confirm").click()
    expect(panel.locator("[role=status]")).to_have_text("Switched 2")
    page.goto(f"{demo.url}/demo/account.php?action=order_status")
    expect(summary_of(page, 1005)).to_have_text("Waiting 2 reserved · 1 waiting · Ship date not yet known")


@pytest.mark.parametrize("locale", LOCALES)
def test_a_failed_action_is_worded_for_people(page, demo, locale):
    words = WORDS[locale]
    panel = open_order(page, demo, 1005, locale)
    page.route("**/lines/*/cancel", lambda route: route.abort())
    line_named(panel, RAIN_SHELL).get_by_role("button", name=words["cancel"]).click()
    dialog = panel.get_by_role("dialog")
    dialog.get_by_role("button", name=words["confirm"]).click()
    expect(dialog.get_by_role("alert")).to_have_text(words["network"])
    assert "Failed to fetch" not in dialog.inner_text()


@pytest.mark.parametrize("locale", LOCALES)
def test_a_stale_tab_redraws_from_the_server_after_a_conflict(page, demo, locale):
    words = WORDS[locale]
    panel = open_order(page, demo, 1005, locale)
    other = page.context.new_page()  # the same shopper cancels it in another tab
    other_panel = open_order(other, demo, 1005)
    line_named(other_panel, RAIN_SHELL).get_by_role("button", name="Cancel").click()
    other_panel.get_by_role("dialog").get_by_role("button", name="Confirm").click()
    expect(line_named(other_panel, RAIN_SHELL).locator(".badge")).to_have_text("Cancelled")
    other.close()

    line_named(panel, RAIN_SHELL).get_by_role("button", name=words["cancel"]).click()
    panel.get_by_role("dialog").get_by_role("button", name=words["confirm"]).click()
    expect(panel.get_by_role("dialog")).to_have_count(0)
    expect(panel.locator("[role=status]")).to_have_text(words["stale"])
    expect(line_named(panel, RAIN_SHELL).get_by_role("button", name=words["cancel"])).to_have_count(0)
    assert page.errors == []
