"""Service routes: health, the widget bundle, and the demo pages (demo mode only)."""
import re

from flask import Blueprint, Response, abort, current_app, render_template, request
from markupsafe import escape
from sqlalchemy import select, text

from api.extensions import db
from api.http.context import session
from api.models import Order, Store, Variant

bp = Blueprint("service", __name__)


@bp.get("/healthz")
def healthz():
    with db.engine.connect() as connection:
        connection.execute(text("SELECT 1"))
    return {"status": "ok"}


@bp.get("/demo/")
def demo_home():
    if not current_app.config["DEMO_MODE"]:
        abort(404)
    db_session = session()
    store = db_session.scalar(select(Store).order_by(Store.id))
    if store is None:
        abort(404)
    variants = db_session.scalars(
        select(Variant).where(Variant.store_id == store.id).order_by(Variant.product_id, Variant.variant_id)
    ).all()
    orders = db_session.scalars(
        select(Order).where(Order.store_id == store.id).order_by(Order.placed_at)
    ).all()
    return render_template("demo/index.html", store=store, variants=variants, orders=orders)


@bp.get("/demo/images/<slug>.svg")
def demo_image(slug: str):
    """A simple product picture: a coloured tile with the product's initials."""
    if not current_app.config["DEMO_MODE"]:
        abort(404)
    colour = request.args.get("c", "607d8b")
    if not re.fullmatch(r"[0-9a-fA-F]{6}", colour):
        colour = "607d8b"
    initials = "".join(word[0] for word in slug.split("-")[:2] if word).upper()[:2]
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 400" width="400" height="400">'
        f'<rect width="400" height="400" fill="#{colour}"/>'
        '<circle cx="200" cy="170" r="90" fill="rgba(255,255,255,.18)"/>'
        '<text x="200" y="205" font-family="system-ui,sans-serif" font-size="96" font-weight="700" '
        f'fill="#fff" text-anchor="middle">{escape(initials)}</text></svg>'
    )
    return Response(svg, mimetype="image/svg+xml", headers={"Cache-Control": "public, max-age=86400"})
