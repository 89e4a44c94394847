"""Stock write-backs pushed to BigCommerce: the units its count must move by for changes it did not
make itself (api/domain/stock.py writes them with the change). A due job claims them in a short
transaction, calls BigCommerce's relative inventory adjustment with no transaction open, then
records the outcome.

A relative adjustment is not idempotent and BigCommerce keeps no list of them to look in, so it
is never re-sent blindly: a 5xx or a lost answer leaves the write-back `unknown`, and the next
reconciliation of the variant settles it from BigCommerce's level (stock.reconcile_level)."""
import logging
from datetime import timedelta

from sqlalchemy import select

from api.bigcommerce.client import BigCommerceClient, BigCommerceError
from api.bigcommerce.install import client_for
from api.db import AppDatabase
from api.domain import clock
from api.models import StockWriteback, Store

log = logging.getLogger(__name__)

BATCH = 50
LEASE = timedelta(minutes=5)  # a `sending` row older than this: its worker died mid-call
MAX_DELAY = timedelta(hours=1)


def _location(client: BigCommerceClient, variant_id: int) -> int:
    """The variant's first enabled inventory location (the default location is 1)."""
    answer = client.get("/v3/inventory/items", {"variant_id:in": variant_id}) or {}
    for item in answer.get("data") or []:
        for location in item.get("locations") or []:
            if location.get("location_enabled", True):
                return int(location["location_id"])
    return 1


def _claim(database: AppDatabase, limit: int) -> list[StockWriteback]:
    now = clock.utcnow()
    with database.transaction() as session:
        for stale in session.scalars(select(StockWriteback).where(
                StockWriteback.status == "sending", StockWriteback.next_attempt_at <= now).with_for_update(skip_locked=True)):
            stale.status, stale.last_error = "unknown", "The worker stopped while sending it."
        rows = session.scalars(
            select(StockWriteback)
            .where(StockWriteback.status == "pending", StockWriteback.next_attempt_at <= now)
            .order_by(StockWriteback.id).limit(limit).with_for_update(skip_locked=True)
        ).all()
        for row in rows:
            row.status, row.attempts, row.next_attempt_at = "sending", row.attempts + 1, now + LEASE
        session.flush()
        session.expunge_all()
        return list(rows)


def push_stock_writebacks(database: AppDatabase, limit: int = BATCH) -> int:
    """Push due write-backs; returns how many BigCommerce confirmed."""
    confirmed = 0
    for row in _claim(database, limit):
        status, error = _push(database, row)
        with database.transaction() as session:
            stored = session.get(StockWriteback, row.id)
            stored.status, stored.last_error = status, error[:2000]
            if status == "pending":
                stored.next_attempt_at = clock.utcnow() + min(timedelta(minutes=2 ** stored.attempts), MAX_DELAY)
            if status == "done":
                stored.sent_at = clock.utcnow()
        if status == "done":
            confirmed += 1
        elif status in ("unknown", "failed"):
            log.warning("Stock write-back %s for variant %s is %s: %s", row.id, row.variant_id, status, error)
    return confirmed


def _push(database: AppDatabase, row: StockWriteback) -> tuple[str, str]:
    with database.transaction(write=False) as session:
        store = session.get(Store, row.store_id)
        if not store.active:
            return "failed", "The store uninstalled the app."
        client = client_for(session, store)
    try:
        location = _location(client, row.variant_id)
    except BigCommerceError as error:  # nothing was written: ask again later
        return "pending", str(error)
    body = {"reason": f"Backorder Desk {row.reason} {row.key}",
            "items": [{"location_id": location, "variant_id": row.variant_id, "quantity": row.quantity}]}
    try:
        client.post("/v3/inventory/adjustments/relative", body)  # never re-sent by the client
    except BigCommerceError as error:
        if error.status == 0 or error.status >= 500:
            return "unknown", str(error)  # it may have been applied: the reconciliation decides
        if error.status == 429:
            return "pending", str(error)
        return "failed", str(error)  # refused: nothing applied; the merchant must look
    return "done", ""
