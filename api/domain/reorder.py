"""Reorder suggestions: when a variant's stock will run out, and what to order from its supplier.

For a variant with a demand forecast (api/domain/forecast.py), over its supplier's lead time L
(days; without a supplier, the variant's own lead time):
- demand over the lead time = weekly demand × L / 7;
- safety stock = z × weekly deviation × √(L / 7), z the standard normal quantile of the store's
  service level (0.95 → 1.645): the stock that covers the forecast's error over the lead time
  that often;
- reorder point = demand over the lead time + safety stock;
- position = on hand + open inbound (purchase orders approved and not received, never drafts)
  − units waiting in the queue;
- days of cover = position / daily demand, and the projected stock-out date = today + that;
- the order-up-to rule: at or below its reorder point, order what brings the position up to the
  reorder point plus one more lead time's demand, rounded up to the supplier's minimum order
  quantity and then to whole packs.
Without any lead time (no supplier, none on the variant) there is nothing to plan with: the
variant is listed with its cover, but no reorder point and no suggestion."""
from dataclasses import dataclass
from datetime import date, timedelta
from math import ceil, sqrt
from statistics import NormalDist

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.domain.backorders import DRAFT, NOT_SUPPLY, waiting_units
from api.domain.dates import store_today
from api.domain.purchasing import approve_purchase_order
from api.models import DemandForecast, InboundShipment, PurchaseOrder, Store, Supplier, Variant

DAYS_PER_WEEK = 7


# --- the arithmetic (pure) ---------------------------------------------------------------------


def safety_stock(weekly_deviation: float, lead_time_days: int, service_level: float) -> float:
    z = NormalDist().inv_cdf(service_level)
    return max(0.0, z * weekly_deviation * sqrt(lead_time_days / DAYS_PER_WEEK))


HORIZON_DAYS = 3650  # ten years: no stock-out date is given beyond it


def lead_time_demand(weekly_demand: float, lead_time_days: int) -> float:
    return weekly_demand * lead_time_days / DAYS_PER_WEEK


def reorder_point(weekly_demand: float, weekly_deviation: float, lead_time_days: int,
                  service_level: float) -> float:
    return (lead_time_demand(weekly_demand, lead_time_days)
            + safety_stock(weekly_deviation, lead_time_days, service_level))


def stock_position(on_hand: int, open_inbound: int, waiting: int) -> int:
    return on_hand + open_inbound - waiting


def days_of_cover(position: int, weekly_demand: float) -> float | None:
    """How many days the position lasts at the forecast rate: 0 when nothing is left for new
    demand, None when no demand is expected."""
    if position <= 0:
        return 0.0
    if weekly_demand <= 0:
        return None
    return position / (weekly_demand / DAYS_PER_WEEK)


def stockout_on(today: date, position: int, weekly_demand: float) -> date | None:
    """None when no stock-out is in sight: no demand, or cover past the planning horizon (a
    large stock at a trickle of demand would otherwise run past the calendar's end)."""
    cover = days_of_cover(position, weekly_demand)
    return None if cover is None or cover > HORIZON_DAYS else today + timedelta(days=int(cover))


def round_to_supplier(units: float, minimum_order_quantity: int = 1, pack_size: int = 1) -> int:
    """A quantity the supplier sells: at least the minimum order, then whole packs (up)."""
    needed = max(ceil(units - 1e-9), minimum_order_quantity)
    pack = max(pack_size, 1)
    return ceil(needed / pack) * pack


def suggested_quantity(position: int, reorder_point_units: float, lead_time_units: float,
                       minimum_order_quantity: int = 1, pack_size: int = 1) -> int:
    """0 above the reorder point (or when nothing would be needed); else up to the reorder point
    plus one lead time's demand, in what the supplier sells."""
    shortfall = reorder_point_units + lead_time_units - position
    if position > reorder_point_units or shortfall <= 0:
        return 0
    return round_to_supplier(shortfall, minimum_order_quantity, pack_size)


# --- the store's picture -----------------------------------------------------------------------


@dataclass
class ReorderItem:
    variant_pk: int
    variant_id: int
    product_id: int
    sku: str
    name: str
    supplier_id: int | None
    supplier: str | None
    on_hand: int
    open_inbound: int
    waiting: int
    position: int
    weekly_demand: float
    lead_time_days: int | None
    safety_stock: float | None
    reorder_point: float | None
    days_of_cover: float | None
    stockout_on: date | None
    suggested_quantity: int | None
    draft_purchase_order_id: int | None
    drafted: int  # units already on draft purchase orders

    @property
    def due(self) -> bool:
        """At or below its reorder point, with something to order."""
        return bool(self.suggested_quantity)


def _units_on_order(session: Session, store: Store, which) -> dict[int, tuple[int, int]]:
    """Per variant: units still to come on the purchase orders `which` selects, and the newest
    such order's id."""
    outstanding = InboundShipment.quantity - func.coalesce(InboundShipment.quantity_received, 0)
    rows = session.execute(
        select(InboundShipment.variant_pk, func.sum(outstanding), func.max(PurchaseOrder.id))
        .join(PurchaseOrder, InboundShipment.purchase_order_id == PurchaseOrder.id)
        .where(InboundShipment.store_id == store.id, InboundShipment.received_on.is_(None), which)
        .group_by(InboundShipment.variant_pk))
    return {pk: (int(units), purchase_order_id) for pk, units, purchase_order_id in rows}


