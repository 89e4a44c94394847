"""Bringing BigCommerce's truth into our tables: the catalog mirror, stock, orders and what the
store admin did to them. Every function here fetches first (no transaction open while waiting on
BigCommerce) and then applies what it fetched in one short transaction.

Stock: our stock ledger is the count (api/domain/stock.py). BigCommerce deducts every ordered
unit at checkout, backordered ones included, so its level should be our free units minus the
units waiting in our queue, once it has every write-back we owe it. A stock webhook (and the
periodic and nightly reconciliations) reads BigCommerce's level, first applies every order
BigCommerce changed before that read (a cancelled order restocks there: applied out of order it
would look like new stock), then books the rest of the difference as an adjustment, which
allocates to the queue and marks inbound stock received. docs/stock-events.md has the table."""
import json
import logging
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.bigcommerce import client as rest
from api.bigcommerce.client import BigCommerceClient
from api.bigcommerce.dates import bigcommerce_date, parse_bigcommerce_date
from api.bigcommerce.install import client_for, installation_of
from api.bigcommerce.money import to_minor
from api.bigcommerce.settings import fetch_inventory_settings, keep_inventory_settings
from api.db import AppDatabase
from api.domain import clock
from api.domain.actions import mark_paid
from api.domain.backorders import PAY_LATER, SWITCHED, OrderLineIn, ingest_order, lock_variant
from api.domain.catalog import receive_inbound_from_platform, save_variant
from api.domain.errors import NotFound
from api.domain.fulfilment import add_units, cancel_units, ship_units
from api.domain.payments import refund_unwanted_payment
from api.domain.sales import SaleIn, record_sales
from api.domain.stock import owe_platform, platform_moves, platform_restocked, reconcile_level
from api.models import (
    BigCommerceInstallation, Line, Order, OrderEdit, PaymentRequestRecord, Refund, Sale, Store, Variant,
)

log = logging.getLogger(__name__)

# BigCommerce order status ids and what each does to our lines: docs/bigcommerce-order-statuses.md.
INCOMPLETE, PENDING, SHIPPED, PARTIALLY_SHIPPED, REFUNDED, CANCELLED, DECLINED = 0, 1, 2, 3, 4, 5, 6
AWAITING_PAYMENT, AWAITING_PICKUP, AWAITING_SHIPMENT, COMPLETED, AWAITING_FULFILLMENT = 7, 8, 9, 10, 11
MANUAL_VERIFICATION_REQUIRED, DISPUTED, PARTIALLY_REFUNDED = 12, 13, 14
# Paid: the order holds its places in the queue (a payment cart's order pays its request).
PAID = {SHIPPED, PARTIALLY_SHIPPED, AWAITING_PICKUP, AWAITING_SHIPMENT, COMPLETED, AWAITING_FULFILLMENT,
        DISPUTED, PARTIALLY_REFUNDED}
# Over: every unit not shipped leaves the queue (the platform has, or will have, the money back).
ENDED = {REFUNDED, CANCELLED, DECLINED}
RESTOCKED = {CANCELLED, DECLINED}  # BigCommerce puts the unshipped units back in stock
# Anything else (Incomplete, Pending, Awaiting Payment, Manual Verification Required) is not
# paid yet: it takes no place until a later status says it is paid.
NO_CARD_METHODS = ("store credit", "gift certificate")
# Write-backs for what BigCommerce's count did not move itself (its inventory settings).
EDIT_NOT_RESTOCKED, EDIT_NOT_TAKEN = "edit not restocked by the platform", "edit not taken by the platform"
CANCEL_NOT_RESTOCKED = "cancel not restocked by the platform"
RECONCILE_EVERY = timedelta(minutes=15)
RECONCILE_OVERLAP = timedelta(hours=1)  # modified-since windows overlap: applying twice is harmless
FIRST_RECONCILE_WINDOW = timedelta(days=2)
RECONCILE_STOCK_LIMIT = 200  # variants with waiting lines whose stock is re-read per run
CATCH_UP_OVERLAP = timedelta(minutes=5)  # BigCommerce's modification times are to the second
STABLE_READS = 3  # stock re-read until it stops moving while orders are caught up


# --- catalog ---------------------------------------------------------------------------------


def _variant_record(product: dict, variant: dict, currency: str) -> dict:
    options = ", ".join(o.get("label", "") for o in variant.get("option_values") or [] if o.get("label"))
    image = variant.get("image_url") or ((product.get("primary_image") or {}).get("url_standard") or "")
    price = variant.get("calculated_price")
    if price is None:
        price = variant.get("price") if variant.get("price") is not None else product.get("price")
    categories = product.get("categories") or []
    return {
        "variant_id": variant["id"],
        "fields": {
            "product_id": product["id"],
            "sku": (variant.get("sku") or product.get("sku") or "")[:255],
            "name": (f"{product.get('name', '')} – {options}" if options else product.get("name", ""))[:255],
            "price": to_minor(price, currency),
            "currency": currency,
            "url": ((product.get("custom_url") or {}).get("url") or "")[:1000],
            "image_url": image[:1000],
            "category": str(categories[0]) if categories else "",
        },
    }


