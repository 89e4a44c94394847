"""The catalog mirror and inbound stock, as the merchant maintains them."""
from datetime import date

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from api.domain.backorders import (
    DRAFT, NOT_SUPPLY, WAITING, allocate, lock_variant, recompute_etas, settle_purchase_order,
)
from api.domain.dates import store_today
from api.domain.errors import Invalid, NotFound
from api.domain.stock import owe_platform, set_on_hand
from api.domain.suppliers import supplier_for
from api.models import InboundShipment, Line, PurchaseOrder, Store, Variant

# What a replaced variant gets for each field not given.
VARIANT_DEFAULTS = {
    "product_id": None, "sku": "", "name": "", "price": 0, "currency": "USD", "url": "",
    "image_url": "", "category": "", "on_hand": 0, "backorders_enabled": False,
    "backorder_limit": None, "lead_time_days": None, "message": "", "reason": "", "reason_code": "",
    "alternatives": [], "supplier_id": None,
}


def get_variant(session: Session, store: Store, variant_id: int) -> Variant:
    variant = session.scalar(
        select(Variant).where(Variant.store_id == store.id, Variant.variant_id == variant_id)
    )
    if variant is None:
        raise NotFound(f"Variant {variant_id} is not in this store's catalog.")
    return variant


def save_variant(
    session: Session, store: Store, variant_id: int, fields: dict, *, replace: bool,
    from_platform: bool = False,
) -> tuple[Variant, bool]:
    """Create or update a variant (replace: PUT semantics, fields not given return to defaults).
    Anything that can change what the queue gets (stock, lead time) reallocates and recomputes.

    A new `on_hand` is a stock count: the difference goes to the stock ledger as an adjustment,
    and is owed to the platform unless the count came from it (`from_platform`)."""
    if fields.get("supplier_id") is not None:
        supplier_for(session, store, fields["supplier_id"])
    try:
        variant = lock_variant(session, store, variant_id)
        created = False
    except NotFound:
        variant = Variant(store_id=store.id, variant_id=variant_id, on_hand=0, alternatives=[])
        session.add(variant)
        created = True
    values = {**VARIANT_DEFAULTS, **fields} if replace else dict(fields)
    on_hand = values.pop("on_hand", None)
    for name, value in values.items():
        setattr(variant, name, value)
    session.flush()
    if on_hand is not None:
        counted = set_on_hand(session, variant, on_hand,
                              note="counted on the platform" if from_platform else "counted by the merchant")
        if not from_platform:
            owe_platform(session, store, variant, counted, "stock count")
    if not allocate(session, store, variant):
        recompute_etas(session, store, variant)
    return variant, created


def variant_state_clause(state: str):
    """SQL for a variant's storefront state, with the queue length as a correlated subquery."""
    waiting = (
        select(
            func.coalesce(
                func.sum(
                    Line.quantity - Line.quantity_allocated - Line.quantity_shipped
                    - Line.quantity_cancelled
                ),
                0,
            )
        )
        .where(Line.variant_pk == Variant.id, Line.state == WAITING)
        .scalar_subquery()
    )
    can_backorder = and_(
        Variant.backorders_enabled,
        or_(Variant.backorder_limit.is_(None), waiting < Variant.backorder_limit),
    )
    if state == "in_stock":
        return Variant.on_hand > 0
    if state == "backorder":
        return and_(Variant.on_hand <= 0, can_backorder)
    return and_(Variant.on_hand <= 0, ~can_backorder)


def list_variants(
    session: Session, store: Store, *, page: int, per_page: int, state: str | None = None,
    search: str | None = None,
) -> tuple[list[Variant], int]:
    query = select(Variant).where(Variant.store_id == store.id)
    if state:
        query = query.where(variant_state_clause(state))
    if search:
        pattern = f"%{search.lower()}%"
        query = query.where(or_(func.lower(Variant.sku).like(pattern), func.lower(Variant.name).like(pattern)))
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    items = session.scalars(
        query.order_by(Variant.product_id, Variant.variant_id).limit(per_page).offset((page - 1) * per_page)
    )
    return list(items), total


# Bulk edit fields and the variant attributes they set (the reason code and its words).
BULK_FIELDS = {"backorders_enabled": "backorders_enabled", "backorder_limit": "backorder_limit",
               "lead_time_days": "lead_time_days", "message": "message", "reason": "reason_code",
               "reason_text": "reason", "alternatives": "alternatives", "supplier_id": "supplier_id"}


