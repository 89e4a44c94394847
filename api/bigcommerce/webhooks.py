"""Webhook deliveries: accepted in the request only as far as authenticating and storing them;
the work happens in `process_webhooks`, a due job the worker (and `backorder-desk jobs run`)
runs. A job is claimed with a lease, processed outside any transaction while BigCommerce is
asked, then marked done; a failure is retried with backoff and, after MAX_ATTEMPTS, left
`failed` with its error for the merchant to see."""
import hmac
import json
import logging
import threading
from collections import defaultdict
from datetime import timedelta

from sqlalchemy import or_, select
from sqlalchemy.dialects import sqlite

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


def authenticate(database: AppDatabase, payload: dict, secret: str | None) -> int:
    """The id of the store that produced a delivery. Unauthorized unless the secret header is the
    one registered for it. One read in autocommit (no session, no write lock): BigCommerce may
    deliver hundreds at once, and each must be answered quickly."""
    try:
        store_hash = store_hash_from(str(payload.get("producer", "")))
    except InstallError:
        raise Unauthorized("Unknown producer.") from None
    row = database.read_once(lambda connection, dialect: _secret_of(connection, dialect, store_hash))
    # Compare digests in constant time; an unknown store is compared too, so timing tells nothing.
    expected = row[1] if row else "0" * 64
    if not secret or not hmac.compare_digest(secret_digest(secret), expected) or row is None:
        raise Unauthorized("The webhook secret header is missing or wrong.")
    return row[0]


def _secret_of(connection, dialect: str, store_hash: str) -> tuple[int, str] | None:
    marker = "%s" if dialect == "postgresql" else "?"
    cursor = connection.cursor()
    try:
        cursor.execute("SELECT s.id, i.webhook_secret_hash FROM stores s"
                       " JOIN bigcommerce_installations i ON i.store_id = s.id"
                       f" WHERE s.hash = {marker}", (store_hash,))
        return cursor.fetchone()
    finally:
        cursor.close()


def accept(database: AppDatabase, store_id: int, payload: dict) -> bool:
    """Store an authenticated delivery as a job, committed before this returns. False when it is
    a duplicate (a hash the store already sent)."""
    return _intake.store(database, {
        "store_id": store_id, "hash": str(payload["hash"])[:128], "scope": str(payload["scope"])[:100],
        "payload": payload,
    })


class _Intake:
    """Group commit. BigCommerce may deliver hundreds of webhooks at once; committing each on its
    own makes them queue for the database's write lock and its flush to disk (SQLite has one
    writer). Instead each request hands its delivery to this process's intake thread and waits:
    the thread stores whatever has arrived meanwhile in one transaction, then wakes every request
    with its answer. A delivery is still answered only once it is committed."""

    WAIT = 20  # seconds; BigCommerce gives up on a delivery after about 30

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._arrived = threading.Condition(self._lock)
        self._pending: list[tuple[AppDatabase, dict, "_Waiter"]] = []
        self._thread: threading.Thread | None = None

    def store(self, database: AppDatabase, row: dict) -> bool:
        waiter = _Waiter()
        with self._lock:
            self._pending.append((database, row, waiter))
            if self._thread is None or not self._thread.is_alive():  # first use in this process
                self._thread = threading.Thread(target=self._run, name="webhook-intake", daemon=True)
                self._thread.start()
            self._arrived.notify()
        if not waiter.done.wait(self.WAIT):
            raise TimeoutError("The webhook could not be stored in time.")
        if waiter.error is not None:
            raise waiter.error
        return waiter.stored

    def _run(self) -> None:
        while True:
            with self._lock:
                while not self._pending:
                    self._arrived.wait()
                batch, self._pending = self._pending, []
            by_database = defaultdict(list)
            for database, row, waiter in batch:
                by_database[database].append((row, waiter))
            for database, deliveries in by_database.items():
                try:
                    _store_batch(database, deliveries)
                except Exception as error:  # noqa: BLE001 - handed to the waiting requests
                    for _, waiter in deliveries:
                        waiter.error = error
                for _, waiter in deliveries:
                    waiter.done.set()


class _Waiter:
    def __init__(self) -> None:
        self.done = threading.Event()
        self.stored = False
        self.error: Exception | None = None


def _store_batch(database: AppDatabase, deliveries: list) -> None:
    """Store new deliveries in one statement, committed when it returns: a hash already stored
    (by any process), or earlier in the batch, is a duplicate and is not stored again."""
    first: dict[tuple[int, str], dict] = {}
    for row, _ in deliveries:
        first.setdefault((row["store_id"], row["hash"]), row)
    rows = json.dumps(list(first.values()))
    now = clock.utcnow()
    stored = {tuple(row) for row in database.write_once(
        lambda connection, dialect: _insert_new(connection, dialect, rows, now))}
    for row, waiter in deliveries:
        key = (row["store_id"], row["hash"])
        waiter.stored = key in stored and first[key] is row
        # (the first of a batch's repeats is the one stored; the others are duplicates)


# The rows go as one JSON array: the statement's text is the same for any batch, so PostgreSQL
# prepares it once per connection, and nothing is compiled per batch.
_INSERT_NEW = {
    "postgresql": """
        INSERT INTO bigcommerce_webhooks (store_id, hash, scope, payload, status, attempts,
                                          next_attempt_at, last_error, received_at)
        SELECT d.store_id, d.hash, d.scope, d.payload, 'pending', 0, %(now)s, '', %(now)s
        FROM json_to_recordset(%(rows)s::json) AS d(store_id integer, hash text, scope text, payload json)
        ON CONFLICT (store_id, hash) DO NOTHING
        RETURNING store_id, hash""",
    "sqlite": """
        INSERT INTO bigcommerce_webhooks (store_id, hash, scope, payload, status, attempts,
                                          next_attempt_at, last_error, received_at)
        SELECT value ->> 'store_id', value ->> 'hash', value ->> 'scope', value -> 'payload',
               'pending', 0, :now, '', :now
        FROM json_each(:rows) WHERE true
        ON CONFLICT (store_id, hash) DO NOTHING
        RETURNING store_id, hash""",
}
# SQLite keeps a DateTime as the text SQLAlchemy writes (and compares it as text): the same format.
_SQLITE_DATETIME = sqlite.DATETIME().bind_processor(sqlite.dialect())


def _insert_new(connection, dialect: str, rows: str, now) -> list[tuple[int, str]]:
    cursor = connection.cursor()
    try:
        cursor.execute(_INSERT_NEW[dialect],
                       {"rows": rows, "now": _SQLITE_DATETIME(now) if dialect == "sqlite" else now})
        return cursor.fetchall()  # on SQLite the statement, and so its transaction, ends here
    finally:
        cursor.close()


_intake = _Intake()


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