def fetch_catalog(client: BigCommerceClient, currency: str, product_id: int | None = None) -> list[dict]:
    """Variant records (our fields plus BigCommerce's units available to sell) for one product,
    or for the whole catalog, page by page."""
    product_params = {"include": "primary_image"}
    variant_params, inventory_params = {}, {}
    if product_id is not None:
        product_params["id:in"] = str(product_id)
        variant_params["product_id:in"] = str(product_id)
        inventory_params["product_id:in"] = product_id
    products = {p["id"]: p for p in client.v3_pages("/v3/catalog/products", product_params)}
    available = fetch_available(client, inventory_params)
    records = []
    for variant in client.v3_pages("/v3/catalog/variants", variant_params):
        product = products.get(variant.get("product_id"))
        if product is None:
            continue
        record = _variant_record(product, variant, currency)
        record["available"] = available.get(variant["id"])
        records.append(record)
    return records


def fetch_available(client: BigCommerceClient, params: dict) -> dict[int, int]:
    """Units available to sell per variant, summed over the enabled locations."""
    totals: dict[int, int] = {}
    for item in client.v3_pages("/v3/inventory/items", params):
        variant_id = (item.get("identity") or {}).get("variant_id")
        if variant_id is None:
            continue
        totals[variant_id] = sum(
            int(location.get("available_to_sell") or 0)
            for location in item.get("locations") or []
            if location.get("location_enabled", True)
        )
    return totals


def apply_catalog(session: Session, store: Store, records: list[dict], *,
                  ordered: dict[int, int] | None = None) -> int:
    """Create or refresh variants from BigCommerce records. Merchant settings (backorders,
    limits, messages, lead times, alternatives) are ours and stay; variants new to us allow
    backorders, since BigCommerce itself decides at checkout, and start with BigCommerce's stock
    (the stock of variants we know changes only through `apply_levels`). `ordered`: units of an
    order that BigCommerce has already deducted but we have not ingested yet."""
    for record in sorted(records, key=lambda r: r["variant_id"]):
        variant_id = record["variant_id"]
        fields = dict(record["fields"])
        try:
            lock_variant(session, store, variant_id)
        except NotFound:
            fields["backorders_enabled"] = True
            if record.get("available") is not None:
                fields["on_hand"] = max(0, record["available"] + (ordered or {}).get(variant_id, 0))
        save_variant(session, store, variant_id, fields, replace=False, from_platform=True)
    return len(records)


def apply_levels(session: Session, store: Store, levels: dict[int, int]) -> int:
    """BigCommerce's stock levels for variants we mirror, every order it changed before reading
    them already applied: a difference from ours is stock the merchant changed there, booked as an
    adjustment (a rise allocates to the queue and marks inbound received). Returns how many
    variants changed."""
    changed = 0
    for variant_id, level in sorted(levels.items()):
        try:
            variant = lock_variant(session, store, variant_id)
        except NotFound:
            continue
        difference = reconcile_level(session, store, variant, level)
        if not difference:
            continue
        on_hand = variant.on_hand + difference
        if on_hand < 0:  # fewer units there than we hold for shoppers: the merchant must look
            log.warning("Store %s variant %s: BigCommerce shows %s units fewer than we hold",
                        store.id, variant_id, -on_hand)
            on_hand = 0
        if on_hand == variant.on_hand:
            continue
        if difference > 0:
            receive_inbound_from_platform(session, store, variant, difference)
        save_variant(session, store, variant_id, {"on_hand": on_hand}, replace=False, from_platform=True)
        changed += 1
    return changed


# --- orders ----------------------------------------------------------------------------------


def fetch_order(client: BigCommerceClient, order_id: int, order: dict | None = None) -> tuple[dict, list[dict]]:
    """The order and its products; an order with refunds also carries them (`refunds`), so
    refunds the merchant made in the store admin act on the lines they refunded."""
    order = dict(order or client.get(f"/v2/orders/{order_id}"))
    products = list(client.v2_pages(f"/v2/orders/{order_id}/products"))
    if to_minor(order.get("refunded_amount"), "USD") > 0 or int(order.get("status_id") or 0) in ENDED:
        order["refunds"] = (client.get(f"/v3/orders/{order_id}/payment_actions/refunds") or {}).get("data") or []
    return order, products


def _placed_at(order: dict) -> datetime | None:
    return parse_bigcommerce_date(order.get("date_created"))


def _open_payment_for_cart(session: Session, store: Store, cart_id: str) -> PaymentRequestRecord | None:
    if not cart_id:
        return None
    return session.scalar(
        select(PaymentRequestRecord).where(
            PaymentRequestRecord.store_id == store.id, PaymentRequestRecord.reference == cart_id
        )
    )


def _paying_item(payment: PaymentRequestRecord, products: list[dict]) -> int | None:
    """The paying order's product for the request: the line's variant, or the price-difference item."""
    line = payment.line
    for product in products:
        if product.get("variant_id") == line.variant_id or product.get("sku") == f"BD-DIFF-{line.id}":
            return product["id"]
    return None


