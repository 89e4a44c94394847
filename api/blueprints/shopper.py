"""Shopper self-service: exchange a customer JWT or a guest's order link for a session, then see
and act on one's own backordered lines. Session tokens are accepted in the Authorization header
only (never in a URL, where logs and referrers would keep them)."""
from flask import current_app, g, request
from flask_smorest import Blueprint
from flask_smorest.error_handler import ErrorSchema
from sqlalchemy import select

from api.domain import actions
from api.domain.errors import NotFound
from api.domain.shopper import Shopper, find_order, list_orders, order_detail
from api.domain.stores import get_store
from api.extensions import rate_limits
from api.http import shopper_schemas as schemas
from api.http.context import bearer_token, session
from api.http.cors import allow_shopper_origins, allow_store_origins
from api.http.errors import error_response
from api.http.idempotency import KEY_PARAMETER, idempotent
from api.models import Order
from api.tokens import (
    ShopperSession, TokenError, email_digest, load_order_link, load_session, session_token,
    verify_customer_jwt,
)

sessions_blp = Blueprint("shopper_sessions", __name__, url_prefix="/api/v1/stores",
                         description="Shopper sessions (public)")
blp = Blueprint("shopper", __name__, url_prefix="/api/v1/me",
                description="Shopper self-service (Authorization: Bearer <session token>)")


rate_limit = rate_limits.limit
# Cancel, switch and payment-mode draw on one budget per client, not one each.
action_rate_limit = rate_limits.limit("ACTION_RATE_LIMIT", scope="shopper-actions")


def _errors(bp, *codes):
    def decorate(view):
        for code in codes:
            view = bp.alt_response(code, schema=ErrorSchema)(view)
        return view
    return decorate


def _unauthorized(message: str):
    return error_response(401, message, headers={"WWW-Authenticate": 'Bearer realm="shopper"'})


# --- sessions --------------------------------------------------------------------------------


@sessions_blp.after_request
def store_cors(response):
    store_hash = (request.view_args or {}).get("store_hash")
    return allow_store_origins(response, store_hash) if store_hash else response


@sessions_blp.route("/<store_hash>/sessions", methods=["POST"])
@rate_limit("SESSION_RATE_LIMIT")
@sessions_blp.arguments(schemas.SessionIn)
@sessions_blp.response(200, schemas.SessionOut)
@_errors(sessions_blp, 401, 404, 422, 429)
def create_session(fields, store_hash):
    """Exchange a current-customer JWT (signed-in shopper) or a signed order link (guest) for a
    short-lived session token."""
    store = get_store(session(), store_hash)
    config = current_app.config
    try:
        if "customer_jwt" in fields:
            customer_id = verify_customer_jwt(
                fields["customer_jwt"], client_id=config["BIGCOMMERCE_CLIENT_ID"],
                client_secret=config["BIGCOMMERCE_CLIENT_SECRET"], store_hash=store.hash,
            )
            shopper = ShopperSession(store=store.hash, customer_id=customer_id)
        else:
            shopper = _guest(store, load_order_link(config["SECRET_KEYS"], fields["order_link"]))
    except TokenError as error:
        return _unauthorized(str(error))
    token, expires_at = session_token(config["SECRET_KEYS"], shopper, config["SESSION_MAX_AGE"])
    return {"token": token, "expires_at": expires_at}


def _guest(store, link) -> ShopperSession:
    if link.store != store.hash:
        raise TokenError("This order link belongs to another store.")
    order = session().scalar(
        select(Order).where(Order.store_id == store.id, Order.order_id == link.order_id)
    )
    if order is None or email_digest(order.email) != link.email_digest:
        raise TokenError("This order link no longer matches an order.")
    return ShopperSession(store=store.hash, order_id=link.order_id)


# --- authenticated shopper routes ------------------------------------------------------------


