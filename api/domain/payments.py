"""Money moving for a line: refunds owed to the shopper and payment requests to them, both
through the commerce port, both recorded in our own tables so nothing is lost.

A refund is written (pending) in the same transaction as the change that causes it, and nothing
else: no platform call runs inside a request's transaction. A due job (`send_due_refunds`) then
claims it in a short transaction, asks the platform with no transaction open, and records the
answer in another. A retry carries the same key, and the adapter looks for that key among the
order's refunds before asking again, so a refund is never lost and never paid twice. A decline
(or a payment the platform cannot refund) is final: the refund is `failed` and the merchant is
emailed at once. After MAX_REFUND_ATTEMPTS unanswered attempts it is `failed` too, rather than
asked for forever. The shopper hears "refunded" only once the platform confirmed it, with the
amount it refunded."""
import uuid
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.commerce import RefundResult, commerce_for
from api.domain import clock
from api.domain.events import line_summary, notify, record
from api.models import Line, PaymentRequestRecord, Refund, Store

MAX_RETRY_DELAY = timedelta(hours=6)
MAX_REFUND_ATTEMPTS = 10  # about 15 hours of asking
# A claimed refund whose worker died is taken over after this: longer than the slowest call
# (several platform requests, each with its timeout).
SENDING_LEASE = timedelta(minutes=15)
OWED = ("pending", "sending", "confirmed")


def _retry_delay(attempts: int) -> timedelta:
    return min(timedelta(minutes=2 ** attempts), MAX_RETRY_DELAY)


def paid_for(session: Session, line: Line) -> int:
    """What the shopper has paid for a line, less every refund owed or made on it."""
    paid = line.quantity * line.unit_price + (session.scalar(
        select(func.coalesce(func.sum(PaymentRequestRecord.amount), 0)).where(
            PaymentRequestRecord.line_pk == line.id, PaymentRequestRecord.status == "paid")) or 0)
    refunded = session.scalar(
        select(func.coalesce(func.sum(Refund.amount), 0)).where(
            Refund.line_pk == line.id, Refund.status.in_(OWED), Refund.payment_pk.is_(None))) or 0
    return paid - refunded


def issue_refund(session: Session, store: Store, line: Line, quantity: int, amount: int,
                 reason: str, payment: PaymentRequestRecord | None = None) -> Refund | None:
    """Owe `amount` for `quantity` units of a flushed line: a pending refund, sent by the due
    job once this transaction commits; None when nothing is owed. Never more than is left of
    what was paid for the line. `payment`: an unwanted payment, whose paying order is given back."""
    if payment is None:
        amount = min(amount, paid_for(session, line))
    if amount <= 0:
        return None
    refund = Refund(
        store_id=store.id, order_pk=line.order_pk, line_pk=line.id, key=uuid.uuid4().hex,
        reason=reason, quantity=quantity, amount=amount, currency=line.currency, status="pending",
        payment_pk=payment.id if payment is not None else None, next_attempt_at=clock.utcnow(),
    )
    refund.line = line
    session.add(refund)
    session.flush()
    return refund


def refund_dict(refund: Refund | None) -> dict | None:
    if refund is None:
        return None
    return {"amount": refund.amount, "currency": refund.currency, "status": refund.status}


# --- sending refunds (the due job) -----------------------------------------------------------


def send_due_refunds(database, limit: int = 100) -> int:
    """Send every refund whose time has come, each on its own; returns how many are confirmed."""
    with database.transaction(write=False) as session:
        due = session.scalars(
            select(Refund.id).where(Refund.status.in_(("pending", "sending")),
                                    Refund.next_attempt_at <= clock.utcnow())
            .order_by(Refund.next_attempt_at, Refund.id).limit(limit)
        ).all()
    return sum(send_refund(database, refund_id) for refund_id in due)


def send_refund(database, refund_id: int) -> bool:
    """Claim one refund (skipped when another worker holds it, or another refund of the same
    order is being sent: the platform takes one at a time), ask the platform outside any
    transaction, record the answer. True when it is confirmed now."""
    now = clock.utcnow()
    with database.transaction() as session:
        refund = session.scalar(
            select(Refund).where(Refund.id == refund_id, Refund.status.in_(("pending", "sending")),
                                 Refund.next_attempt_at <= now).with_for_update(skip_locked=True))
        if refund is None or session.scalar(select(Refund.id).where(
                Refund.order_pk == refund.order_pk, Refund.id != refund.id, Refund.status == "sending",
                Refund.next_attempt_at > now)) is not None:
            return False
        refund.status, refund.attempts, refund.next_attempt_at = "sending", refund.attempts + 1, now + SENDING_LEASE
        store = session.get(Store, refund.store_id)
        try:
            call = commerce_for(store).refund_call(session, store, refund)
        except Exception as exc:  # noqa: BLE001 - as a failed call: retried later
            call = _failed(exc)
    try:
        result = call()
    except Exception as exc:  # noqa: BLE001 - any platform failure leaves the refund to retry
        result = _failed(exc)()
    with database.transaction() as session:
        refund = session.get(Refund, refund_id)
        _settle(session, session.get(Store, refund.store_id), refund, result)
        return refund.status == "confirmed"