def _give_back_paying_units(session: Session, store: Store, payment: PaymentRequestRecord,
                            products: list[dict]) -> None:
    """BigCommerce deducted the paying order's units of the line's variant again, though the
    line's own order took them at checkout: owe them back (once: called only when the payment
    is first applied)."""
    line = payment.line
    units = sum(int(p.get("quantity") or 0) for p in products if p.get("variant_id") == line.variant_id)
    if units:
        owe_platform(session, store, lock_variant(session, store, line.variant_id), units, "paying order")


def _ship_paid_units(session: Session, store: Store, payment: PaymentRequestRecord, products: list[dict]) -> str:
    """The paying order ships the line's goods: its shipments are the line's."""
    item = next((p for p in products if p.get("id") == payment.paid_item_id), None)
    shipped = min(int((item or {}).get("quantity_shipped") or 0), payment.quantity)
    if shipped <= payment.quantity_shipped:
        return "payment order"
    units = ship_units(session, store, payment.line, shipped - payment.quantity_shipped)
    payment.quantity_shipped += units
    return "shipped" if units else "payment order"


def apply_order(session: Session, store: Store, order: dict, products: list[dict]) -> str:
    """Record a new order, or bring a known one up to date. Returns what was done."""
    status_id = int(order.get("status_id") or 0)
    payment = _open_payment_for_cart(session, store, order.get("cart_id") or "")
    if payment is not None:
        # The order that pays one of our payment requests: not a new backorder, and no payment
        # until BigCommerce says it is paid.
        if status_id not in PAID:
            return "payment order"
        paid_order_id, paid_item_id = int(order["id"]), _paying_item(payment, products)
        if payment.status == "open":
            mark_paid(session, store, payment, paid_order_id=paid_order_id, paid_item_id=paid_item_id)
            _give_back_paying_units(session, store, payment, products)
            return "paid"
        if payment.status == "paid" and payment.paid_order_id == paid_order_id:
            return _ship_paid_units(session, store, payment, products)
        if payment.status != "paid" and refund_unwanted_payment(session, store, payment, paid_order_id, paid_item_id):
            _give_back_paying_units(session, store, payment, products)
            return "unwanted payment refunded"
        return "payment order"
    if status_id in PAID:
        _record_sales(session, store, order, products)
    local = session.scalar(
        select(Order).where(Order.store_id == store.id, Order.order_id == int(order["id"]))
    )
    if local is None:
        if status_id not in PAID:
            return "not paid"
        if _shipped_in_full(products):  # nothing can wait any more: history only (the sales above)
            return "shipped before it was seen"
        if status_id == COMPLETED:  # fulfilled without shipments (pickup, digital, marked by hand)
            return "completed before it was seen"
        return _ingest(session, store, order, products)
    return _update(session, store, local, order, products)


def _shipped_in_full(products: list[dict]) -> bool:
    ordered = [p for p in products if int(p.get("quantity") or 0) > 0]
    return bool(ordered) and all(int(p.get("quantity_shipped") or 0) >= int(p["quantity"]) for p in ordered)


def _record_sales(session: Session, store: Store, order: dict, products: list[dict]) -> int:
    """Every item of a paid order goes into the sales history, backordered or not (items whose
    variant is not in the catalog mirror are left out)."""
    currency = transactional_currency(order, installation_of(session, store).currency)
    variants = dict(session.execute(
        select(Variant.variant_id, Variant.id).where(
            Variant.store_id == store.id,
            Variant.variant_id.in_([p["variant_id"] for p in products if p.get("variant_id")]))
    ).all())
    items = [SaleIn(item_id=int(p["id"]), variant_pk=variants[p["variant_id"]], quantity=int(p["quantity"]),
                    revenue=to_minor(paid_total(p), currency))
             for p in products if p.get("variant_id") in variants and int(p.get("quantity") or 0) > 0]
    billing = order.get("billing_address") or {}
    return record_sales(
        session, store, order_id=int(order["id"]), placed_at=_placed_at(order) or clock.utcnow(),
        currency=currency, items=items, customer_id=int(order.get("customer_id") or 0) or None,
        email=(billing.get("email") or "")[:320],  # no phone: BigCommerce's is not E.164
    )


def transactional_currency(order: dict, fallback: str) -> str:
    """The currency the shopper paid in; `currency_code` is only the one prices were shown in."""
    return (order.get("default_currency_code") or fallback or "USD")[:3].upper()


def paid_prices(product: dict, currency: str) -> dict:
    """What the shopper paid per unit of an order product, after discounts (coupons, automatic
    promotions: `applied_discounts`), with and without tax, and the catalog price before them."""
    quantity = max(1, int(product.get("quantity") or 1))
    inc = Decimal(str(product.get("price_inc_tax") or 0))
    ex = Decimal(str(product.get("price_ex_tax") or inc))
    paid = paid_total(product) / quantity
    paid_ex_tax = paid * ex / inc if inc else paid
    listed = product.get("base_price")
    return {"unit_price": to_minor(paid, currency), "unit_price_ex_tax": to_minor(paid_ex_tax, currency),
            "list_price": to_minor(listed if listed not in (None, "") else inc, currency)}


