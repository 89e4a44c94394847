"""Merchant routes: console sessions, settings, the catalog mirror, inbound stock, receipts, orders
and the queue. Every route needs `Authorization: Bearer <admin API key or console session>` and
sees only that credential's store."""
from flask import abort, g
from sqlalchemy.exc import IntegrityError

from api.blueprints.audit import not_a_change
from api.blueprints.console import start_session
from api.domain import catalog
from api.domain.errors import Conflict
from api.domain.backorders import OrderLineIn, backorder_queue, ingest_order, receive
from api.domain.refunds import refund_view, refunds_of, retry_refund
from api.domain.stores import update_settings
from api.http import schemas
from api.http.admin_routes import admin_blueprint, documented
from api.http.context import admin_store, session
from api.http.errors import error_response
from api.http.idempotency import KEY_PARAMETER, idempotent

blp = admin_blueprint("admin", __name__, "Merchant administration")


def _errors(*codes):
    return documented(blp, *codes)


@blp.route("/sessions", methods=["POST"])
@blp.response(201, schemas.ConsoleSessionOut)
@_errors(401)
@not_a_change
def post_session():
    """Exchange an admin API key for a console session (the local console signs in this way).

    Only an API key is accepted here: a session cannot extend itself."""
    store = admin_store()
    if "console_session" in g:
        abort(error_response(401, "Exchange an admin API key, not a console session.",
                             headers={"WWW-Authenticate": 'Bearer realm="admin"'}))
    boot = start_session(session(), store, label=g.actor)
    session().commit()
    return boot


@blp.route("/settings", methods=["GET"])
@blp.response(200, schemas.Settings)
@_errors(401)
def get_settings():
    """The store's backorder policy."""
    return admin_store()


@blp.route("/settings", methods=["PATCH"])
@blp.arguments(schemas.Settings)
@blp.response(200, schemas.Settings)
@_errors(401, 422)
def patch_settings(fields):
    """Change any part of the policy; fields not given stay as they are."""
    store = update_settings(session(), admin_store(), fields)
    session().add(store)
    session().commit()
    return store


@blp.route("/variants", methods=["GET"])
@blp.arguments(schemas.VariantQuery, location="query")
@blp.response(200, schemas.VariantPage)
@_errors(401, 422)
def list_variants(query):
    """The catalog mirror, paged; optionally only variants in one storefront state, or whose SKU
    or name contains `search`."""
    items, total = catalog.list_variants(
        session(), admin_store(), page=query["page"], per_page=query["per_page"], state=query.get("state"),
        search=query.get("search"),
    )
    return schemas.page_of(items, total, query)


@blp.route("/variants", methods=["PATCH"])
@blp.arguments(schemas.BulkVariantPatch)
@blp.response(200, schemas.BulkVariantResult)
@_errors(401, 422)
def patch_variants(fields):
    """Change the backorder settings of several variants at once (all or none). `reason` is a
    code shoppers read in their language; with `other`, `reason_text` is what they read."""
    variants = catalog.edit_variants(session(), admin_store(), fields["variant_ids"], fields["changes"])
    session().commit()
    return {"items": variants}


@blp.route("/variants/<int:variant_id>", methods=["PUT"])
@blp.arguments(schemas.VariantIn)
@blp.response(200, schemas.VariantOut)
@_errors(401, 422)
def put_variant(fields, variant_id):
    """Create or replace a variant and its backorder settings."""
    variant, _ = catalog.save_variant(session(), admin_store(), variant_id, fields, replace=True)
    session().commit()
    return variant


@blp.route("/variants/<int:variant_id>", methods=["PATCH"])
@blp.arguments(schemas.VariantPatch)
@blp.response(200, schemas.VariantOut)
@_errors(401, 404, 422)
def patch_variant(fields, variant_id):
    """Change some fields of a variant."""
    catalog.get_variant(session(), admin_store(), variant_id)
    variant, _ = catalog.save_variant(session(), admin_store(), variant_id, fields, replace=False)
    session().commit()
    return variant


@blp.route("/variants/<int:variant_id>/inbound", methods=["GET"])
@blp.response(200, schemas.InboundList)
@_errors(401, 404)
def list_inbound(variant_id):
    """Inbound shipments of a variant, earliest first (received ones included)."""
    return {"items": catalog.list_inbound(session(), admin_store(), variant_id)}


