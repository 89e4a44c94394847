"""BigCommerce's calls into the app: the install and load callbacks (the merchant's page inside
the control panel), uninstall and remove-user, and webhooks. These are platform callbacks, not
part of the public API, so they are a plain blueprint outside the OpenAPI document."""
import logging

import jwt
from flask import Blueprint, current_app, render_template, request
from marshmallow import Schema, ValidationError, fields, validate
from sqlalchemy import func, select

from api.bigcommerce import admin_session, webhooks
from api.bigcommerce.install import (
    InstallError, WEBHOOK_SCOPES, install, script_tag, uninstall, verify_signed_payload,
)
from api.domain.stores import update_settings
from api.extensions import db
from api.http.context import session
from api.http.errors import error_response
from api.http.inputs import json_body
from api.http.schemas import Settings
from api.models import BigCommerceInstallation, BigCommerceWebhook, Store

log = logging.getLogger(__name__)

bp = Blueprint("bigcommerce", __name__, url_prefix="/bigcommerce")

# The merchant page is framed by the BigCommerce control panel, and only there.
PAGE_CSP = ("default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
            "frame-ancestors https://*.bigcommerce.com")
SETTINGS_FORM = ("name", "cancel_window_days", "cancel_allocated", "pay_later_enabled",
                 "payment_hold_days", "handling_days", "dearer_switch", "storefront_origins",
                 "notification_channels")


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


def _page(store: Store, status: int = 200, user_id: int | None = None, **extra):
    db_session = session()
    installation = db_session.scalar(
        select(BigCommerceInstallation).where(BigCommerceInstallation.store_id == store.id))
    jobs = dict(db_session.execute(
        select(BigCommerceWebhook.status, func.count())
        .where(BigCommerceWebhook.store_id == store.id).group_by(BigCommerceWebhook.status)
    ).all())
    config = current_app.config
    html = render_template(
        "bigcommerce/merchant.html",
        store=store,
        installation=installation,
        hooks_registered=len([h for h in (installation.hook_ids or {}).values() if h]) if installation else 0,
        hooks_expected=len(WEBHOOK_SCOPES),
        jobs=jobs,
        snippet=script_tag(config["APP_URL"], store.hash, config["BIGCOMMERCE_CLIENT_ID"]),
        admin_token=admin_session.issue(config["SECRET_KEYS"], store.hash, user_id),
        **extra,
    )
    return html, status, {"Content-Security-Policy": PAGE_CSP, "Cache-Control": "no-store"}


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
    return _page(session().get(Store, store_id), just_installed=True)


@bp.get("/load")
def load():
    """The merchant opens the app in the control panel."""
    claims, problem = _verified_claims()
    if problem:
        return problem
    store = session().scalar(select(Store).where(Store.hash == claims["store_hash"], Store.active))
    if store is None:
        return error_response(404, "This store has not installed the app (or has uninstalled it).")
    return _page(store, user_id=(claims.get("user") or {}).get("id"))


@bp.get("/uninstall")
def uninstalled():
    """The store uninstalled the app: deactivate it, keep its data."""
    claims, problem = _verified_claims()
    if problem:
        return problem
    with db.transaction() as db_session:
        uninstall(db_session, claims["store_hash"])
    return "", 204


@bp.get("/remove_user")
def remove_user():
    """A control-panel user lost access. We keep no per-user data, so there is nothing to delete."""
    _, problem = _verified_claims()
    if problem:
        return problem
    return "", 204


def _number(text: str):
    """A form's whole number as an int (the schema takes JSON integers only), an empty field as
    None; anything else is left as it is, for the schema to refuse with its message."""
    text = text.strip()
    if not text:
        return None
    return int(text) if text.isascii() and text.isdigit() else text


@bp.post("/settings")
def save_settings():
    """The settings form of the merchant page, authenticated by the admin session it carries."""
    store_hash = admin_session.store_hash_of(current_app.config["SECRET_KEYS"],
                                             request.form.get("admin_token", ""))
    if store_hash is None:
        return error_response(401, "This page has expired. Open the app again from the BigCommerce control panel.")
    db_session = session()
    store = db_session.scalar(select(Store).where(Store.hash == store_hash, Store.active))
    if store is None:
        return error_response(401, "This store has uninstalled the app.")
    form = request.form
    raw = {
        "name": form.get("name", ""),
        "cancel_window_days": _number(form.get("cancel_window_days", "")),
        "cancel_allocated": "cancel_allocated" in form,
        "pay_later_enabled": "pay_later_enabled" in form,
        "payment_hold_days": _number(form.get("payment_hold_days", "")),
        "handling_days": _number(form.get("handling_days", "")),
        "dearer_switch": form.get("dearer_switch", ""),
        "storefront_origins": [o.strip() for o in form.get("storefront_origins", "").splitlines() if o.strip()],
        "notification_channels": form.getlist("notification_channels"),
    }
    try:
        fields_in = Settings(only=SETTINGS_FORM).load(raw)
    except ValidationError as error:
        db_session.rollback()
        return _page(store, 422, errors=error.messages, form=raw)
    update_settings(store, fields_in)
    db_session.commit()
    return _page(store, saved=True)


@bp.post("/webhooks")
@json_body
def receive_webhook():
    """Authenticate, de-duplicate, store a job, answer at once. The worker does the work."""
    payload, problem = _load(WebhookIn(), request.get_json(silent=True) or {})
    if problem:
        return problem
    try:
        with db.session(write=False) as reading:  # a read: no write lock while authenticating
            store_id = webhooks.authenticate(reading, payload, request.headers.get(webhooks.SECRET_HEADER))
    except webhooks.Unauthorized as error:
        return error_response(401, str(error))
    stored = webhooks.accept(current_app.extensions["database"], store_id, payload)
    return {"status": "queued" if stored else "duplicate"}, 200