def paid_total(product: dict) -> Decimal:
    """What the shopper paid for all units of an order product: after discounts, tax included."""
    if product.get("discounted_total_inc_tax") not in (None, ""):
        return Decimal(str(product["discounted_total_inc_tax"]))
    quantity = max(1, int(product.get("quantity") or 1))
    inc = Decimal(str(product.get("price_inc_tax") or 0))
    discounts = sum(Decimal(str(d.get("amount") or 0)) for d in product.get("applied_discounts") or [])
    return Decimal(str(product.get("total_inc_tax") or inc * quantity)) - discounts


def refundable(order: dict) -> bool:
    """False when store credit or a gift certificate paid (part of) the order: BigCommerce then
    offers no refund to the shopper's card."""
    method = str(order.get("payment_method") or "").lower()
    return not (any(name in method for name in NO_CARD_METHODS)
                or to_minor(order.get("store_credit_amount"), "USD") > 0
                or to_minor(order.get("gift_certificate_amount"), "USD") > 0)


def _ingest(session: Session, store: Store, order: dict, products: list[dict]) -> str:
    currency = transactional_currency(order, installation_of(session, store).currency)
    known = set(session.scalars(
        select(Variant.variant_id).where(
            Variant.store_id == store.id,
            Variant.variant_id.in_([p.get("variant_id") for p in products if p.get("variant_id")]),
        )
    ))
    lines = [
        OrderLineIn(
            variant_id=product["variant_id"],
            quantity=int(product["quantity"]),
            **paid_prices(product, currency),
            external_id=product["id"],
            quantity_backordered=(int(product["quantity_backordered"])
                                  if product.get("quantity_backordered") is not None else None),
        )
        for product in products
        if product.get("variant_id") in known and int(product.get("quantity") or 0) > 0
    ]
    if not lines:
        return "no catalog items"
    billing = order.get("billing_address") or {}
    customer_id = int(order.get("customer_id") or 0) or None  # 0 is a guest
    recorded = ingest_order(
        session, store,
        order_id=int(order["id"]), currency=currency, lines=lines, customer_id=customer_id,
        email=(billing.get("email") or "")[:320], first_name=(billing.get("first_name") or "")[:200],
        locale=(order.get("customer_locale") or "en")[:20], placed_at=_placed_at(order),
        enforce_limit=False,  # BigCommerce has already taken (and charged) this order
        refundable=refundable(order),
        total=to_minor(order.get("total_inc_tax"), currency),  # in the transactional currency
    )
    for line in recorded.lines:  # each order product's quantity as first seen: later rises are edits
        line.platform_quantity = line.quantity
    return "ingested"


def _update(session: Session, store: Store, local: Order, order: dict, products: list[dict]) -> str:
    """Bring a known order up to date with BigCommerce: units shipped; units the merchant
    refunded or removed from the order in the store admin leave the queue; units the merchant
    added there (a raised quantity, a new product) join it at the back; a whole order cancelled,
    declined or refunded cancels every unit not shipped. Order products are handled in variant
    order, since each locks its variant and every other locker goes in that order."""
    status_id = int(order.get("status_id") or 0)
    refunded = _merchant_refunds(session, store, local, order)
    ours = {line.external_id: line.variant_id for line in local.lines if line.external_id is not None}
    currency = local.currency
    known = set(session.scalars(select(Variant.variant_id).where(
        Variant.store_id == store.id, Variant.variant_id.in_([p.get("variant_id") for p in products]))))
    switching_in = _switched_in_unlinked(session, local)
    work = {(variant_id, external_id) for external_id, variant_id in ours.items()}
    work |= {(p["variant_id"], p["id"]) for p in products
             if p.get("variant_id") in known and p["id"] not in ours and p["variant_id"] not in switching_in}
    by_id = {p["id"]: p for p in products}
    done = []
    for variant_id, external_id in sorted(work):
        lock_variant(session, store, variant_id)
        # Read after the lock: a concurrent delivery of the same order may have just applied it.
        lines = list(session.scalars(
            select(Line).where(Line.order_pk == local.id, Line.external_id == external_id)
            .order_by(Line.id).execution_options(populate_existing=True)))
        done += _update_product(session, store, local, status_id, lines, by_id.get(external_id),
                                refunded.get(external_id, 0), currency)
    return ", ".join(sorted(set(done))) or "up to date"


def _switched_in_unlinked(session: Session, local: Order) -> set[int]:
    """Variants our own switches are adding to the order whose new product we have not linked to
    its line yet (the edit is being made, or its answer not recorded yet): BigCommerce's product
    for one of them is ours, not an edit by the merchant."""
    return set(session.scalars(
        select(Line.variant_id).join(OrderEdit, OrderEdit.new_line_pk == Line.id)
        .where(OrderEdit.order_pk == local.id, OrderEdit.status != "failed", Line.external_id.is_(None))))