@blp.before_request
def authenticate():
    if request.method == "OPTIONS":  # a CORS preflight carries no credentials
        return None
    token = bearer_token()
    if token is None:
        if any(name in request.args for name in ("token", "access_token", "session")):
            return _unauthorized("Session tokens are accepted only in the Authorization header.")
        return _unauthorized("A session is required: Authorization: Bearer <session token>.")
    config = current_app.config
    try:
        shopper = load_session(config["SECRET_KEYS"], token, config["SESSION_MAX_AGE"])
        store = get_store(session(), shopper.store)
    except TokenError as error:
        return _unauthorized(str(error))
    except NotFound:
        return _unauthorized("This session's store is no longer active.")
    g.store = store
    g.shopper = Shopper(customer_id=shopper.customer_id, order_id=shopper.order_id)
    g.idempotency_scope = shopper.idempotency_scope
    return None


@blp.after_request
def shopper_headers(response):
    response.headers["Cache-Control"] = "no-store"  # personal data
    return allow_shopper_origins(response)


@blp.route("/orders", methods=["GET"])
@blp.arguments(schemas.MyOrdersQuery, location="query")
@blp.response(200, schemas.MyOrderPage)
@_errors(blp, 401, 422)
def my_orders(query):
    """My orders with backordered lines, newest first."""
    items, total = list_orders(session(), g.store, g.shopper, page=query["page"], per_page=query["per_page"])
    return {"items": items, "page": query["page"], "per_page": query["per_page"], "total": total}


@blp.route("/orders/<int:order_id>", methods=["GET"])
@blp.response(200, schemas.MyOrder)
@_errors(blp, 401, 404)
def my_order(order_id):
    """One of my orders: every line with its ETA, queue place, timeline, alternatives, and which
    actions are allowed (or why not)."""
    return order_detail(session(), g.store, find_order(session(), g.store, g.shopper, order_id))


def _with_order(result: dict, order_id: int) -> dict:
    """The answer to an action carries the order as it is now, for the widget to redraw."""
    db_session = session()
    db_session.flush()
    order = find_order(db_session, g.store, g.shopper, order_id)
    db_session.expire(order)
    return {**result, "order": order_detail(db_session, g.store, order)}


@blp.route("/orders/<int:order_id>/lines/<int:line_id>/cancel", methods=["POST"])
@action_rate_limit
@idempotent
@blp.arguments(schemas.CancelIn)
@blp.response(200, schemas.ActionOut)
@blp.doc(parameters=[KEY_PARAMETER])
@_errors(blp, 400, 401, 404, 409, 422, 429)
def cancel_line(fields, order_id, line_id):
    """Cancel some or all units of a line (waiting ones; set-aside ones where the store allows),
    inside the store's cancel window. Paid units are refunded at once."""
    result = actions.cancel(session(), g.store, g.shopper, order_id, line_id, fields.get("quantity"))
    return _with_order(result, order_id)


@blp.route("/orders/<int:order_id>/lines/<int:line_id>/switch", methods=["POST"])
@action_rate_limit
@idempotent
@blp.arguments(schemas.SwitchIn)
@blp.response(200, schemas.ActionOut)
@blp.doc(parameters=[KEY_PARAMETER])
@_errors(blp, 400, 401, 404, 409, 422, 429)
def switch_line(fields, order_id, line_id):
    """Switch a waiting line to one of its alternatives on hand now; a cheaper one refunds the
    difference, a dearer one asks for it (or is refused, per store policy)."""
    result = actions.switch(session(), g.store, g.shopper, order_id, line_id, fields["variant_id"])
    return _with_order(result, order_id)


@blp.route("/orders/<int:order_id>/lines/<int:line_id>/payment-mode", methods=["POST"])
@action_rate_limit
@idempotent
@blp.arguments(schemas.PaymentModeIn)
@blp.response(200, schemas.ActionOut)
@blp.doc(parameters=[KEY_PARAMETER])
@_errors(blp, 400, 401, 404, 409, 422, 429)
def payment_mode(fields, order_id, line_id):
    """pay_later: refund the line now and keep its place; pay when the stock arrives.
    pay_now: get a payment link for a pay-later line now."""
    result = actions.set_payment_mode(session(), g.store, g.shopper, order_id, line_id, fields["mode"])
    return _with_order(result, order_id)
