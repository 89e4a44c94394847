"""The console's view of the backorder operation: overview figures, variants with waiting units,
one variant's queue, and previews of a receipt or an inbound change (they write nothing).
`GET /api/v1/admin/backorders` (the whole queue) stays in admin.py as it was."""
from marshmallow import Schema, fields, validate

from api.blueprints.audit import not_a_change
from api.domain import overview as domain
from api.http import schemas
from api.http.admin_routes import admin_blueprint, documented
from api.http.context import admin_store, session

blp = admin_blueprint("backorders", __name__, "Overview, backordered variants, queues and previews")


# --- shapes ------------------------------------------------------------------------------------


class CurrencyAmount(Schema):
    currency = fields.String()
    amount = fields.Integer(metadata={"description": "Minor units."})


class OldestWait(Schema):
    placed_at = schemas.UtcDateTime()
    days = fields.Integer()


class InboundSoon(Schema):
    shipments = fields.Integer()
    units = fields.Integer()
    until = fields.Date(metadata={"description": "Today + 7 days, inclusive."})


class Overview(Schema):
    units_waiting = fields.Integer()
    lines_waiting = fields.Integer()
    backordered_value = fields.List(fields.Nested(CurrencyAmount), metadata={"description": "Waiting units at the price paid, per currency."})
    oldest_wait = fields.Nested(OldestWait, allow_none=True)
    lines_past_first_promise = fields.Integer(metadata={"description": "Waiting lines whose first promised date has passed."})
    inbound_next_7_days = fields.Nested(InboundSoon)
    failed_messages = fields.Integer()
    failed_refunds = fields.Integer(metadata={"description": "Refunds that failed: to retry, or to refund by hand."})


class NextInbound(Schema):
    expected_on = fields.Date()
    quantity = fields.Integer()


class VariantSummary(Schema):
    variant_id = fields.Integer()
    product_id = fields.Integer()
    sku = fields.String()
    name = fields.String()
    on_hand = fields.Integer()
    backorders_enabled = fields.Boolean()
    backorder_limit = fields.Integer(allow_none=True, metadata={"description": "null = unlimited"})
    waiting_units = fields.Integer()


class BackorderedVariant(VariantSummary):
    waiting_lines = fields.Integer()
    oldest_placed_at = schemas.UtcDateTime()
    next_inbound = fields.Nested(NextInbound, allow_none=True)
    next_eta = fields.Nested(schemas.Eta, allow_none=True, metadata={"description": "The head of the queue's ETA."})


class BackorderedQuery(schemas.Pagination):
    search = fields.String(validate=validate.Length(max=255), metadata={"description": "Part of the SKU or name."})
    sort = fields.String(load_default="waiting", validate=validate.OneOf(domain.SORTS))
    order = fields.String(load_default=None, validate=validate.OneOf(["asc", "desc"]),
                          metadata={"description": "Default: desc for waiting, asc otherwise."})


class BackorderedPage(Schema):
    items = fields.List(fields.Nested(BackorderedVariant))
    page = fields.Integer()
    per_page = fields.Integer()
    total = fields.Integer()


class QueueCustomer(Schema):
    id = fields.Integer(allow_none=True)
    email = fields.String()
    first_name = fields.String()


class QueueEntry(Schema):
    position = fields.Integer()
    order_id = fields.Integer()
    line_id = fields.Integer()
    customer = fields.Nested(QueueCustomer)
    quantity = fields.Integer()
    quantity_waiting = fields.Integer()
    quantity_allocated = fields.Integer()
    payment_mode = fields.String(validate=validate.OneOf(["pay_now", "pay_later"]))
    eta = fields.Nested(schemas.Eta, allow_none=True)
    first_promised_on = fields.Date(allow_none=True, metadata={"description": "The first date the shopper was given."})
    placed_at = schemas.UtcDateTime()


class VariantQueue(VariantSummary):
    lines = fields.List(fields.Nested(QueueEntry))


