"""Seven months of believable history for the demo store, generated from a fixed seed so every
analytics chart, forecast and reorder suggestion has something to show on first open.

What it makes, in bulk (a handful of multi-row INSERTs, so seeding stays fast):
- orders from shoppers other than the demo accounts, placed day by day with each product's own
  pattern (steady, seasonal, intermittent), all in the sales history;
- stock-outs: orders placed while a variant was out of stock backordered it, and waited for a
  purchase order from its supplier, received on time or late; their lines shipped early or late
  against the date first promised, or were cancelled (refunded), switched to another size, or
  moved to pay later and then paid (or let go when the hold expired);
- restock alerts for the socks, after which some of the shoppers alerted ordered within a week.

Orders that backordered nothing are kept in the sales history only, as the BigCommerce history
import keeps orders shipped before the app saw them. Every history line is finished (shipped,
cancelled or switched), so the live queue and the demo accounts are exactly as seed.py makes them,
and no history row writes a message to the outbox."""
import math
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.domain.bulk import insert_rows
from api.domain.local_days import with_local_days
from api.domain.sales import sale_day
from api.models import (
    InboundShipment, Line, Order, PaymentRequestRecord, PurchaseOrder, Refund, RestockSubscription, Sale, Store,
    Supplier, Variant,
)

SEED = 14
HISTORY_DAYS = 215  # seven months back from today
LAST_STOCKOUT_ENDS = 40  # days ago: every stock-out in the history is over, its lines finished
FIRST_ORDER_NUMBER = 1  # history orders are numbered up to the first live demo order (1001)

# The day of the year each kind of product sells best, and how strongly (0: all year the same).
SEASONS = {"outerwear": (15, 0.8), "tops": (290, 0.5), "footwear": (110, 0.4), "packs": (190, 0.6),
           "accessories": (350, 0.5)}
# Orders per week, on average over the year, per product; intermittent ones order in lumps.
WEEKLY_ORDERS = {101: 5.0, 102: 2.5, 103: 2.0, 104: 0.7, 105: 2.5, 106: 0.9, 107: 2.0, 108: 3.0, 109: 1.2,
                 110: 2.5, 111: 1.1, 112: 1.3, 113: 0.35, 114: 2.5}
INTERMITTENT = {104, 113, 106}  # rare orders, sometimes for several units
ADD_ONS = (10801, 11401)  # what shoppers often add to an order: a beanie, a mug
SOCKS = 10701  # sold out with backorders off: its subscribers were alerted at the last restock

# Stock-outs: (variant, first day out, last day out, in days ago; the purchase order that ended it
# arrived this many days after it was expected (negative: early)).
STOCKOUTS = [
    (10101, 75, 52, 1), (10102, 195, 160, 0), (10102, 100, 68, 6), (10103, 150, 120, -1),
    (10201, 175, 145, 9), (10201, 85, 58, 2), (10202, 140, 115, 0), (10401, 205, 165, 12),
    (10402, 125, 95, 0), (10501, 190, 158, 4), (10501, 120, 92, 0), (10501, 75, 46, 7),
    (10901, 135, 110, 3), (10902, 100, 82, -1), (11001, 180, 148, -2), (11001, 95, 64, 5),
    (11002, 130, 104, 8), (11003, 145, 115, 0), (11201, 105, 76, 11), (11301, 170, 115, 3),
]

FIRST_NAMES = ("Maya", "Noah", "Iris", "Omar", "Lena", "Theo", "Sofia", "Arjun", "Chloe", "Mateo", "Hana",
               "Felix", "Zara", "Ivan", "Nora", "Kofi", "Elin", "Ravi", "Lucia", "Jonas")
LAST_NAMES = ("Okafor", "Lindqvist", "Moreau", "Tanaka", "Silva", "Novak", "Haddad", "Kowalski", "Byrne",
              "Rossi", "Andersen", "Mensah", "Duarte", "Weber", "Park")


@dataclass
class HistoryOrder:
    placed_at: datetime
    shopper: int
    items: list[tuple[int, int]]  # (variant id, quantity)
    number: int = 0
    backordered: set[int] = field(default_factory=set)  # variant ids out of stock when ordered


def seed_history(session: Session, store: Store, variants: dict[int, Variant], suppliers: dict[int, Supplier],
                 today: date) -> None:
    """`variants` by variant id, `suppliers` by product id."""
    rng = random.Random(SEED)
    start = today - timedelta(days=HISTORY_DAYS)
    socks_out = [(today - timedelta(days=120), today - timedelta(days=75)),
                 (today - timedelta(days=20), today)]
    orders = _orders(rng, variants, start, today, socks_out)
    orders += _restock_alerts(session, store, rng, variants[SOCKS], socks_out)
    orders.sort(key=lambda order: order.placed_at)
    orders = orders[-(1000 - FIRST_ORDER_NUMBER):]  # numbered below the live demo orders
    for number, order in enumerate(orders, start=FIRST_ORDER_NUMBER):
        order.number = number
    receipts = _stockouts(session, store, variants, suppliers, orders, today)
    _sales(session, store, variants, orders)
    _backorders(session, store, rng, variants, orders, receipts)


