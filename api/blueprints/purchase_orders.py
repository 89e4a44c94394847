"""Purchase orders: inbound stock from one supplier, line by line; created, edited, cancelled,
received (in part or whole, each receipt first come first served) and imported from CSV."""
from flask import g, jsonify, request
from marshmallow import Schema, fields, validate

from api.domain import purchasing
from api.domain.errors import Invalid
from api.http import schemas
from api.http.admin_routes import admin_blueprint, documented
from api.http.context import admin_store, session
from api.http.idempotency import KEY_PARAMETER, idempotent

blp = admin_blueprint("purchase_orders", __name__, "Purchase orders: inbound stock by supplier")

UNITS = validate.Range(min=1, max=schemas.MAX_UNITS)
TEXT = validate.Length(max=200)


# --- shapes ------------------------------------------------------------------------------------


class LineIn(Schema):
    variant_id = schemas.StrictInteger(required=True, validate=schemas.POSITIVE)
    quantity = schemas.StrictInteger(required=True, validate=UNITS)
    expected_on = fields.Date(metadata={"description": "Default: the order's expected date."})


class PurchaseOrderIn(schemas.Body):
    at_least_one_of = ("supplier", "supplier_id")

    supplier = fields.String(validate=validate.Length(min=1, max=200), metadata={
        "description": "The supplier's name; taken from `supplier_id` when left out. A name that is one of the "
                       "store's suppliers links the order to it."})
    supplier_id = schemas.StrictInteger(validate=validate.Range(min=1, max=schemas.MAX_ROW_ID),
                                        metadata={"description": "One of the store's suppliers (GET /suppliers)."})
    reference = fields.String(load_default="", validate=TEXT)
    expected_on = fields.Date(required=True)
    lines = fields.List(fields.Nested(LineIn), required=True, validate=validate.Length(min=1, max=200))


class LinePatch(Schema):
    line_id = schemas.StrictInteger(validate=validate.Range(min=1, max=schemas.MAX_ROW_ID),
                                    metadata={"description": "An existing line; leave out to add a line."})
    variant_id = schemas.StrictInteger(validate=schemas.POSITIVE)
    quantity = schemas.StrictInteger(validate=UNITS)
    expected_on = fields.Date()


class PurchaseOrderPatch(schemas.Body):
    not_empty = True

    supplier = fields.String(validate=validate.Length(min=1, max=200))
    supplier_id = schemas.StrictInteger(allow_none=True, validate=validate.Range(min=1, max=schemas.MAX_ROW_ID),
                                        metadata={"description": "null unlinks the supplier (its name stays)."})
    reference = fields.String(validate=TEXT)
    expected_on = fields.Date(metadata={"description": "Moves every line not yet received to this date."})
    lines = fields.List(fields.Nested(LinePatch), validate=validate.Length(min=1, max=200),
                        metadata={"description": "The order's lines as they should be: lines left out are removed."})


class LineOut(Schema):
    id = fields.Integer()
    variant_id = fields.Integer(attribute="variant.variant_id")
    sku = fields.String(attribute="variant.sku")
    name = fields.String(attribute="variant.name")
    quantity = fields.Integer()
    quantity_received = fields.Function(lambda line: line.quantity_received or 0)
    quantity_expected = fields.Integer(metadata={"description": "Still to come (0 once received or cancelled, and while a draft)."})
    expected_on = fields.Date()
    received_on = fields.Date(allow_none=True, metadata={"description": "When the line was done with."})


class PurchaseOrderOut(Schema):
    id = fields.Integer()
    supplier = fields.String()
    supplier_id = fields.Integer(allow_none=True)
    reference = fields.String()
    expected_on = fields.Date(allow_none=True)
    status = fields.String(validate=validate.OneOf(purchasing.STATUSES))
    origin = fields.String(validate=validate.OneOf(["merchant", "reorder"]),
                           metadata={"description": "reorder: drafted by the reorder job."})
    approved_at = schemas.UtcDateTime(allow_none=True, metadata={"description": "When a draft was approved."})
    quantity = fields.Function(lambda order: sum(line.quantity for line in order.lines))
    quantity_received = fields.Function(lambda order: sum(line.quantity_received or 0 for line in order.lines))
    lines = fields.List(fields.Nested(LineOut))
    created_at = schemas.UtcDateTime()
    updated_at = schemas.UtcDateTime()


class PurchaseOrderQuery(schemas.Pagination):
    status = fields.String(validate=validate.OneOf(purchasing.STATUSES))
    search = fields.String(validate=validate.Length(max=200), metadata={"description": "Part of the supplier or reference."})


class PurchaseOrderPage(Schema):
    items = fields.List(fields.Nested(PurchaseOrderOut))
    page = fields.Integer()
    per_page = fields.Integer()
    total = fields.Integer()


class LineReceiptIn(Schema):
    line_id = schemas.StrictInteger(required=True, validate=validate.Range(min=1, max=schemas.MAX_ROW_ID))
    quantity = schemas.StrictInteger(required=True, validate=UNITS)


class PurchaseOrderReceiptIn(Schema):
    lines = fields.List(fields.Nested(LineReceiptIn), validate=validate.Length(min=1, max=200),
                        metadata={"description": "Leave out to receive everything still expected."})


class LineReceiptOut(Schema):
    line_id = fields.Integer()
    variant_id = fields.Integer()
    quantity = fields.Integer()
    allocated = fields.List(fields.Nested(schemas.AllocationOut), attribute="allocations")


class PurchaseOrderReceiptOut(Schema):
    purchase_order = fields.Nested(PurchaseOrderOut)
    receipts = fields.List(fields.Nested(LineReceiptOut))


