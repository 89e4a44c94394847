"""The merchant's picture of the backorder operation: the overview figures, the variants with
waiting units, one variant's queue, and what a receipt or an inbound change would do before it
is made (previews write nothing)."""
from datetime import date, timedelta

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from api.domain import clock
from api.domain.backorders import (
    NOT_SUPPLY, WAITING, date_moves, first_come_first_served, queue, queue_with_etas,
)
from api.domain.catalog import get_variant
from api.domain.errors import NotFound
from api.models import InboundShipment, Line, OutboxMessage, PurchaseOrder, Refund, Store, Variant

WAITING_UNITS = Line.quantity - Line.quantity_allocated - Line.quantity_shipped - Line.quantity_cancelled
INBOUND_HORIZON_DAYS = 7
SORTS = ("waiting", "sku", "name", "on_hand", "next_inbound", "oldest")


def _open_inbound(store: Store):
    """Inbound still to come (not received, order neither cancelled nor a draft), with the units
    outstanding."""
    outstanding = InboundShipment.quantity - func.coalesce(InboundShipment.quantity_received, 0)
    query = (
        select(InboundShipment.variant_pk, InboundShipment.expected_on, outstanding.label("units"))
        .join(PurchaseOrder, InboundShipment.purchase_order_id == PurchaseOrder.id)
        .where(InboundShipment.store_id == store.id, InboundShipment.received_on.is_(None),
               PurchaseOrder.status.not_in(NOT_SUPPLY))
    )
    return query


def overview(session: Session, store: Store) -> dict:
    today = clock.today()
    waiting = and_(Line.store_id == store.id, Line.state == WAITING)
    units, lines, oldest = session.execute(
        select(func.coalesce(func.sum(WAITING_UNITS), 0), func.count(), func.min(Line.queued_at)).where(waiting)
    ).one()
    value = session.execute(
        select(Line.currency, func.sum(WAITING_UNITS * Line.unit_price))
        .where(waiting).group_by(Line.currency).order_by(Line.currency)
    ).all()
    past_promise = session.scalar(
        select(func.count()).where(waiting, Line.first_promised_on < today))
    inbound = _open_inbound(store).subquery()
    horizon = today + timedelta(days=INBOUND_HORIZON_DAYS)
    shipments, inbound_units = session.execute(
        select(func.count(), func.coalesce(func.sum(inbound.c.units), 0))
        .where(inbound.c.expected_on >= today, inbound.c.expected_on <= horizon)
    ).one()
    failed = session.scalar(
        select(func.count()).select_from(OutboxMessage)
        .where(OutboxMessage.store_id == store.id, OutboxMessage.status == "failed"))
    return {
        "units_waiting": int(units),
        "lines_waiting": lines,
        "backordered_value": [{"currency": currency, "amount": int(amount)} for currency, amount in value],
        "oldest_wait": {"placed_at": oldest, "days": (today - oldest.date()).days} if oldest else None,
        "lines_past_first_promise": past_promise,
        "inbound_next_7_days": {"shipments": shipments, "units": int(inbound_units), "until": horizon},
        "failed_messages": failed,
        "failed_refunds": session.scalar(
            select(func.count()).select_from(Refund).where(Refund.store_id == store.id, Refund.status == "failed")),
    }


# --- variants with waiting units -------------------------------------------------------------


def backordered_variants(
    session: Session, store: Store, *, search: str | None, sort: str, descending: bool,
    page: int, per_page: int,
) -> tuple[list[dict], int]:
    waiting = (
        select(Line.variant_pk, func.sum(WAITING_UNITS).label("units"), func.count().label("lines"),
               func.min(Line.queued_at).label("oldest"), func.min(Line.eta_date).label("next_eta"))
        .where(Line.store_id == store.id, Line.state == WAITING)
        .group_by(Line.variant_pk).subquery()
    )
    inbound = _open_inbound(store).subquery()
    next_inbound = (select(func.min(inbound.c.expected_on)).where(inbound.c.variant_pk == Variant.id)
                    .scalar_subquery())
    query = select(Variant, waiting.c.units, waiting.c.lines, waiting.c.oldest).join(
        waiting, waiting.c.variant_pk == Variant.id)
    if search:
        pattern = f"%{search.lower()}%"
        query = query.where(or_(func.lower(Variant.sku).like(pattern), func.lower(Variant.name).like(pattern)))
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    key = {"waiting": waiting.c.units, "sku": Variant.sku, "name": Variant.name, "on_hand": Variant.on_hand,
           "next_inbound": next_inbound, "oldest": waiting.c.oldest}[sort]
    order = key.desc() if descending else key.asc()
    rows = session.execute(
        query.order_by(order.nulls_last(), Variant.variant_id).offset((page - 1) * per_page).limit(per_page)
    ).all()
    return _describe(session, store, rows), total


