"""What the store platform did to an order outside the app: units shipped, lines cancelled or
refunded in the store's own admin, and units added to an order there. The platform already moved
the money, so nothing is refunded here; the shopper is told (`shipped`, `cancelled`,
`backorder_placed`) and the queue moves."""
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.domain import clock
from api.domain.backorders import (
    CANCELLED, PAY_NOW, SHIPPED, SWITCHED, WAITING, OrderLineIn, allocate, clear_eta, lock_variant,
    recompute_etas, settle_state, take_units,
)
from api.domain.events import line_summary, notify, record, recipient
from api.domain.payments import open_payment
from api.domain.stock import RELEASED, SHIPPED as SHIPPED_UNITS, move
from api.models import Line, Order, Store, TimelineEvent


def ship_units(session: Session, store: Store, line: Line, quantity: int) -> int:
    """Mark up to `quantity` more units shipped: held units first; units the platform shipped
    while we still had them waiting leave the queue too. Returns the units marked."""
    if line.state in (SWITCHED, CANCELLED, SHIPPED) or quantity <= 0:
        return 0
    variant = lock_variant(session, store, line.variant_id)
    from_allocated = min(quantity, line.quantity_allocated)
    from_waiting = min(quantity - from_allocated, line.quantity_waiting)
    units = from_allocated + from_waiting
    if not units:
        return 0
    was_waiting = line.state == WAITING
    line.quantity_allocated -= from_allocated
    line.quantity_shipped += units
    settle_state(line)
    if line.state != WAITING:
        clear_eta(line)
    if line.state == SHIPPED:  # its last unit shipped now (for the ETA accuracy the merchant sees)
        line.shipped_at = clock.utcnow()
    move(session, variant, SHIPPED_UNITS, units, line=line, note="shipped by the platform")
    record(session, line, "shipped", {"quantity": units, "state": line.state})
    if from_waiting or was_waiting:
        recompute_etas(session, store, variant)  # the lines behind it may move up
    return units


def note_last_shipment(session: Session, line: Line) -> None:
    """After units of a partly shipped line are cancelled: if nothing is left to ship, its last
    unit went with its latest shipment, which becomes its ship time."""
    if line.state == SHIPPED and line.shipped_at is None:
        line.shipped_at = session.scalar(
            select(TimelineEvent.created_at)
            .where(TimelineEvent.line_pk == line.id, TimelineEvent.kind == "shipped")
            .order_by(TimelineEvent.created_at.desc(), TimelineEvent.id.desc()).limit(1))


def cancel_units(session: Session, store: Store, line: Line, quantity: int, *, reason: str) -> int:
    """Cancel up to `quantity` unshipped units (waiting ones first, then held ones, whose stock
    goes to the next in the queue). Returns the units cancelled."""
    if line.state in (SWITCHED, CANCELLED, SHIPPED) or quantity <= 0:
        return 0
    variant = lock_variant(session, store, line.variant_id)
    from_waiting = min(quantity, line.quantity_waiting)
    from_allocated = min(quantity - from_waiting, line.quantity_allocated)
    units = from_waiting + from_allocated
    if not units:
        return 0
    line.quantity_allocated -= from_allocated
    line.quantity_cancelled += units
    settle_state(line)
    if line.state != WAITING:
        clear_eta(line)
    note_last_shipment(session, line)
    payment = open_payment(session, line)
    if payment is not None and line.state == CANCELLED:
        payment.status = "cancelled"
    record(session, line, "cancelled", {"quantity": units, "reason": reason, "refund": None})
    # The platform returned these units to its own count when it cancelled the order: nothing to
    # write back.
    move(session, variant, RELEASED, from_allocated, line=line, note=reason)
    if not allocate(session, store, variant):
        recompute_etas(session, store, variant)
    return units


def add_units(session: Session, store: Store, order: Order, added: OrderLineIn) -> Line:
    """Units the merchant added to an order in the store admin (a raised quantity, a new
    product): a new line of the order, as if ordered now. What is on hand serves it; the rest
    joins the back of the queue (`queued_at` is now): those units were not promised at checkout,
    so everyone already waiting stays ahead of them. Like an order arriving, the platform has
    already taken (and charged) them, so no backorder limit refuses them."""
    variant = lock_variant(session, store, added.variant_id)
    if added.quantity_backordered is not None:
        backordered = max(0, min(added.quantity_backordered, added.quantity))
    else:
        backordered = added.quantity - min(variant.on_hand, added.quantity)
    line = Line(
        store_id=store.id, variant_pk=variant.id, external_id=added.external_id, product_id=variant.product_id,
        variant_id=variant.variant_id, name=variant.name, sku=variant.sku, quantity=added.quantity,
        quantity_backordered=backordered, quantity_allocated=added.quantity - backordered, quantity_shipped=0,
        quantity_cancelled=0, payment_mode=PAY_NOW, unit_price=added.unit_price,
        unit_price_ex_tax=added.unit_price_ex_tax, list_price=added.list_price, currency=order.currency,
        queued_at=clock.utcnow(), state=WAITING,
    )
    settle_state(line)
    order.lines.append(line)
    session.flush()
    take_units(session, variant, line, added.quantity - backordered, note="added in the store admin")
    recompute_etas(session, store, variant)
    record(session, line, "placed", {"quantity_backordered": backordered, "eta": line.eta,
                                     "added_in_store": True}, shopper_visible=False)
    if backordered:
        notify(session, store.id, "backorder_placed", {
            **recipient(order),
            "lines": [{**line_summary(line), "quantity_backordered": backordered, "eta": line.eta}],
        })
    return line
