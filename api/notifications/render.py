"""Turning one outbox row into what a shopper (or the merchant) reads: a subject, a plain-text and
an HTML body from Jinja templates, and a short SMS, in the recipient's language and the store's
colours.

Each event has a builder that says *what* to tell (a `Content`); the templates say *how*. Every
value reaches the HTML through Jinja's autoescaping, so a product name, a merchant's reason or a
shopper's first name can never become markup."""
import csv
import io
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from urllib.parse import quote

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from sqlalchemy.orm import Session

from api.domain.backorders import store_calendar, supply_curves
from api.domain.dates import zone
from api.domain.reasons import reason_text
from api.models import Line, Store
from api.notifications.catalog import Translator
from api.tokens import order_link_token, unsubscribe_token

SMS_NAME_LENGTH = 40
HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
DEFAULT_COLOUR = "#1f4e79"

_templates = Environment(
    loader=PackageLoader("api", "templates/mail"),
    autoescape=select_autoescape(["html"]),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)


class RenderError(Exception):
    """The row cannot be rendered (an unknown event, a missing field): retried, then failed."""


@dataclass
class Item:
    name: str
    sku: str = ""
    quantity: int | None = None
    eta: str = ""
    notes: list[str] = field(default_factory=list)


@dataclass
class Section:
    title: str
    rows: list[str]


@dataclass
class Table:
    """A real table (header row and rows of cells), for a message that is a list of figures."""

    caption: str
    header: list[str]
    rows: list[list[str]]


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    content: str


@dataclass
class Content:
    subject: str
    intro: list[str]
    sms: str
    items: list[Item] = field(default_factory=list)
    facts: list[tuple[str, str]] = field(default_factory=list)
    after: list[str] = field(default_factory=list)
    bullets_intro: str = ""
    bullets: list[str] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    table: Table | None = None
    attachments: list[Attachment] = field(default_factory=list)
    action: tuple[str, str] | None = None  # (label, url)
    footer: str = ""
    unsubscribe_url: str = ""
    greet: bool = True


@dataclass
class Rendered:
    subject: str
    text: str
    html: str
    sms: str
    headers: dict[str, str]
    attachments: list[Attachment] = field(default_factory=list)  # email only


@dataclass
class Context:
    """What a builder may use besides the payload."""

    store: Store
    payload: dict
    t: Translator
    app_url: str
    secret_keys: list[str]
    session: Session | None

    @property
    def store_name(self) -> str:
        return self.store.name or self.store.hash

    @property
    def order(self):
        return self.payload.get("order_id")

    def money(self, amount, currency=None) -> str:
        return self.t.money(int(amount or 0), currency or self.payload.get("currency") or "USD")

    def line(self) -> Line | None:
        line_id = self.payload.get("line_id")
        if self.session is None or not line_id:
            return None
        return self.session.get(Line, line_id)

    def storefront(self) -> str:
        return storefront_url(self.store, self.app_url)

    def order_url(self) -> str:
        return order_page_url(self.store, int(self.order), self.payload.get("customer_id"),
                              self.payload.get("email", ""), secret_keys=self.secret_keys, app_url=self.app_url)

    def short(self, name: str) -> str:
        return name if len(name) <= SMS_NAME_LENGTH else name[: SMS_NAME_LENGTH - 1] + "…"

    def order_footer(self) -> str:
        return self.t("footer", order=self.order, store=self.store_name)


def storefront_url(store: Store, app_url: str) -> str:
    origins = store.storefront_origins or []
    return (origins[0] if origins else app_url).rstrip("/")


def order_page_url(store: Store, order_id: int, customer_id: int | None, email: str, *,
                   secret_keys: list[str], app_url: str) -> str:
    """Where the shopper manages the order: the account page for a signed-in customer, a
    signed link for a guest (ids only, no personal data, valid 30 days)."""
    origin = storefront_url(store, app_url)
    if customer_id:
        return f"{origin}/account.php?action=view_order&order_id={order_id}"
    return f"{origin}/?bd_order={order_link_token(secret_keys, store.hash, order_id, email)}"


def _safe_url(url: str | None) -> str:
    """Only web links go into a message (never javascript: or data:)."""
    return url if isinstance(url, str) and url.startswith(("https://", "http://")) else ""


