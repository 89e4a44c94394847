"""Restock alerts: shoppers ask to hear when a variant is back; when stock goes on hand after
the queue has been served, each subscriber gets one `restock` message."""
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from api.domain import clock
from api.domain.errors import NotFound
from api.domain.events import notify
from api.models import RestockSubscription, Store, Variant

ACTIVE, NOTIFIED, UNSUBSCRIBED = "active", "notified", "unsubscribed"


def subscribe(session: Session, store: Store, variant_id: int, *, email: str = "", phone: str = "",
              locale: str = "en") -> tuple[RestockSubscription, bool]:
    """Subscribe an (already normalised) email or phone; returns (subscription, created). Asking
    again while subscribed changes nothing; asking after an alert or unsubscribe renews it."""
    variant = session.scalar(
        select(Variant).where(Variant.store_id == store.id, Variant.variant_id == variant_id)
    )
    if variant is None:
        raise NotFound(f"Variant {variant_id} is not in this store's catalog.")
    contact = email or phone
    subscription = session.scalar(
        select(RestockSubscription).where(
            RestockSubscription.variant_pk == variant.id, RestockSubscription.contact == contact
        )
    )
    if subscription is not None and subscription.status == ACTIVE:
        return subscription, False
    if subscription is None:
        subscription = RestockSubscription(store_id=store.id, variant_pk=variant.id, contact=contact)
        session.add(subscription)
    subscription.email, subscription.phone, subscription.locale = email, phone, locale
    subscription.status, subscription.notified_at = ACTIVE, None
    return subscription, True


def unsubscribe(session: Session, store: Store, subscription_id: int) -> RestockSubscription:
    subscription = session.get(RestockSubscription, subscription_id)
    if subscription is None or subscription.store_id != store.id:
        raise NotFound("This subscription does not exist.")
    subscription.status = UNSUBSCRIBED
    return subscription


def alert_subscribers(session: Session, store: Store, variant: Variant) -> int:
    """One `restock` outbox row per active subscriber of a variant with stock on hand; each is
    marked notified in the same transaction, so nobody is told twice."""
    if variant.on_hand <= 0:
        return 0
    subscriptions = session.scalars(
        select(RestockSubscription)
        .where(RestockSubscription.variant_pk == variant.id, RestockSubscription.status == ACTIVE)
        .order_by(RestockSubscription.id)
    ).all()
    for subscription in subscriptions:
        notify(session, store.id, "restock", {
            "subscription_id": subscription.id,
            "store_hash": store.hash,
            "email": subscription.email,
            "phone": subscription.phone,
            "locale": subscription.locale,
            "variant_id": variant.variant_id,
            "product_id": variant.product_id,
            "name": variant.name,
            "sku": variant.sku,
            "url": variant.url,
            "image_url": variant.image_url,
            "on_hand": variant.on_hand,
        })
    if subscriptions:
        session.execute(
            update(RestockSubscription)
            .where(RestockSubscription.id.in_([s.id for s in subscriptions]))
            .values(status=NOTIFIED, notified_at=clock.utcnow())
            .execution_options(synchronize_session="fetch")
        )
    return len(subscriptions)
