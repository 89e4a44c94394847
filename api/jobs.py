"""Due jobs: work that falls due with time rather than with a request. `run_due_jobs` runs each
job in JOBS once; the worker calls it periodically and `backorder-desk jobs run` once.

A job is a function taking the app's database (AppDatabase) and returning how many things it did. Each item is
handled in its own transaction, so one failure neither blocks nor undoes the others. Add a job
by appending it to JOBS."""
import logging
from collections.abc import Callable

from sqlalchemy import select

from api.db import AppDatabase
from api.domain import clock
from api.domain.actions import expire_hold, send_due_edits
from api.domain.payments import send_payment_requests as send_due_payment_requests
from api.domain.refunds import send_due_refunds
from api.models import PaymentRequestRecord, Store

log = logging.getLogger(__name__)
BATCH = 100


def expire_payment_holds(database: AppDatabase) -> int:
    """Pay-later lines held past their payment deadline: the units pass to the next in queue."""
    with database.transaction(write=False) as session:
        due = session.execute(
            select(PaymentRequestRecord.id, PaymentRequestRecord.store_id).where(
                PaymentRequestRecord.status == "open",
                PaymentRequestRecord.hold_until.is_not(None),
                PaymentRequestRecord.hold_until <= clock.utcnow(),
            ).order_by(PaymentRequestRecord.hold_until).limit(BATCH)
        ).all()
    expired = 0
    for payment_id, store_id in due:
        with database.transaction() as session:
            store = session.get(Store, store_id)
            expired += expire_hold(session, store, session.get(PaymentRequestRecord, payment_id))
    return expired


def send_order_edits(database: AppDatabase) -> int:
    """Switches to be made in the platform's order (before refunds: a cheaper switch's refund
    is owed once its edit is made)."""
    return send_due_edits(database, BATCH)


def send_refunds(database: AppDatabase) -> int:
    """Refunds owed, asked of the platform outside any transaction; those not confirmed yet are
    asked again later under the same key (never paid twice)."""
    return send_due_refunds(database, BATCH)


def bigcommerce_webhooks(database: AppDatabase) -> int:
    """Webhook deliveries stored by POST /bigcommerce/webhooks, processed here, never in the request."""
    from api.bigcommerce.webhooks import process_webhooks

    return process_webhooks(database)


def bigcommerce_reconciliation(database: AppDatabase) -> int:
    """Catch-up with BigCommerce for missed webhooks (each store at most every 15 minutes)."""
    from api.bigcommerce.sync import reconcile

    return reconcile(database)


def send_payment_requests(database: AppDatabase) -> int:
    """Payment requests (carts and checkout links) the platform has not made yet."""
    return send_due_payment_requests(database, BATCH)


JOBS: list[Callable[[AppDatabase], int]] = [expire_payment_holds, bigcommerce_webhooks, send_order_edits,
                                         send_refunds, send_payment_requests, bigcommerce_reconciliation]


def run_due_jobs(database: AppDatabase) -> dict[str, int]:
    """Run every job once; returns what each did. A job that fails is logged and reported as -1
    so the others still run."""
    counts = {}
    for job in JOBS:
        try:
            counts[job.__name__] = job(database)
        except Exception:  # noqa: BLE001 - one broken job must not stop the rest
            log.exception("Due job %s failed", job.__name__)
            counts[job.__name__] = -1
    return counts
