"""The queue: orders arriving, stock arriving, and what each waiting line can expect.

For each variant, waiting units are served in order of the order's placement time, then line id.
Every function that changes a variant's stock or queue first locks the variant row, so concurrent
orders, receipts and cancellations for one variant run one after another."""
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from types import SimpleNamespace

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from api.domain import clock
from api.domain.bulk import update_rows
from api.domain.dates import WEEKDAYS, store_today, zone
from api.domain.errors import Conflict, Invalid, NotFound
from api.domain.eta import Calendar, Eta, SupplyCurve, queue_etas
from api.domain.events import line_summary, notify, record, record_many, record_rows, recipient
from api.domain.local_days import local_day
from api.domain.payments import hold_for_payment
from api.domain.restock import alert_subscribers
from api.domain.sales import SaleIn, record_sales
from api.domain.stock import ADJUSTED, ALLOCATED as TAKEN, RECEIVED, allocated_many, move, owe_platform
from api.models import InboundShipment, Line, Order, PurchaseOrder, Store, Variant

# Receipts add up without a natural end, so the stock on hand is a 64-bit column bounded by what
# a JSON number holds exactly (the widget reads it in JavaScript); a receipt past it is refused.
MAX_ON_HAND = 2**53 - 1

WAITING, ALLOCATED, AWAITING_PAYMENT = "waiting", "allocated", "awaiting_payment"
SHIPPED, CANCELLED, SWITCHED = "shipped", "cancelled", "switched"
PAY_NOW, PAY_LATER = "pay_now", "pay_later"
# Purchase orders whose lines are no supply: a cancelled one, and a draft (from the reorder job),
# which promises nothing to shoppers until the merchant approves it.
DRAFT = "draft"
NOT_SUPPLY = (CANCELLED, DRAFT)


# --- locking and reading the queue ---------------------------------------------------------