def _failed(error: Exception):
    message = f"{type(error).__name__}: {error}"
    return lambda: RefundResult(confirmed=False, error=message)


def _settle(session: Session, store: Store, refund: Refund, result: RefundResult) -> None:
    line = refund.line
    if result.confirmed:
        refund.status, refund.reference = "confirmed", result.reference
        refund.confirmed_at, refund.last_error = clock.utcnow(), ""
        if result.amount is not None:
            refund.amount = result.amount  # what the platform refunded is what we record and tell
        _after_confirmed(session, store, refund)
        return
    refund.last_error = result.error or "The platform did not confirm the refund."
    refund.status, refund.next_attempt_at = "pending", clock.utcnow() + _retry_delay(refund.attempts)
    if result.reference:
        refund.reference = result.reference
    if result.final or refund.attempts >= MAX_REFUND_ATTEMPTS:
        refund.status = "failed"
        record(session, line, "refund_failed" if result.final else "refund_abandoned", {
            "amount": refund.amount, "currency": refund.currency, "attempts": refund.attempts,
            "error": refund.last_error,
        }, shopper_visible=False)
        alert_merchant(session, store, refund)


def _after_confirmed(session: Session, store: Store, refund: Refund) -> None:
    """A confirmed pay-later refund puts the line on pay later (stock already held for it now
    needs paying); any other tells the shopper the money is back."""
    line = refund.line
    data = {"amount": refund.amount, "currency": refund.currency, "reason": refund.reason,
            "attempts": refund.attempts}
    if refund.reason == "pay_later":
        from api.domain.actions import start_pay_later  # actions builds on this module

        start_pay_later(session, store, line, refund)
        return
    record(session, line, "refund_made", data, shopper_visible=refund.reason != "unwanted_payment")


def refunds_of(session: Session, store: Store, status: str | None = None, limit: int = 200) -> list[dict]:
    query = select(Refund).where(Refund.store_id == store.id).order_by(Refund.id.desc()).limit(limit)
    if status:
        query = query.where(Refund.status == status)
    return [{
        "id": r.id, "order_id": r.line.order.order_id, "line_id": r.line_pk, "name": r.line.name,
        "reason": r.reason, "quantity": r.quantity, "amount": r.amount, "currency": r.currency,
        "status": r.status, "attempts": r.attempts, "error": r.last_error, "created_at": r.created_at,
        "confirmed_at": r.confirmed_at,
    } for r in session.scalars(query)]


def alert_merchant(session: Session, store: Store, refund: Refund) -> None:
    """A refund we cannot make: the merchant is emailed now (not in tomorrow's digest), and it
    is listed at GET /api/v1/admin/refunds?status=failed."""
    line = refund.line
    notify(session, store.id, "refund_failed", {
        "email": store.merchant_email, "locale": "en", "order_id": line.order.order_id,
        **line_summary(line), "refund_id": refund.id, "amount": refund.amount, "currency": refund.currency,
        "quantity": refund.quantity, "reason": refund.reason, "error": refund.last_error,
    }, dedupe_key=f"refund_failed:{refund.id}")


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
    }


def request_payment(session: Session, store: Store, line: Line, quantity: int, amount: int,
                    purpose: str, hold_until=None) -> PaymentRequestRecord:
    """Ask the shopper, through the platform, to pay `amount`; announce it (`payment_requested`)."""
    requested = commerce_for(store).request_payment(session, store, line.order, line, quantity, amount)
    payment = PaymentRequestRecord(
        store_id=store.id, order_pk=line.order_pk, line_pk=line.id, purpose=purpose,
        quantity=quantity, amount=amount, currency=line.currency, status="open",
        url=requested.url, reference=requested.reference, hold_until=hold_until,
    )
    session.add(payment)
    _announce(session, line, payment)
    return payment


def _announce(session: Session, line: Line, payment: PaymentRequestRecord) -> None:
    hold_until = payment.hold_until.isoformat() if payment.hold_until else None
    record(session, line, "payment_requested", {
        "amount": payment.amount, "currency": payment.currency, "payment_url": payment.url,
        "hold_until": hold_until, "purpose": payment.purpose,
    })


def hold_for_payment(session: Session, store: Store, line: Line) -> PaymentRequestRecord:
    """Stock has been allocated to a pay-later line: hold it for the store's payment-hold days
    and ask for payment (reusing a request the shopper already has open)."""
    hold_until = clock.utcnow() + timedelta(days=store.payment_hold_days)
    amount = line.quantity_allocated * line.unit_price
    payment = open_payment(session, line)
    if payment is not None and payment.amount == amount:
        payment.hold_until = hold_until
        _announce(session, line, payment)
        return payment
    if payment is not None:
        payment.status = "cancelled"
    return request_payment(session, store, line, line.quantity_allocated, amount, "pay_later", hold_until)
