"""The local adapter: for a store without a platform (the demo, most tests), orders and payments
live in our own tables. Refunds and payments are booked in a ledger whose references are unique,
so the same refund key can never be paid out twice; payment requests are answered on our own
pay page, /demo/pay/<token>, which tells the domain a request was paid, as the BigCommerce sync
does for a paying order."""
import os
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.commerce import EditCall, EditResult, PlatformStock, RefundCall, RefundResult
from api.domain.actions import mark_paid
from api.models import Line, LocalCoupon, LocalLedgerEntry, Order, OrderEdit, PaymentRequestRecord, Refund, Store


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

    def platform_stock(self, session: Session, store: Store) -> PlatformStock:
        return PlatformStock()  # no second count: nothing is ever written back

    def refund_call(self, session: Session, store: Store, refund: Refund) -> RefundCall:
        """Our ledger is the platform: the refund is booked in the transaction that prepares the
        call (once per key), and the call only reports it."""
        reference = f"refund:{refund.key}"
        booked = session.scalar(select(LocalLedgerEntry.id).where(LocalLedgerEntry.reference == reference))
        if booked is None:
            session.add(LocalLedgerEntry(
                store_id=store.id, order_pk=refund.order_pk, line_pk=refund.line_pk, kind="refund",
                reference=reference, amount=refund.amount, currency=refund.currency,
            ))
            session.flush()
        result = RefundResult(confirmed=True, reference=reference, amount=refund.amount)
        return lambda: result

    def payment_call(self, session: Session, store: Store, payment: PaymentRequestRecord) -> None:
        """Our own pay page: the request is made at once."""
        token = secrets.token_urlsafe(24)
        payment.url, payment.reference = _app_url() + pay_page_path(token), token

    def record_payment(self, session: Session, store: Store, order: Order, line: Line, reference: str,
                       amount: int) -> None:
        """Book a payment made on the local pay page."""
        session.add(LocalLedgerEntry(
            store_id=store.id, order_pk=order.id, line_pk=line.id, kind="payment",
            reference=f"payment:{reference}", amount=amount, currency=line.currency,
        ))

    def edit_call(self, session: Session, store: Store, edit: OrderEdit) -> EditCall:
        """Our own tables are the order: the new line is already on it."""
        return lambda: EditResult(done=True)

    def coupon_call(self, session: Session, store: Store, order: Order, line: Line, code: str,
                    percent_off: int | None, free_shipping: bool):
        """Our own table is the platform: the coupon is a row, added once."""
        if session.scalar(select(LocalCoupon.id).where(LocalCoupon.code == code)) is None:
            session.add(LocalCoupon(
                store_id=store.id, order_pk=order.id, line_pk=line.id, code=code,
                percent_off=percent_off, free_shipping=free_shipping,
            ))
        return lambda: None


def pay_on_local_page(session: Session, store: Store, payment: PaymentRequestRecord) -> bool:
    """A payment made on the local pay page: the line moves on and the local ledger books the
    money, once. False when it was paid already."""
    newly_paid = mark_paid(session, store, payment)
    if newly_paid:
        LocalAdapter().record_payment(session, store, payment.line.order, payment.line,
                                      payment.reference, payment.amount)
    return newly_paid
