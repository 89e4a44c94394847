"""Webhook deliveries: accepted in the request only as far as authenticating and storing them;
the work happens in `process_webhooks`, a due job the worker (and `backorder-desk jobs run`)
runs. A job is claimed with a lease, processed outside any transaction while BigCommerce is
asked, then marked done; a failure is retried with backoff and, after MAX_ATTEMPTS, left
`failed` with its error for the merchant to see."""
import hmac
import logging
from datetime import timedelta

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.bigcommerce import sync
from api.bigcommerce.client import BigCommerceError
from api.bigcommerce.install import (
    WEBHOOK_SECRET_HEADER as SECRET_HEADER, InstallError, secret_digest, store_hash_from, uninstall,
)
from api.db import AppDatabase
from api.domain import clock
from api.domain.errors import DomainError
from api.models import BigCommerceInstallation, BigCommerceWebhook, Store

log = logging.getLogger(__name__)

BATCH = 50
LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 8
MAX_DELAY = timedelta(hours=1)


class Unauthorized(Exception):
    pass


def accept(session: Session, payload: dict, secret: str | None) -> bool:
    """Store a delivery as a job. False when it is a duplicate (same hash). Unauthorized unless
    the secret header is the one registered for the producing store."""
    try:
        store_hash = store_hash_from(str(payload.get("producer", "")))
    except InstallError:
        raise Unauthorized("Unknown producer.") from None
    row = session.execute(
        select(Store.id, BigCommerceInstallation.webhook_secret_hash)
        .join(BigCommerceInstallation, BigCommerceInstallation.store_id == Store.id)
        .where(Store.hash == store_hash)
    ).first()
    # Compare digests in constant time; an unknown store is compared too, so timing tells nothing.
    expected = row.webhook_secret_hash if row else "0" * 64
    if not secret or not hmac.compare_digest(secret_digest(secret), expected) or row is None:
        raise Unauthorized("The webhook secret header is missing or wrong.")
    session.add(BigCommerceWebhook(
        store_id=row.id, hash=str(payload["hash"])[:128], scope=str(payload["scope"])[:100],
        payload=payload, status="pending", next_attempt_at=clock.utcnow(),
    ))
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        return False
    return True


def _claim(database: AppDatabase, limit: int) -> list[int]:
    now = clock.utcnow()
    with database.transaction() as session:
        jobs = session.scalars(
            select(BigCommerceWebhook)
            .where(
                # `running` past its lease: a worker died holding it.
                or_(BigCommerceWebhook.status == "pending", BigCommerceWebhook.status == "running"),
                BigCommerceWebhook.next_attempt_at <= now,
            )
            .order_by(BigCommerceWebhook.next_attempt_at, BigCommerceWebhook.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        ).all()
        for job in jobs:
            job.status, job.attempts, job.next_attempt_at = "running", job.attempts + 1, now + LEASE
        return [job.id for job in jobs]


def process_webhooks(database: AppDatabase, limit: int = BATCH) -> int:
    """Process due webhook jobs; returns how many completed."""
    completed = 0
    for job_id in _claim(database, limit):
        with database.transaction(write=False) as session:
            job = session.get(BigCommerceWebhook, job_id)
            store_id, scope, payload = job.store_id, job.scope, job.payload
        try:
            outcome = handle(database, store_id, scope, payload)
        except Exception as error:  # noqa: BLE001 - recorded, then retried or failed
            _failed(database, job_id, error)
            continue
        with database.transaction() as session:
            job = session.get(BigCommerceWebhook, job_id)
            job.status, job.done_at, job.last_error = "done", clock.utcnow(), ""
            log.info("Webhook %s %s: %s", scope, job_id, outcome)
        completed += 1
    return completed


def _failed(database: AppDatabase, job_id: int, error: Exception) -> None:
    message = getattr(error, "message", None) or str(error) or type(error).__name__
    permanent = isinstance(error, DomainError) or (isinstance(error, BigCommerceError) and error.status == 404)
    log.warning("Webhook job %s failed: %s", job_id, message)
    with database.transaction() as session:
        job = session.get(BigCommerceWebhook, job_id)
        job.last_error = message[:2000]
        if permanent or job.attempts >= MAX_ATTEMPTS:
            job.status = "failed"
        else:
            job.status = "pending"
            job.next_attempt_at = clock.utcnow() + min(timedelta(minutes=2 ** job.attempts), MAX_DELAY)


def handle(database: AppDatabase, store_id: int, scope: str, payload: dict) -> str:
    data = payload.get("data") or {}
    with database.transaction(write=False) as session:
        active = session.get(Store, store_id).active
    if not active and scope != "store/app/uninstalled":
        return "store uninstalled: skipped"
    if scope in ("store/order/created", "store/order/updated", "store/order/statusUpdated",
                 "store/order/refund/created"):
        return sync.sync_order(database, store_id, int(data["id"]))
    if scope == "store/shipment/created":
        # The order's products say how many units have shipped in all: applying that is
        # idempotent, where adding up shipments would count a repeated one twice.
        return sync.sync_order(database, store_id, int(data["orderId"]))
    if scope == "store/product/updated":
        return f"{sync.refresh_product(database, store_id, int(data['id']))} variants refreshed"
    if scope == "store/sku/inventory/updated":
        inventory = data.get("inventory") or {}
        variant_id = inventory.get("variant_id")
        if variant_id is None:
            return f"{sync.refresh_stock(database, store_id, product_id=int(inventory['product_id']))} changed"
        return f"{sync.refresh_stock(database, store_id, variant_id=int(variant_id))} changed"
    if scope == "store/product/inventory/updated":
        return f"{sync.refresh_stock(database, store_id, product_id=int(data['id']))} changed"
    if scope == "store/app/uninstalled":
        with database.transaction() as session:
            store = session.get(Store, store_id)
            uninstall(session, store.hash)
        return "uninstalled"
    return "ignored"