@blp.route("/variants/<int:variant_id>/inbound", methods=["POST"])
@blp.arguments(schemas.InboundIn)
@blp.response(201, schemas.InboundOut)
@_errors(401, 404, 422)
def add_inbound(fields, variant_id):
    """Record expected stock; waiting lines' ETAs are recomputed."""
    inbound = catalog.add_inbound(session(), admin_store(), variant_id, **fields)
    session().commit()
    return inbound


@blp.route("/variants/<int:variant_id>/inbound/<int:inbound_id>", methods=["PATCH"])
@blp.arguments(schemas.InboundPatch)
@blp.response(200, schemas.InboundOut)
@_errors(401, 404, 422)
def patch_inbound(fields, variant_id, inbound_id):
    """Change an inbound shipment's quantity or expected date."""
    inbound = catalog.update_inbound(session(), admin_store(), variant_id, inbound_id, fields)
    session().commit()
    return inbound


@blp.route("/variants/<int:variant_id>/inbound/<int:inbound_id>", methods=["DELETE"])
@blp.response(204)
@_errors(401, 404)
def delete_inbound(variant_id, inbound_id):
    """Forget an inbound shipment that will not come."""
    catalog.delete_inbound(session(), admin_store(), variant_id, inbound_id)
    session().commit()


@blp.route("/variants/<int:variant_id>/receipts", methods=["POST"])
@idempotent
@blp.arguments(schemas.ReceiptIn)
@blp.response(201, schemas.ReceiptOut)
@blp.doc(parameters=[KEY_PARAMETER])
@_errors(400, 401, 404, 409, 422)
def post_receipt(fields, variant_id):
    """Receive stock: allocated to waiting lines first come first served, the rest on hand."""
    allocations, on_hand = receive(
        session(), admin_store(), variant_id, fields["quantity"], fields.get("inbound_id")
    )
    return {"allocated": allocations, "on_hand": on_hand}


@blp.route("/orders", methods=["POST"])
@blp.arguments(schemas.OrderIn)
@blp.response(201, schemas.OrderOut)
@_errors(401, 409, 422)
def post_order(fields):
    """Ingest an order: each line takes what is on hand and the rest is backordered."""
    customer = fields["customer"]
    try:
        order = _ingest(fields, customer)
    except IntegrityError:  # the same order id recorded concurrently
        session().rollback()
        raise Conflict(f"Order {fields['order_id']} has already been recorded.") from None
    session().commit()
    return order


def _ingest(fields, customer):
    return ingest_order(
        session(),
        admin_store(),
        order_id=fields["order_id"],
        currency=fields["currency"],
        customer_id=customer["id"],
        email=customer["email"],
        first_name=customer["first_name"],
        locale=customer["locale"],
        phone=customer["phone"],
        placed_at=fields.get("placed_at"),
        lines=[
            OrderLineIn(
                variant_id=line["variant_id"],
                quantity=line["quantity"],
                unit_price=line["unit_price"],
                external_id=line.get("line_id"),
                quantity_backordered=line.get("quantity_backordered"),
            )
            for line in fields["lines"]
        ],
    )


@blp.route("/backorders", methods=["GET"])
@blp.arguments(schemas.QueueQuery, location="query")
@blp.response(200, schemas.BackorderQueue)
@_errors(401, 422)
def get_backorders(query):
    """The queue: every variant with waiting lines, in the order they will be served."""
    return {"variants": backorder_queue(session(), admin_store(), query.get("variant_id"))}


@blp.route("/refunds", methods=["GET"])
@blp.arguments(schemas.RefundQuery, location="query")
@blp.response(200, schemas.RefundList)
@_errors(401, 422)
def get_refunds(query):
    """Refunds owed and made, newest first; `?status=failed` lists those the merchant must settle
    (declined by the payment provider, or never confirmed)."""
    return {"items": refunds_of(session(), admin_store(), query.get("status"))}


@blp.route("/refunds/<int:refund_id>/retry", methods=["POST"])
@idempotent
@blp.response(200, schemas.RefundOut)
@blp.doc(parameters=[KEY_PARAMETER])
@_errors(400, 401, 404, 409, 422)
def post_refund_retry(refund_id):
    """Ask again for a failed refund (once its cause is settled: a new card, the gateway back).

    It is pending again, with a fresh set of attempts, and a due job sends it under its same
    key: the job first looks whether an earlier attempt got through, so it is never paid twice.
    409 when the refund is not failed, or is a pay-later refund whose line has moved on (nothing
    is owed any more). To settle it by hand instead, refund the shopper in the store admin."""
    return refund_view(retry_refund(session(), admin_store(), refund_id))