# --- orders ----------------------------------------------------------------------------------------


def _season(category: str, day: date) -> float:
    peak, strength = SEASONS[category]
    return 1 + strength * math.cos(2 * math.pi * (day.timetuple().tm_yday - peak) / 365)


def _poisson(rng: random.Random, mean: float) -> int:
    """Knuth's method: fine for the small means of one day's orders."""
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def _orders(rng: random.Random, variants: dict[int, Variant], start: date, today: date,
            socks_out: list[tuple[date, date]]) -> list[HistoryOrder]:
    by_product: dict[int, list[Variant]] = {}
    for variant in sorted(variants.values(), key=lambda v: v.variant_id):
        by_product.setdefault(variant.product_id, []).append(variant)
    orders = []
    day = start
    while day < today - timedelta(days=3):
        for product_id, product_variants in sorted(by_product.items()):
            category = product_variants[0].category
            mean = WEEKLY_ORDERS[product_id] / 7 * _season(category, day)
            for _ in range(_poisson(rng, mean)):
                variant = rng.choice(product_variants)
                if variant.variant_id == SOCKS and any(a <= day <= b for a, b in socks_out):
                    continue  # sold out, and socks cannot be backordered
                lumpy = product_id in INTERMITTENT and rng.random() < 0.4
                quantity = rng.randint(2, 4) if lumpy else (2 if rng.random() < 0.15 else 1)
                items = [(variant.variant_id, quantity)]
                if rng.random() < 0.2:
                    add_on = rng.choice(ADD_ONS)
                    if add_on != variant.variant_id:
                        items.append((add_on, 1))
                placed = datetime.combine(day, time(rng.randint(7, 22), rng.randint(0, 59)))
                orders.append(HistoryOrder(placed, rng.randrange(len(FIRST_NAMES) * len(LAST_NAMES)), items))
        day += timedelta(days=1)
    return orders


