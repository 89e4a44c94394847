"""Demand forecasts, reorder suggestions and purchase-order drafts: what each variant is expected
to sell, which variants to reorder now and how many, drafting the purchase orders (as the daily
job does) and approving a draft, which orders it from the supplier."""
from marshmallow import Schema, fields, validate

from api.domain import forecast, purchasing, reorder
from api.domain.catalog import get_variant
from api.http import schemas
from api.http.admin_routes import admin_blueprint, documented
from api.http.context import admin_store, session
from api.http.idempotency import KEY_PARAMETER, idempotent_when_keyed
from api.blueprints.purchase_orders import PurchaseOrderOut

blp = admin_blueprint("reorder", __name__, "Reordering: demand forecasts, reorder suggestions, purchase-order drafts")


class WeekUnits(Schema):
    week = fields.Date(metadata={"description": "The Monday starting the ISO week (the store's time zone)."})
    units = fields.Float()


class ForecastOut(Schema):
    variant_id = fields.Integer()
    method = fields.String(allow_none=True, metadata={
        "description": "CrostonSBA (intermittent or short history), AutoETS, or MSTL (52-week season); "
                       "null before the first forecast."})
    computed_on = fields.Date(allow_none=True)
    history = fields.List(fields.Nested(WeekUnits), metadata={
        "description": "Units sold in each of the last 26 complete weeks, zeros included."})
    forecast = fields.List(fields.Nested(WeekUnits), metadata={
        "description": "The current week and the 11 after it; empty before the first forecast."})
    weekly_demand = fields.Float(allow_none=True, metadata={"description": "The mean of the weeks forecast."})
    weekly_deviation = fields.Float(allow_none=True, metadata={
        "description": "Root mean square of the one-step in-sample errors: what safety stock is sized on."})


class ReorderQuery(Schema):
    all = fields.Boolean(load_default=False, metadata={
        "description": "Every variant with a forecast, not only those at or below their reorder point."})


class ReorderItemOut(Schema):
    variant_id = fields.Integer()
    product_id = fields.Integer()
    sku = fields.String()
    name = fields.String()
    supplier_id = fields.Integer(allow_none=True)
    supplier = fields.String(allow_none=True)
    on_hand = fields.Integer()
    open_inbound = fields.Integer(metadata={"description": "Units on approved purchase orders not received yet (drafts excluded)."})
    waiting = fields.Integer(metadata={"description": "Units waiting in the backorder queue."})
    position = fields.Integer(metadata={"description": "on_hand + open_inbound − waiting."})
    weekly_demand = fields.Float()
    lead_time_days = fields.Integer(allow_none=True, metadata={
        "description": "The supplier's; without a supplier the variant's; null: none known, so no suggestion."})
    safety_stock = fields.Float(allow_none=True)
    reorder_point = fields.Float(allow_none=True)
    days_of_cover = fields.Float(allow_none=True, metadata={"description": "null when no demand is forecast."})
    stockout_on = fields.Date(allow_none=True, metadata={"description": "Projected at the forecast rate."})
    suggested_quantity = fields.Integer(allow_none=True, metadata={
        "description": "Up to the reorder point plus one lead time's demand, rounded up to the minimum "
                       "order quantity and whole packs; 0 above the reorder point."})
    draft_purchase_order_id = fields.Integer(allow_none=True, metadata={
        "description": "A draft purchase order holding this variant, waiting for approval."})


class ReorderPage(Schema):
    service_level = fields.Float()
    items = fields.List(fields.Nested(ReorderItemOut))


class DraftsOut(Schema):
    items = fields.List(fields.Nested(PurchaseOrderOut))


@blp.route("/variants/<int:variant_id>/forecast", methods=["GET"])
@blp.response(200, ForecastOut)
@documented(blp, 401, 404)
def variant_forecast(variant_id):
    """A variant's weekly sales (last 26 weeks) and its demand forecast (next 12 weeks)."""
    store = admin_store()
    return forecast.variant_forecast(session(), store, get_variant(session(), store, variant_id))


@blp.route("/reorder", methods=["GET"])
@blp.arguments(ReorderQuery, location="query")
@blp.response(200, ReorderPage)
@documented(blp, 401, 422)
def reorder_list(query):
    """Variants at or below their reorder point (all=true: every variant with a forecast), most
    urgent first: fewest days of cover."""
    store = admin_store()
    items = reorder.reorder_items(session(), store)
    return {"service_level": store.service_level,
            "items": items if query["all"] else [item for item in items if item.due]}


@blp.route("/reorder/drafts", methods=["POST"])
@blp.response(200, DraftsOut)
@documented(blp, 401)
def draft_now():
    """Now, what the daily job does: one draft purchase order per supplier opted in to automatic
    reordering, for its variants at or below their reorder point. A need an open or draft
    purchase order already covers is not drafted again, so running it twice drafts once.
    Suppliers set to auto-send get theirs approved and sent at once."""
    drafted = reorder.draft_purchase_orders(session(), admin_store())
    session().commit()
    return {"items": drafted}


APPROVE_KEY = {**KEY_PARAMETER, "required": False,
               "description": "Optional: a retry with the same key answers the first response."}


@blp.route("/purchase-orders/<int:purchase_order_id>/approve", methods=["POST"])
@idempotent_when_keyed
@blp.response(200, PurchaseOrderOut)
@blp.doc(parameters=[APPROVE_KEY])
@documented(blp, 400, 401, 404, 409, 422)
def approve(purchase_order_id):
    """Approve a draft: it becomes an open purchase order expected today + the supplier's lead
    time, waiting shoppers get their dates (and `eta_changed`), and the supplier is emailed the
    order (a table and a CSV file) once. 409 when it is not a draft."""
    return purchasing.approve_purchase_order(session(), admin_store(), purchase_order_id)
