"""Sending the refunds owed (api/domain/payments.py writes them): a due job claims each in a
short transaction, asks the platform with no transaction open, and records the answer in
another. A retry carries the same key, and the adapter looks for that key among the order's
refunds before asking again, so a refund is never lost and never paid twice.

Which failures are retried (the adapter says which by `RefundResult.final`):
- transient ones — no answer, a timeout (the marker was looked for first), a server error or a
  gateway that is down — are asked again with backoff (`retry_delay`), up to MAX_REFUND_ATTEMPTS
  attempts; then the refund is `failed`;
- a hard one — the payment provider declined it, the platform refused it (more than is left to
  refund, for instance), or offers no way to pay it back — is `failed` at once: asking again
  would get the same answer.
Either way the merchant is emailed at once and the refund is listed as failed in the console,
where `retry_refund` puts it back to pending (same key: never paid twice) once the cause is
settled. The shopper hears "refunded" only once the platform confirmed it, with the amount it
refunded; a pay-later refund confirmed starts pay later."""
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.commerce import RefundResult, commerce_for
from api.domain import clock
from api.domain.actions import start_pay_later
from api.domain.backorders import ALLOCATED, PAY_LATER, WAITING
from api.domain.errors import Conflict, NotFound
from api.domain.events import line_summary, notify, record
from api.domain.payments import SENDING_LEASE, due_ids, paid_for, retry_delay
from api.models import Refund, Store

MAX_REFUND_ATTEMPTS = 10  # transient failures: about 15 hours of asking


def send_due_refunds(database, limit: int = 100) -> int:
    """Send every refund whose time has come, each on its own; returns how many are confirmed."""
    return sum(send_refund(database, refund_id) for refund_id in due_ids(database, Refund, limit))


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
    refund.status, refund.next_attempt_at = "pending", clock.utcnow() + retry_delay(refund.attempts)
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
        start_pay_later(session, store, line, refund)
        return
    record(session, line, "refund_made", data, shopper_visible=refund.reason != "unwanted_payment")


def refunds_of(session: Session, store: Store, status: str | None = None, limit: int = 200) -> list[dict]:
    query = select(Refund).where(Refund.store_id == store.id).order_by(Refund.id.desc()).limit(limit)
    if status:
        query = query.where(Refund.status == status)
    return [refund_view(r) for r in session.scalars(query)]


def refund_view(r: Refund) -> dict:
    return {
        "id": r.id, "order_id": r.line.order.order_id, "line_id": r.line_pk, "name": r.line.name,
        "sku": r.line.sku, "reason": r.reason, "quantity": r.quantity, "amount": r.amount,
        "currency": r.currency, "status": r.status, "attempts": r.attempts, "error": r.last_error,
        "created_at": r.created_at, "confirmed_at": r.confirmed_at,
    }


def retry_refund(session: Session, store: Store, refund_id: int) -> Refund:
    """The merchant asks again for a failed refund (the card was replaced, the gateway is back):
    pending again, with a fresh set of attempts, under the same key, so the due job first looks
    whether an earlier attempt got through and never pays twice. NotFound for another store's
    refund; Conflict when it is not failed, or no longer owed: a pay-later refund whose line has
    moved on (shipped, cancelled, switched, or already paying later), or a refund the shopper
    already had otherwise (a refund made by hand in the store admin is recorded on the line)."""
    refund = session.scalar(select(Refund).where(Refund.id == refund_id, Refund.store_id == store.id)
                            .with_for_update())
    if refund is None:
        raise NotFound(f"No refund {refund_id}.")
    if refund.status != "failed":
        raise Conflict(f"Refund {refund_id} is {refund.status}: only a failed refund can be retried.")
    line = refund.line
    if refund.reason == "pay_later" and (line.state not in (WAITING, ALLOCATED) or line.payment_mode == PAY_LATER):
        raise Conflict(f"Refund {refund_id} is no longer owed: the line was served or changed since.")
    if refund.payment_pk is None and refund.amount > paid_for(session, line):
        # A failed refund is not counted as owed: what is left is less only when the shopper was
        # refunded otherwise meanwhile (by hand in the store admin, say).
        raise Conflict(f"Refund {refund_id} is more than is left of what the shopper paid for this line: "
                       "they were refunded otherwise meanwhile.")
    record(session, line, "refund_retried", {
        "amount": refund.amount, "currency": refund.currency, "attempts": refund.attempts,
        "error": refund.last_error,
    }, shopper_visible=False)
    refund.status, refund.attempts, refund.next_attempt_at = "pending", 0, clock.utcnow()
    refund.last_error = ""
    return refund


def alert_merchant(session: Session, store: Store, refund: Refund) -> None:
    """A refund we cannot make: the merchant is emailed now (not in tomorrow's digest), and it
    is listed at GET /api/v1/admin/refunds?status=failed."""
    line = refund.line
    notify(session, store.id, "refund_failed", {
        "email": store.merchant_email, "locale": "en", "order_id": line.order.order_id,
        **line_summary(line), "refund_id": refund.id, "amount": refund.amount, "currency": refund.currency,
        "quantity": refund.quantity, "reason": refund.reason, "error": refund.last_error,
    }, dedupe_key=f"refund_failed:{refund.id}")