def _update_product(session: Session, store: Store, local: Order, status_id: int, lines: list[Line],
                    product: dict | None, refunded: int, currency: str) -> list[str]:
    """One BigCommerce order product against our lines for it (the line made at checkout, and one
    line per later rise in the store admin), its variant locked."""
    done = []
    # Whether BigCommerce's count moved with the merchant's edit, and restocks a cancel, by
    # itself (its inventory settings); where it does not, the units our ledger moves are owed.
    moves = platform_moves(session, store)
    if not lines:  # a product the merchant added to the order in the store admin
        if status_id in PAID and int(product.get("quantity") or 0) > 0:
            line = add_units(session, store, local, _line_in(product, int(product["quantity"]), currency))
            line.platform_quantity = int(product["quantity"])
            if not moves.edits_move_stock:
                owe_platform(session, store, lock_variant(session, store, line.variant_id), -line.quantity,
                             EDIT_NOT_TAKEN, line)
            done.append("added in store")
        return done
    first, newest_first = lines[0], sorted(lines, key=lambda line: line.id, reverse=True)
    ordered = 0 if product is None else int(product.get("quantity") or 0)
    shipped = 0 if product is None else int(product.get("quantity_shipped") or 0)
    more = shipped - sum(line.quantity_shipped for line in lines)
    for line in lines:  # held units first within each line; the earliest line first
        if more > 0:
            units = ship_units(session, store, line, more)
            more -= units
            if units:
                done.append("shipped")
    for line in newest_first:  # a refund gives up the units that joined last first
        if refunded > 0:
            waiting = line.quantity_waiting
            units = cancel_units(session, store, line, refunded, reason="refunded_in_store")
            refunded -= units
            if units:
                done.append("refunded in store")
                # A refund in the store admin does not restock (BigCommerce's "Processing Refunds"):
                # units that were only waiting never existed, and BigCommerce still counts them
                # as sold until told otherwise (docs/stock-events.md).
                owe_platform(session, store, lock_variant(session, store, line.variant_id),
                             min(units, waiting), "refunded in store", line)
    if status_id not in ENDED:
        # An edit lowering the quantity (or removing the product): what our lines still count
        # beyond what the order now holds is cancelled, the units that joined last first. Our own
        # switches set their old product to zero; their old line is already `switched`.
        removed = sum(line.quantity - line.quantity_cancelled for line in lines) - max(
            ordered, sum(line.quantity_shipped for line in lines))
        for line in newest_first:
            if removed > 0:
                units = cancel_units(session, store, line, removed, reason="edited_in_store")
                removed -= units
                if units:
                    done.append("edited in store")
                    if not moves.edits_move_stock:
                        owe_platform(session, store, lock_variant(session, store, line.variant_id), units,
                                     EDIT_NOT_RESTOCKED, line)
        # An edit raising the quantity: the extra units are a new line at the back of the queue.
        # A product whose line we switched away is no longer the shopper's to grow.
        baseline = first.platform_quantity if first.platform_quantity is not None else first.quantity
        if (product is not None and status_id in PAID and ordered > baseline
                and not any(line.state == SWITCHED for line in lines)):
            added = add_units(session, store, local, _line_in(
                product, ordered - baseline, currency, backordered_before=sum(line.quantity_backordered for line in lines)))
            if not moves.edits_move_stock:
                owe_platform(session, store, lock_variant(session, store, added.variant_id), -added.quantity,
                             EDIT_NOT_TAKEN, added)
            done.append("added in store")
        first.platform_quantity = ordered
    for line in lines:
        if status_id in RESTOCKED and moves.cancels_restock:
            platform_restocked(session, store, lock_variant(session, store, line.variant_id), line)
        # Our own pay-later refund can refund the whole order, and BigCommerce then calls it
        # Refunded: those units keep their place, since the shopper pays for them when ready.
        if status_id in ENDED and not (status_id == REFUNDED and line.payment_mode == PAY_LATER):
            reason = "refunded_in_store" if status_id == REFUNDED else "cancelled_in_store"
            unshipped = line.quantity - line.quantity_shipped - line.quantity_cancelled
            units = cancel_units(session, store, line, unshipped, reason=reason)
            if units:
                done.append("cancelled")
                if status_id in RESTOCKED and not moves.cancels_restock:
                    # BigCommerce keeps counting them as sold: held units are free again, and
                    # units only waiting never existed.
                    owe_platform(session, store, lock_variant(session, store, line.variant_id), units,
                                 CANCEL_NOT_RESTOCKED, line)
    return done


def _line_in(product: dict, quantity: int, currency: str, backordered_before: int = 0) -> OrderLineIn:
    """`quantity` units of an order product as a new line; BigCommerce's `quantity_backordered`
    (when it says) counts the whole product, so what our lines already have backordered is not
    counted again."""
    backordered = product.get("quantity_backordered")
    return OrderLineIn(
        variant_id=product["variant_id"], quantity=quantity, **paid_prices(product, currency),
        external_id=product["id"],
        quantity_backordered=None if backordered is None else int(backordered) - backordered_before,
    )


