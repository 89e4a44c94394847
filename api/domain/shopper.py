"""What a shopper sees of their own orders: every backordered line with where it stands, what
it can expect, and what they may do about it (each action allowed or not, with a stable reason).

Every lookup is scoped to the session's store and customer, or to the one order of a guest's
link: another shopper's order answers exactly like one that does not exist."""
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import Session, selectinload

from api.domain import clock
from api.domain.availability import alternative_dict, alternatives_of
from api.domain.backorders import PAY_LATER, PAY_NOW, SWITCHED, WAITING
from api.domain.errors import NotFound
from api.domain.payments import open_payment, payment_dict
from api.domain.reasons import reason_text
from api.models import Line, Order, Refund, Store, TimelineEvent, Variant


@dataclass(frozen=True)
class Shopper:
    """Who is asking: a signed-in customer (all their orders) or a guest (one order)."""

    customer_id: int | None = None
    order_id: int | None = None

    def owns(self):
        if self.customer_id is not None:
            return Order.customer_id == self.customer_id
        return Order.order_id == self.order_id


# Past these no row can exist (platform ids are JSON-safe integers, our row ids 32-bit), and the
# database would reject the comparison: such ids are simply not found.
MAX_ORDER_ID, MAX_LINE_ID = 2**53 - 1, 2**31 - 1


def find_order(session: Session, store: Store, shopper: Shopper, order_id: int) -> Order:
    order = None
    if 0 < order_id <= MAX_ORDER_ID:
        order = session.scalar(
            select(Order).where(Order.store_id == store.id, Order.order_id == order_id, shopper.owns())
        )
    if order is None:
        raise NotFound(f"Order {order_id} was not found.")
    return order


def find_line(session: Session, store: Store, shopper: Shopper, order_id: int, line_id: int) -> Line:
    order = find_order(session, store, shopper, order_id)
    line = None
    if 0 < line_id <= MAX_LINE_ID:
        line = session.scalar(select(Line).where(Line.id == line_id, Line.order_pk == order.id))
    if line is None:
        raise NotFound(f"Line {line_id} was not found on order {order_id}.")
    return line


def list_orders(session: Session, store: Store, shopper: Shopper, *, page: int, per_page: int):
    """The shopper's orders that had backordered lines, newest first."""
    backordered = exists().where(Line.order_pk == Order.id, Line.quantity_backordered > 0)
    query = select(Order).where(Order.store_id == store.id, shopper.owns(), backordered)
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    orders = session.scalars(
        query.order_by(Order.placed_at.desc(), Order.id.desc())
        .limit(per_page).offset((page - 1) * per_page)
        .options(selectinload(Order.lines))
    ).all()
    replaced = replaced_lines(session, [line.id for order in orders for line in order.lines])
    items = [
        {
            "order_id": order.order_id,
            "placed_at": order.placed_at,
            "currency": order.currency,
            "lines": [_line_summary(line, replaced.get(line.id)) for line in order.lines],
        }
        for order in orders
    ]
    return items, total


def _line_summary(line: Line, replaces: int | None) -> dict:
    return {
        "id": line.id, "product_id": line.product_id, "variant_id": line.variant_id,
        "name": line.name, "sku": line.sku, "quantity": line.quantity,
        "quantity_backordered": line.quantity_backordered, **unit_counts(line),
        "state": line.state, "eta": line.eta, "payment_mode": line.payment_mode,
        "replaces_line_id": replaces,
    }


def unit_counts(line: Line) -> dict:
    """Where the line's units stand (a switched line's units moved to its replacement)."""
    return {
        "quantity_allocated": line.quantity_allocated,
        "quantity_shipped": line.quantity_shipped,
        "quantity_cancelled": line.quantity_cancelled,
        "quantity_waiting": line.quantity_waiting if line.state != SWITCHED else 0,
    }


def replaced_lines(session: Session, line_ids: list[int]) -> dict[int, int]:
    """For each of these lines that a switch created, the line it replaced."""
    if not line_ids:
        return {}
    events = session.scalars(
        select(TimelineEvent).where(TimelineEvent.line_pk.in_(line_ids), TimelineEvent.kind == "switched_in")
    )
    return {event.line_pk: event.data["from_line_id"] for event in events}


