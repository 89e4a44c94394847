"""Public storefront routes, called by the widget from the store's own pages."""
import hashlib

from flask import current_app, g, make_response, request
from flask_smorest import Blueprint
from flask_smorest.error_handler import ErrorSchema

from api.domain.availability import AvailabilityCache, storefront_availability_json
from api.domain.errors import NotFound
from api.http import schemas
from api.extensions import db
from api.http.cors import allow_store_origins

blp = Blueprint("storefront", __name__, url_prefix="/api/v1/stores", description="Storefront (public)")


@blp.record_once
def _keep_items(state) -> None:
    # Each worker keeps the items it wrote while the store's availability version stays.
    state.app.extensions["availability_cache"] = AvailabilityCache(state.app.config["AVAILABILITY_CACHE_SIZE"])


@blp.after_request
def cors(response):
    store_hash = (request.view_args or {}).get("store_hash")
    return allow_store_origins(response, store_hash) if store_hash else response


AVAILABILITY_QUERY = schemas.AvailabilityQuery()


@blp.route("/<store_hash>/availability", methods=["GET"])
@blp.doc(parameters=[{"in": "query", "schema": AVAILABILITY_QUERY}])
@blp.response(200, schemas.Availability)
@blp.alt_response(304, description="Not modified (If-None-Match)")
@blp.alt_response(404, schema=ErrorSchema)
def get_availability(store_hash):
    """Availability, ETA and alternatives for product or variant ids.

    Cacheable for 30 seconds; answers 304 to a matching If-None-Match."""
    # The schema documents the query and reads (or refuses, 422) any query the widget's plain
    # form does not cover; the plain form is read directly, as the schema would read it.
    query = (schemas.plain_availability_query(request.args)
             or blp.ARGUMENTS_PARSER.parse(AVAILABILITY_QUERY, location="query"))
    cache = current_app.extensions["availability_cache"]
    found = db.read_once(lambda connection, dialect: storefront_availability_json(
        connection, dialect, store_hash, cache, product_ids=query.get("product_ids"),
        variant_ids=query.get("variant_ids"), quantity=query["quantity"], locale=query["locale"]))
    if found is None:
        raise NotFound(f"Store {store_hash} is not known.")
    # The answer is already JSON in the schema's shape (a test compares it with the schema's own
    # dump), so the hot path skips marshmallow; the CORS check needs no second query.
    g.storefront_origins, payload = found
    response = make_response(payload, 200, {"Content-Type": "application/json"})
    response.set_etag(hashlib.sha256(payload.encode()).hexdigest()[:32])
    response.headers["Cache-Control"] = "public, max-age=30"
    # Only a conditional request needs werkzeug's conditional handling (If-None-Match: 304).
    if "HTTP_IF_NONE_MATCH" in request.environ or "HTTP_IF_MATCH" in request.environ:
        return response.make_conditional(request)
    return response