def _merchant_refunds(session: Session, store: Store, local: Order, order: dict) -> dict[int, int]:
    """Refunds made in the store admin (those without our marker), each recorded once as a
    confirmed refund of the line, so our own refunds never give that money back again.
    Returns the units each order product lost to the refunds recorded now."""
    lines: dict[int, Line] = {}  # each order product's first line holds its refunds
    for line in sorted(local.lines, key=lambda line: line.id):
        if line.external_id is not None:
            lines.setdefault(line.external_id, line)
    units: dict[int, int] = {}
    for refund in order.get("refunds") or []:
        items = refund.get("items") or []
        declined = any(p.get("is_declined") for p in refund.get("payments") or [])
        if declined or any("Backorder Desk" in (item.get("reason") or "") for item in items):
            continue
        total = to_minor(refund.get("total_amount"), local.currency)
        for item in items:
            line = lines.get(item.get("item_id")) if item.get("item_type") == "PRODUCT" else None
            if line is None:
                continue
            key = f"bigcommerce:{refund['id']}:{item['item_id']}"
            if session.scalar(select(Refund.id).where(Refund.key == key)) is not None:
                continue
            quantity = int(item.get("quantity") or 0)
            session.add(Refund(
                store_id=store.id, order_pk=local.id, line_pk=line.id, key=key, reason="in_store",
                quantity=quantity, amount=min(total, quantity * line.unit_price), currency=local.currency,
                status="confirmed", reference=str(refund["id"]), confirmed_at=clock.utcnow(),
            ))
            units[line.external_id] = units.get(line.external_id, 0) + quantity
    session.flush()
    return units


def _ordered_units(products: list[dict]) -> dict[int, int]:
    units: dict[int, int] = {}
    for product in products:
        if product.get("variant_id"):
            units[product["variant_id"]] = units.get(product["variant_id"], 0) + int(product.get("quantity") or 0)
    return units


def sync_order(database: AppDatabase, store_id: int, order_id: int, order: dict | None = None) -> str:
    """Fetch one order and apply it; variants it names that we do not mirror yet are imported
    first (their stock already has this order's units deducted)."""
    with database.transaction(write=False) as session:
        store = session.get(Store, store_id)
        client = client_for(session, store)
        currency = installation_of(session, store).currency
    order, products = fetch_order(client, order_id, order)
    with database.transaction(write=False) as session:
        known = set(session.scalars(
            select(Variant.variant_id).where(Variant.store_id == store_id,
                                             Variant.variant_id.in_(_ordered_units(products)))
        ))
    missing = {p["product_id"] for p in products if p.get("variant_id") and p["variant_id"] not in known}
    records = [r for product_id in sorted(missing) for r in fetch_catalog(client, currency, product_id)]
    with database.transaction() as session:
        store = session.get(Store, store_id)
        if records:
            # Every unit of a variant new to us is one this order takes (ingested, or added to an
            # order we hold by an edit in the store admin) once it is paid; BigCommerce's level
            # has them deducted already, unless an edit added them and its edits move no stock.
            paid = int(order.get("status_id") or 0) in PAID
            edited_without_stock = not platform_moves(session, store).edits_move_stock and session.scalar(
                select(Order.id).where(Order.store_id == store.id, Order.order_id == int(order["id"]))) is not None
            apply_catalog(session, store, records,
                          ordered=_ordered_units(products) if paid and not edited_without_stock else None)
        return apply_order(session, store, order, products)


def refresh_product(database: AppDatabase, store_id: int, product_id: int) -> int:
    with database.transaction(write=False) as session:
        store = session.get(Store, store_id)
        client = client_for(session, store)
        currency = installation_of(session, store).currency
    records = fetch_catalog(client, currency, product_id)
    with database.transaction() as session:
        return apply_catalog(session, session.get(Store, store_id), records)


def refresh_stock(database: AppDatabase, store_id: int, *, product_id: int | None = None,
                  variant_id: int | None = None, variant_ids: list[int] | None = None) -> int:
    """Reconcile our stock with BigCommerce's for a product or variant(s) (all of them when none
    is given); variants new to us are imported. Returns how many variants changed.

    BigCommerce's levels are read, then every order it modified since our last catch-up is
    applied, then the levels are read again, until two reads agree: so a cancel that restocked
    there is applied before its restock is compared, whatever order the webhooks came in."""
    with database.transaction(write=False) as session:
        store = session.get(Store, store_id)
        client = client_for(session, store)
        currency = installation_of(session, store).currency
    if variant_id is not None:
        variant_ids = [variant_id]
    params = ({"variant_id:in": ",".join(map(str, variant_ids))} if variant_ids
              else {"product_id:in": product_id} if product_id is not None else {})
    levels = fetch_available(client, params)
    for _ in range(STABLE_READS):
        catch_up_orders(database, store_id, client)
        again = fetch_available(client, params)
        if again == levels:
            break
        levels = again
    with database.transaction(write=False) as session:
        known = set(session.scalars(select(Variant.variant_id).where(
            Variant.store_id == store_id, Variant.variant_id.in_(list(levels)))))
    records = []
    if product_id is not None and set(levels) - known:
        records = fetch_catalog(client, currency, product_id)
    with database.transaction() as session:
        store = session.get(Store, store_id)
        if records:
            apply_catalog(session, store, [r for r in records if r["variant_id"] not in known])
        return apply_levels(session, store, {vid: level for vid, level in levels.items() if vid in known})