def _eta_text(c: Context, eta: dict | None) -> str:
    if (eta or {}).get("source") == "delayed":
        return c.t("eta_delayed")
    return c.t.date((eta or {}).get("date"))


def _arrival(c: Context, line: Line | None, ship_date: date) -> date:
    """The expected date of the inbound shipment a ship date rests on: the latest one still to
    come that gives that date (handling counts working days); else counted back."""
    calendar = store_calendar(c.store)
    if line is not None and c.session is not None:
        for expected in sorted(supply_curves(c.session, [line.variant_pk])[line.variant_pk].points, reverse=True):
            if calendar.ship_date(expected[0]) == ship_date:
                return expected[0]
    return ship_date - timedelta(days=c.store.handling_days)


def _eta_basis(c: Context, eta: dict | None, line: Line | None) -> list[str]:
    """What the date rests on, and the merchant's reason when they gave one."""
    eta = eta or {}
    source, when = eta.get("source"), eta.get("date")
    notes = []
    if source == "inbound" and when:
        days = c.store.handling_days
        inbound = _arrival(c, line, date.fromisoformat(when))
        if days:
            notes.append(c.t("basis_inbound", count=days, inbound=c.t.date(inbound), days=days))
        else:
            notes.append(c.t("basis_inbound_now", inbound=c.t.date(inbound)))
    elif source == "delayed":
        notes.append(c.t("basis_delayed"))
    elif source == "lead_time" and line is not None and line.variant.lead_time_days is not None:
        days = line.variant.lead_time_days
        notes.append(c.t("basis_lead_time", count=days, days=days))
    elif source == "manual":
        notes.append(c.t("basis_manual", store=c.store_name))
    else:
        notes.append(c.t("basis_unknown"))
    if line is not None and (reason := reason_text(line.variant.reason_code, line.variant.reason, c.t.lang)):
        notes.append(c.t("reason", reason=reason))
    return notes


def _actions(c: Context) -> list[str]:
    store = c.store
    bullets = []
    if store.cancel_window_days is None:
        bullets.append(c.t("action_cancel"))
    elif store.cancel_window_days > 0:
        bullets.append(c.t("action_cancel_window", count=store.cancel_window_days, days=store.cancel_window_days))
    bullets.append(c.t("action_switch"))
    if store.pay_later_enabled:
        bullets.append(c.t("action_pay_later"))
    return bullets


def _line_name(c: Context) -> str:
    return c.payload.get("name") or c.payload.get("sku") or ""


# --- one builder per event -------------------------------------------------------------------


def backorder_placed(c: Context) -> Content:
    lines = c.payload.get("lines") or []
    if not lines:
        raise RenderError("backorder_placed without lines")
    items = []
    for entry in lines:
        line = c.session.get(Line, entry["line_id"]) if c.session is not None else None
        items.append(Item(
            name=entry.get("name", ""), sku=entry.get("sku", ""),
            quantity=entry.get("quantity_backordered") or entry.get("quantity"),
            eta=_eta_text(c, entry.get("eta")), notes=_eta_basis(c, entry.get("eta"), line),
        ))
    url = c.order_url()
    first = lines[0]
    return Content(
        subject=c.t("placed_subject", order=c.order),
        intro=[c.t("placed_intro")],
        items=items,
        bullets_intro=c.t("actions_intro"),
        bullets=_actions(c),
        action=(c.t("manage"), url),
        footer=c.order_footer(),
        sms=c.t("placed_sms", store=c.store_name, order=c.order, name=c.short(first.get("name", "")),
                eta=_eta_text(c, first.get("eta")), url=url),
    )


def _why(c: Context, old: dict, new: dict, earlier: bool) -> str:
    source = new.get("source")
    if source == "inbound":
        return c.t("why_earlier_inbound" if earlier else "why_later_inbound")
    if source == "delayed":
        return c.t("why_delayed")
    if source == "lead_time":
        return c.t("why_lead_time")
    if source == "manual":
        return c.t("why_manual", store=c.store_name)
    return c.t("why_unknown")