def refund_per_unit(session: Session, line: Line) -> int:
    """What cancelling one unit gives back, as `actions.cancel` does it: its price when paid, less
    the unpaid part of a dearer switch's difference; nothing on a pay-later line, nor on one whose
    move to pay later is refunding it already."""
    if line.payment_mode != PAY_NOW or pay_later_pending(session, line):
        return 0
    payment = open_payment(session, line)
    unpaid = payment.amount // payment.quantity if payment and payment.purpose == "switch_difference" else 0
    return line.unit_price - unpaid


def order_detail(session: Session, store: Store, order: Order) -> dict:
    return {
        "order_id": order.order_id,
        "placed_at": order.placed_at,
        "currency": order.currency,
        "cancel_until": cancel_deadline(store, order),
        "lines": [line_detail(session, store, line) for line in order.lines],
    }


# --- one line --------------------------------------------------------------------------------


def cancel_deadline(store: Store, order: Order):
    if store.cancel_window_days is None:
        return None
    return order.placed_at + timedelta(days=store.cancel_window_days)


def cancellable_units(store: Store, line: Line) -> int:
    if line.state == SWITCHED:
        return 0
    return line.quantity_waiting + (line.quantity_allocated if store.cancel_allocated else 0)


def cancel_refusal(store: Store, line: Line) -> str | None:
    """Why the shopper may not cancel any unit of this line now, or None when they may."""
    if line.state == SWITCHED:
        return "switched"
    if line.state == "cancelled":
        return "already_cancelled"
    if line.state == "shipped":
        return "already_shipped"
    deadline = cancel_deadline(store, line.order)
    if deadline is not None and clock.utcnow() > deadline:
        return "outside_cancel_window"
    if cancellable_units(store, line) == 0:
        return "allocated_not_cancellable"
    return None


def catalog_price(line: Line) -> int:
    """The line's price per unit as the catalog lists it (before discounts, on the catalog's tax
    basis), the basis to compare alternatives' prices with."""
    return line.list_price if line.list_price is not None else line.unit_price


def price_difference(line: Line, variant: Variant) -> int:
    """What switching one unit of `line` to `variant` costs the shopper (negative: is given
    back). Catalog prices are compared on one basis (the line's catalog price, the same tax
    basis as the variant's), then scaled by what the shopper actually paid for the line against
    its catalog price: the line's discount applies, tax is counted once, and a cheaper switch
    never gives back more than was paid."""
    listed = catalog_price(line)
    return scaled(variant.price - listed, listed, line.unit_price)


def scaled(amount: int | None, basis: int, paid: int) -> int | None:
    if amount is None:
        return None
    return round(amount * paid / basis) if basis else amount


def pay_later_pending(session: Session, line: Line) -> bool:
    """A move to pay later waits for its refund."""
    return session.scalar(select(Refund.id).where(
        Refund.line_pk == line.id, Refund.reason == "pay_later", Refund.status.in_(("pending", "sending")),
    )) is not None


def switch_refusal(session: Session, line: Line) -> str | None:
    """Why the line as a whole cannot be switched (before looking at alternatives)."""
    if line.state == SWITCHED:
        return "switched"
    if line.state != WAITING:
        return "not_waiting"
    if line.quantity_shipped:
        return "already_shipped"
    if line.payment_mode == PAY_LATER:
        return "pay_later_line"
    if pay_later_pending(session, line):
        return "pay_later_pending"
    return None


def switch_units(line: Line) -> int:
    """A switch moves every unit not shipped or cancelled to the alternative."""
    return line.quantity_waiting + line.quantity_allocated


def alternative_refusal(store: Store, line: Line, alternative: Variant) -> str | None:
    if alternative.on_hand < switch_units(line):
        return "no_alternative_in_stock"
    if alternative.currency != line.currency:
        return "currency_mismatch"
    if alternative.price > catalog_price(line) and store.dearer_switch != "pay_difference":
        return "dearer_switch_refused"
    return None