def catch_up_orders(database: AppDatabase, store_id: int, client: BigCommerceClient | None = None) -> int:
    """Apply every order BigCommerce modified since the last catch-up (with an overlap: applying
    an order twice is harmless). Returns the orders applied."""
    started = clock.utcnow()
    with database.transaction(write=False) as session:
        store = session.get(Store, store_id)
        client = client or client_for(session, store)
        installation = installation_of(session, store)
        since = (installation.orders_synced_at or installation.installed_at) - CATCH_UP_OVERLAP
    seen = 0
    params = {"min_date_modified": bigcommerce_date(since), "sort": "date_modified"}
    for order in client.v2_pages("/v2/orders", params):
        sync_order(database, store_id, int(order["id"]), order)
        seen += 1
    with database.transaction() as session:
        installation = installation_of(session, session.get(Store, store_id))
        installation.orders_synced_at = max(installation.orders_synced_at or started, started)
    return seen


# --- whole-store import and reconciliation ---------------------------------------------------


def import_store(database: AppDatabase, store_hash: str, days: int = 30, echo=lambda _: None) -> dict:
    """`backorder-desk sync`: the whole catalog with stock, then the orders created in the last
    `days` (the sales history of every variant, and the orders still to ship as backorders: see
    `import_orders`), then every variant's stock reconciled (orders BigCommerce took before the
    catalog was read are in its levels already: the reconciliation gives those units back)."""
    with database.transaction(write=False) as session:
        store = session.scalar(select(Store).where(Store.hash == store_hash, Store.platform == "bigcommerce"))
        if store is None:
            raise NotFound(f"No installed BigCommerce store {store_hash}.")
        store_id = store.id
        client = client_for(session, store)
        currency = installation_of(session, store).currency
    records = fetch_catalog(client, currency)
    for start in range(0, len(records), 100):
        with database.transaction() as session:
            apply_catalog(session, session.get(Store, store_id), records[start:start + 100])
    echo(f"Catalog: {len(records)} variants.")
    counts, sales = import_orders(database, store_id, client, days, echo)
    echo(f"Orders: {sum(counts.values())} ({', '.join(f'{k}: {v}' for k, v in sorted(counts.items())) or 'none'}).")
    echo(f"Sales history: {sales} order items recorded.")
    changed = refresh_stock(database, store_id)
    echo(f"Stock: {changed} variants reconciled with BigCommerce.")
    return {"variants": len(records), "orders": counts, "sales": sales}


def import_orders(database: AppDatabase, store_id: int, client: BigCommerceClient, days: int,
                  echo=lambda _: None) -> tuple[dict[str, int], int]:
    """Every order created in the last `days` not imported before, oldest id first, page by page:
    each is applied as a webhook would (its items go into the sales history; one still to ship is
    recorded with its backorders). Returns the outcomes counted and the sales rows recorded.

    Resumable and never done twice: the installation's `history_import` says what is held, every
    order created since `since` up to order id `after_id`, and moves on after each order, so an
    interrupted run continues where it stopped. A run asking further back than `since` first
    fetches the orders created before it (`extending`, with its own `after_id`)."""
    wanted = clock.utcnow().replace(microsecond=0) - timedelta(days=days)
    held = _history(database, store_id)
    counts: dict[str, int] = {}
    sales_before = _sales_count(database, store_id)
    if held.get("since") and wanted < datetime.fromisoformat(held["since"]):
        extending = held.get("extending") or {"since": wanted.isoformat(), "after_id": 0}
        if datetime.fromisoformat(extending["since"]) > wanted:
            extending = {"since": wanted.isoformat(), "after_id": 0}
        held["extending"] = extending
        until = datetime.fromisoformat(held["since"]) - timedelta(seconds=1)
        _import_range(database, store_id, client, held, extending, counts, echo,
                      {"min_date_created": bigcommerce_date(datetime.fromisoformat(extending["since"])),
                       "max_date_created": bigcommerce_date(until)})
        held["since"] = held.pop("extending")["since"]
        _save_history(database, store_id, held)
    if not held.get("since"):
        held.update(since=wanted.isoformat(), after_id=0)
    _import_range(database, store_id, client, held, held, counts, echo,
                  {"min_date_created": bigcommerce_date(datetime.fromisoformat(held["since"]))})
    held["completed_at"] = clock.utcnow().isoformat()
    _save_history(database, store_id, held)
    return counts, _sales_count(database, store_id) - sales_before