def edit_variants(session: Session, store: Store, variant_ids: list[int], changes: dict) -> list[Variant]:
    """The same changes to several variants at once, all or none: an unknown id is Invalid.
    Each is locked in turn (in id order) and its queue reallocated and its ETAs recomputed."""
    known = set(session.scalars(
        select(Variant.variant_id).where(Variant.store_id == store.id, Variant.variant_id.in_(variant_ids))))
    unknown = [variant_id for variant_id in variant_ids if variant_id not in known]
    if unknown:
        raise Invalid("Some variants are not in this store's catalog; nothing was changed.",
                      {"json": {"variant_ids": [f"Unknown variant {variant_id}." for variant_id in unknown]}})
    if changes.get("supplier_id") is not None:
        supplier_for(session, store, changes["supplier_id"], ("changes", "supplier_id"))
    fields = {BULK_FIELDS[name]: value for name, value in changes.items()}
    if changes.get("reason") not in (None, "other") and "reason_text" not in changes:
        fields["reason"] = ""  # a coded reason replaces the old words
    return [save_variant(session, store, variant_id, fields, replace=False)[0]
            for variant_id in sorted(set(variant_ids))]


def list_inbound(session: Session, store: Store, variant_id: int) -> list[InboundShipment]:
    variant = get_variant(session, store, variant_id)
    return list(
        session.scalars(
            select(InboundShipment).join(PurchaseOrder, InboundShipment.purchase_order_id == PurchaseOrder.id)
            .where(InboundShipment.variant_pk == variant.id, PurchaseOrder.status != DRAFT)  # drafts: not ordered yet
            .order_by(InboundShipment.expected_on, InboundShipment.id)
        )
    )


def add_inbound(
    session: Session, store: Store, variant_id: int, quantity: int, expected_on: date
) -> InboundShipment:
    variant = lock_variant(session, store, variant_id)
    # Inbound recorded for one variant is a purchase order of one line, with no supplier given.
    purchase_order = PurchaseOrder(store_id=store.id, expected_on=expected_on)
    inbound = InboundShipment(
        store_id=store.id, variant_pk=variant.id, quantity=quantity, expected_on=expected_on,
        purchase_order=purchase_order,
    )
    session.add(inbound)
    session.flush()
    recompute_etas(session, store, variant)
    return inbound


def _locked_inbound(session: Session, store: Store, variant_id: int, inbound_id: int):
    variant = lock_variant(session, store, variant_id)
    inbound = session.get(InboundShipment, inbound_id)
    if inbound is None or inbound.variant_pk != variant.id:
        raise NotFound(f"Inbound shipment {inbound_id} does not exist for this variant.")
    return variant, inbound


def update_inbound(
    session: Session, store: Store, variant_id: int, inbound_id: int, fields: dict
) -> InboundShipment:
    variant, inbound = _locked_inbound(session, store, variant_id, inbound_id)
    for name, value in fields.items():
        setattr(inbound, name, value)
    session.flush()
    recompute_etas(session, store, variant)
    return inbound


def delete_inbound(session: Session, store: Store, variant_id: int, inbound_id: int) -> None:
    variant, inbound = _locked_inbound(session, store, variant_id, inbound_id)
    purchase_order = inbound.purchase_order
    session.delete(inbound)
    session.flush()
    session.refresh(purchase_order)
    if not purchase_order.lines:  # nothing left to expect from it
        session.delete(purchase_order)
    else:
        settle_purchase_order(purchase_order)
    recompute_etas(session, store, variant)


def receive_inbound_from_platform(session: Session, store: Store, variant: Variant, units: int) -> None:
    """Stock that arrived on the platform (its count rose) is the inbound we were expecting: the
    shipments due first are marked received as far as the units cover them (the last one in
    part: what is left of it stays expected), so no one is promised units already consumed."""
    pending = session.scalars(
        select(InboundShipment).join(PurchaseOrder, InboundShipment.purchase_order_id == PurchaseOrder.id)
        .where(InboundShipment.variant_pk == variant.id, InboundShipment.received_on.is_(None),
               PurchaseOrder.status.not_in(NOT_SUPPLY))
        .order_by(InboundShipment.expected_on, InboundShipment.id)
    ).all()
    today = store_today(store)
    for inbound in pending:
        if units <= 0:
            break
        if units >= inbound.quantity:
            inbound.received_on, inbound.quantity_received = today, inbound.quantity
            units -= inbound.quantity
        else:
            inbound.quantity -= units
            units = 0