def eta_changed(c: Context) -> Content:
    old, new = c.payload.get("old_eta") or {}, c.payload.get("new_eta") or {}
    old_date, new_date = old.get("date"), new.get("date")
    # An unknown date counts as later than any date.
    earlier = new_date is not None and (old_date is None or new_date < old_date)
    delayed = new.get("source") == "delayed"
    name, line = _line_name(c), c.line()
    new_text, old_text = _eta_text(c, new), _eta_text(c, old)
    after = [_why(c, old, new, earlier), *_eta_basis(c, new, line)]
    if delayed:  # no new date to announce: say so, never "expected" on a date that has passed
        subject = c.t("eta_delayed_subject", name=name)
        sms = c.t("eta_delayed_sms", store=c.store_name, name=c.short(name), order=c.order)
    else:
        subject = c.t("eta_earlier_subject" if earlier else "eta_later_subject", name=name, eta=new_text)
        sms = c.t("eta_sms", store=c.store_name, name=c.short(name), order=c.order, eta=new_text, old=old_text)
    return Content(
        subject=subject,
        intro=[c.t("eta_earlier_intro" if earlier else "eta_later_intro", order=c.order)],
        items=[Item(name=name, sku=c.payload.get("sku", ""), quantity=c.payload.get("quantity"), eta=new_text)],
        facts=[(c.t("label_old_eta"), old_text), (c.t("label_new_eta"), new_text)],
        after=after,
        action=(c.t("manage"), c.order_url()),
        footer=c.order_footer(),
        sms=sms,
    )


def allocated(c: Context) -> Content:
    name = _line_name(c)
    quantity = c.payload.get("quantity_allocated_now") or c.payload.get("quantity")
    to_pay = c.payload.get("state") == "awaiting_payment"
    return Content(
        subject=c.t("allocated_subject", name=name),
        intro=[c.t("allocated_pay_intro" if to_pay else "allocated_intro", count=quantity, quantity=quantity,
                   name=name, order=c.order)],
        action=(c.t("manage"), c.order_url()),
        footer=c.order_footer(),
        sms=c.t("allocated_sms", store=c.store_name, name=c.short(name), order=c.order),
    )


def _deadline(c: Context) -> str:
    """The payment-hold deadline where the store is, with its time: the moment the hold ends."""
    hold_until = c.payload.get("hold_until")
    if not hold_until:
        return c.t.date(None)
    moment = datetime.fromisoformat(hold_until).replace(tzinfo=UTC).astimezone(zone(c.store.timezone))
    return f"{c.t.date(moment.date())}, " + c.t("time_in_zone", time=moment.strftime("%H:%M"),
                                                zone=c.store.timezone or "UTC")


def payment_requested(c: Context) -> Content:
    name, url = _line_name(c), _safe_url(c.payload.get("payment_url"))
    amount = c.money(c.payload.get("amount"), c.payload.get("currency"))
    deadline = _deadline(c)
    facts = [(c.t("label_amount"), amount)]
    if c.payload.get("hold_until"):  # units held until a deadline (pay later); else no deadline
        intro = c.t("payment_intro", name=name, order=c.order, deadline=deadline, amount=amount)
        facts.append((c.t("label_hold_until"), deadline))
    else:
        intro = c.t("payment_intro_open", name=name, order=c.order, amount=amount)
    return Content(
        subject=c.t("payment_subject", name=name),
        intro=[intro],
        facts=facts,
        action=(c.t("payment_action"), url) if url else None,
        footer=c.order_footer(),
        sms=c.t("payment_sms", store=c.store_name, name=c.short(name), deadline=deadline, amount=amount, url=url),
    )


def payment_reminder(c: Context) -> Content:
    name, url = _line_name(c), _safe_url(c.payload.get("payment_url"))
    deadline = _deadline(c)
    amount = c.money(c.payload.get("amount"), c.payload.get("currency"))
    return Content(
        subject=c.t("reminder_subject", name=name, deadline=deadline),
        intro=[c.t("reminder_intro", name=name, order=c.order, deadline=deadline)],
        facts=[(c.t("label_amount"), amount), (c.t("label_hold_until"), deadline)],
        action=(c.t("payment_action"), url) if url else None,
        footer=c.order_footer(),
        sms=c.t("reminder_sms", store=c.store_name, name=c.short(name), deadline=deadline, url=url),
    )