def _import_range(database, store_id, client, held: dict, cursor: dict, counts: dict, echo, filters: dict) -> None:
    """The orders matching `filters` past `cursor["after_id"]`, in pages of ids ascending; the
    cursor (part of `held`) is saved after each order."""
    params = {**filters, "min_id": cursor["after_id"] + 1, "sort": "id"}
    page = 1
    while True:
        orders = client.get("/v2/orders", {**params, "page": page, "limit": rest.V2_PAGE_SIZE}) or []
        for order in orders:
            outcome = sync_order(database, store_id, int(order["id"]), order)
            counts[outcome] = counts.get(outcome, 0) + 1
            cursor["after_id"] = int(order["id"])
            _save_history(database, store_id, held)
        if orders:
            echo(f"Orders page {page}: {len(orders)} (through order {cursor['after_id']}).")
        if len(orders) < rest.V2_PAGE_SIZE:
            return
        page += 1


def _history(database: AppDatabase, store_id: int) -> dict:
    with database.transaction(write=False) as session:
        return dict(installation_of(session, session.get(Store, store_id)).history_import or {})


def _save_history(database: AppDatabase, store_id: int, held: dict) -> None:
    with database.transaction() as session:
        # A new dict, so the JSON column sees the change.
        installation_of(session, session.get(Store, store_id)).history_import = json.loads(json.dumps(held))


def _sales_count(database: AppDatabase, store_id: int) -> int:
    with database.transaction(write=False) as session:
        return session.scalar(select(func.count()).select_from(Sale).where(Sale.store_id == store_id))


def reconcile(database: AppDatabase) -> int:
    """The periodic catch-up for missed webhooks: orders modified since the last run (with an
    overlap), and the stock of variants people are waiting for. Returns the orders looked at."""
    now = clock.utcnow()
    with database.transaction(write=False) as session:
        due = session.execute(
            select(BigCommerceInstallation.store_id, BigCommerceInstallation.reconciled_at)
            .join(Store, Store.id == BigCommerceInstallation.store_id)
            .where(Store.active, BigCommerceInstallation.uninstalled_at.is_(None))
        ).all()
    seen = 0
    for store_id, reconciled_at in due:
        if reconciled_at is not None and now - reconciled_at < RECONCILE_EVERY:
            continue
        since = (reconciled_at - RECONCILE_OVERLAP) if reconciled_at else now - FIRST_RECONCILE_WINDOW
        try:
            seen += _reconcile_store(database, store_id, since)
        except Exception:  # noqa: BLE001 - one store's failure must not stop the others
            log.exception("Reconciliation failed for store %s", store_id)
            continue
        with database.transaction() as session:
            installation = session.scalar(select(BigCommerceInstallation).where(
                BigCommerceInstallation.store_id == store_id))
            installation.reconciled_at = now
    return seen


def _reconcile_store(database: AppDatabase, store_id: int, since: datetime) -> int:
    with database.transaction(write=False) as session:
        store = session.get(Store, store_id)
        client = client_for(session, store)
        waiting_variants = list(session.scalars(
            select(Variant.variant_id).join(Line, Line.variant_pk == Variant.id)
            .where(Variant.store_id == store_id, Line.state == "waiting")
            .distinct().limit(RECONCILE_STOCK_LIMIT)
        ))
    seen = 0
    params = {"min_date_modified": bigcommerce_date(since), "sort": "date_modified"}
    for order in client.v2_pages("/v2/orders", params):
        sync_order(database, store_id, int(order["id"]), order)
        seen += 1
    if waiting_variants:
        refresh_stock(database, store_id, variant_ids=waiting_variants)
    return seen


def refresh_inventory_settings(database: AppDatabase, store_id: int) -> None:
    """Read the store's inventory settings again (the merchant may have changed them), with no
    transaction open while BigCommerce answers; a refusal keeps what we had (logged)."""
    with database.transaction(write=False) as session:
        store = session.get(Store, store_id)
        client, store_hash = client_for(session, store), store.hash
    read = fetch_inventory_settings(client, store_hash)
    with database.transaction() as session:
        keep_inventory_settings(installation_of(session, session.get(Store, store_id)), read, store_hash)


def reconcile_stock_nightly(database: AppDatabase) -> int:
    """Once a day (the store's date) per installed store: the store's inventory settings read
    again, then every variant's stock compared with BigCommerce's inventory items. Returns the
    stores reconciled."""
    from api.domain.dates import store_today

    with database.transaction(write=False) as session:
        due = [(store.id, installation.stock_reconciled_on, store_today(store)) for store, installation in
               session.execute(select(Store, BigCommerceInstallation)
                               .join(BigCommerceInstallation, BigCommerceInstallation.store_id == Store.id)
                               .where(Store.active, BigCommerceInstallation.uninstalled_at.is_(None))).all()]
    done = 0
    for store_id, reconciled_on, today in due:
        if reconciled_on is not None and reconciled_on >= today:
            continue
        try:
            refresh_inventory_settings(database, store_id)
            refresh_stock(database, store_id)
        except Exception:  # noqa: BLE001 - one store's failure must not stop the others
            log.exception("Nightly stock reconciliation failed for store %s", store_id)
            continue
        with database.transaction() as session:
            installation_of(session, session.get(Store, store_id)).stock_reconciled_on = today
        done += 1
    return done