class ReceiptPreviewIn(Schema):
    quantity = fields.Integer(required=True, validate=validate.Range(min=1, max=schemas.MAX_UNITS))


class PreviewAllocation(Schema):
    position = fields.Integer()
    order_id = fields.Integer()
    line_id = fields.Integer()
    customer_email = fields.String()
    quantity_waiting = fields.Integer()
    quantity = fields.Integer(metadata={"description": "Units this line would get."})
    in_full = fields.Boolean()


class ReceiptPreview(Schema):
    allocations = fields.List(fields.Nested(PreviewAllocation), metadata={"description": "In queue (FIFO) order."})
    on_hand_after = fields.Integer()
    still_waiting = fields.Integer()


class MovedLine(Schema):
    order_id = fields.Integer()
    line_id = fields.Integer()
    customer_email = fields.String()
    old_eta = fields.Nested(schemas.Eta, allow_none=True)
    new_eta = fields.Nested(schemas.Eta)


class InboundPreview(Schema):
    lines_moved = fields.Integer()
    shoppers_notified = fields.Integer(metadata={"description": "Orders whose shopper would get eta_changed."})
    earlier = fields.Integer()
    later = fields.Integer()
    lines = fields.List(fields.Nested(MovedLine))


# --- routes ------------------------------------------------------------------------------------


@blp.route("/overview", methods=["GET"])
@blp.response(200, Overview)
@documented(blp, 401)
def get_overview():
    """Units and lines waiting, their value, the oldest wait, promises broken, inbound due within
    7 days and failed messages."""
    return domain.overview(session(), admin_store())


@blp.route("/backorders/variants", methods=["GET"])
@blp.arguments(BackorderedQuery, location="query")
@blp.response(200, BackorderedPage)
@documented(blp, 401, 422)
def list_backordered_variants(query):
    """Variants with waiting units: searchable by SKU or name, sortable, paged."""
    descending = (query["order"] or ("desc" if query["sort"] == "waiting" else "asc")) == "desc"
    items, total = domain.backordered_variants(
        session(), admin_store(), search=query.get("search"), sort=query["sort"], descending=descending,
        page=query["page"], per_page=query["per_page"],
    )
    return schemas.page_of(items, total, query)


@blp.route("/variants/<int:variant_id>/queue", methods=["GET"])
@blp.response(200, VariantQueue)
@documented(blp, 401, 404)
def get_variant_queue(variant_id):
    """A variant's waiting lines in the order they will be served."""
    return domain.variant_queue(session(), admin_store(), variant_id)


@blp.route("/variants/<int:variant_id>/receipts/preview", methods=["POST"])
@blp.arguments(ReceiptPreviewIn)
@blp.response(200, ReceiptPreview)
@documented(blp, 401, 404, 422)
@not_a_change
def preview_receipt(fields_in, variant_id):
    """Which lines a receipt would serve, first come first served. Nothing is written."""
    return domain.receipt_preview(session(), admin_store(), variant_id, fields_in["quantity"])


@blp.route("/variants/<int:variant_id>/inbound/preview", methods=["POST"])
@blp.arguments(schemas.InboundIn)
@blp.response(200, InboundPreview)
@documented(blp, 401, 404, 422)
@not_a_change
def preview_new_inbound(fields_in, variant_id):
    """How many shoppers' dates new inbound would move. Nothing is written."""
    return domain.inbound_preview(session(), admin_store(), variant_id, fields_in)


@blp.route("/variants/<int:variant_id>/inbound/<int:inbound_id>/preview", methods=["POST"])
@blp.arguments(schemas.InboundPatch)
@blp.response(200, InboundPreview)
@documented(blp, 401, 404, 422)
@not_a_change
def preview_inbound_change(fields_in, variant_id, inbound_id):
    """How many shoppers' dates a change of date or quantity would move. Nothing is written."""
    return domain.inbound_preview(session(), admin_store(), variant_id, fields_in, inbound_id)
