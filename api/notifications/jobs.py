"""Periodic notification jobs the worker runs: payment-hold reminders, delay incentives and the
merchant's daily digest. Like api/jobs.py, each takes the app's AppDatabase and returns how many things it
did, and each item is handled in its own transaction.

Several workers may run the same job at the same moment: every message a job writes has a fixed
dedupe key (unique in the outbox), so it is written once whoever gets there first."""
import logging
import secrets
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from api.commerce import commerce_for
from api.db import AppDatabase
from api.domain import clock
from api.domain.events import line_summary, notify, recipient, record
from api.models import Line, OutboxMessage, PaymentRequestRecord, Refund, Store, TimelineEvent

log = logging.getLogger(__name__)
REMINDER_BEFORE = timedelta(days=1)
BATCH = 200


def notify_once(session: Session, store_id: int, event: str, dedupe_key: str, payload: dict) -> bool:
    """Write the outbox row unless one with this key exists; False when it already did."""
    if session.scalar(select(OutboxMessage.id).where(OutboxMessage.dedupe_key == dedupe_key)):
        return False
    try:
        with session.begin_nested():
            notify(session, store_id, event, payload, dedupe_key=dedupe_key)
            session.flush()
    except IntegrityError:  # another worker wrote it a moment ago
        return False
    return True


def send_payment_reminders(database: AppDatabase) -> int:
    """A day before a payment hold ends, remind the shopper (once per hold deadline). Holds
    shorter than a day get no reminder: the request itself said when the hold ends."""
    now = clock.utcnow()
    with database.transaction(write=False) as session:
        due = session.scalars(
            select(PaymentRequestRecord.id)
            .join(Line, Line.id == PaymentRequestRecord.line_pk)
            .where(
                PaymentRequestRecord.status == "open",
                PaymentRequestRecord.hold_until > now,
                PaymentRequestRecord.hold_until <= now + REMINDER_BEFORE,
                Line.state == "awaiting_payment",
            )
            .order_by(PaymentRequestRecord.hold_until)
            .limit(BATCH)
        ).all()
    sent = 0
    for payment_id in due:
        with database.transaction() as session:
            payment = session.get(PaymentRequestRecord, payment_id)
            if payment.hold_until - payment.created_at <= REMINDER_BEFORE:
                continue
            line = payment.line
            payload = {
                **recipient(line.order), **line_summary(line),
                "amount": payment.amount, "currency": payment.currency, "payment_url": payment.url,
                "hold_until": payment.hold_until.isoformat(),
            }
            key = f"payment_reminder:{payment.id}:{payment.hold_until.isoformat()}"
            sent += notify_once(session, line.store_id, "payment_reminder", key, payload)
    return sent


def _is_late(line: Line, threshold_days: int) -> bool:
    """The line's ETA is more than `threshold_days` past its first promise; an ETA that is now
    unknown counts from today."""
    current = line.eta_date if line.eta_source != "delayed" and line.eta_date else clock.today()
    return (current - line.first_promised_on).days > threshold_days


def grant_delay_incentives(database: AppDatabase) -> int:
    """Once per line: when a waiting line's ETA slips past its first promised date by more than
    the store's threshold, a coupon (discount or free shipping, per the store's policy) made
    through the commerce port, and a message with it."""
    with database.transaction(write=False) as session:
        stores = [s.id for s in session.scalars(select(Store).where(Store.active)) if (s.delay_incentive or {}).get("enabled")]
    granted = 0
    for store_id in stores:
        with database.transaction(write=False) as session:
            store = session.get(Store, store_id)
            threshold = int(store.delay_incentive.get("threshold_days", 7))
            candidates = [
                line.id for line in session.scalars(
                    select(Line).where(Line.store_id == store_id, Line.state == "waiting",
                                       Line.first_promised_on.is_not(None))
                ) if _is_late(line, threshold)
            ]
        for line_id in candidates:
            try:
                granted += _grant(database, store_id, line_id)
            except Exception:  # noqa: BLE001 - a platform failure for one line; retried next run
                log.exception("Delay incentive for line %s failed", line_id)
    return granted


