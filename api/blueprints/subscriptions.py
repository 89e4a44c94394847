"""Restock alerts: a shopper leaves an email or phone on a sold-out product; a signed link in the
alert unsubscribes them."""
import email_validator
import phonenumbers
from flask import current_app, jsonify, request
from flask_smorest import Blueprint
from flask_smorest.error_handler import ErrorSchema

from api.domain.errors import Invalid, NotFound
from api.domain.restock import subscribe, unsubscribe
from api.domain.stores import get_store
from api.extensions import db
from api.http import shopper_schemas as schemas
from api.http.context import session
from api.http.cors import allow_store_origins
from api.http.errors import error_response
from api.http.pages import page, problem_page, wants_html
from api.blueprints.shopper import rate_limit
from api.tokens import TokenError, load_unsubscribe

blp = Blueprint("subscriptions", __name__, url_prefix="/api/v1", description="Restock alerts (public)")


@blp.after_request
def cors(response):
    store_hash = (request.view_args or {}).get("store_hash")
    return allow_store_origins(response, store_hash) if store_hash else response


def _email(value: str) -> str:
    try:
        return email_validator.validate_email(value, check_deliverability=False).normalized
    except email_validator.EmailNotValidError as error:
        raise Invalid("The email address is not valid.", {"json": {"email": [str(error)]}}) from None


def _phone(value: str) -> str:
    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise Invalid("The phone number is not valid.",
                      {"json": {"phone": ["An international number in E.164 form, e.g. +14155550123."]}})
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


@blp.route("/stores/<store_hash>/restock-subscriptions", methods=["POST"])
@rate_limit("SUBSCRIPTION_RATE_LIMIT")
@blp.arguments(schemas.SubscriptionIn)
@blp.response(201, schemas.SubscriptionOut, description="Subscribed.")
@blp.alt_response(200, schema=schemas.SubscriptionOut, description="Already subscribed; nothing changed.")
@blp.alt_response(404, schema=ErrorSchema)
@blp.alt_response(422, schema=ErrorSchema)
@blp.alt_response(429, schema=ErrorSchema)
def post_subscription(fields, store_hash):
    """Ask to be told when a variant is back in stock, by email or SMS."""
    store = get_store(session(), store_hash)
    email = _email(fields["email"]) if "email" in fields else ""
    phone = _phone(fields["phone"]) if "phone" in fields else ""
    subscription, created = subscribe(session(), store, fields["variant_id"], email=email.lower(),
                                      phone=phone, locale=fields["locale"])
    session().commit()
    body = {"variant_id": fields["variant_id"], "status": subscription.status,
            "channel": "email" if email else "sms"}
    return body, 201 if created else 200


@blp.route("/unsubscribe/<token>", methods=["GET"])
@blp.response(200, schemas.UnsubscribeOut)
@blp.alt_response(404, schema=ErrorSchema)
@blp.doc(responses={
    "200": {"description": "Unsubscribed: JSON, or a small page for a browser (one that ranks text/html "
                           "above application/json in its Accept header).",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/UnsubscribeOut"}},
                        "text/html": {"schema": {"type": "string"}}}},
    "404": {"description": "Not a valid link: the error, or a page saying so for a browser.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}},
                        "text/html": {"schema": {"type": "string"}}}},
})
def get_unsubscribe(token):
    """Stop a restock alert, from the signed link in the message."""
    try:
        store_hash, subscription_id = load_unsubscribe(current_app.config["SECRET_KEYS"], token)
        with db.transaction() as db_session:
            subscription = unsubscribe(db_session, get_store(db_session, store_hash), subscription_id)
            variant = subscription.variant
    except (TokenError, NotFound):
        if wants_html():
            return problem_page(404, "Link not valid", "This unsubscribe link is not valid.")
        return _vary_on_accept(error_response(404, "This unsubscribe link is not valid."))
    if wants_html():
        return page("payments/unsubscribed.html", variant=variant)
    return _vary_on_accept(jsonify({"status": "unsubscribed", "variant_id": variant.variant_id}))


def _vary_on_accept(response):
    response.vary.add("Accept")  # the same URL answers a browser with HTML
    return response
