"""The local adapter's pay page: where a shopper of a store without a platform pays a payment
request (a pay-later line whose stock arrived, or a dearer switch). The link's token is the
request's unguessable reference; paying moves the line on exactly as a platform payment would."""
from flask import make_response, redirect, render_template, url_for
from flask_smorest import Blueprint
from flask_smorest.error_handler import ErrorSchema
from sqlalchemy import select

from api.commerce.local import pay_on_local_page
from api.domain.errors import Conflict
from api.extensions import db
from api.http.context import session
from api.http.errors import error_response
from api.models import PaymentRequestRecord, Store

blp = Blueprint("payments", __name__, url_prefix="/demo/pay", description="Local pay page (stores without a platform)")

PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'"


def _find(db_session, token: str) -> PaymentRequestRecord | None:
    return db_session.scalar(
        select(PaymentRequestRecord)
        .join(Store, Store.id == PaymentRequestRecord.store_id)
        .where(PaymentRequestRecord.reference == token, Store.platform == "local", Store.active)
    )


def _page(payment: PaymentRequestRecord, status: int = 200, message: str = ""):
    html = render_template("payments/pay.html", payment=payment, line=payment.line,
                           order=payment.line.order, message=message)
    # A Response, not a tuple: flask-smorest would serialize a tuple's body as JSON.
    return make_response(html, status, {"Content-Type": "text/html; charset=utf-8",
                                        "Content-Security-Policy": PAGE_CSP,
                                        "X-Frame-Options": "DENY", "Cache-Control": "no-store"})


def _not_found():
    return error_response(404, "This payment link is not valid.")


HTML = {"text/html": {"schema": {"type": "string"}}}


@blp.route("/<token>", methods=["GET"])
@blp.response(200)
@blp.alt_response(404, schema=ErrorSchema)
@blp.doc(responses={"200": {"description": "The pay page.", "content": HTML}})
def pay_page(token):
    """What is being paid, and a Pay button."""
    payment = _find(session(), token)
    return _page(payment) if payment else _not_found()


@blp.route("/<token>", methods=["POST"])
@blp.response(303, description="Paid: back to the pay page, which now says so.")
@blp.alt_response(404, schema=ErrorSchema)
@blp.alt_response(409, description="Expired or cancelled.")
@blp.doc(responses={"409": {"description": "The request expired or was cancelled: the pay page, saying so.",
                            "content": HTML}})
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
            return _page(payment, 409, refusal.message)
    return redirect(url_for("payments.pay_page", token=token), 303)