def pay_later_refusal(session: Session, store: Store, line: Line) -> str | None:
    if not store.pay_later_enabled:
        return "pay_later_disabled"
    if line.state != WAITING:
        return "not_waiting"
    if line.payment_mode == PAY_LATER:
        return "already_pay_later"
    if pay_later_pending(session, line):
        return "pay_later_pending"
    if line.quantity_allocated or line.quantity_shipped:
        return "partly_allocated"
    if not line.order.refundable:
        # Pay later refunds the line now; without a refund to the shopper it would charge twice.
        return "not_refundable"
    return None


def pay_now_refusal(line: Line) -> str | None:
    if line.payment_mode != PAY_LATER:
        return "already_paid"
    if line.state not in (WAITING, "awaiting_payment"):
        return "not_waiting"
    return None


def _action(reason: str | None) -> dict:
    return {"allowed": reason is None, "reason": reason}


def queue_place(session: Session, line: Line) -> dict | None:
    """Where a waiting line stands: its position among the variant's waiting lines and how many
    units are served before it."""
    if line.state != WAITING:
        return None
    waiting = Line.quantity - Line.quantity_allocated - Line.quantity_shipped - Line.quantity_cancelled
    ahead = and_(
        Line.variant_pk == line.variant_pk,
        Line.state == WAITING,
        or_(Line.queued_at < line.queued_at, and_(Line.queued_at == line.queued_at, Line.id < line.id)),
    )
    count, units = session.execute(select(func.count(), func.coalesce(func.sum(waiting), 0)).where(ahead)).one()
    return {"position": int(count) + 1, "units_ahead": int(units), "quantity_waiting": line.quantity_waiting}


def timeline(session: Session, line: Line) -> list[dict]:
    events = session.scalars(
        select(TimelineEvent).where(TimelineEvent.line_pk == line.id).order_by(TimelineEvent.id)
    )
    return [{"kind": e.kind, "at": e.created_at, "data": e.data} for e in events]


def line_detail(session: Session, store: Store, line: Line) -> dict:
    events = timeline(session, line)
    alternatives = []
    cancel_reason = cancel_refusal(store, line)
    switch_reason = switch_refusal(session, line)
    if switch_reason is None:
        offered = alternatives_of(session, store, line.variant)
        for variant in offered:
            reason = alternative_refusal(store, line, variant)
            if reason == "no_alternative_in_stock":
                continue  # only alternatives on hand for the whole quantity are shown
            alternatives.append({
                **alternative_dict(variant),
                "price_difference": price_difference(line, variant) * switch_units(line),
                "switch": _action(reason),
            })
        if not alternatives:
            switch_reason = "no_alternative_in_stock"
        elif not any(a["switch"]["allowed"] for a in alternatives):
            switch_reason = alternatives[0]["switch"]["reason"]
    return {
        "id": line.id,
        "product_id": line.product_id,
        "variant_id": line.variant_id,
        "name": line.name,
        "sku": line.sku,
        "quantity": line.quantity,
        "quantity_backordered": line.quantity_backordered,
        **unit_counts(line),
        "state": line.state,
        "eta": line.eta,
        "reason": reason_text(line.variant.reason_code, line.variant.reason, line.order.locale)
        if line.state == WAITING else "",
        "queue": queue_place(session, line),
        "payment_mode": line.payment_mode,
        "unit_price": line.unit_price,
        "currency": line.currency,
        "payment_request": payment_dict(open_payment(session, line)),
        "actions": {
            "cancel": {**_action(cancel_reason),
                       "max_quantity": cancellable_units(store, line) if cancel_reason is None else 0,
                       "refund_per_unit": refund_per_unit(session, line)},
            "switch": _action(switch_reason),
            "pay_later": _action(pay_later_refusal(session, store, line)),
            "pay_now": _action(pay_now_refusal(line)),
        },
        "alternatives": alternatives,
        "timeline": events,
        "replaces_line_id": next((e["data"]["from_line_id"] for e in events if e["kind"] == "switched_in"), None),
    }