class ImportQuery(Schema):
    dry_run = fields.Boolean(load_default=False, metadata={"description": "Check the file and save nothing."})


class PlannedLine(Schema):
    row = fields.Integer(metadata={"description": "The line in the file."})
    variant_id = fields.Integer()
    quantity = fields.Integer()
    expected_on = fields.Date()


class PlannedOrder(Schema):
    reference = fields.String()
    supplier = fields.String()
    expected_on = fields.Date()
    lines = fields.List(fields.Nested(PlannedLine))


class ImportPreview(Schema):
    dry_run = fields.Boolean()
    purchase_orders = fields.List(fields.Nested(PlannedOrder))


class ImportResult(Schema):
    dry_run = fields.Boolean()
    purchase_orders = fields.List(fields.Nested(PurchaseOrderOut))


def csv_request_body(description: str) -> dict:
    """The OpenAPI request body of a CSV import."""
    return {"required": True, "description": description,
            "content": {"text/csv": {"schema": {"type": "string"}},
                        "multipart/form-data": {"schema": {"type": "object", "properties": {
                            "file": {"type": "string", "format": "binary"}}}}}}


# --- routes ------------------------------------------------------------------------------------


@blp.route("/purchase-orders", methods=["GET"])
@blp.arguments(PurchaseOrderQuery, location="query")
@blp.response(200, PurchaseOrderPage)
@documented(blp, 401, 422)
def list_purchase_orders(query):
    """Purchase orders, newest first; filter by status, search supplier or reference."""
    items, total = purchasing.list_purchase_orders(
        session(), admin_store(), status=query.get("status"), search=query.get("search"),
        page=query["page"], per_page=query["per_page"])
    return schemas.page_of(items, total, query)


@blp.route("/purchase-orders", methods=["POST"])
@blp.arguments(PurchaseOrderIn)
@blp.response(201, PurchaseOrderOut)
@documented(blp, 401, 422)
def create_purchase_order(fields_in):
    """A purchase order and its lines; waiting lines' ETAs count them at once."""
    purchase_order = purchasing.create_purchase_order(session(), admin_store(), **fields_in)
    session().commit()
    return purchase_order


@blp.route("/purchase-orders/<int:purchase_order_id>", methods=["GET"])
@blp.response(200, PurchaseOrderOut)
@documented(blp, 401, 404)
def get_purchase_order(purchase_order_id):
    """One purchase order with its lines."""
    return purchasing.get_purchase_order(session(), admin_store(), purchase_order_id)


@blp.route("/purchase-orders/<int:purchase_order_id>", methods=["PATCH"])
@blp.arguments(PurchaseOrderPatch)
@blp.response(200, PurchaseOrderOut)
@documented(blp, 401, 404, 409, 422)
def patch_purchase_order(fields_in, purchase_order_id):
    """Change supplier, reference, expected date or lines; ETAs follow."""
    purchase_order = purchasing.update_purchase_order(session(), admin_store(), purchase_order_id, fields_in)
    session().commit()
    return purchase_order


@blp.route("/purchase-orders/<int:purchase_order_id>/cancel", methods=["POST"])
@blp.response(200, PurchaseOrderOut)
@documented(blp, 401, 404, 409)
def cancel_purchase_order(purchase_order_id):
    """Cancel: what was not received stops counting as supply (ETAs move, shoppers are told)."""
    purchase_order = purchasing.cancel_purchase_order(session(), admin_store(), purchase_order_id)
    session().commit()
    return purchase_order


@blp.route("/purchase-orders/<int:purchase_order_id>/receipts", methods=["POST"])
@idempotent
@blp.arguments(PurchaseOrderReceiptIn)
@blp.response(201, PurchaseOrderReceiptOut)
@blp.doc(parameters=[KEY_PARAMETER])
@documented(blp, 400, 401, 404, 409, 422)
def receive_purchase_order(fields_in, purchase_order_id):
    """Receive lines in part or in full (or, without `lines`, all that is still expected). Each
    receipt is allocated to waiting lines first come first served, the rest goes on hand."""
    purchase_order, receipts = purchasing.receive_purchase_order(
        session(), admin_store(), purchase_order_id, fields_in.get("lines"))
    return {"purchase_order": purchase_order, "receipts": receipts}


@blp.route("/purchase-orders/import", methods=["POST"])
@blp.arguments(ImportQuery, location="query")
@blp.response(201, ImportResult)
@blp.alt_response(200, schema=ImportPreview, description="dry_run=true: what would be created")
@blp.doc(requestBody=csv_request_body(
    "CSV with a header row: reference, supplier, sku or variant_id, quantity, expected_on. "
    "As the body (text/csv) or as the `file` field of a multipart form."))
@documented(blp, 401, 422)
def import_purchase_orders(query):
    """Import purchase orders from CSV, one per reference. Every row is checked first: a file
    with any error saves nothing, and the 422 names each bad row by its line in the file."""
    text = csv_text()
    result = purchasing.import_purchase_orders(session(), admin_store(), text, dry_run=query["dry_run"])
    if query["dry_run"]:
        g.not_a_change = True  # a check only: kept out of the activity log
        # A Response, so that the 201 schema does not serialize it again.
        return jsonify(ImportPreview().dump({"dry_run": True, "purchase_orders": result}))
    session().commit()
    return {"dry_run": False, "purchase_orders": result}


def csv_text() -> str:
    """The CSV file of an import: the body, or the `file` field of a multipart form."""
    upload = request.files.get("file")
    data = upload.read() if upload is not None else request.get_data()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise Invalid("The file is not UTF-8 text; nothing was saved.", {"csv": {"file": ["Save it as CSV UTF-8."]}}) from None