def lock_variant(session: Session, store: Store, variant_id: int) -> Variant:
    """The variant row, locked until the transaction ends (FOR UPDATE on PostgreSQL; SQLite
    writers are already serialized by BEGIN IMMEDIATE)."""
    variant = session.scalar(
        select(Variant)
        .where(Variant.store_id == store.id, Variant.variant_id == variant_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if variant is None:
        raise NotFound(f"Variant {variant_id} is not in this store's catalog.")
    return variant


def queue(session: Session, variant: Variant) -> list[Line]:
    """Waiting lines of a variant, head of the queue first."""
    return list(
        session.scalars(
            select(Line)
            .where(Line.variant_pk == variant.id, Line.state == WAITING)
            .order_by(Line.queued_at, Line.id)
            .options(joinedload(Line.order))
        )
    )


def waiting_units(session: Session, variant_pks: list[int]) -> dict[int, int]:
    """Units waiting in each variant's queue, in one query."""
    if not variant_pks:
        return {}
    waiting = Line.quantity - Line.quantity_allocated - Line.quantity_shipped - Line.quantity_cancelled
    rows = session.execute(
        select(Line.variant_pk, func.sum(waiting))
        .where(Line.variant_pk.in_(variant_pks), Line.state == WAITING)
        .group_by(Line.variant_pk)
    )
    return {pk: int(total) for pk, total in rows}


def supply_curves(session: Session, variant_pks: list[int]) -> dict[int, SupplyCurve]:
    """Each variant's inbound shipments not yet received, in one query."""
    shipments: dict[int, list[tuple[date, int]]] = defaultdict(list)
    if variant_pks:
        # What is still to come: a line received in part counts for the rest; a cancelled or draft
        # purchase order counts for nothing.
        rows = session.execute(
            select(InboundShipment.variant_pk, InboundShipment.expected_on,
                   InboundShipment.quantity - func.coalesce(InboundShipment.quantity_received, 0))
            .join(PurchaseOrder, InboundShipment.purchase_order_id == PurchaseOrder.id)
            .where(InboundShipment.variant_pk.in_(variant_pks), InboundShipment.received_on.is_(None),
                   PurchaseOrder.status.not_in(NOT_SUPPLY))
            .order_by(InboundShipment.expected_on, InboundShipment.id)
        )
        for pk, expected_on, quantity in rows:
            shipments[pk].append((expected_on, quantity))
    return {pk: SupplyCurve.from_inbound(shipments.get(pk, [])) for pk in variant_pks}


def backorder_capacity(variant: Variant, waiting: int) -> int | None:
    """How many more units may wait: None is unlimited, 0 when backorders are off."""
    if not variant.backorders_enabled:
        return 0
    if variant.backorder_limit is None:
        return None
    return max(0, variant.backorder_limit - waiting)


# --- line state -----------------------------------------------------------------------------


def settle_state(line: Line) -> None:
    """Derive a line's state from its quantities (a switched line stays switched)."""
    if line.state != SWITCHED:
        line.state = state_for(line.quantity_waiting, line.quantity_allocated, line.quantity_shipped,
                               line.payment_mode)


def state_for(waiting: int, allocated: int, shipped: int, payment_mode: str) -> str:
    if waiting > 0:
        return WAITING
    if allocated > 0:
        return AWAITING_PAYMENT if payment_mode == PAY_LATER else ALLOCATED
    return SHIPPED if shipped > 0 else CANCELLED


# --- ETAs -----------------------------------------------------------------------------------


def store_calendar(store: Store) -> Calendar:
    return Calendar(today=store_today(store), handling_days=store.handling_days,
                    working_days=tuple(store.working_days or WEEKDAYS))


def queue_with_etas(
    session: Session, store: Store, variant: Variant, shipments: list[tuple[date, int]] | None = None
) -> list[tuple[Line, Eta]]:
    """Each waiting line of the variant with the ETA it gets from the variant's inbound, or from
    `shipments` (expected date, units) instead when given: what a change to inbound would do. A
    lead-time date counts from the day it was promised, so it stays where it is."""
    lines = queue(session, variant)
    curve = (SupplyCurve.from_inbound(shipments) if shipments is not None
             else supply_curves(session, [variant.id])[variant.id])
    etas = queue_etas(
        [line.quantity_waiting for line in lines],
        curve,
        lead_time_days=variant.lead_time_days,
        calendar=store_calendar(store),
        lead_time_from=[line.lead_time_from for line in lines],
    )
    return list(zip(lines, etas))


def date_moves(line: Line, eta: Eta) -> bool:
    """Whether giving the line this ETA tells its shopper of a new date (`eta_changed`): its date
    changes, it becomes delayed (once), or it stops being delayed."""
    if line.eta_source is None:
        return False
    if eta.source == "delayed":
        return line.eta_source != "delayed" and line.eta_date is not None
    return line.eta_date != eta.date or line.eta_source == "delayed"


def recompute_etas(session: Session, store: Store, variant: Variant) -> None:
    """Give every waiting line of the variant its current ETA. A line whose date moves gets a
    timeline entry and an `eta_changed` notification; a line that stops waiting loses its ETA.
    Recomputing for an unrelated change (the product's message) moves no lead-time date."""
    today = store_today(store)
    changes = [(line, change) for line, eta in queue_with_etas(session, store, variant)
               if (change := _set_eta(line, eta, today))]
    record_many(session, changes, "eta_changed")


def _set_eta(line: Line, eta: Eta, today: date) -> dict | None:
    """Set a line's ETA; what to announce when its date moved."""
    if eta.source == "lead_time" and line.lead_time_from is None:
        line.lead_time_from = today  # a new lead-time promise counts from today
    elif eta.source not in ("lead_time", "delayed"):
        line.lead_time_from = None
    if line.eta_source is None:  # a new line: its first promise, announced with the order
        line.eta_date, line.eta_source = eta.date, eta.source
        line.first_promised_on = eta.date
        return None
    if eta.source == "delayed":  # keeps the date it missed; announced once, when it becomes delayed
        if line.eta_source == "delayed" or line.eta_date is None:
            line.eta_source = eta.source
            return None
        old = line.eta
        line.eta_source = eta.source
        return {"old_eta": old, "new_eta": eta.as_dict()}
    if line.eta_date == eta.date and line.eta_source != "delayed":
        line.eta_source = eta.source
        return None
    old = line.eta
    line.eta_date, line.eta_source = eta.date, eta.source
    if line.first_promised_on is None:
        line.first_promised_on = eta.date
    return {"old_eta": old, "new_eta": eta.as_dict()}


def recompute_store(session: Session, store: Store) -> int:
    """Recompute every waiting line's ETA in the store (variants locked in id order, like every
    other locker). Returns the variants recomputed."""
    variant_ids = session.scalars(
        select(Variant.variant_id).join(Line, Line.variant_pk == Variant.id)
        .where(Variant.store_id == store.id, Line.state == WAITING).distinct().order_by(Variant.variant_id)
    ).all()
    for variant_id in variant_ids:
        recompute_etas(session, store, lock_variant(session, store, variant_id))
    return len(variant_ids)


def overdue_inbound(session: Session, store: Store) -> list[InboundShipment]:
    """Inbound shipments not received by their expected date (the store's today); lines of
    cancelled or draft purchase orders are expected by nobody."""
    return list(session.scalars(
        select(InboundShipment).join(PurchaseOrder, InboundShipment.purchase_order_id == PurchaseOrder.id)
        .where(InboundShipment.store_id == store.id, InboundShipment.received_on.is_(None),
               InboundShipment.expected_on < store_today(store), PurchaseOrder.status.not_in(NOT_SUPPLY))
        .order_by(InboundShipment.expected_on, InboundShipment.id).options(joinedload(InboundShipment.variant))
    ))


def clear_eta(line: Line) -> None:
    line.eta_date, line.eta_source = None, None


# --- orders arriving ------------------------------------------------------------------------


@dataclass
class OrderLineIn:
    variant_id: int
    quantity: int
    unit_price: int
    external_id: int | None = None
    quantity_backordered: int | None = None  # what the platform says, when it says
    unit_price_ex_tax: int | None = None  # paid per unit without tax (None: no tax)
    list_price: int | None = None  # the catalog's price per unit before discounts (None: unit_price)


def take_units(session: Session, variant: Variant, line: Line, units: int, *, note: str) -> None:
    """A new line's units served from what is on hand. Units beyond it are ones the platform sold
    from stock we had not counted yet: booked as an adjustment first, so on hand never goes below 0."""
    if units > variant.on_hand:
        move(session, variant, ADJUSTED, units - variant.on_hand, note="sold by the platform from stock")
    move(session, variant, TAKEN, units, line=line, note=note)


def ingest_order(
    session: Session,
    store: Store,
    *,
    order_id: int,
    currency: str,
    lines: list[OrderLineIn],
    customer_id: int | None = None,
    email: str = "",
    first_name: str = "",
    locale: str = "en",
    placed_at: datetime | None = None,
    phone: str = "",
    enforce_limit: bool = True,
    refundable: bool = True,
    total: int | None = None,
) -> Order:
    """Record an order: each line takes what is on hand and the rest waits in the queue. Its
    lines go into the sales history too. `total`: what the shopper paid for the whole order
    (default: the sum of its lines).

    An order past a variant's backorder limit is refused, unless `enforce_limit` is False: an
    order the platform has already taken and charged is recorded whatever our limit says, since
    dropping it would leave a paying shopper out of the queue."""
    exists = session.scalar(
        select(Order.id).where(Order.store_id == store.id, Order.order_id == order_id)
    )
    if exists:
        raise Conflict(f"Order {order_id} has already been recorded.")
    # Lock every variant involved, in a fixed order so two orders never deadlock.
    variants: dict[int, Variant] = {}
    for variant_id in sorted({line.variant_id for line in lines}):
        try:
            variants[variant_id] = lock_variant(session, store, variant_id)
        except NotFound:
            index = next(i for i, line in enumerate(lines) if line.variant_id == variant_id)
            raise Invalid(
                "The order names a variant that is not in the catalog.",
                {"json": {"lines": {str(index): {"variant_id": ["Unknown variant."]}}}},
            ) from None
    waiting = waiting_units(session, [v.id for v in variants.values()])

    placed_at = placed_at or clock.utcnow()
    order = Order(
        store_id=store.id,
        order_id=order_id,
        customer_id=customer_id,
        email=email,
        first_name=first_name,
        locale=locale,
        phone=phone,
        currency=currency,
        placed_at=placed_at,
        refundable=refundable,
        total=total if total is not None else sum(line.unit_price * line.quantity for line in lines),
    )
    session.add(order)
    for index, line_in in enumerate(lines):
        variant = variants[line_in.variant_id]
        if line_in.quantity_backordered is not None:
            backordered = min(line_in.quantity_backordered, line_in.quantity)
        else:
            backordered = line_in.quantity - min(variant.on_hand, line_in.quantity)
        if backordered:
            capacity = backorder_capacity(variant, waiting.get(variant.id, 0))
            if enforce_limit and capacity is not None and backordered > capacity:
                _refuse_backorder(variant, capacity, line_in.quantity - backordered, index)
            waiting[variant.id] = waiting.get(variant.id, 0) + backordered
        line = Line(
            store_id=store.id,
            variant_pk=variant.id,
            external_id=line_in.external_id,
            product_id=variant.product_id,
            variant_id=variant.variant_id,
            name=variant.name,
            sku=variant.sku,
            quantity=line_in.quantity,
            quantity_backordered=backordered,
            quantity_allocated=line_in.quantity - backordered,
            quantity_shipped=0,
            quantity_cancelled=0,
            payment_mode=PAY_NOW,
            unit_price=line_in.unit_price,
            unit_price_ex_tax=line_in.unit_price_ex_tax,
            list_price=line_in.list_price,
            currency=currency,
            queued_at=placed_at,
            state=WAITING,
        )
        settle_state(line)
        order.lines.append(line)
        session.flush()
        take_units(session, variant, line, line_in.quantity - backordered, note="order")

    record_sales(
        session, store, order_id=order_id, placed_at=placed_at, currency=currency,
        customer_id=customer_id, email=email, phone=phone,
        items=[SaleIn(item_id=line.external_id if line.external_id is not None else line.id,
                      variant_pk=line.variant_pk, quantity=line.quantity,
                      revenue=line.unit_price * line.quantity) for line in order.lines],
    )
    for variant in variants.values():
        recompute_etas(session, store, variant)
    backordered_lines = [line for line in order.lines if line.quantity_backordered]
    for line in order.lines:
        data = {"quantity_backordered": line.quantity_backordered, "eta": line.eta}
        record(session, line, "placed", data, shopper_visible=False)
    if backordered_lines:
        notify(
            session,
            store.id,
            "backorder_placed",
            {
                **recipient(order),
                "lines": [
                    {**line_summary(line), "quantity_backordered": line.quantity_backordered,
                     "eta": line.eta}
                    for line in backordered_lines
                ],
            },
        )
    return order


def _refuse_backorder(variant: Variant, capacity: int, in_stock: int, index: int):
    """Refuse a line that does not fit, naming the real reason: backorders are off, the limit is
    reached, or only so many more fit under it."""
    name = variant.name or variant.sku
    if not variant.backorders_enabled:
        reason, field = "backorders_off", "This item cannot be backordered."
        message = (f"{name} cannot be backordered; {in_stock} in stock now." if in_stock
                   else f"{name} is sold out and cannot be backordered.")
    elif capacity == 0:
        reason, field = "backorder_limit_reached", "The backorder limit is reached."
        message = f"{name} is sold out: its backorder limit is reached."
    else:
        reason, field = "backorder_limit", f"At most {capacity} can be backordered."
        message = f"Only {capacity} more of {name} can be backordered."
    raise Conflict(message, {"json": {"lines": {str(index): {"quantity": [field]}}}, "reason": reason})


# --- stock arriving -------------------------------------------------------------------------


@dataclass(frozen=True)
class Allocation:
    order_id: int
    line_id: int
    quantity: int


def first_come_first_served(lines: list[Line], units: int) -> list[tuple[Line, int]]:
    """Which lines of a queue (head first) `units` serve, and how many each gets; the last line
    served may be served in part."""
    served = []
    for line in lines:
        if units <= 0:
            break
        share = min(line.quantity_waiting, units)
        served.append((line, share))
        units -= share
    return served


def allocate(session: Session, store: Store, variant: Variant) -> list[Allocation]:
    """Give on-hand units of a locked variant to its queue, first come first served; the last
    line served may be served in part. ETAs of the lines still waiting are recomputed. A
    pay-later line served in full is held for payment; stock left over alerts restock
    subscribers.

    A receipt can serve thousands of lines, so the queue is read as plain rows and written back
    with one executemany: a fixed number of statements, and no ORM object per line (any line the
    session already holds is expired, so it reads the new state)."""
    allocations, updates, served, holds, taken_units = [], [], [], set(), []
    on_hand, now = variant.on_hand, clock.utcnow()
    today = local_day(zone(store.timezone), now)  # the rows are written in bulk, past the ORM's flush
    if on_hand > 0:
        session.flush()  # the queue as this transaction has it
        line, order = Line.__table__.c, Order.__table__.c
        waiting_lines = session.execute(
            select(line.id, line.store_id, line.name, line.sku, line.quantity, line.quantity_allocated,
                   line.quantity_shipped, line.quantity_cancelled, line.payment_mode, line.unit_price,
                   line.currency, line.eta_date, line.eta_source, order.order_id, order.customer_id,
                   order.email, order.first_name, order.locale, order.phone)
            .join(Order.__table__, order.id == line.order_pk)
            .where(line.variant_pk == variant.id, line.state == WAITING)
            .order_by(line.queued_at, line.id)
        ).all()  # fetched at once: row by row costs a driver call per line
        for row in waiting_lines:
            if on_hand <= 0:
                break
            waiting = row.quantity - row.quantity_allocated - row.quantity_shipped - row.quantity_cancelled
            units = min(waiting, on_hand)
            on_hand -= units
            taken_units.append(units)
            state = state_for(waiting - units, row.quantity_allocated + units, row.quantity_shipped, row.payment_mode)
            still_waiting = state == WAITING
            updates.append({"id": row.id, "quantity_allocated": row.quantity_allocated + units, "state": state,
                            "eta_date": row.eta_date if still_waiting else None,
                            "eta_source": row.eta_source if still_waiting else None,
                            "allocated_at": None if still_waiting else now,
                            "allocated_day": None if still_waiting else today})
            about = {"order_id": row.order_id, "customer_id": row.customer_id, "email": row.email,
                     "first_name": row.first_name, "locale": row.locale, "phone": row.phone,
                     "line_id": row.id, "name": row.name, "sku": row.sku, "quantity": row.quantity,
                     "unit_price": row.unit_price, "currency": row.currency}
            served.append((row.id, row.store_id, about, {"quantity": units, "state": state}))
            allocations.append(Allocation(row.order_id, row.id, units))
            if state == AWAITING_PAYMENT:
                holds.add(row.id)
        # The stock ledger books what each line took (and takes it off the variant's on hand).
        allocated_many(session, variant, [(SimpleNamespace(id=u["id"]), taken) for u, taken in zip(updates, taken_units)])
    if updates:
        update_rows(session, Line.__table__, "id", updates)
        served_ids = {u["id"] for u in updates}
        for held in list(session.identity_map.values()):
            if isinstance(held, Line) and held.id in served_ids:
                session.expire(held)
    # A line held for payment gets one message, the payment request (in stock, held until, pay
    # this): "allocated" goes on its timeline only.
    record_rows(session, [entry for entry in served if entry[0] not in holds], "allocated")
    record_rows(session, [entry for entry in served if entry[0] in holds], "allocated", shopper_visible=False)
    if holds:  # after "allocated", so each line's timeline reads in order
        for held in session.scalars(select(Line).where(Line.id.in_(holds)).order_by(Line.id)):
            hold_for_payment(session, store, held)
    if allocations:
        recompute_etas(session, store, variant)
    alert_subscribers(session, store, variant)
    return allocations


def settle_purchase_order(purchase_order: PurchaseOrder) -> None:
    """Derive a purchase order's status from its lines (a cancelled one stays cancelled, a draft
    stays a draft until approved)."""
    if purchase_order.status in NOT_SUPPLY:
        return
    lines = purchase_order.lines
    if lines and all(line.received_on is not None for line in lines):
        purchase_order.status = "received"
    elif any(line.quantity_received for line in lines):
        purchase_order.status = "partly_received"
    else:
        purchase_order.status = "open"


def receive(
    session: Session, store: Store, variant_id: int, quantity: int, inbound_id: int | None = None,
    *, in_full: bool = True,
) -> tuple[list[Allocation], int]:
    """Receive stock: allocate it to the queue, put the rest on hand, and count it against the
    inbound shipment (purchase-order line) named, if any. That line is done with when `in_full`
    (the inbound route's receipt closes it whatever came) or once everything it expected came."""
    variant = lock_variant(session, store, variant_id)
    if inbound_id is not None:
        inbound = session.get(InboundShipment, inbound_id)
        if inbound is None or inbound.variant_pk != variant.id:
            raise NotFound(f"Inbound shipment {inbound_id} does not exist for this variant.")
        if inbound.received_on is not None:
            raise Conflict(f"Inbound shipment {inbound_id} was already received.")
        if inbound.purchase_order.status in NOT_SUPPLY:
            raise Conflict(f"Inbound shipment {inbound_id} belongs to a {inbound.purchase_order.status} purchase order.")
    if variant.on_hand + quantity > MAX_ON_HAND:
        raise Invalid(f"On hand would pass {MAX_ON_HAND:,} units.",
                      {"json": {"quantity": [f"At most {MAX_ON_HAND - variant.on_hand} more units on hand."]}})
    if inbound_id is not None:
        inbound.quantity_received = (inbound.quantity_received or 0) + quantity
        if in_full or inbound.quantity_received >= inbound.quantity:
            inbound.received_on = store_today(store)
        settle_purchase_order(inbound.purchase_order)
    move(session, variant, RECEIVED, quantity, note=f"inbound {inbound_id}" if inbound_id else "receipt")
    owe_platform(session, store, variant, quantity, "receipt")
    allocations = allocate(session, store, variant)
    if inbound_id is not None and not allocations:
        recompute_etas(session, store, variant)  # the received inbound no longer counts as supply
    return allocations, variant.on_hand


def backorder_queue(session: Session, store: Store, variant_id: int | None = None) -> list[dict]:
    """The merchant's view: every variant with waiting lines, each line with its position."""
    query = (
        select(Line)
        .join(Variant, Line.variant_pk == Variant.id)
        .where(Line.store_id == store.id, Line.state == WAITING)
        .order_by(Variant.variant_id, Line.queued_at, Line.id)
        .options(joinedload(Line.order), joinedload(Line.variant))
    )
    if variant_id is not None:
        query = query.where(Variant.variant_id == variant_id)
    by_variant: dict[int, dict] = {}
    for line in session.scalars(query):
        entry = by_variant.setdefault(
            line.variant_pk,
            {
                "variant_id": line.variant.variant_id,
                "product_id": line.variant.product_id,
                "sku": line.variant.sku,
                "name": line.variant.name,
                "on_hand": line.variant.on_hand,
                "waiting_units": 0,
                "lines": [],
            },
        )
        entry["waiting_units"] += line.quantity_waiting
        entry["lines"].append(
            {
                "position": len(entry["lines"]) + 1,
                "units_ahead": entry["waiting_units"] - line.quantity_waiting,
                "order_id": line.order.order_id,
                "line_id": line.id,
                "customer_email": line.order.email,
                "placed_at": line.queued_at,
                "quantity_waiting": line.quantity_waiting,
                "payment_mode": line.payment_mode,
                "eta": line.eta,
            }
        )
    return list(by_variant.values())
