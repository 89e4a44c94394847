"""BigCommerce's calls into the app: the install and load callbacks (the merchant console inside
the control panel), uninstall and remove-user, and webhooks. These are platform callbacks, not
part of the public API, so they are a plain blueprint outside the OpenAPI document."""
import logging

import jwt
from flask import Blueprint, current_app, request
from marshmallow import Schema, ValidationError, fields, validate
from sqlalchemy import select

from api.bigcommerce import webhooks
from api.bigcommerce.install import InstallError, install, uninstall, verify_signed_payload
from api.blueprints.console import console_page, start_session
from api.domain.console_sessions import end_sessions
from api.extensions import db
from api.http.context import session
from api.http.errors import error_response
from api.http.inputs import json_body
from api.http.schemas import ConsoleSessionOut
from api.models import BigCommerceInstallation, Store

log = logging.getLogger(__name__)

bp = Blueprint("bigcommerce", __name__, url_prefix="/bigcommerce")


class AuthQuery(Schema):
    code = fields.String(required=True, validate=validate.Length(min=1, max=500))
    scope = fields.String(required=True, validate=validate.Length(max=5000))
    context = fields.String(required=True, validate=validate.Regexp(r"^stores/[A-Za-z0-9]+$"))


class SignedPayloadQuery(Schema):
    signed_payload_jwt = fields.String(required=True, validate=validate.Length(min=1, max=8000))


class WebhookIn(Schema):
    scope = fields.String(required=True, validate=validate.Length(min=1, max=100))
    producer = fields.String(required=True, validate=validate.Length(min=1, max=100))
    hash = fields.String(required=True, validate=validate.Length(min=1, max=128))
    data = fields.Dict(required=True)
    store_id = fields.Raw()
    created_at = fields.Raw()


# One instance for every delivery: building a schema copies its fields, a cost on the intake's
# hot path (loading with it keeps no state).
WEBHOOK_IN = WebhookIn()


def _load(schema: Schema, data):
    try:
        return schema.load(data, unknown="exclude"), None
    except ValidationError as error:
        return None, error_response(400, "The request is missing or has invalid fields.", error.messages)


def _configured():
    config = current_app.config
    if not (config["BIGCOMMERCE_CLIENT_ID"] and config["BIGCOMMERCE_CLIENT_SECRET"]):
        return error_response(503, "BigCommerce is not configured: set BIGCOMMERCE_CLIENT_ID and BIGCOMMERCE_CLIENT_SECRET.")
    return None


def _verified_claims():
    """The claims of the request's signed_payload_jwt, or the 4xx response to give."""
    query, problem = _load(SignedPayloadQuery(), request.args)
    if problem:
        return None, problem
    try:
        return verify_signed_payload(query["signed_payload_jwt"]), None
    except jwt.InvalidTokenError as error:
        return None, error_response(401, f"The signed payload is not valid: {error}")


def _console(store: Store, user: dict | None):
    """The console, signed in as the control-panel user BigCommerce names (id and email)."""
    user = user or {}
    with db.transaction() as db_session:  # a GET that writes: its own writing transaction
        boot = start_session(db_session, db_session.get(Store, store.id),
                             label=user.get("email") or f"BigCommerce user {user.get('id')}",
                             user_id=user.get("id"), user_email=user.get("email") or "")
    return console_page({"platform": "bigcommerce", **ConsoleSessionOut().dump(boot)}, store.hash)


@bp.get("/auth")
def auth():
    """The install callback: exchange the code, save the store, register webhooks, add the script."""
    problem = _configured()
    if problem:
        return problem
    query, problem = _load(AuthQuery(), request.args)
    if problem:
        return problem
    try:
        # A GET that writes: its own writing transaction, not the request's read session.
        with db.transaction() as db_session:
            store_id = install(db_session, query["code"], query["scope"], query["context"]).id
    except InstallError as error:
        return error_response(502, str(error))
    store = session().get(Store, store_id)
    installation = session().scalar(
        select(BigCommerceInstallation).where(BigCommerceInstallation.store_id == store_id))
    return _console(store, {"id": installation.owner_id, "email": installation.owner_email})


@bp.get("/load")
def load():
    """The merchant opens the app in the control panel."""
    claims, problem = _verified_claims()
    if problem:
        return problem
    store = session().scalar(select(Store).where(Store.hash == claims["store_hash"], Store.active))
    if store is None:
        return error_response(404, "This store has not installed the app (or has uninstalled it).")
    return _console(store, claims.get("user"))


@bp.get("/uninstall")
def uninstalled():
    """The store uninstalled the app: deactivate it, keep its data, end every console session."""
    claims, problem = _verified_claims()
    if problem:
        return problem
    with db.transaction() as db_session:
        store = uninstall(db_session, claims["store_hash"])
        if store is not None:
            end_sessions(db_session, store)
    return "", 204


@bp.get("/remove_user")
def remove_user():
    """A control-panel user lost access to the app: their console sessions end now."""
    claims, problem = _verified_claims()
    if problem:
        return problem
    user_id = (claims.get("user") or {}).get("id")
    with db.transaction() as db_session:
        store = db_session.scalar(select(Store).where(Store.hash == claims["store_hash"]))
        if store is not None and user_id is not None:
            end_sessions(db_session, store, user_id)
    return "", 204


@bp.post("/webhooks")
@json_body
def receive_webhook():
    """Authenticate, de-duplicate, store a job, answer at once. The worker does the work."""
    payload, problem = _load(WEBHOOK_IN, request.get_json(silent=True) or {})
    if problem:
        return problem
    try:
        store_id = webhooks.authenticate(current_app.extensions["database"], payload,
                                         request.headers.get(webhooks.SECRET_HEADER))
    except webhooks.Unauthorized as error:
        return error_response(401, str(error))
    stored = webhooks.accept(current_app.extensions["database"], store_id, payload)
    return {"status": "queued" if stored else "duplicate"}, 200
