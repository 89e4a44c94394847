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
from api.domain.backorders import overdue_inbound, recompute_store
from api.domain.dates import store_today
from api.domain.forecast import forecast_series, save_forecasts, store_series, week_of
from api.domain.payments import send_payment_requests as send_due_payment_requests
from api.domain.refunds import send_due_refunds
from api.domain.reorder import draft_purchase_orders
from api.models import PaymentRequestRecord, Store
from api.notifications.jobs import notify_once

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


def recompute_store_etas(database: AppDatabase) -> int:
    """Each active store once per day of its own: recompute every waiting line's ETA, and tell
    the merchant (once per shipment and date) of each inbound shipment overdue."""
    with database.transaction(write=False) as session:
        due = [store.id for store in session.scalars(select(Store).where(Store.active).order_by(Store.id))
               if store.etas_recomputed_on is None or store.etas_recomputed_on < store_today(store)]
    for store_id in due:
        with database.transaction() as session:
            store = session.get(Store, store_id)
            recompute_store(session, store)
            for inbound in overdue_inbound(session, store):
                variant = inbound.variant
                notify_once(session, store.id, "inbound_overdue",
                            f"inbound_overdue:{inbound.id}:{inbound.expected_on.isoformat()}", {
                                "email": store.merchant_email, "locale": "en", "inbound_id": inbound.id,
                                "variant_id": variant.variant_id, "name": variant.name, "sku": variant.sku,
                                "quantity": inbound.quantity, "expected_on": inbound.expected_on.isoformat(),
                            })
            store.etas_recomputed_on = store_today(store)
    return len(due)


def bigcommerce_stock_writebacks(database: AppDatabase) -> int:
    """Units owed to BigCommerce's stock count (receipts, shopper cancels, expired holds), pushed
    with its relative inventory adjustment, never from inside a transaction."""
    from api.bigcommerce.inventory import push_stock_writebacks

    return push_stock_writebacks(database)


def bigcommerce_nightly_stock(database: AppDatabase) -> int:
    """Once a day per store (its date): every variant's stock reconciled with BigCommerce's."""
    from api.bigcommerce.sync import reconcile_stock_nightly

    return reconcile_stock_nightly(database)


def nightly_etas(database: AppDatabase) -> int:
    """Once a day per store (its date): every waiting line's ETA recomputed, so an inbound or a
    lead time that went overdue shows as delayed, and the merchant is told of overdue inbound."""
    return recompute_store_etas(database)


def _due_stores(database: AppDatabase, done_on) -> list[int]:
    """Active stores whose `done_on(store)` is before their today."""
    with database.transaction(write=False) as session:
        return [store.id for store in session.scalars(select(Store).where(Store.active).order_by(Store.id))
                if done_on(store) is None or done_on(store) < store_today(store)]


def nightly_forecasts(database: AppDatabase) -> int:
    """Once a day per store (its date): every variant with sales history gets its weekly demand
    forecast, all of the store's variants in one statsforecast call per method. The history is
    read and the forecasts written in two short transactions; the computing holds none."""
    done = 0
    for store_id in _due_stores(database, lambda store: store.forecasts_computed_on):
        with database.transaction(write=False) as session:
            computed_on, series = store_series(session, session.get(Store, store_id))
        try:
            forecasts = forecast_series(series, week_of(computed_on)) if series else {}
        except Exception:  # noqa: BLE001 - one store's failure must not stop the others
            # Its old forecasts stay; tried again tomorrow rather than on every run of the jobs.
            log.exception("Demand forecast failed for store %s", store_id)
            with database.transaction() as session:
                session.get(Store, store_id).forecasts_computed_on = computed_on
            continue
        with database.transaction() as session:
            store = session.get(Store, store_id, with_for_update=True, populate_existing=True)
            if store.forecasts_computed_on != computed_on:  # another worker may have just done it
                done += save_forecasts(session, store, computed_on, forecasts)
    return done


def daily_reorder_drafts(database: AppDatabase) -> int:
    """Once a day per store, after the forecasts: a draft purchase order per supplier opted in
    to automatic reordering, for its variants at or below their reorder point (approved at once
    for suppliers set to auto-send). Returns the purchase orders drafted or added to."""
    drafted = 0
    for store_id in _due_stores(database, lambda store: store.reorder_drafted_on):
        # No lock on the store row (availability refreshes take it after variant locks, which
        # approving takes): drafting locks the store's suppliers, so two runs at once draft once.
        try:
            with database.transaction() as session:
                store = session.get(Store, store_id)
                drafted += len(draft_purchase_orders(session, store))
                store.reorder_drafted_on = store_today(store)
        except Exception:  # noqa: BLE001 - one store's failure must not stop the others
            log.exception("Reorder drafting failed for store %s", store_id)
            with database.transaction() as session:  # tried again tomorrow, not on every run
                store = session.get(Store, store_id)
                store.reorder_drafted_on = store_today(store)
    return drafted


JOBS: list[Callable[[AppDatabase], int]] = [expire_payment_holds, nightly_etas, nightly_forecasts,
                                         daily_reorder_drafts, bigcommerce_webhooks,
                                         send_order_edits, send_refunds, send_payment_requests,
                                         bigcommerce_stock_writebacks, bigcommerce_reconciliation,
                                         bigcommerce_nightly_stock]


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