def _grant(database: AppDatabase, store_id: int, line_id: int) -> int:
    """The incentive (its code chosen by us) is committed first, the coupon made with no
    transaction open, the message written once it exists. A run that fails half-way is finished
    by the next with the same code, so a shopper never gets two coupons."""
    key = f"delay_incentive:{line_id}"
    with database.transaction() as session:
        # Lock the line so two workers never both grant it (SQLite: BEGIN IMMEDIATE).
        line = session.scalar(
            select(Line).where(Line.id == line_id).with_for_update().execution_options(populate_existing=True)
        )
        if line is None or session.scalar(select(OutboxMessage.id).where(OutboxMessage.dedupe_key == key)):
            return 0
        store = session.get(Store, store_id)
        granted = session.scalar(select(TimelineEvent).where(
            TimelineEvent.line_pk == line.id, TimelineEvent.kind == "delay_incentive"))
        if granted is not None:
            data = granted.data
        else:
            policy = store.delay_incentive
            free_shipping = policy.get("kind") == "free_shipping"
            data = {
                "code": "BD-" + secrets.token_hex(5).upper(),
                "kind": "free_shipping" if free_shipping else "discount",
                "percent_off": None if free_shipping else int(policy.get("percent_off", 10)),
                "first_promised_on": line.first_promised_on.isoformat(), "eta": line.eta,
            }
            record(session, line, "delay_incentive", data, shopper_visible=False)
        make_coupon = commerce_for(store).coupon_call(session, store, line.order, line, data["code"],
                                                      data["percent_off"], data["kind"] == "free_shipping")
    make_coupon()
    with database.transaction() as session:
        line = session.get(Line, line_id)
        return int(notify_once(session, store_id, "delay_incentive", key,
                               {**recipient(line.order), **line_summary(line), **data}))


def send_merchant_digests(database: AppDatabase) -> int:
    """Once a day (UTC) per store with a merchant email: the last 24 hours' new backorders,
    lines overdue against their ETA, and refunds."""
    now, today = clock.utcnow(), clock.today()
    with database.transaction(write=False) as session:
        stores = session.scalars(select(Store.id).where(Store.active, Store.merchant_email != "")).all()
    sent = 0
    for store_id in stores:
        with database.transaction() as session:
            store = session.get(Store, store_id)
            key = f"merchant_digest:{store.id}:{today.isoformat()}"
            sent += notify_once(session, store.id, "merchant_digest", key,
                                {"email": store.merchant_email, "locale": "en", "date": today.isoformat(),
                                 **digest(session, store, now - timedelta(days=1), now)})
    return sent


def digest(session: Session, store: Store, since: datetime, until: datetime) -> dict:
    def row(line: Line, quantity: int, **extra) -> dict:
        return {"order_id": line.order.order_id, "line_id": line.id, "name": line.name, "sku": line.sku,
                "quantity": quantity, **extra}

    new = session.scalars(
        select(Line).where(Line.store_id == store.id, Line.created_at >= since, Line.created_at <= until,
                           Line.quantity_backordered > 0)
        .order_by(Line.id).options(joinedload(Line.order))
    ).all()
    overdue = session.scalars(
        select(Line).where(Line.store_id == store.id, Line.state == "waiting",
                           or_(Line.eta_date < until.date(), Line.eta_source == "delayed"))
        .order_by(Line.eta_date, Line.id).options(joinedload(Line.order))
    ).all()
    refunds = session.scalars(
        select(Refund).where(Refund.store_id == store.id, Refund.created_at >= since, Refund.created_at <= until)
        .order_by(Refund.id).options(joinedload(Refund.line).joinedload(Line.order))
    ).all()
    return {
        "new_backorders": [
            row(line, line.quantity_backordered,
                eta_date=line.first_promised_on.isoformat() if line.first_promised_on else None)
            for line in new
        ],
        "overdue": [row(line, line.quantity_waiting, eta_date=line.eta_date.isoformat() if line.eta_date else None)
                    for line in overdue],
        "refunds": [
            row(r.line, r.quantity, amount=r.amount, currency=r.currency, status=r.status, reason=r.reason)
            for r in refunds
        ],
    }
