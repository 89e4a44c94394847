"""The local adapter: for a store without a platform (the demo, most tests), orders and payments
live in our own tables. Refunds and payments are booked in a ledger whose references are unique,
so the same refund key can never be paid out twice; payment requests are answered on our own
pay page, /demo/pay/<token>, which tells the domain a request was paid, as the BigCommerce sync
does for a paying order."""
import os
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.commerce import PaymentRequest, RefundResult
from api.domain.actions import mark_paid
from api.models import Line, LocalCoupon, LocalLedgerEntry, Order, PaymentRequestRecord, Store, Variant


def _app_url() -> str:
    try:
        from flask import current_app

        return current_app.config["APP_URL"]
    except RuntimeError:  # outside an application (a script): the same setting, from the environment
        return os.environ.get("APP_URL", "http://127.0.0.1:5000").rstrip("/")


def pay_page_path(token: str) -> str:
    return f"/demo/pay/{token}"


class LocalAdapter:
    keeps_stock = False  # our stock ledger is the only count

    def refund(self, session: Session, store: Store, order: Order, line: Line, quantity: int,
               amount: int, *, key: str) -> RefundResult:
        reference = f"refund:{key}"
        booked = session.scalar(select(LocalLedgerEntry.id).where(LocalLedgerEntry.reference == reference))
        if booked is None:
            session.add(LocalLedgerEntry(
                store_id=store.id, order_pk=order.id, line_pk=line.id, kind="refund",
                reference=reference, amount=amount, currency=line.currency,
            ))
            session.flush()
        return RefundResult(confirmed=True, reference=reference)

    def request_payment(self, session: Session, store: Store, order: Order, line: Line, quantity: int,
                        amount: int) -> PaymentRequest:
        token = secrets.token_urlsafe(24)
        return PaymentRequest(url=_app_url() + pay_page_path(token), reference=token)

    def record_payment(self, session: Session, store: Store, order: Order, line: Line, reference: str,
                       amount: int) -> None:
        """Book a payment made on the local pay page."""
        session.add(LocalLedgerEntry(
            store_id=store.id, order_pk=order.id, line_pk=line.id, kind="payment",
            reference=f"payment:{reference}", amount=amount, currency=line.currency,
        ))

    def switch_line(self, session: Session, store: Store, order: Order, old: Line, new: Line,
                    variant: Variant) -> None:
        """Our own tables are the order: the new line is already on it."""

    def create_coupon(self, session: Session, store: Store, order: Order, line: Line,
                      percent_off: int | None, free_shipping: bool) -> str:
        code = "BD-" + secrets.token_hex(5).upper()
        session.add(LocalCoupon(
            store_id=store.id, order_pk=order.id, line_pk=line.id, code=code,
            percent_off=percent_off, free_shipping=free_shipping,
        ))
        return code


def pay_on_local_page(session: Session, store: Store, payment: PaymentRequestRecord) -> bool:
    """A payment made on the local pay page: the line moves on and the local ledger books the
    money, once. False when it was paid already."""
    newly_paid = mark_paid(session, store, payment)
    if newly_paid:
        LocalAdapter().record_payment(session, store, payment.line.order, payment.line,
                                      payment.reference, payment.amount)
    return newly_paid
