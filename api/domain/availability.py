"""What a product page shows: can it ship now, can it be backordered, and when would it ship."""
from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session, aliased

from api.domain.backorders import backorder_capacity, store_calendar, supply_curves, waiting_units
from api.domain.eta import eta_for
from api.models import Store, Variant

IN_STOCK, BACKORDER, SOLD_OUT = "in_stock", "backorder", "sold_out"
MAX_ALTERNATIVES = 4


def availability(
    session: Session,
    store: Store,
    *,
    product_ids: list[int] | None = None,
    variant_ids: list[int] | None = None,
    quantity: int = 1,
) -> list[dict]:
    """One item per variant asked for (directly or through its product), in a fixed number of
    queries however many ids are asked."""
    query = select(Variant).where(Variant.store_id == store.id)
    if product_ids is not None:
        query = query.where(Variant.product_id.in_(product_ids))
    else:
        query = query.where(Variant.variant_id.in_(variant_ids or []))
    variants = list(session.scalars(query.order_by(Variant.product_id, Variant.variant_id)))
    pks = [v.id for v in variants]
    waiting = waiting_units(session, pks)
    curves = supply_curves(session, pks)
    calendar = store_calendar(store)

    items = []
    for variant in variants:
        queued = waiting.get(variant.id, 0)
        capacity = backorder_capacity(variant, queued)
        on_hand = max(variant.on_hand, 0)
        shortfall = max(quantity - on_hand, 0)
        eta = None
        if shortfall == 0:
            state = IN_STOCK
        elif capacity is None or shortfall <= capacity:
            state = BACKORDER
            eta = eta_for(
                queued + shortfall,
                curves[variant.id],
                lead_time_days=variant.lead_time_days,
                calendar=calendar,
            ).as_dict()
        else:
            state = IN_STOCK if on_hand else SOLD_OUT
        items.append(
            {
                "product_id": variant.product_id,
                "variant_id": variant.variant_id,
                "sku": variant.sku,
                "state": state,
                "available_on_hand": on_hand,
                "available_for_backorder": capacity,
                "eta": eta,
                "message": variant.message,
                "reason": variant.reason,
                "pay_later": store.pay_later_enabled and state == BACKORDER,
                "alternatives": [],
            }
        )
    needing = [(v, item) for v, item in zip(variants, items) if item["state"] != IN_STOCK]
    found = alternatives_for(session, store, [v for v, _ in needing])
    for (_, item), alternatives in zip(needing, found):
        item["alternatives"] = [alternative_dict(a) for a in alternatives]
    return items


def alternative_dict(variant: Variant) -> dict:
    return {
        "product_id": variant.product_id,
        "variant_id": variant.variant_id,
        "name": variant.name,
        "price": variant.price,
        "currency": variant.currency,
        "url": variant.url,
        "image_url": variant.image_url,
    }


def alternatives_for(session: Session, store: Store, variants: list[Variant]) -> list[list[Variant]]:
    """On-hand alternatives for each variant: the merchant's curated ones first, in their order,
    then others of the same category (its own product's other variants included) at the closest
    price, one per product. Never one that would itself have to wait. Two queries however many
    variants are asked about."""
    if not variants:
        return []
    curated_ids = {vid for v in variants for vid in (v.alternatives or [])}
    curated = {}
    if curated_ids:
        curated = {
            c.variant_id: c
            for c in session.scalars(
                select(Variant).where(
                    Variant.store_id == store.id, Variant.on_hand > 0, Variant.variant_id.in_(curated_ids)
                )
            )
        }
    # Each curated alternative can displace at most one automatic one, so this many suffice.
    enough = MAX_ALTERNATIVES + max(len(v.alternatives or []) for v in variants)
    automatic = _closest_in_category(session, [v.id for v in variants if v.category], enough)
    result = []
    for variant in variants:
        chosen = [curated[i] for i in (variant.alternatives or []) if i in curated]
        seen = {c.variant_id for c in chosen}
        products = {c.product_id for c in chosen}
        for candidate in automatic.get(variant.id, []):
            if len(chosen) >= MAX_ALTERNATIVES:
                break
            if candidate.variant_id not in seen and candidate.product_id not in products:
                chosen.append(candidate)
                products.add(candidate.product_id)
        result.append(chosen[:MAX_ALTERNATIVES])
    return result


def _closest_in_category(session: Session, variant_pks: list[int], limit: int) -> dict[int, list[Variant]]:
    """For each variant, up to `limit` on-hand variants of its category, one per product (the
    closest in price), closest price first. Ranked in the database: a category can hold
    thousands of variants and only a handful are wanted."""
    if not variant_pks:
        return {}
    wanted, candidate = aliased(Variant), aliased(Variant)
    distance = func.abs(candidate.price - wanted.price)
    per_product = (
        select(
            wanted.id.label("wanted_pk"),
            candidate.id.label("candidate_pk"),
            candidate.variant_id.label("candidate_id"),
            distance.label("distance"),
            func.row_number()
            .over(partition_by=(wanted.id, candidate.product_id), order_by=(distance, candidate.variant_id))
            .label("in_product"),
        )
        .select_from(wanted)
        .join(
            candidate,
            and_(
                candidate.store_id == wanted.store_id,
                candidate.category == wanted.category,
                candidate.on_hand > 0,
                candidate.id != wanted.id,
            ),
        )
        .where(wanted.id.in_(variant_pks))
        .subquery()
    )
    ranked = (
        select(
            per_product.c.wanted_pk,
            per_product.c.candidate_pk,
            func.row_number()
            .over(partition_by=per_product.c.wanted_pk,
                  order_by=(per_product.c.distance, per_product.c.candidate_id))
            .label("rank"),
        )
        .where(per_product.c.in_product == 1)
        .subquery()
    )
    rows = session.execute(
        select(ranked.c.wanted_pk, Variant)
        .join(Variant, Variant.id == ranked.c.candidate_pk)
        .where(ranked.c.rank <= limit)
        .order_by(ranked.c.wanted_pk, ranked.c.rank)
    )
    closest: dict[int, list[Variant]] = {}
    for wanted_pk, variant in rows:
        closest.setdefault(wanted_pk, []).append(variant)
    return closest


def alternatives_of(session: Session, store: Store, variant: Variant) -> list[Variant]:
    return alternatives_for(session, store, [variant])[0]
