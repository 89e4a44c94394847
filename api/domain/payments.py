"""Money moving for a line: refunds owed to the shopper and payment requests to them, both
through the commerce port, both recorded in our own tables so nothing is lost.

A refund is written (pending) in the same transaction as the change that causes it, then asked of
the platform; what the platform does not confirm stays pending and `retry_due_refunds` asks
again later under the same key, so a refund is never lost and never paid twice. After
MAX_REFUND_ATTEMPTS refusals it is `failed`, on the line's timeline, for the merchant to settle
by hand, rather than asked for forever."""
import uuid
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.commerce import commerce_for
from api.domain import clock
from api.domain.dates import end_of_day, store_today
from api.domain.events import record
from api.models import Line, PaymentRequestRecord, Refund, Store

MAX_RETRY_DELAY = timedelta(hours=6)
MAX_REFUND_ATTEMPTS = 10  # about 15 hours of asking


def _retry_delay(attempts: int) -> timedelta:
    return min(timedelta(minutes=2 ** attempts), MAX_RETRY_DELAY)


def _ask_platform(session: Session, store: Store, refund: Refund) -> None:
    line = refund.line
    refund.attempts += 1
    try:
        result = commerce_for(store).refund(
            session, store, line.order, line, refund.quantity, refund.amount, key=refund.key
        )
        confirmed, reference, error = result.confirmed, result.reference, result.error
    except Exception as exc:  # noqa: BLE001 - any platform failure leaves the refund pending
        confirmed, reference, error = False, "", f"{type(exc).__name__}: {exc}"
    if confirmed:
        refund.status, refund.reference = "confirmed", reference
        refund.confirmed_at, refund.last_error = clock.utcnow(), ""
    else:
        refund.last_error = error or "The platform did not confirm the refund."
        refund.next_attempt_at = clock.utcnow() + _retry_delay(refund.attempts)
        if refund.attempts >= MAX_REFUND_ATTEMPTS:
            refund.status = "failed"
            record(session, line, "refund_abandoned", {
                "amount": refund.amount, "currency": refund.currency, "attempts": refund.attempts,
                "error": refund.last_error,
            }, shopper_visible=False)


def issue_refund(session: Session, store: Store, line: Line, quantity: int, amount: int,
                 reason: str, payment: PaymentRequestRecord | None = None) -> Refund | None:
    """Refund `amount` for `quantity` units of a flushed line now; None when nothing is owed.
    `payment`: an unwanted payment, whose paying order is given back."""
    if amount <= 0:
        return None
    refund = Refund(
        store_id=store.id, order_pk=line.order_pk, line_pk=line.id, key=uuid.uuid4().hex,
        reason=reason, quantity=quantity, amount=amount, currency=line.currency, status="pending",
        payment_pk=payment.id if payment is not None else None,
    )
    refund.line = line
    session.add(refund)
    session.flush()
    _ask_platform(session, store, refund)
    if refund.status != "confirmed":
        record(session, line, "refund_failed", {"amount": amount, "error": refund.last_error},
               shopper_visible=False)
    return refund


def refund_dict(refund: Refund | None) -> dict | None:
    if refund is None:
        return None
    return {"amount": refund.amount, "currency": refund.currency, "status": refund.status}


