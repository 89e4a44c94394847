"""Stores, their policy settings and the merchant's admin API keys."""
import hashlib
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.domain.backorders import recompute_store
from api.domain.errors import Conflict, NotFound
from api.models import AdminApiKey, Store

SETTINGS_FIELDS = (
    "name", "cancel_window_days", "cancel_allocated", "pay_later_enabled", "payment_hold_days",
    "handling_days", "dearer_switch", "delay_incentive", "storefront_origins",
    "notification_channels", "timezone", "working_days", "service_level",
)
# Settings that decide every ETA: changing one recomputes them.
CALENDAR_FIELDS = ("handling_days", "timezone", "working_days")


def _digest(api_key: str) -> str:
    # Keys are 256-bit random values, so a plain SHA-256 is enough to store them safely.
    return hashlib.sha256(api_key.encode()).hexdigest()


def create_store(
    session: Session, store_hash: str, origins: list[str], platform: str = "local", name: str = ""
) -> tuple[Store, str]:
    """A new store and its first admin API key (shown once, stored hashed)."""
    if session.scalar(select(Store.id).where(Store.hash == store_hash)):
        raise Conflict(f"Store {store_hash} already exists.")
    store = Store(hash=store_hash, platform=platform, storefront_origins=origins, name=name)
    session.add(store)
    session.flush()
    return store, issue_api_key(session, store)


def issue_api_key(session: Session, store: Store) -> str:
    api_key = "bd_" + secrets.token_urlsafe(32)
    session.add(AdminApiKey(store_id=store.id, key_hash=_digest(api_key)))
    return api_key


def store_for_api_key(session: Session, api_key: str) -> Store | None:
    return session.scalar(
        select(Store)
        .join(AdminApiKey, AdminApiKey.store_id == Store.id)
        .where(AdminApiKey.key_hash == _digest(api_key), Store.active)
    )


def get_store(session: Session, store_hash: str) -> Store:
    store = session.scalar(select(Store).where(Store.hash == store_hash, Store.active))
    if store is None:
        raise NotFound(f"Store {store_hash} is not known.")
    return store


def update_settings(session: Session, store: Store, fields: dict) -> Store:
    """Change the policy; a change to handling days, time zone or working days recomputes the
    ETA of every waiting line."""
    if "working_days" in fields:
        fields = {**fields, "working_days": sorted(set(fields["working_days"]))}
    changed = any(name in fields and fields[name] != getattr(store, name) for name in CALENDAR_FIELDS)
    for name, value in fields.items():
        setattr(store, name, value)
    if changed:
        session.flush()
        recompute_store(session, store)
    return store
