"""Suppliers: created, edited, deleted and imported from CSV (upsert by name). Variants and purchase
orders name them by `supplier_id`; reordering reads their lead time, minimum order quantity, pack
size and whether they are opted in to automatic drafts (and sending)."""
from flask import g, jsonify
from marshmallow import Schema, ValidationError, fields, validate
from sqlalchemy.exc import IntegrityError

from api.blueprints.purchase_orders import ImportQuery, csv_request_body, csv_text
from api.domain import suppliers as domain
from api.domain.errors import Conflict
from api.http import schemas
from api.http.admin_routes import admin_blueprint, documented
from api.http.context import admin_store, session

blp = admin_blueprint("suppliers", __name__, "Suppliers: lead times and order quantities for reordering")


# --- shapes ------------------------------------------------------------------------------------


def _email_or_empty(value: str) -> None:
    if value and not domain.is_email(value):
        raise ValidationError("An email address such as orders@supplier.example, or empty.")


class SupplierIn(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    email = fields.String(validate=[validate.Length(max=320), _email_or_empty],
                          metadata={"description": "Where approved purchase orders are sent; empty = none."})
    lead_time_days = schemas.StrictInteger(validate=validate.Range(min=0, max=domain.MAX_LEAD_TIME_DAYS),
                                           metadata={"description": "Days from ordering to receiving. Default 14."})
    minimum_order_quantity = schemas.StrictInteger(validate=validate.Range(min=1, max=domain.MAX_QUANTITY),
                                                   metadata={"description": "Per variant. Default 1."})
    pack_size = schemas.StrictInteger(validate=validate.Range(min=1, max=domain.MAX_QUANTITY),
                                      metadata={"description": "Quantities are ordered in multiples of it. Default 1."})
    auto_reorder = schemas.StrictBoolean(metadata={
        "description": "The daily job drafts a purchase order when this supplier's variants reach their reorder point."})
    auto_send = schemas.StrictBoolean(metadata={
        "description": "The daily job also approves its drafts, which emails them (needs an email)."})


class SupplierPatch(SupplierIn, schemas.Body):
    not_empty = True

    name = fields.String(validate=validate.Length(min=1, max=200))


class SupplierOut(SupplierIn):
    id = fields.Integer()
    created_at = schemas.UtcDateTime()
    updated_at = schemas.UtcDateTime()


class SupplierList(Schema):
    items = fields.List(fields.Nested(SupplierOut))


class PlannedSupplier(Schema):
    row = fields.Integer(metadata={"description": "The line in the file."})
    action = fields.String(validate=validate.OneOf(["create", "update"]))
    name = fields.String()
    email = fields.String()
    lead_time_days = fields.Integer()
    minimum_order_quantity = fields.Integer()
    pack_size = fields.Integer()
    auto_reorder = fields.Boolean()
    auto_send = fields.Boolean()


class SupplierImportPreview(Schema):
    dry_run = fields.Boolean()
    suppliers = fields.List(fields.Nested(PlannedSupplier), metadata={
        "description": "Each row's plan: only the fields the file gives (the rest stay, or take their defaults)."})


class SupplierImportResult(Schema):
    dry_run = fields.Boolean()
    suppliers = fields.List(fields.Nested(SupplierOut))


# --- routes ------------------------------------------------------------------------------------


@blp.route("/suppliers", methods=["GET"])
@blp.response(200, SupplierList)
@documented(blp, 401)
def list_suppliers():
    """The store's suppliers, by name."""
    return {"items": domain.list_suppliers(session(), admin_store())}


@blp.route("/suppliers", methods=["POST"])
@blp.arguments(SupplierIn)
@blp.response(201, SupplierOut)
@documented(blp, 401, 409, 422)
def create_supplier(fields_in):
    """A new supplier; 409 when the store has one of that name."""
    supplier = domain.create_supplier(session(), admin_store(), fields_in)
    _commit(fields_in.get("name"))
    return supplier


@blp.route("/suppliers/<int:supplier_id>", methods=["GET"])
@blp.response(200, SupplierOut)
@documented(blp, 401, 404)
def get_supplier(supplier_id):
    """One supplier."""
    return domain.get_supplier(session(), admin_store(), supplier_id)


@blp.route("/suppliers/<int:supplier_id>", methods=["PATCH"])
@blp.arguments(SupplierPatch)
@blp.response(200, SupplierOut)
@documented(blp, 401, 404, 409, 422)
def patch_supplier(fields_in, supplier_id):
    """Change some fields of a supplier; 409 when renamed to a name another supplier has."""
    supplier = domain.update_supplier(session(), admin_store(), supplier_id, fields_in)
    _commit(fields_in.get("name"))
    return supplier


@blp.route("/suppliers/<int:supplier_id>", methods=["DELETE"])
@blp.response(204)
@documented(blp, 401, 404)
def delete_supplier(supplier_id):
    """Delete a supplier: its variants and purchase orders no longer name it (a purchase order
    keeps the supplier's name as text)."""
    domain.delete_supplier(session(), admin_store(), supplier_id)
    session().commit()


@blp.route("/suppliers/import", methods=["POST"])
@blp.arguments(ImportQuery, location="query")
@blp.response(201, SupplierImportResult)
@blp.alt_response(200, schema=SupplierImportPreview, description="dry_run=true: what would be created or updated")
@blp.doc(requestBody=csv_request_body(
    "CSV with a header row: name, and any of email, lead_time_days, minimum_order_quantity, pack_size, "
    "auto_reorder, auto_send (true/false). A supplier of the same name is updated; an empty cell leaves "
    "its field as it is. As the body (text/csv) or as the `file` field of a multipart form."))
@documented(blp, 401, 422)
def import_suppliers(query):
    """Import suppliers from CSV, upserting by name. Every row is checked first: a file with any
    error saves nothing, and the 422 names each bad row by its line in the file."""
    result = domain.import_suppliers(session(), admin_store(), csv_text(), dry_run=query["dry_run"])
    if query["dry_run"]:
        g.not_a_change = True  # a check only: kept out of the activity log
        # A Response, so that the 201 schema does not serialize it again.
        return jsonify(SupplierImportPreview().dump({"dry_run": True, "suppliers": result}))
    _commit(None)
    return {"dry_run": False, "suppliers": result}


def _commit(name: str | None) -> None:
    try:
        session().commit()
    except IntegrityError:  # the same name saved concurrently
        session().rollback()
        raise Conflict(f"A supplier named {name} already exists." if name else "A supplier name is already taken.",
                       {"json": {"name": ["Already taken."]}}) from None