def _describe(session: Session, store: Store, rows) -> list[dict]:
    """Each variant row with its next inbound and the ETA at the head of its queue."""
    pks = [variant.id for variant, *_ in rows]
    inbound: dict[int, tuple[date, int]] = {}
    heads: dict[int, Line] = {}
    if pks:
        for pk, expected_on, units in session.execute(
            _open_inbound(store).where(InboundShipment.variant_pk.in_(pks))
            .order_by(InboundShipment.expected_on, InboundShipment.id)
        ):
            inbound.setdefault(pk, (expected_on, units))
        for line in session.scalars(
            select(Line).where(Line.variant_pk.in_(pks), Line.state == WAITING).order_by(Line.queued_at, Line.id)
        ):
            heads.setdefault(line.variant_pk, line)
    items = []
    for variant, units, lines, oldest in rows:
        next_inbound = inbound.get(variant.id)
        head = heads.get(variant.id)
        items.append({
            **variant_summary(variant),
            "waiting_units": int(units),
            "waiting_lines": lines,
            "oldest_placed_at": oldest,
            "next_inbound": {"expected_on": next_inbound[0], "quantity": int(next_inbound[1])} if next_inbound else None,
            "next_eta": head.eta if head else None,
        })
    return items


def variant_summary(variant: Variant) -> dict:
    return {
        "variant_id": variant.variant_id, "product_id": variant.product_id, "sku": variant.sku,
        "name": variant.name, "on_hand": variant.on_hand, "backorders_enabled": variant.backorders_enabled,
        "backorder_limit": variant.backorder_limit,
    }


# --- one variant's queue ---------------------------------------------------------------------


def variant_queue(session: Session, store: Store, variant_id: int) -> dict:
    variant = get_variant(session, store, variant_id)
    lines = queue(session, variant)
    return {
        **variant_summary(variant),
        "waiting_units": sum(line.quantity_waiting for line in lines),
        "lines": [
            {
                "position": position,
                "order_id": line.order.order_id,
                "line_id": line.id,
                "customer": {"id": line.order.customer_id, "email": line.order.email,
                             "first_name": line.order.first_name},
                "quantity": line.quantity,
                "quantity_waiting": line.quantity_waiting,
                "quantity_allocated": line.quantity_allocated,
                "payment_mode": line.payment_mode,
                "eta": line.eta,
                "first_promised_on": line.first_promised_on,
                "placed_at": line.queued_at,
            }
            for position, line in enumerate(lines, start=1)
        ],
    }


# --- previews --------------------------------------------------------------------------------


def receipt_preview(session: Session, store: Store, variant_id: int, quantity: int) -> dict:
    """Which waiting lines a receipt of `quantity` would serve, in queue order, and what stays
    on hand: the same first-come-first-served rule the receipt applies."""
    variant = get_variant(session, store, variant_id)
    lines = queue(session, variant)
    served = first_come_first_served(lines, variant.on_hand + quantity)
    positions = {line.id: position for position, line in enumerate(lines, start=1)}
    allocated = sum(units for _, units in served)
    return {
        "allocations": [
            {"position": positions[line.id], "order_id": line.order.order_id, "line_id": line.id,
             "customer_email": line.order.email, "quantity_waiting": line.quantity_waiting,
             "quantity": units, "in_full": units == line.quantity_waiting}
            for line, units in served
        ],
        "on_hand_after": variant.on_hand + quantity - allocated,
        "still_waiting": sum(line.quantity_waiting for line in lines) - allocated,
    }


def inbound_preview(
    session: Session, store: Store, variant_id: int, changes: dict, inbound_id: int | None = None,
) -> dict:
    """Whose date would move, and which way, if this inbound were added (no `inbound_id`) or
    changed: the same recompute the save does, on a copy of the supply."""
    variant = get_variant(session, store, variant_id)
    rows = session.execute(
        _open_inbound(store).add_columns(InboundShipment.id).where(InboundShipment.variant_pk == variant.id)
    ).all()
    shipments = {row.id: (row.expected_on, int(row.units)) for row in rows}
    if inbound_id is not None:
        inbound = session.get(InboundShipment, inbound_id)
        if inbound is None or inbound.variant_pk != variant.id:
            raise NotFound(f"Inbound shipment {inbound_id} does not exist for this variant.")
        if inbound_id in shipments:
            expected_on, units = shipments[inbound_id]
            received = inbound.quantity_received or 0
            shipments[inbound_id] = (changes.get("expected_on", expected_on),
                                     max(0, changes["quantity"] - received) if "quantity" in changes else units)
    else:
        shipments[None] = (changes["expected_on"], changes["quantity"])
    moved = [(line, eta) for line, eta in queue_with_etas(session, store, variant, list(shipments.values()))
             if date_moves(line, eta)]
    return {
        "lines_moved": len(moved),
        "shoppers_notified": len({line.order_pk for line, _ in moved}),
        "earlier": sum(1 for line, eta in moved if _earlier(line.eta_date, eta.date)),
        "later": sum(1 for line, eta in moved if not _earlier(line.eta_date, eta.date)),
        "lines": [
            {"order_id": line.order.order_id, "line_id": line.id, "customer_email": line.order.email,
             "old_eta": line.eta, "new_eta": eta.as_dict()}
            for line, eta in moved
        ],
    }


def _earlier(old: date | None, new: date | None) -> bool:
    """A known date is earlier than an unknown one."""
    return new is not None and (old is None or new < old)