def _shopper(index: int) -> tuple[int, str, str]:
    """(customer id, first name, email) of a history shopper: never one of the demo accounts."""
    first, last = FIRST_NAMES[index % len(FIRST_NAMES)], LAST_NAMES[index // len(FIRST_NAMES)]
    return 100 + index, first, f"{first}.{last}@example.net".lower()


def _sales(session: Session, store: Store, variants: dict[int, Variant], orders: list[HistoryOrder]) -> None:
    rows = []
    for order in orders:
        customer_id, _, email = _shopper(order.shopper)
        for index, (variant_id, quantity) in enumerate(order.items, start=1):
            variant = variants[variant_id]
            rows.append({"store_id": store.id, "order_id": order.number, "item_id": order.number * 10 + index,
                         "variant_pk": variant.id, "placed_at": order.placed_at, "day": sale_day(store, order.placed_at),
                         "quantity": quantity, "revenue": quantity * variant.price, "currency": variant.currency,
                         "customer_id": customer_id, "email": email, "phone": ""})
    insert_rows(session, Sale.__table__, rows)


# --- stock-outs, purchase orders, backorders -------------------------------------------------------


@dataclass
class Receipt:
    expected_on: date
    received_on: date


def _stockouts(session: Session, store: Store, variants: dict[int, Variant], suppliers: dict[int, Supplier],
               orders: list[HistoryOrder], today: date) -> dict[tuple[int, int], Receipt]:
    """Each stock-out ends with a purchase order from the variant's supplier, received on time,
    early or late; orders placed meanwhile backordered the variant. Returns each backordered
    (order number, variant id)'s receipt."""
    receipts: dict[tuple[int, int], Receipt] = {}
    purchase_orders, lines = [], []
    for number, (variant_id, out_from, out_until, late) in enumerate(STOCKOUTS, start=1):
        variant = variants[variant_id]
        first, last = today - timedelta(days=out_from), today - timedelta(days=out_until)
        receipt = Receipt(expected_on=last - timedelta(days=late), received_on=last)
        waiting = [order for order in orders if first <= order.placed_at.date() < last
                   and any(v == variant_id for v, _ in order.items)]
        for order in waiting:
            order.backordered.add(variant_id)
            receipts[(order.number, variant_id)] = receipt
        supplier = suppliers[variant.product_id]
        ordered_at = datetime.combine(receipt.expected_on - timedelta(days=supplier.lead_time_days), time(9))
        units = sum(q for order in waiting for v, q in order.items if v == variant_id) + 6
        purchase_orders.append({
            "store_id": store.id, "supplier": supplier.name, "supplier_id": supplier.id,
            "reference": f"PO-H{number:03d}", "expected_on": receipt.expected_on, "status": "received",
            "origin": "merchant", "approved_at": None, "created_at": ordered_at, "updated_at": ordered_at})
        lines.append({"store_id": store.id, "variant_pk": variant.id, "quantity": units,
                      "expected_on": receipt.expected_on, "received_on": receipt.received_on,
                      "quantity_received": units, "created_at": ordered_at})
    insert_rows(session, PurchaseOrder.__table__, purchase_orders)
    ids = _ids(session, PurchaseOrder, store, len(purchase_orders))
    insert_rows(session, InboundShipment.__table__, [{**line, "purchase_order_id": po_id} for line, po_id in zip(lines, ids)])
    return receipts


def _ids(session: Session, model, store: Store, count: int) -> list[int]:
    """The ids of the last `count` rows of `model` inserted for the store, in insertion order."""
    return sorted(session.scalars(
        select(model.id).where(model.store_id == store.id).order_by(model.id.desc()).limit(count)))


def _backorders(session: Session, store: Store, rng: random.Random, variants: dict[int, Variant],
                orders: list[HistoryOrder], receipts: dict[tuple[int, int], Receipt]) -> None:
    """The history orders that backordered something, with their lines' outcomes."""
    backordered = [order for order in orders if order.backordered]
    insert_rows(session, Order.__table__, with_local_days(store, Order, [{
        "store_id": store.id, "order_id": order.number, "customer_id": _shopper(order.shopper)[0],
        "email": _shopper(order.shopper)[2], "first_name": _shopper(order.shopper)[1], "locale": "en", "phone": "",
        "currency": "USD", "placed_at": order.placed_at, "refundable": True, "created_at": order.placed_at,
        "total": sum(q * variants[v].price for v, q in order.items)} for order in backordered]))
    order_pks = _ids(session, Order, store, len(backordered))
    lines, outcomes = [], []
    for order, order_pk in zip(backordered, order_pks):
        for index, (variant_id, quantity) in enumerate(order.items, start=1):
            variant = variants[variant_id]
            line = {"store_id": store.id, "order_pk": order_pk, "variant_pk": variant.id,
                    "external_id": order.number * 10 + index, "product_id": variant.product_id,
                    "variant_id": variant_id, "name": variant.name, "sku": variant.sku, "quantity": quantity,
                    "quantity_backordered": 0, "quantity_allocated": 0, "quantity_shipped": quantity,
                    "quantity_cancelled": 0, "state": "shipped", "payment_mode": "pay_now",
                    "unit_price": variant.price, "unit_price_ex_tax": None, "list_price": variant.price,
                    "currency": variant.currency, "queued_at": order.placed_at, "eta_date": None, "eta_source": None,
                    "first_promised_on": None, "lead_time_from": None, "allocated_at": None,
                    "shipped_at": order.placed_at + timedelta(days=1), "created_at": order.placed_at}
            outcome = None
            if variant_id in order.backordered:
                outcome = _outcome(rng, line, receipts[(order.number, variant_id)], variants)
            lines.append(line)
            outcomes.append(outcome)
    insert_rows(session, Line.__table__, with_local_days(store, Line, lines))
    line_pks = _ids(session, Line, store, len(lines))
    _money(session, store, lines, line_pks, outcomes, variants)


def _outcome(rng: random.Random, line: dict, receipt: Receipt, variants: dict[int, Variant]) -> tuple[str, int | None]:
    """Turn a line into a backordered one and decide how it ended: shipped (early, on time or late
    against the date first promised: the purchase order's expected date plus a handling day),
    cancelled, switched (to the variant returned), or pay later (then paid, or let go)."""
    received = datetime.combine(receipt.received_on, time(10))
    line.update(quantity_backordered=line["quantity"], first_promised_on=receipt.expected_on + timedelta(days=1))
    roll = rng.random()
    siblings = sorted(v for v, other in variants.items()
                      if other.product_id == line["product_id"] and v != line["variant_id"])
    if roll < 0.10:
        line.update(quantity_shipped=0, quantity_cancelled=line["quantity"], state="cancelled", shipped_at=None)
        return "cancelled", None
    if roll < 0.18 and siblings:
        line.update(quantity_shipped=0, quantity_cancelled=line["quantity"], state="switched", shipped_at=None)
        return "switched", rng.choice(siblings)
    shipped = received + timedelta(days=rng.choice((0, 1, 1, 1, 2, 3)), hours=rng.randint(1, 6))
    line.update(allocated_at=received, shipped_at=shipped)
    if roll < 0.28:
        return "pay_later_paid", None
    if roll < 0.31:
        line.update(quantity_shipped=0, quantity_cancelled=line["quantity"], state="cancelled", shipped_at=None)
        return "pay_later_expired", None
    return "shipped", None


def _money(session: Session, store: Store, lines: list[dict], line_pks: list[int],
           outcomes: list[tuple[str, int | None] | None], variants: dict[int, Variant]) -> None:
    """The refunds and payment requests the outcomes made, and the lines switched to."""
    refunds, payments, switched_in = [], [], []
    for line, line_pk, decided in zip(lines, line_pks, outcomes):
        if decided is None or decided[0] == "shipped":
            continue
        outcome, switched_to = decided
        amount = line["quantity"] * line["unit_price"]
        placed = line["queued_at"]
        if outcome == "switched":
            variant = variants[switched_to]
            moment = placed + timedelta(days=3)
            switched_in.append({**line, "variant_pk": variant.id,
                                "variant_id": variant.variant_id, "name": variant.name, "sku": variant.sku,
                                "external_id": None, "quantity_backordered": 0, "quantity_shipped": line["quantity"],
                                "quantity_cancelled": 0, "state": "shipped", "first_promised_on": None,
                                "queued_at": moment, "shipped_at": moment + timedelta(days=1), "created_at": moment})
            continue
        # A cancel refunds the units; moving to pay later refunds what was paid, to pay again later.
        reason = "cancel" if outcome == "cancelled" else "pay_later"
        refunded_at = placed + timedelta(days=2)
        refunds.append({"store_id": store.id, "order_pk": line["order_pk"], "line_pk": line_pk,
                        "key": f"demo-history:{line_pk}:{reason}", "reason": reason, "quantity": line["quantity"],
                        "amount": amount, "currency": line["currency"], "status": "confirmed", "attempts": 1,
                        "next_attempt_at": refunded_at, "reference": f"demo-refund-{line_pk}", "last_error": "",
                        "created_at": refunded_at, "confirmed_at": refunded_at})
        if outcome.startswith("pay_later"):
            held = line["allocated_at"]
            paid = outcome == "pay_later_paid"
            payments.append({"store_id": store.id, "order_pk": line["order_pk"], "line_pk": line_pk,
                             "purpose": "pay_later", "quantity": line["quantity"], "amount": amount,
                             "currency": line["currency"], "status": "paid" if paid else "expired", "url": "",
                             "reference": f"demo-history-{line_pk}", "hold_until": held + timedelta(days=3),
                             "attempts": 1, "next_attempt_at": held, "last_error": "", "created_at": held,
                             "paid_at": held + timedelta(hours=20) if paid else None, "paid_order_id": None,
                             "paid_item_id": None, "quantity_shipped": 0, "coupon_code": ""})
    insert_rows(session, Line.__table__, with_local_days(store, Line, switched_in))
    insert_rows(session, Refund.__table__, refunds)
    insert_rows(session, PaymentRequestRecord.__table__, payments)


# --- restock alerts --------------------------------------------------------------------------------


def _restock_alerts(session: Session, store: Store, rng: random.Random, socks: Variant,
                    socks_out: list[tuple[date, date]]) -> list[HistoryOrder]:
    """Shoppers who asked to hear about the socks while they were sold out: those of the last
    stock-out were alerted when they came back, and some ordered within the week (the orders
    returned); those of the current one are still waiting."""
    (first, restocked), (current, _) = socks_out
    alerted_at = datetime.combine(restocked, time(9, 30))
    rows, follow_ups = [], []
    for index in range(22):
        shopper = index * 13 % (len(FIRST_NAMES) * len(LAST_NAMES))  # 22 different people
        email = _shopper(shopper)[2]
        waiting_now = index >= 15
        asked = datetime.combine(current if waiting_now else first, time(rng.randint(8, 20))) + timedelta(
            days=rng.randint(0, 17))
        rows.append({"store_id": store.id, "variant_pk": socks.id, "contact": email, "email": email, "phone": "",
                     "locale": "en", "status": "active" if waiting_now else "notified", "created_at": asked,
                     "notified_at": None if waiting_now else alerted_at})
        if not waiting_now and index % 3 == 0:
            placed = alerted_at + timedelta(days=rng.randint(0, 6), hours=rng.randint(1, 10))
            follow_ups.append(HistoryOrder(placed, shopper, [(socks.variant_id, rng.randint(1, 3))]))
    insert_rows(session, RestockSubscription.__table__, rows)
    return follow_ups