def reorder_items(session: Session, store: Store, *, variant_pks: list[int] | None = None) -> list[ReorderItem]:
    """Every variant with a forecast (or those asked for), most urgent first: fewest days of
    cover, then the soonest stock-out, then variant id."""
    query = (select(Variant, DemandForecast, Supplier)
             .join(DemandForecast, DemandForecast.variant_pk == Variant.id)
             .outerjoin(Supplier, Supplier.id == Variant.supplier_id)
             .where(Variant.store_id == store.id))
    if variant_pks is not None:
        query = query.where(Variant.id.in_(variant_pks))
    rows = session.execute(query).all()
    pks = [variant.id for variant, _, _ in rows]
    waiting = waiting_units(session, pks)
    inbound = _units_on_order(session, store, PurchaseOrder.status.not_in(NOT_SUPPLY))
    drafts = _units_on_order(session, store, PurchaseOrder.status == DRAFT)
    today = store_today(store)
    items = []
    for variant, forecast, supplier in rows:
        lead = supplier.lead_time_days if supplier is not None else variant.lead_time_days
        on_order = inbound.get(variant.id, (0, None))[0]
        position = stock_position(variant.on_hand, on_order, waiting.get(variant.id, 0))
        demand, deviation = forecast.weekly_demand, forecast.weekly_deviation
        safety = point = suggestion = None
        if lead is not None:
            safety = safety_stock(deviation, lead, store.service_level)
            point = reorder_point(demand, deviation, lead, store.service_level)
            suggestion = suggested_quantity(
                position, point, lead_time_demand(demand, lead),
                supplier.minimum_order_quantity if supplier else 1, supplier.pack_size if supplier else 1)
        drafted, draft_id = drafts.get(variant.id, (0, None))
        cover = days_of_cover(position, demand)
        items.append(ReorderItem(
            variant_pk=variant.id, variant_id=variant.variant_id, product_id=variant.product_id,
            sku=variant.sku, name=variant.name, supplier_id=supplier.id if supplier else None,
            supplier=supplier.name if supplier else None, on_hand=variant.on_hand,
            open_inbound=on_order, waiting=waiting.get(variant.id, 0),
            position=position, weekly_demand=demand, lead_time_days=lead,
            safety_stock=None if safety is None else round(safety, 2),
            reorder_point=None if point is None else round(point, 2),
            days_of_cover=None if cover is None else round(cover, 1),
            stockout_on=stockout_on(today, position, demand),
            suggested_quantity=suggestion, draft_purchase_order_id=draft_id, drafted=drafted,
        ))
    items.sort(key=lambda item: (item.days_of_cover if item.days_of_cover is not None else float("inf"),
                                 item.variant_id))
    return items


# --- automatic drafts --------------------------------------------------------------------------


def draft_purchase_orders(session: Session, store: Store) -> list[PurchaseOrder]:
    """What the daily job does: for each supplier opted in to automatic reordering, one draft
    purchase order with every variant of theirs at or below its reorder point, for the suggested
    quantity. A need an open purchase order covers is in the position already; one a draft covers
    counts its drafted units too, so running this again drafts nothing new. A supplier's draft
    still waiting for approval is added to rather than doubled. Suppliers set to auto-send have
    their draft approved (and sent) at once. Returns the purchase orders drafted or added to."""
    suppliers = {supplier.id: supplier for supplier in session.scalars(
        select(Supplier).where(Supplier.store_id == store.id, Supplier.auto_reorder)
        .order_by(Supplier.id).with_for_update())}  # one drafting run per store at a time
    if not suppliers:
        return []
    needs: dict[int, list[tuple[ReorderItem, int]]] = {}
    for item in reorder_items(session, store):
        supplier = suppliers.get(item.supplier_id)
        if supplier is None or item.reorder_point is None:
            continue
        quantity = suggested_quantity(
            item.position + item.drafted, item.reorder_point,
            lead_time_demand(item.weekly_demand, supplier.lead_time_days),
            supplier.minimum_order_quantity, supplier.pack_size)
        if quantity:
            needs.setdefault(supplier.id, []).append((item, quantity))
    drafted = []
    for supplier_id, wanted in sorted(needs.items()):
        purchase_order = _draft_for(session, store, suppliers[supplier_id])
        lines = {line.variant_pk: line for line in purchase_order.lines}
        for item, quantity in sorted(wanted, key=lambda entry: entry[0].variant_id):
            if item.variant_pk in lines:
                lines[item.variant_pk].quantity += quantity
            else:
                purchase_order.lines.append(InboundShipment(
                    store_id=store.id, variant_pk=item.variant_pk, quantity=quantity,
                    expected_on=purchase_order.expected_on))
        session.flush()
        drafted.append(purchase_order)
    return [approve_purchase_order(session, store, purchase_order.id)
            if suppliers[purchase_order.supplier_id].auto_send else purchase_order
            for purchase_order in drafted]


def _draft_for(session: Session, store: Store, supplier: Supplier) -> PurchaseOrder:
    """The supplier's draft still waiting for approval, or a new one."""
    draft = session.scalar(
        select(PurchaseOrder).where(PurchaseOrder.store_id == store.id, PurchaseOrder.supplier_id == supplier.id,
                                    PurchaseOrder.status == DRAFT)
        .order_by(PurchaseOrder.id.desc()).limit(1))
    if draft is not None:
        return draft
    today = store_today(store)
    draft = PurchaseOrder(store_id=store.id, supplier=supplier.name, supplier_id=supplier.id,
                          reference=f"Reorder {today.isoformat()}", status=DRAFT, origin="reorder",
                          expected_on=today + timedelta(days=supplier.lead_time_days))
    session.add(draft)
    return draft