def hold_expired(c: Context) -> Content:
    name = _line_name(c)
    intro = [c.t("expired_intro", name=name, order=c.order)]
    sms = c.t("expired_sms", store=c.store_name, name=c.short(name), order=c.order)
    if c.payload.get("purpose") == "switch_difference":  # the switch is undone: what was paid comes back
        amount, currency = _refund_amount(c)
        money = c.money(amount, currency)
        intro = [c.t("expired_switch_intro", name=name, order=c.order),
                 c.t("cancelled_refund", amount=money) if amount else c.t("cancelled_no_refund")]
        sms = c.t("expired_switch_sms", store=c.store_name, name=c.short(name), order=c.order, amount=money)
    return Content(
        subject=c.t("expired_subject", name=name),
        intro=intro,
        action=(c.t("manage"), c.order_url()),
        footer=c.order_footer(),
        sms=sms,
    )


def shipped(c: Context) -> Content:
    name = _line_name(c)
    quantity = c.payload.get("quantity_shipped") or c.payload.get("quantity")
    facts = []
    if c.payload.get("carrier"):
        facts.append((c.t("label_carrier"), str(c.payload["carrier"])))
    if c.payload.get("tracking_number"):
        facts.append((c.t("label_tracking"), str(c.payload["tracking_number"])))
    tracking_url = _safe_url(c.payload.get("tracking_url"))
    return Content(
        subject=c.t("shipped_subject", name=name),
        intro=[c.t("shipped_intro", count=quantity, quantity=quantity, name=name, order=c.order)],
        facts=facts,
        action=(c.t("shipped_action"), tracking_url) if tracking_url else (c.t("manage"), c.order_url()),
        footer=c.order_footer(),
        sms=c.t("shipped_sms", store=c.store_name, name=c.short(name), order=c.order),
    )


def _refund_amount(c: Context) -> tuple[int, str]:
    refund = c.payload.get("refund")
    currency = c.payload.get("currency") or "USD"
    if isinstance(refund, dict):
        return int(refund.get("amount") or 0), refund.get("currency") or currency
    return int(c.payload.get("refund_amount") or 0), currency


def cancelled(c: Context) -> Content:
    name = _line_name(c)
    quantity = c.payload.get("quantity_cancelled") or c.payload.get("quantity")
    amount, currency = _refund_amount(c)
    money = c.money(amount, currency)
    if amount:
        refund = c.t("cancelled_refund", amount=money)
    elif c.payload.get("reason"):  # cancelled in the store's own admin: the platform refunds
        refund = c.t("cancelled_by_store", store=c.store_name)
    else:
        refund = c.t("cancelled_no_refund")
    return Content(
        subject=c.t("cancelled_subject", name=name),
        intro=[c.t("cancelled_intro", quantity=quantity, name=name, order=c.order), refund],
        facts=[(c.t("label_amount"), money)] if amount else [],
        action=(c.t("manage"), c.order_url()),
        footer=c.order_footer(),
        sms=c.t("cancelled_sms", store=c.store_name, name=c.short(name), order=c.order, amount=money),
    )


def refund_made(c: Context) -> Content:
    """The platform confirmed a refund: the amount it refunded."""
    name = _line_name(c)
    money = c.money(c.payload.get("amount"), c.payload.get("currency"))
    return Content(
        subject=c.t("refund_subject", amount=money),
        intro=[c.t("refund_intro", amount=money, name=name, order=c.order)],
        facts=[(c.t("label_amount"), money)],
        action=(c.t("manage"), c.order_url()),
        footer=c.order_footer(),
        sms=c.t("refund_sms", store=c.store_name, amount=money, name=c.short(name), order=c.order),
    )


def refund_failed(c: Context) -> Content:
    """For the merchant, in English, at once: a refund we could not make."""
    p = c.payload
    money = c.money(p.get("amount"), p.get("currency"))
    return Content(
        subject=f"Refund failed: order #{p.get('order_id')}, {money}",
        intro=[f"The refund of {money} for {p.get('quantity')} × {p.get('name')} ({p.get('sku')}) "
               f"in order #{p.get('order_id')} could not be made: {p.get('error')}",
               "The shopper has not been told it was refunded. Once the cause is settled, retry it on "
               "the Refunds page of Backorder Desk (it is paid once, however often you retry), or "
               "refund the shopper by hand in your store admin."],
        facts=[("Order", f"#{p.get('order_id')}"), ("Amount", money), ("Reason", str(p.get("reason") or ""))],
        footer="You receive this because your address is the merchant email in Backorder Desk.",
        greet=False,
        sms=f"{c.store_name}: refund of {money} for order #{p.get('order_id')} failed. See your email.",
    )


