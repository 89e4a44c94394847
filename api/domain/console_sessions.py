"""Merchant console sessions: short-lived bearer tokens for the admin API, issued to a BigCommerce
control-panel user (when BigCommerce opens the app) or in exchange for an admin API key (the
local console). Stored as SHA-256 digests so that they can be ended: when BigCommerce removes a
user (their sessions) or the store uninstalls the app (all of the store's)."""
import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from api.domain import clock
from api.models import ConsoleSession, Store

PREFIX = "bdc_"  # tells a console session from an admin API key ("bd_") at a glance


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def api_key_label(api_key: str) -> str:
    """How the audit log names the holder of an admin API key, without revealing it."""
    return f"API key ending {api_key[-4:]}"


def open_session(
    session: Session, store: Store, *, label: str, lifetime: timedelta,
    user_id: int | None = None, user_email: str = "",
) -> tuple[str, ConsoleSession]:
    """A new session and its token (shown once; only its digest is kept)."""
    token = PREFIX + secrets.token_urlsafe(32)
    now = clock.utcnow()
    record = ConsoleSession(
        store_id=store.id, token_hash=_digest(token), user_id=user_id, user_email=user_email,
        label=label, created_at=now, expires_at=now + lifetime,
    )
    session.add(record)
    session.flush()
    return token, record


def find_session(session: Session, token: str) -> tuple[Store, ConsoleSession] | None:
    """The live session a token names, with its (active) store; None when unknown, expired or
    ended."""
    if not token.startswith(PREFIX):
        return None
    row = session.execute(
        select(Store, ConsoleSession)
        .join(ConsoleSession, ConsoleSession.store_id == Store.id)
        .where(ConsoleSession.token_hash == _digest(token), ConsoleSession.revoked_at.is_(None),
               ConsoleSession.expires_at > clock.utcnow(), Store.active)
    ).first()
    return (row[0], row[1]) if row else None


def end_sessions(session: Session, store: Store, user_id: int | None = None) -> int:
    """End the store's live sessions (only that control-panel user's when `user_id` is given)."""
    now: datetime = clock.utcnow()
    query = update(ConsoleSession).where(
        ConsoleSession.store_id == store.id, ConsoleSession.revoked_at.is_(None),
        ConsoleSession.expires_at > now,
    )
    if user_id is not None:
        query = query.where(ConsoleSession.user_id == user_id)
    return session.execute(query.values(revoked_at=now)).rowcount
