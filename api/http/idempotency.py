"""Idempotency-Key for money- and stock-moving requests.

A key is claimed in its own short transaction before the work starts, so a concurrent duplicate
sees it and answers 409. The work and the stored response then commit together: a replay returns
exactly the first response, and a crash mid-way leaves nothing half-done. Keys are kept 24 hours,
scoped to the store and the caller.

A claim whose request died is taken over:
- on PostgreSQL as soon as its holder is gone: the transaction doing the work holds the claim's
  row lock, which the server releases when that transaction ends, however it ends (a killed
  process or a dropped connection included); a duplicate that can take the lock knows nobody is
  working on the key any more;
- on SQLite, which has no row locks, after fifteen minutes (longer than any request runs)."""
import hashlib
import json
import re
from datetime import timedelta
from functools import wraps

from flask import current_app, g, request
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from api.domain import clock
from api.domain.errors import DomainError
from api.http.context import session
from api.http.errors import domain_error_response, error_response
from api.models import IdempotencyRecord

# Visible ASCII, spaces only inside, at most 255 characters (a UUID is the usual choice).
KEY_PATTERN = r"^[!-~]([ -~]{0,253}[!-~])?$"
KEY_PARAMETER = {"in": "header", "name": "Idempotency-Key", "required": True,
                 "schema": {"type": "string", "pattern": KEY_PATTERN}}
KEY_TTL = timedelta(hours=24)
# Longer than the slowest request can run (a refund makes several platform calls, each with
# retries and timeouts), so a claim is only taken over once its request is surely gone.
ABANDONED_AFTER = timedelta(minutes=15)


def _fingerprint() -> str:
    body = request.get_json(silent=True)
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":")) if body is not None else request.get_data(as_text=True)
    return hashlib.sha256(f"{request.method} {request.path}\n{canonical}".encode()).hexdigest()


def _replay(record: IdempotencyRecord):
    response = current_app.response_class(
        json.dumps(record.response_body), status=record.response_code, mimetype="application/json"
    )
    response.headers["Idempotent-Replayed"] = "true"
    return response


def _claim(store_id: int, scope: str, key: str, fingerprint: str):
    """Claim the key, or return the response to give instead of doing the work."""
    db_session = session()
    now = clock.utcnow()
    db_session.execute(delete(IdempotencyRecord).where(IdempotencyRecord.created_at < now - KEY_TTL))
    record = IdempotencyRecord(store_id=store_id, scope=scope, key=key, request_hash=fingerprint, created_at=now)
    db_session.add(record)
    try:
        db_session.commit()
    except IntegrityError:
        db_session.rollback()
    else:
        answer = _hold_new_claim(db_session, record)
        return (None, answer) if answer is not None else (record, None)
    existing = db_session.scalar(
        select(IdempotencyRecord).where(
            IdempotencyRecord.store_id == store_id,
            IdempotencyRecord.scope == scope,
            IdempotencyRecord.key == key,
        )
    )
    if existing is None:  # expired and purged between our insert and this read: try once more
        return _claim(store_id, scope, key, fingerprint)
    if existing.request_hash != fingerprint:
        return None, error_response(
            422,
            "This Idempotency-Key was already used with a different request.",
            {"headers": {"Idempotency-Key": ["Use a new key for a different request."]}},
        )
    if existing.status == "done":
        return None, _replay(existing)
    if _row_locks(db_session):
        held = _lock_claim(db_session, existing.id, wait=False)
        if held is not None and held.status == "done":  # finished since we read it
            return None, _replay(held)
        if held is not None:  # in progress, but its holder is gone: ours now, lock held
            return held, None
        return None, _still_running()
    taken_over = db_session.execute(
        update(IdempotencyRecord)
        .where(IdempotencyRecord.id == existing.id, IdempotencyRecord.status == "in_progress",
               IdempotencyRecord.created_at < now - ABANDONED_AFTER)
        .values(created_at=now)
    ).rowcount
    db_session.commit()
    if taken_over:
        return existing, None
    return None, _still_running()


def _still_running():
    return error_response(409, "A request with this Idempotency-Key is still being processed. Retry shortly.")


def _row_locks(db_session) -> bool:
    return db_session.get_bind().dialect.name == "postgresql"


def _lock_claim(db_session, record_id: int, *, wait: bool) -> IdempotencyRecord | None:
    """PostgreSQL: lock the claim's row in the current transaction, the one that does the work.
    Without `wait`, None when another live transaction holds it."""
    return db_session.scalar(
        select(IdempotencyRecord).where(IdempotencyRecord.id == record_id)
        .with_for_update(skip_locked=not wait).execution_options(populate_existing=True)
    )


def _hold_new_claim(db_session, record: IdempotencyRecord):
    """Lock a claim just committed. A duplicate may have taken it over in between (it saw no
    holder); then it did the work, and its answer is ours."""
    if not _row_locks(db_session):
        return None
    held = _lock_claim(db_session, record.id, wait=True)
    if held is None:  # taken over, and that request failed and gave the key up
        return _still_running()
    return _replay(held) if held.status == "done" else None


def idempotent(view):
    """Wrap a view (outside its @response) whose effects must happen once per key. The view must
    not commit: this decorator commits its work together with the stored response."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        key = request.headers.get("Idempotency-Key", "")
        if not re.fullmatch(KEY_PATTERN, key):
            return error_response(
                400,
                "An Idempotency-Key header (1 to 255 visible ASCII characters) is required for this request.",
                {"headers": {"Idempotency-Key": ["Missing, too long or not visible ASCII."]}},
            )
        store = g.store
        record, answer = _claim(store.id, g.idempotency_scope, key, _fingerprint())
        if answer is not None:
            return answer
        db_session = session()
        try:
            response = view(*args, **kwargs)
        except DomainError as error:
            db_session.rollback()
            response = domain_error_response(error)
        except Exception:
            # Safe to free the key for a retry: a view never calls the platform (refunds, order
            # edits, carts are rows its transaction commits, made later by due jobs), so the
            # rollback leaves no effect anywhere.
            db_session.rollback()
            db_session.execute(delete(IdempotencyRecord).where(IdempotencyRecord.id == record.id))
            db_session.commit()
            raise
        if response.status_code >= 500:
            db_session.rollback()
            db_session.execute(delete(IdempotencyRecord).where(IdempotencyRecord.id == record.id))
        else:
            db_session.execute(
                update(IdempotencyRecord)
                .where(IdempotencyRecord.id == record.id)
                .values(status="done", response_code=response.status_code,
                        response_body=response.get_json())
            )
        db_session.commit()
        return response

    return wrapper


def idempotent_when_keyed(view):
    """`idempotent` with the key optional, for an action that cannot happen twice anyway (a
    repeat is refused with 409): with a key, a retry after a lost answer gets the first answer
    instead. Without one the view's work is committed here."""
    keyed = idempotent(view)

    @wraps(view)
    def wrapper(*args, **kwargs):
        if "Idempotency-Key" in request.headers:
            return keyed(*args, **kwargs)
        response = view(*args, **kwargs)
        session().commit()
        return response

    return wrapper