def order_edit_failed(c: Context) -> Content:
    """For the merchant, in English, at once: a switch we could not make in the platform's order."""
    p = c.payload
    return Content(
        subject=f"Order edit failed: order #{p.get('order_id')}",
        intro=[f"The shopper switched {p.get('name')} ({p.get('sku')}) to {p.get('to_name')} in order "
               f"#{p.get('order_id')}, but the order could not be edited: {p.get('error')}",
               "Please edit the order in your store admin; any price difference owed is refunded once you do."],
        facts=[("Order", f"#{p.get('order_id')}")],
        footer="You receive this because your address is the merchant email in Backorder Desk.",
        greet=False,
        sms=f"{c.store_name}: order edit for #{p.get('order_id')} failed. See your email.",
    )


def switched(c: Context) -> Content:
    name, new_name = _line_name(c), c.payload.get("to_name") or ""
    intro = [c.t("switched_intro", name=name, new_name=new_name, order=c.order)]
    amount, currency = _refund_amount(c)
    if amount:
        intro.append(c.t("switched_refund", amount=c.money(amount, currency)))
    action = (c.t("manage"), c.order_url())
    facts = []
    difference = int(c.payload.get("price_difference") or 0)  # the new line's total minus the old
    if difference > 0:  # this message is the payment request too: amount, deadline, pay link
        money = c.money(difference)
        if c.payload.get("hold_until"):
            intro.append(c.t("switched_pay_by", amount=money, deadline=_deadline(c)))
            facts = [(c.t("label_amount"), money), (c.t("label_hold_until"), _deadline(c))]
        else:  # written before switch differences had a deadline
            intro.append(c.t("switched_pay", amount=money))
        if _safe_url(c.payload.get("payment_url")):
            action = (c.t("payment_action"), c.payload["payment_url"])
    return Content(
        subject=c.t("switched_subject", new_name=new_name),
        intro=intro,
        facts=facts,
        action=action,
        footer=c.order_footer(),
        sms=c.t("switched_sms", store=c.store_name, order=c.order, new_name=c.short(new_name), name=c.short(name)),
    )


def payment_mode_changed(c: Context) -> Content:
    name = _line_name(c)
    amount, currency = _refund_amount(c)
    money = c.money(amount, currency)
    intro = [c.t("paylater_intro", name=name, order=c.order)]
    if amount:
        intro.append(c.t("paylater_refund", amount=money))
    return Content(
        subject=c.t("paylater_subject", name=name),
        intro=intro,
        action=(c.t("manage"), c.order_url()),
        footer=c.order_footer(),
        sms=c.t("paylater_sms", store=c.store_name, name=c.short(name), order=c.order, amount=money),
    )


def payment_received(c: Context) -> Content:
    name = _line_name(c)
    money = c.money(c.payload.get("amount"), c.payload.get("currency"))
    return Content(
        subject=c.t("received_subject", name=name),
        intro=[c.t("received_intro", amount=money, name=name, order=c.order)],
        action=(c.t("manage"), c.order_url()),
        footer=c.order_footer(),
        sms=c.t("received_sms", store=c.store_name, amount=money, name=c.short(name)),
    )


def restock(c: Context) -> Content:
    name, url = _line_name(c), _safe_url(c.payload.get("url")) or c.storefront()
    unsubscribe = ""
    if c.payload.get("subscription_id"):
        token = unsubscribe_token(c.secret_keys, c.store.hash, int(c.payload["subscription_id"]))
        unsubscribe = f"{c.app_url}/api/v1/unsubscribe/{quote(token)}"
    return Content(
        subject=c.t("restock_subject", name=name),
        intro=[c.t("restock_intro", name=name, store=c.store_name)],
        items=[Item(name=name, sku=c.payload.get("sku", ""))],
        action=(c.t("restock_action"), url),
        footer=c.t("footer_restock", store=c.store_name),
        unsubscribe_url=unsubscribe,
        greet=False,
        sms=c.t("restock_sms", store=c.store_name, name=c.short(name), url=url),
    )


