"""The demo mailbox: every message the worker delivered, as the recipient saw it (demo mode only).
HTML bodies are shown in a sandboxed iframe (srcdoc, no scripts, no same-origin)."""
from flask import Blueprint, abort, current_app, render_template
from sqlalchemy import select

from api.http.context import session
from api.models import DeliveredMessage, Store

bp = Blueprint("mailbox", __name__)
SHOWN = 200


@bp.get("/demo/mailbox")
def mailbox():
    if not current_app.config["DEMO_MODE"]:
        abort(404)
    db_session = session()
    store = db_session.scalar(select(Store).order_by(Store.id))
    if store is None:
        abort(404)
    messages = db_session.scalars(
        select(DeliveredMessage).where(DeliveredMessage.store_id == store.id)
        .order_by(DeliveredMessage.id.desc()).limit(SHOWN)
    ).all()
    response = current_app.make_response(render_template("mailbox/index.html", store=store, messages=messages))
    response.headers["Content-Security-Policy"] = "script-src 'none'; object-src 'none'; base-uri 'none'"
    return response


@bp.get("/demo/mailbox/<int:message_id>/attachments/<int:number>")
def attachment(message_id: int, number: int):
    """A file sent with an email (the first is number 1), as the recipient would save it."""
    if not current_app.config["DEMO_MODE"]:
        abort(404)
    db_session = session()
    store = db_session.scalar(select(Store).order_by(Store.id))  # the store the mailbox shows
    message = db_session.get(DeliveredMessage, message_id)
    files = (message.attachments or []) if message is not None and message.store_id == store.id else []
    if not 1 <= number <= len(files):
        abort(404)
    file = files[number - 1]
    response = current_app.response_class(file["content"], mimetype=file["content_type"])
    response.headers["Content-Disposition"] = f'attachment; filename="{file["filename"]}"'
    return response
