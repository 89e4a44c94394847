"""Money moving for a line: refunds owed to the shopper and payment requests to them, both
through the commerce port, both recorded in our own tables so nothing is lost.

A refund is written (pending) in the same transaction as the change that causes it, and nothing
else: no platform call runs inside a request's transaction; api/domain/refunds.py sends it."""
import uuid
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.commerce import commerce_for
from api.domain import clock
from api.domain.dates import end_of_day, store_today
from api.domain.events import record
from api.models import Line, PaymentRequestRecord, Refund, Store

# A claimed refund whose worker died is taken over after this: longer than the slowest call
# (several platform requests, each with its timeout).
SENDING_LEASE = timedelta(minutes=15)
OWED = ("pending", "sending", "confirmed")
MAX_RETRY_DELAY = timedelta(hours=6)


def retry_delay(attempts: int) -> timedelta:
    return min(timedelta(minutes=2 ** attempts), MAX_RETRY_DELAY)


def due_ids(database, model, limit: int) -> list[int]:
    """Rows (refunds, order edits) a due job should send now: pending ones whose time has come,
    and those a worker claimed (`sending`) whose lease ran out."""
    with database.transaction(write=False) as session:
        return session.scalars(
            select(model.id).where(model.status.in_(("pending", "sending")), model.next_attempt_at <= clock.utcnow())
            .order_by(model.next_attempt_at, model.id).limit(limit)
        ).all()


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
    """Ask the shopper, through the platform, to pay `amount`, and announce it
    (`payment_requested`) once the platform has made it: at once when the adapter needs no
    platform call, else by `send_payment_requests` after this transaction (a slow platform never
    holds up, nor rolls back, the receipt or action that asked). `announce=False`: the caller's
    own message asks for the money (timeline only), when it can carry the pay link."""
    payment = PaymentRequestRecord(
        store_id=store.id, order_pk=line.order_pk, line_pk=line.id, purpose=purpose,
        quantity=quantity, amount=amount, currency=line.currency, status="open",
        url="", reference="", hold_until=hold_until, next_attempt_at=clock.utcnow(),
    )
    payment.line = line
    session.add(payment)
    session.flush()
    if commerce_for(store).payment_call(session, store, payment) is None:
        _announce(session, line, payment, shopper_visible=announce)
    return payment


def send_payment_requests(database, limit: int = 100) -> int:
    """Have the platform make the payment requests still to be made (a cart and its checkout
    link), each outside any transaction; returns how many are made now."""
    with database.transaction(write=False) as session:
        due = session.scalars(
            select(PaymentRequestRecord.id).where(
                PaymentRequestRecord.status == "open", PaymentRequestRecord.reference == "",
                PaymentRequestRecord.next_attempt_at <= clock.utcnow())
            .order_by(PaymentRequestRecord.next_attempt_at, PaymentRequestRecord.id).limit(limit)
        ).all()
    made = 0
    for payment_id in due:
        now = clock.utcnow()
        with database.transaction() as session:
            payment = session.scalar(
                select(PaymentRequestRecord).where(
                    PaymentRequestRecord.id == payment_id, PaymentRequestRecord.status == "open",
                    PaymentRequestRecord.reference == "", PaymentRequestRecord.next_attempt_at <= now)
                .with_for_update(skip_locked=True))
            if payment is None:
                continue
            payment.attempts += 1
            payment.next_attempt_at = now + retry_delay(payment.attempts)
            store = session.get(Store, payment.store_id)
            call = commerce_for(store).payment_call(session, store, payment)
            if call is None:
                _announce(session, payment.line, payment)
                made += 1
                continue
        try:
            requested, error = call(), ""
        except Exception as exc:  # noqa: BLE001 - asked again after the backoff
            requested, error = None, f"{type(exc).__name__}: {exc}"
        with database.transaction() as session:
            payment = session.get(PaymentRequestRecord, payment_id)
            if requested is None:
                payment.last_error = error
            elif payment.status == "open" and payment.reference == "":
                payment.url, payment.reference, payment.last_error = requested.url, requested.reference, ""
                _announce(session, payment.line, payment)
                made += 1
    return made


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
        if payment.reference:  # made already; otherwise announced once it is
            _announce(session, line, payment)
        return payment
    if payment is not None:
        payment.status = "cancelled"
    return request_payment(session, store, line, line.quantity_allocated, amount, "pay_later", hold_until)
