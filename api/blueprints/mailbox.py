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