def delay_incentive(c: Context) -> Content:
    name = _line_name(c)
    code = c.payload["code"]
    promised, eta = c.t.date(c.payload.get("first_promised_on")), _eta_text(c, c.payload.get("eta"))
    if c.payload.get("kind") == "free_shipping":
        offer = c.t("incentive_free_shipping", code=code)
    else:
        offer = c.t("incentive_discount", code=code, percent=c.payload.get("percent_off"))
    return Content(
        subject=c.t("incentive_subject"),
        intro=[c.t("incentive_intro", name=name, order=c.order, promised=promised, eta=eta), offer],
        facts=[(c.t("label_code"), code)],
        action=(c.t("manage"), c.order_url()),
        footer=c.order_footer(),
        sms=c.t("incentive_sms", store=c.store_name, name=c.short(name), code=code),
    )


def merchant_digest(c: Context) -> Content:
    """For the merchant, in English: the day's new backorders, overdue lines and refunds."""
    p = c.payload
    new, overdue, refunds = p.get("new_backorders", []), p.get("overdue", []), p.get("refunds", [])
    sections = [
        Section(f"New backorders ({len(new)})", [
            f"Order #{r['order_id']}: {r['quantity']} × {r['name']} ({r['sku']}), expected {c.t.date(r.get('eta_date'))}"
            for r in new]),
        Section(f"Overdue against their ETA ({len(overdue)})", [
            f"Order #{r['order_id']}: {r['quantity']} × {r['name']} ({r['sku']}), was due {c.t.date(r['eta_date'])}"
            for r in overdue]),
        Section(f"Refunds ({len(refunds)})", [
            f"Order #{r['order_id']}: {c.money(r['amount'], r['currency'])} ({r['status']}), {r['name']}"
            for r in refunds]),
    ]
    day = c.t.date(p.get("date"))
    return Content(
        subject=f"Backorder digest for {c.store_name}, {day}",
        intro=[f"The last 24 hours at {c.store_name}:"],
        facts=[("New backorders", str(len(new))), ("Overdue lines", str(len(overdue))),
               ("Refunds", str(len(refunds)))],
        sections=sections,
        footer="You receive this digest because your address is the merchant email in Backorder Desk.",
        greet=False,
        sms=f"{c.store_name}: {len(new)} new backorders, {len(overdue)} overdue, {len(refunds)} refunds.",
    )


def inbound_overdue(c: Context) -> Content:
    """For the merchant, in English: an inbound shipment that has not arrived by its date. The
    shoppers waiting on it see "delayed — new date to follow" until it gets a new date."""
    p = c.payload
    expected = c.t.date(p.get("expected_on"))
    return Content(
        subject=f"Inbound overdue: {p['quantity']} × {p['name'] or p['sku']}, expected {expected}",
        intro=[f"The inbound shipment of {p['quantity']} × {p['name']} ({p['sku']}) expected on {expected} "
               "has not been received. Shoppers waiting for it are told it is delayed, with a new date to "
               "follow: give the shipment its new expected date, or receive it."],
        facts=[("Variant", str(p["variant_id"])), ("Expected", expected), ("Units", str(p["quantity"]))],
        footer="You receive this alert because your address is the merchant email in Backorder Desk.",
        greet=False,
        sms=f"{c.store_name}: inbound of {p['quantity']} × {p['sku']} due {expected} is overdue.",
    )


