"""What the store platform did to an order outside the app: units shipped, and lines cancelled or
refunded in the store's own admin. The platform already moved the money, so nothing is refunded
here; the shopper is told (`shipped`, `cancelled`) and the queue moves up."""
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.domain.backorders import (
    CANCELLED, SHIPPED, SWITCHED, WAITING, allocate, clear_eta, lock_variant, recompute_etas,
    settle_state,
)
from api.domain import clock
from api.domain.events import record
from api.domain.payments import open_payment
from api.domain.stock import RELEASED, SHIPPED as SHIPPED_UNITS, move
from api.models import Line, Store, TimelineEvent


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
