"""The local adapter's pay page: where a shopper of a store without a platform pays a payment
request (a pay-later line whose stock arrived, or a dearer switch). The link's token is the
request's unguessable reference; paying moves the line on exactly as a platform payment would."""
from flask import current_app, redirect, url_for
from flask_smorest import Blueprint
from flask_smorest.error_handler import ErrorSchema
from sqlalchemy import select

from api.commerce.local import pay_on_local_page
from api.domain.errors import Conflict
from api.extensions import db
from api.http.context import session
from api.http.errors import error_response
from api.http.pages import page, problem_page, wants_html
from api.models import PaymentRequestRecord, Store
from api.notifications.catalog import Translator
from api.notifications.render import order_page_url

blp = Blueprint("payments", __name__, url_prefix="/demo/pay", description="Local pay page (stores without a platform)")

STATUS_WORDS = {
    "open": "Waiting for your payment",
    "paid": "Paid",
    "expired": "Expired: the hold ended before payment",
    "cancelled": "Cancelled: no longer needed",
}


def _find(db_session, token: str) -> PaymentRequestRecord | None:
    return db_session.scalar(
        select(PaymentRequestRecord)
        .join(Store, Store.id == PaymentRequestRecord.store_id)
        .where(PaymentRequestRecord.reference == token, Store.platform == "local", Store.active)
    )


def _page(db_session, payment: PaymentRequestRecord, status: int = 200, message: str = ""):
    store, order = db_session.get(Store, payment.store_id), payment.line.order
    order_url = order_page_url(store, order.order_id, order.customer_id, order.email,
                               secret_keys=current_app.config["SECRET_KEYS"], app_url=current_app.config["APP_URL"])
    return page("payments/pay.html", status, payment=payment, line=payment.line, order=order,
                store_name=store.name or store.hash, order_url=order_url, message=message,
                amount=Translator("en").money(payment.amount, payment.currency),
                status_words=STATUS_WORDS.get(payment.status, payment.status))


def _not_found():
    if wants_html(by_default=True):
        return problem_page(404, "Payment link not valid",
                            "This payment link is not valid. Use the latest link from your email, "
                            "or open your order from the store's website.")
    return error_response(404, "This payment link is not valid.")


HTML = {"text/html": {"schema": {"type": "string"}}}
NOT_FOUND = {"description": "Not a valid link: a page saying so, or the error for a client that asks for JSON.",
             "content": {**HTML, "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


@blp.route("/<token>", methods=["GET"])
@blp.response(200)
@blp.alt_response(404, schema=ErrorSchema)
@blp.doc(responses={"200": {"description": "The pay page.", "content": HTML}, "404": NOT_FOUND})
def pay_page(token):
    """What is being paid, to which store, and a Pay button."""
    payment = _find(session(), token)
    return _page(session(), payment) if payment else _not_found()


@blp.route("/<token>", methods=["POST"])
@blp.response(303, description="Paid: back to the pay page, which now says so.")
@blp.alt_response(404, schema=ErrorSchema)
@blp.alt_response(409, description="Expired or cancelled.")
@blp.doc(responses={"409": {"description": "The request expired or was cancelled: the pay page, saying so.",
                            "content": HTML}, "404": NOT_FOUND})
def pay(token):
    """Pay the request: the ledger books it and the line moves on (allocated when its stock is
    held). Paying twice changes nothing."""
    with db.transaction() as db_session:
        payment = _find(db_session, token)
        if payment is None:
            return _not_found()
        store = db_session.get(Store, payment.store_id)
        try:
            pay_on_local_page(db_session, store, payment)
        except Conflict as refusal:
            return _page(db_session, payment, 409, refusal.message)
    return redirect(url_for("payments.pay_page", token=token), 303)
