"""What a shopper may do to a backordered line: cancel units, switch to an in-stock alternative,
choose to pay later (or now). And what follows a payment request: paid, or expired.

Each action locks the variant(s) first and only then reads the line, so concurrent actions,
receipts and orders on one variant run one after another and never act on stale quantities.
No action calls the platform: each commits what is owed (a pending refund, an order edit) and a
due job carries it out afterwards."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.commerce import EditResult, commerce_for
from api.domain import clock
from api.domain.backorders import (
    ALLOCATED, AWAITING_PAYMENT, PAY_LATER, PAY_NOW, SWITCHED, WAITING, allocate, clear_eta,
    lock_variant, recompute_etas, settle_state,
)
from api.domain.errors import Conflict, Invalid
from api.domain.events import line_summary, notify, record
from api.domain.fulfilment import note_last_shipment
from api.domain.payments import (
    SENDING_LEASE, due_ids, hold_deadline, hold_for_payment, issue_refund, open_payment, payment_dict,
    refund_dict, request_payment, retry_delay,
)
from api.domain.shopper import (
    Shopper, alternative_refusal, cancel_refusal, cancellable_units, find_line, pay_later_refusal,
    pay_now_refusal, price_difference, scaled, switch_refusal, switch_units,
)
from api.domain.availability import alternatives_of
from api.domain.stock import ALLOCATED as TAKEN, RELEASED, move, owe_platform
from api.models import Line, OrderEdit, PaymentRequestRecord, Refund, Store, Variant

MAX_EDIT_ATTEMPTS = 10

REFUSALS = {
    "switched": "This line was switched to another item.",
    "already_cancelled": "This line is already cancelled.",
    "already_shipped": "This line has already shipped.",
    "outside_cancel_window": "The cancel window for this order has closed.",
    "allocated_not_cancellable": "Units already set aside for you can no longer be cancelled.",
    "not_waiting": "Only a line that is still waiting can do this.",
    "pay_later_line": "A pay-later line cannot be switched; pay for it first.",
    "no_alternative_in_stock": "No alternative is in stock for the whole quantity.",
    "currency_mismatch": "That alternative is sold in another currency.",
    "dearer_switch_refused": "This store does not allow switching to a dearer item.",
    "pay_later_disabled": "This store does not offer pay later.",
    "already_pay_later": "This line is already set to pay later.",
    "partly_allocated": "Part of this line is already set aside; pay later applies to whole lines only.",
    "already_paid": "This line is already paid for.",
    "not_refundable": ("This order was paid with store credit or a gift certificate, which cannot be "
                       "refunded automatically."),
    "pay_later_pending": "Pay later starts once its refund is confirmed.",
}


def _refuse(reason: str, field: str | None = None):
    errors = {"reason": reason}
    if field:
        errors["json"] = {field: [REFUSALS[reason]]}
    raise Conflict(REFUSALS[reason], errors)


def _locked_line(session: Session, store: Store, shopper: Shopper, order_id: int, line_id: int,
                 *also: int) -> tuple[Line, dict[int, Variant]]:
    """The shopper's line, read again after its variant (and any others named) are locked, in
    variant-id order like every other locker, so none deadlock."""
    line = find_line(session, store, shopper, order_id, line_id)
    variants = {vid: lock_variant(session, store, vid) for vid in sorted({line.variant_id, *also})}
    line = session.scalar(
        select(Line).where(Line.id == line.id).execution_options(populate_existing=True)
    )
    return line, variants


def _after_freeing(session: Session, store: Store, variant: Variant, freed: int) -> None:
    """Units given back go to the next in the queue; either way everyone behind moves up."""
    if not (freed and allocate(session, store, variant)):
        recompute_etas(session, store, variant)


# --- cancel ----------------------------------------------------------------------------------


def cancel(session: Session, store: Store, shopper: Shopper, order_id: int, line_id: int,
           quantity: int | None = None) -> dict:
    line, variants = _locked_line(session, store, shopper, order_id, line_id)
    variant = variants[line.variant_id]
    reason = cancel_refusal(store, line)
    if reason:
        _refuse(reason)
    available = cancellable_units(store, line)
    quantity = available if quantity is None else quantity
    if quantity > available:
        raise Conflict(f"Only {available} unit(s) of this line can be cancelled.",
                       {"json": {"quantity": [f"At most {available}."]}, "reason": "quantity_too_large"})
    amount = _give_back(session, store, line, variant, quantity)
    # The freed units may reach a pay-later line, whose payment request goes to the platform and
    # may fail, rolling this request back. A refund already paid cannot roll back, so it is asked
    # for last, once nothing else can fail.
    refund = issue_refund(session, store, line, quantity, amount, "cancel")
    record(session, line, "cancelled", {
        "quantity": quantity, "state": line.state,
        "refund_amount": amount, "refund": refund_dict(refund),
    })
    return {"line_id": line.id, "quantity": quantity, "refund": refund_dict(refund)}


def _give_back(session: Session, store: Store, line: Line, variant: Variant, quantity: int) -> int:
    """Cancel `quantity` units of a locked line, waiting ones first; units set aside go to the
    next in the queue. Returns what the shopper paid for them, to refund."""
    from_allocated = max(0, quantity - line.quantity_waiting)
    line.quantity_cancelled += quantity
    line.quantity_allocated -= from_allocated
    move(session, variant, RELEASED, from_allocated, line=line, note="cancelled by the shopper")
    # The platform took every unit of the order at checkout and does not restock a refund.
    owe_platform(session, store, variant, quantity, "shopper cancel", line)
    # Units waiting on a pay-later line were refunded when it moved to pay later, and units held
    # for its payment were never paid: only a paid line has money to give back.
    amount = quantity * line.unit_price if line.payment_mode == PAY_NOW else 0
    settle_state(line)
    if line.state != WAITING:
        clear_eta(line)
    note_last_shipment(session, line)
    session.flush()
    amount -= _shrink_open_payment(session, store, line, quantity)
    _after_freeing(session, store, variant, from_allocated)
    return amount


def _shrink_open_payment(session: Session, store: Store, line: Line, cancelled: int) -> int:
    """After units are cancelled, an open payment request asks only for what is left (keeping
    its hold), or is withdrawn. Returns the part of the cancelled units' price that was never
    paid (a dearer switch's unpaid difference), which is not refunded."""
    payment = open_payment(session, line)
    if payment is None:
        return 0
    per_unit = payment.amount // payment.quantity
    unpaid = per_unit * min(cancelled, payment.quantity) if payment.purpose == "switch_difference" else 0
    left = line.quantity - line.quantity_shipped - line.quantity_cancelled
    payment.status = "cancelled"
    if left > 0:
        request_payment(session, store, line, left, left * per_unit, payment.purpose, payment.hold_until)
    return unpaid


# --- switch ----------------------------------------------------------------------------------


def switch(session: Session, store: Store, shopper: Shopper, order_id: int, line_id: int,
           variant_id: int) -> dict:
    line = find_line(session, store, shopper, order_id, line_id)
    if variant_id == line.variant_id:
        raise Invalid("That is the item already on this line.",
                      {"json": {"variant_id": ["Choose one of the line's alternatives."]}})
    line, variants = _locked_line(session, store, shopper, order_id, line_id, variant_id)
    old_variant, new_variant = variants[line.variant_id], variants[variant_id]
    reason = switch_refusal(session, line)
    if reason:
        _refuse(reason)
    offered = {v.id for v in alternatives_of(session, store, old_variant)}
    if new_variant.id not in offered and new_variant.on_hand > 0:
        raise Invalid("That item is not one of this line's alternatives.",
                      {"json": {"variant_id": ["Choose one of the line's alternatives."]}})
    reason = alternative_refusal(store, line, new_variant)
    if reason:
        _refuse(reason, "variant_id")

    units, freed = switch_units(line), line.quantity_allocated
    per_unit = price_difference(line, new_variant)
    order = line.order
    new_line = Line(
        store_id=store.id, variant_pk=new_variant.id, product_id=new_variant.product_id,
        variant_id=new_variant.variant_id, name=new_variant.name, sku=new_variant.sku,
        quantity=units, quantity_backordered=0, quantity_allocated=units, quantity_shipped=0,
        quantity_cancelled=0, state=ALLOCATED, payment_mode=PAY_NOW,
        # What the shopper pays for the new item, on the same terms (discount, tax) as the old.
        unit_price=line.unit_price + per_unit,
        unit_price_ex_tax=scaled(line.unit_price_ex_tax, line.unit_price, line.unit_price + per_unit),
        list_price=new_variant.price, currency=line.currency, queued_at=clock.utcnow(),
    )
    order.lines.append(new_line)
    # The old line's units move to the new line; on the old line they count as cancelled.
    line.quantity_cancelled += units
    line.quantity_allocated = 0
    line.state = SWITCHED
    clear_eta(line)
    session.flush()
    # The platform's order edit moves its own count: it returns the old item and takes the new
    # one, as checkout would.
    move(session, new_variant, TAKEN, units, line=new_line, note="switched in")
    move(session, old_variant, RELEASED, freed, line=line, note="switched out")

    difference = per_unit * units
    payment = None
    if difference > 0:
        # Held like a pay-later line's stock: unpaid by then, the switch is undone (expire_hold).
        # The `switched` message asks for the money, so the request sends none of its own.
        hold_until = hold_deadline(store)
        payment = request_payment(session, store, new_line, units, difference, "switch_difference",
                                  hold_until, announce=False)
    # The platform's order is edited by a due job; a cheaper switch is refunded once it is.
    session.add(OrderEdit(store_id=store.id, order_pk=order.id, old_line_pk=line.id, new_line_pk=new_line.id,
                          refund_amount=max(0, -difference), next_attempt_at=clock.utcnow()))
    _after_freeing(session, store, old_variant, freed)
    refund = ({"amount": -difference, "currency": line.currency, "status": "pending"}
              if difference < 0 else None)
    record(session, line, "switched", {
        "quantity": units, "to_variant_id": new_variant.variant_id, "to_name": new_variant.name,
        "new_line_id": new_line.id, "price_difference": difference, "refund": refund,
        "payment_url": payment.url if payment else None,
        "hold_until": payment.hold_until.isoformat() if payment else None,
    })
    record(session, new_line, "switched_in", {"from_line_id": line.id, "quantity": units},
           shopper_visible=False)
    return {
        "line_id": line.id, "new_line_id": new_line.id, "quantity": units,
        "price_difference": difference, "refund": refund,
        "payment_request": payment_dict(payment),
    }


def send_due_edits(database, limit: int = 100) -> int:
    """Make the order edits whose time has come, each on its own; returns how many are made."""
    return sum(send_edit(database, edit_id) for edit_id in due_ids(database, OrderEdit, limit))


def send_edit(database, edit_id: int) -> bool:
    """Claim one order edit, make it with no transaction open, record the outcome; once made,
    the new line learns its platform id and a cheaper switch's refund is owed."""
    now = clock.utcnow()
    with database.transaction() as session:
        edit = session.scalar(
            select(OrderEdit).where(OrderEdit.id == edit_id, OrderEdit.status.in_(("pending", "sending")),
                                    OrderEdit.next_attempt_at <= now).with_for_update(skip_locked=True))
        if edit is None:
            return False
        edit.status, edit.attempts, edit.next_attempt_at = "sending", edit.attempts + 1, now + SENDING_LEASE
        store = session.get(Store, edit.store_id)
        call = commerce_for(store).edit_call(session, store, edit)
    try:
        result = call()
    except Exception as exc:  # noqa: BLE001 - any platform failure leaves the edit to retry
        result = EditResult(done=False, error=f"{type(exc).__name__}: {exc}")
    with database.transaction() as session:
        edit = session.get(OrderEdit, edit_id)
        store = session.get(Store, edit.store_id)
        if result.done:
            edit.status, edit.last_error = "done", ""
            if result.new_item_id is not None:
                edit.new_line.external_id = result.new_item_id
            issue_refund(session, store, edit.old_line, edit.new_line.quantity, edit.refund_amount, "switch")
            return True
        edit.last_error = result.error or "The platform did not confirm the order edit."
        edit.status = "pending"
        edit.next_attempt_at = clock.utcnow() + retry_delay(edit.attempts)
        if edit.attempts >= MAX_EDIT_ATTEMPTS:
            edit.status = "failed"
            record(session, edit.old_line, "order_edit_failed", {"error": edit.last_error},
                   shopper_visible=False)
            notify(session, store.id, "order_edit_failed", {
                "email": store.merchant_email, "locale": "en", "order_id": edit.old_line.order.order_id,
                **line_summary(edit.old_line), "to_name": edit.new_line.name, "error": edit.last_error,
                "amount": edit.refund_amount, "currency": edit.old_line.currency,
            }, dedupe_key=f"order_edit_failed:{edit.id}")
        return False


# --- payment mode ----------------------------------------------------------------------------


def set_payment_mode(session: Session, store: Store, shopper: Shopper, order_id: int, line_id: int,
                     mode: str) -> dict:
    line, _ = _locked_line(session, store, shopper, order_id, line_id)
    if mode == PAY_LATER:
        reason = pay_later_refusal(session, store, line)
        if reason:
            _refuse(reason, "mode")
        # Pay later starts when this refund is confirmed (start_pay_later), never before: until
        # then the line is paid, and nothing can ask for its price a second time.
        units = line.quantity_waiting
        refund = issue_refund(session, store, line, units, units * line.unit_price, "pay_later")
        record(session, line, "pay_later_requested", {"refund": refund_dict(refund)}, shopper_visible=False)
        return {"line_id": line.id, "payment_mode": line.payment_mode, "refund": refund_dict(refund),
                "payment_request": None}
    reason = pay_now_refusal(line)
    if reason:
        _refuse(reason, "mode")
    payment = open_payment(session, line)
    if payment is None:
        units = line.quantity - line.quantity_shipped - line.quantity_cancelled
        payment = request_payment(session, store, line, units, units * line.unit_price, "pay_later")
    return {"line_id": line.id, "payment_mode": line.payment_mode, "refund": None,
            "payment_request": payment_dict(payment)}


def start_pay_later(session: Session, store: Store, line: Line, refund: Refund) -> None:
    """The pay-later refund is confirmed: the line now pays later, keeping its place. Stock set
    aside for it while the refund was on its way is held for payment. A line that was cancelled
    or switched meanwhile just has its money back."""
    lock_variant(session, store, line.variant_id)
    session.refresh(line)
    if line.payment_mode == PAY_LATER or line.state not in (WAITING, ALLOCATED):
        record(session, line, "refund_made", {"amount": refund.amount, "currency": refund.currency,
                                              "reason": refund.reason})
        return
    line.payment_mode = PAY_LATER
    settle_state(line)
    record(session, line, "payment_mode_changed", {"mode": PAY_LATER, "refund": refund_dict(refund)})
    if line.state == AWAITING_PAYMENT:
        hold_for_payment(session, store, line)


# --- after a payment request -----------------------------------------------------------------


def mark_paid(session: Session, store: Store, payment: PaymentRequestRecord, *,
              paid_order_id: int | None = None, paid_item_id: int | None = None) -> bool:
    """The shopper paid: a pay-later line becomes an ordinary paid line (allocated when its
    stock is held, still in the queue otherwise). False when it was paid already. When a
    platform order paid it (`paid_order_id`, its item `paid_item_id`), later refunds for the
    line come from that order."""
    line = payment.line
    lock_variant(session, store, line.variant_id)
    session.refresh(payment)
    if payment.status == "paid":
        return False
    if payment.status != "open":
        raise Conflict("This payment request has expired or was cancelled.")
    payment.status, payment.paid_at = "paid", clock.utcnow()
    payment.paid_order_id, payment.paid_item_id = paid_order_id, paid_item_id
    session.refresh(line)
    if payment.purpose == "pay_later":
        line.payment_mode = PAY_NOW
        settle_state(line)
    record(session, line, "payment_received", {
        "amount": payment.amount, "currency": payment.currency, "state": line.state,
    })
    return True


def expire_hold(session: Session, store: Store, payment: PaymentRequestRecord) -> bool:
    """A held pay-later line not paid in time: its units pass to the next in the queue and the
    line is cancelled, with notice. The same for a dearer switch whose difference was not paid,
    and what was paid for it is refunded. False when it was paid or changed meanwhile."""
    line = payment.line
    variant = lock_variant(session, store, line.variant_id)
    session.refresh(payment)
    session.refresh(line)
    if payment.status == "open" and payment.purpose == "switch_difference":
        return _undo_unpaid_switch(session, store, payment, variant)
    if payment.status != "open" or line.state != AWAITING_PAYMENT:
        return False
    units = line.quantity_allocated
    payment.status = "expired"
    line.quantity_allocated = 0
    line.quantity_cancelled += units
    settle_state(line)
    move(session, variant, RELEASED, units, line=line, note="payment hold expired")
    # The line's order took these units on the platform at checkout; nobody has them now.
    owe_platform(session, store, variant, units, "hold expired", line)
    record(session, line, "hold_expired", {
        "quantity": units, "amount": payment.amount, "currency": payment.currency,
        "hold_until": payment.hold_until.isoformat(), "state": line.state,
    })
    _after_freeing(session, store, variant, units)
    return True


def _undo_unpaid_switch(session: Session, store: Store, payment: PaymentRequestRecord,
                        variant: Variant) -> bool:
    """The switched-in units not yet shipped are cancelled and go back on sale; the shopper gets
    back what they paid for them (the old price: the difference was never paid)."""
    line = payment.line
    units = line.quantity_allocated
    if not units:  # shipped meanwhile (the merchant's choice): nothing to undo, the request ends
        payment.status = "expired"
        record(session, line, "payment_expired", {"amount": payment.amount, "currency": payment.currency},
               shopper_visible=False)
        return True
    amount = _give_back(session, store, line, variant, units)
    payment.status = "expired"
    refund = issue_refund(session, store, line, units, amount, "switch_unpaid")
    record(session, line, "hold_expired", {
        "quantity": units, "amount": payment.amount, "currency": payment.currency,
        "hold_until": payment.hold_until.isoformat(), "state": line.state, "purpose": payment.purpose,
        "refund": refund_dict(refund),
    })
    return True