def _spreadsheet_safe(value) -> str:
    """A cell a spreadsheet will not run as a formula (a product name starting with "=")."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def purchase_order_csv(p: dict) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["purchase_order", "reference", "sku", "name", "variant_id", "quantity", "expected_on"])
    for line in p["lines"]:
        writer.writerow([p["purchase_order_id"], _spreadsheet_safe(p.get("reference") or ""),
                         _spreadsheet_safe(line.get("sku") or ""), _spreadsheet_safe(line.get("name") or ""),
                         line["variant_id"], line["quantity"], line["expected_on"]])
    return out.getvalue()


def purchase_order_sent(c: Context) -> Content:
    """To the supplier, in English: the purchase order the merchant approved, as a table and as
    a CSV file to load into their own system. Replies go to the merchant (Reply-To)."""
    p = c.payload
    lines = p["lines"]
    if not lines:
        raise RenderError("purchase_order_sent without lines")
    name = p.get("reference") or f"#{p['purchase_order_id']}"
    deliver_by = c.t.date(p.get("expected_on"))
    units = sum(int(line["quantity"]) for line in lines)
    return Content(
        subject=f"Purchase order {name} from {c.store_name}",
        intro=[f"{c.store_name} orders the items below from {p.get('supplier') or 'you'}, to arrive by {deliver_by}.",
               "Please reply to this email to confirm, or to say what cannot arrive by then."],
        facts=[("Purchase order", name), ("Deliver by", deliver_by), ("Lines", str(len(lines))),
               ("Units", str(units))],
        table=Table(caption=f"Purchase order {name}", header=["SKU", "Item", "Quantity", "Deliver by"],
                    rows=[[line.get("sku") or "", line.get("name") or "", str(line["quantity"]),
                           c.t.date(line.get("expected_on"))] for line in lines]),
        attachments=[Attachment(f"purchase-order-{p['purchase_order_id']}.csv", "text/csv",
                                purchase_order_csv(p))],
        footer=f"Sent by Backorder Desk for {c.store_name}. The order is attached as a CSV file.",
        greet=False,
        sms=f"{c.store_name}: purchase order {name}, {units} units by {deliver_by}. See your email.",
    )


BUILDERS = {
    "backorder_placed": backorder_placed,
    "eta_changed": eta_changed,
    "allocated": allocated,
    "payment_requested": payment_requested,
    "payment_reminder": payment_reminder,
    "hold_expired": hold_expired,
    "shipped": shipped,
    "cancelled": cancelled,
    "switched": switched,
    "payment_mode_changed": payment_mode_changed,
    "payment_received": payment_received,
    "restock": restock,
    "delay_incentive": delay_incentive,
    "merchant_digest": merchant_digest,
    "refund_made": refund_made,
    "refund_failed": refund_failed,
    "order_edit_failed": order_edit_failed,
    "inbound_overdue": inbound_overdue,
    "purchase_order_sent": purchase_order_sent,
}
# Messages for the merchant or, on its behalf, its suppliers (in English, by email to the address
# in the payload), not for a shopper.
MERCHANT_EVENTS = {"merchant_digest", "refund_failed", "order_edit_failed", "inbound_overdue",
                   "purchase_order_sent"}


def brand(store: Store) -> dict:
    colour = store.brand_colour if HEX_COLOUR.match(store.brand_colour or "") else DEFAULT_COLOUR
    return {"name": store.name or store.hash, "colour": colour, "logo_url": _safe_url(store.brand_logo_url)}


def render(session: Session | None, store: Store, event: str, payload: dict, *, app_url: str,
           secret_keys: list[str]) -> Rendered:
    builder = BUILDERS.get(event)
    if builder is None:
        raise RenderError(f"No message for event {event!r}.")
    locale = "en" if event in MERCHANT_EVENTS else payload.get("locale")
    c = Context(store, payload, Translator(locale), app_url.rstrip("/"), secret_keys, session)
    try:
        content = builder(c)
    except (KeyError, TypeError, ValueError) as error:
        raise RenderError(f"Cannot render {event}: {type(error).__name__}: {error}") from error
    if content.action and not _safe_url(content.action[1]):
        content.action = None
    greeting = ""
    if content.greet:
        name = payload.get("first_name")
        greeting = c.t("greeting_named", name=name) if name else c.t("greeting")
    variables = {
        "content": content,
        "greeting": greeting,
        "signoff": c.t("signoff", store=c.store_name) if event not in MERCHANT_EVENTS else "",
        "unsubscribe_label": c.t("unsubscribe"),
        "labels": {"quantity": c.t("label_quantity"), "eta": c.t("label_eta"), "sku": c.t("label_sku")},
        "brand": brand(store),
        "lang": c.t.lang,
    }
    headers = {}
    if content.unsubscribe_url:
        headers["List-Unsubscribe"] = f"<{content.unsubscribe_url}>"
    return Rendered(
        subject=" ".join(content.subject.split()),  # a header: no line breaks from any value
        text=_templates.get_template("message.txt").render(variables),
        html=_templates.get_template("message.html").render(variables),
        sms=content.sms,
        headers=headers,
        attachments=content.attachments,
    )