def retry_due_refunds(session: Session, limit: int = 100) -> int:
    """Ask the platform again for pending refunds whose time has come; returns how many are
    confirmed now. Rows are locked (skipped when another worker holds them)."""
    refunds = session.scalars(
        select(Refund)
        .where(Refund.status == "pending", Refund.next_attempt_at <= clock.utcnow())
        .order_by(Refund.next_attempt_at, Refund.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    confirmed = 0
    for refund in refunds:
        store = session.get(Store, refund.store_id)
        _ask_platform(session, store, refund)
        if refund.status == "confirmed":
            confirmed += 1
            record(session, refund.line, "refund_confirmed",
                   {"amount": refund.amount, "attempts": refund.attempts}, shopper_visible=False)
    return confirmed


def refund_unwanted_payment(session: Session, store: Store, payment: PaymentRequestRecord,
                            paid_order_id: int, paid_item_id: int | None) -> Refund | None:
    """The shopper paid a request that is no longer open (the hold expired, the request was
    replaced, the line was cancelled): they get nothing for it, so the paying order is given
    back in full. Once only, however often that order is announced: one refund per request,
    decided with the request's row locked. None when nothing was done."""
    session.execute(select(PaymentRequestRecord.id).where(PaymentRequestRecord.id == payment.id)
                    .with_for_update())
    session.refresh(payment)
    if payment.status in ("open", "paid"):
        return None
    if session.scalar(select(Refund.id).where(Refund.payment_pk == payment.id)) is not None:
        return None
    payment.paid_order_id, payment.paid_item_id = paid_order_id, paid_item_id
    refund = issue_refund(session, store, payment.line, payment.quantity, payment.amount,
                          "unwanted_payment", payment)
    record(session, payment.line, "late_payment_refunded", {
        "order_id": paid_order_id, "request_status": payment.status, "amount": payment.amount,
        "currency": payment.currency, "refund": refund_dict(refund),
    }, shopper_visible=False)
    return refund


# --- payment requests ------------------------------------------------------------------------


def open_payment(session: Session, line: Line) -> PaymentRequestRecord | None:
    return session.scalar(
        select(PaymentRequestRecord)
        .where(PaymentRequestRecord.line_pk == line.id, PaymentRequestRecord.status == "open")
        .order_by(PaymentRequestRecord.id.desc())
    )


def payment_dict(payment: PaymentRequestRecord | None) -> dict | None:
    if payment is None:
        return None
    return {
        "url": payment.url,
        "amount": payment.amount,
        "currency": payment.currency,
        "status": payment.status,
        "hold_until": payment.hold_until,
        "purpose": payment.purpose,
    }


def request_payment(session: Session, store: Store, line: Line, quantity: int, amount: int,
                    purpose: str, hold_until=None, *, announce: bool = True) -> PaymentRequestRecord:
    """Ask the shopper, through the platform, to pay `amount`; announce it (`payment_requested`),
    unless the caller's own message asks for the money (`announce=False`: timeline only)."""
    requested = commerce_for(store).request_payment(session, store, line.order, line, quantity, amount)
    payment = PaymentRequestRecord(
        store_id=store.id, order_pk=line.order_pk, line_pk=line.id, purpose=purpose,
        quantity=quantity, amount=amount, currency=line.currency, status="open",
        url=requested.url, reference=requested.reference, hold_until=hold_until,
    )
    session.add(payment)
    _announce(session, line, payment, shopper_visible=announce)
    return payment


def _announce(session: Session, line: Line, payment: PaymentRequestRecord, *, shopper_visible: bool = True) -> None:
    hold_until = payment.hold_until.isoformat() if payment.hold_until else None
    record(session, line, "payment_requested", {
        "amount": payment.amount, "currency": payment.currency, "payment_url": payment.url,
        "hold_until": hold_until, "purpose": payment.purpose,
    }, shopper_visible=shopper_visible)


def hold_deadline(store: Store):
    """When a payment hold starting now ends: the end of its last day where the store is, so a
    shopper shown that date keeps the hold until the date has ended there."""
    return end_of_day(store, store_today(store) + timedelta(days=store.payment_hold_days))


def hold_for_payment(session: Session, store: Store, line: Line) -> PaymentRequestRecord:
    """Stock has been allocated to a pay-later line: hold it for the store's payment-hold days
    and ask for payment (reusing a request the shopper already has open). The hold lasts until
    the end of its last day where the store is, so a shopper shown that date keeps the hold
    until the date has ended there."""
    hold_until = hold_deadline(store)
    amount = line.quantity_allocated * line.unit_price
    payment = open_payment(session, line)
    if payment is not None and payment.amount == amount:
        payment.hold_until = hold_until
        _announce(session, line, payment)
        return payment
    if payment is not None:
        payment.status = "cancelled"
    return request_payment(session, store, line, line.quantity_allocated, amount, "pay_later", hold_until)
