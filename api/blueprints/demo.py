"""The demo storefront (demo mode only): pages with Cornerstone's own markup, so the real widget
runs on them as it would on a BigCommerce store; the signed-in demo customer's current-customer
JWT; a demo checkout that records orders through the same ingestion as POST /api/v1/admin/orders;
and the merchant console, already signed in as the demo store's merchant.

In demo mode `/` redirects here keeping the query string, so the guest links in emails
(`/?bd_order=…`) open the demo store."""
import re
import time
from itertools import groupby

import jwt
from flask import Blueprint, Response, abort, current_app, redirect, render_template, request, url_for
from markupsafe import escape
from sqlalchemy import func, select

from api.blueprints.console import console_page, start_session
from api.domain.backorders import OrderLineIn, ingest_order
from api.domain.errors import Conflict, DomainError
from api.domain.stores import get_store
from api.extensions import db
from api.http.context import session
from api.http.schemas import ConsoleSessionOut
from api.models import Order, Variant

bp = Blueprint("demo", __name__)

STORE_HASH = "demo-store"
# The signed-in demo shopper (api/demo/seed.py: customer 1).
CUSTOMER = {"id": 1, "email": "ada@example.com", "first_name": "Ada", "group_id": 0}
CATEGORIES = ["tops", "outerwear", "footwear", "packs", "accessories"]


@bp.before_request
def demo_only():
    if not current_app.config["DEMO_MODE"]:
        abort(404)


@bp.app_template_global()
def money(minor: int, currency: str = "USD") -> str:
    return ("$" if currency == "USD" else currency + " ") + f"{minor / 100:,.2f}"


@bp.app_template_global()
def live_units(order: Order) -> int:
    """Units still on the order: a switched line's units count as cancelled (its replacement,
    a line of its own, carries them), so neither switched nor cancelled units count."""
    return sum(line.quantity - line.quantity_cancelled for line in order.lines)


@bp.app_template_global()
def order_total(order: Order) -> int:
    return sum(line.unit_price * (line.quantity - line.quantity_cancelled) for line in order.lines)


def _store():
    return get_store(session(), STORE_HASH)


def _page(template: str, **context):
    context.setdefault("widget", request.args.get("nowidget") != "1")
    context["client_id"] = current_app.config["BIGCOMMERCE_CLIENT_ID"]
    # ?locale=de shows the widget in another language (its data-locale attribute).
    locale = request.args.get("locale", "")
    context["locale"] = locale if re.fullmatch(r"[a-z]{2}(-[A-Z]{2})?", locale) else ""
    context["categories"] = CATEGORIES
    return render_template(f"demo/{template}", store=_store(), **context)


class Product:
    """A product as the storefront shows it: its variants grouped, the option label of each."""

    def __init__(self, variants: list[Variant]):
        self.variants = variants
        first = variants[0]
        self.id = first.product_id
        self.name = first.name.split(" — ")[0]
        self.category = first.category
        self.image_url = first.image_url
        self.price = min(v.price for v in variants)
        self.currency = first.currency

    @staticmethod
    def option(variant: Variant) -> str:
        _, _, suffix = variant.name.partition(" — ")
        return suffix or "One size"


def _products(category: str | None = None) -> list[Product]:
    query = select(Variant).where(Variant.store_id == _store().id)
    if category:
        query = query.where(Variant.category == category)
    variants = session().scalars(query.order_by(Variant.product_id, Variant.variant_id))
    return [Product(list(group)) for _, group in groupby(variants, key=lambda v: v.product_id)]


# --- storefront pages ------------------------------------------------------------------------


def _with_query(url: str) -> str:
    query = request.query_string.decode()
    return url + ("?" + query if query else "")


@bp.get("/")
def root():
    return redirect(_with_query(url_for("demo.home")))


@bp.get("/account.php")
def store_account():
    """Emails link signed-in shoppers to the store's real account path; the demo's lives here."""
    return redirect(_with_query(url_for("demo.account")))


@bp.get("/demo/")
def home():
    return _page("category.html", title="Shop all", products=_products(), view=_view(), path=url_for("demo.home"))


@bp.get("/demo/<any(tops, outerwear, footwear, packs, accessories):category>/")
def category(category: str):
    return _page("category.html", title=category.title(), products=_products(category), view=_view(),
                 path=url_for("demo.category", category=category))


def _view() -> str:
    return "list" if request.args.get("mode") == "list" else "grid"


@bp.get("/demo/products/<int:product_id>")
def product(product_id: int):
    variants = list(session().scalars(
        select(Variant).where(Variant.store_id == _store().id, Variant.product_id == product_id)
        .order_by(Variant.variant_id)
    ))
    if not variants:
        abort(404)
    return _page("product.html", product=Product(variants), title=Product(variants).name)


@bp.post("/demo/checkout")
def checkout():
    """The demo checkout: Ada buys the chosen variant; the order goes through the same ingestion
    as POST /api/v1/admin/orders (what is on hand is taken, the rest is backordered)."""
    variant_id = _positive(request.form.get("variant_id"))
    quantity = _positive(request.form.get("qty[]"))
    if variant_id is None or quantity is None or quantity > 1000:
        return _problem(422, "Choose an option and a quantity between 1 and 1000.")
    store = _store()
    db_session = session()
    variant = db_session.scalar(select(Variant).where(Variant.store_id == store.id, Variant.variant_id == variant_id))
    if variant is None:
        return _problem(404, "That product is not in the catalog.")
    order_id = (db_session.scalar(select(func.max(Order.order_id)).where(Order.store_id == store.id)) or 1000) + 1
    try:
        ingest_order(
            db_session, store, order_id=order_id, currency=variant.currency,
            customer_id=CUSTOMER["id"], email=CUSTOMER["email"], first_name=CUSTOMER["first_name"],
            lines=[OrderLineIn(variant_id=variant_id, quantity=quantity, unit_price=variant.price)],
        )
        db_session.commit()
    except DomainError as error:
        db_session.rollback()
        return _problem(409 if isinstance(error, Conflict) else 422, error.message)
    return redirect(url_for("demo.account", action="view_order", order_id=order_id, placed=1), 303)


def _positive(value) -> int | None:
    return int(value) if value and re.fullmatch(r"[1-9]\d{0,11}", value) else None


def _problem(status: int, message: str):
    return _page("problem.html", title="Sorry", message=message), status


# --- the signed-in customer's account --------------------------------------------------------


@bp.get("/demo/account.php")
def account():
    store = _store()
    if request.args.get("action") == "view_order":
        order = session().scalar(select(Order).where(
            Order.store_id == store.id, Order.order_id == (_positive(request.args.get("order_id")) or 0),
            Order.customer_id == CUSTOMER["id"],
        ))
        if order is None:
            abort(404)
        return _page("order.html", order=order, title=f"Order #{order.order_id}", placed=request.args.get("placed") == "1")
    orders = session().scalars(
        select(Order).where(Order.store_id == store.id, Order.customer_id == CUSTOMER["id"])
        .order_by(Order.placed_at.desc())
    ).all()
    return _page("orders.html", orders=orders, title="Orders")


@bp.get("/customer/current.jwt")
def current_customer_jwt():
    """What BigCommerce answers a storefront's same-origin request: the signed-in customer as a
    JWT signed with the app's client secret (HS256, aud = client id), valid 15 minutes."""
    config = current_app.config
    if not config["BIGCOMMERCE_CLIENT_ID"] or request.args.get("app_client_id") != config["BIGCOMMERCE_CLIENT_ID"]:
        abort(404)
    now = int(time.time())
    claims = {
        "customer": CUSTOMER, "iss": "bc/apps", "aud": config["BIGCOMMERCE_CLIENT_ID"],
        "store_hash": STORE_HASH, "operation": "current_customer", "iat": now, "exp": now + 900,
        "version": 1,
    }
    token = jwt.encode(claims, config["BIGCOMMERCE_CLIENT_SECRET"], algorithm="HS256")
    return Response(token, mimetype="application/json", headers={"Cache-Control": "no-store"})


# --- the merchant's side ---------------------------------------------------------------------


@bp.get("/demo/console")
def merchant_console():
    """The merchant console, signed in as the demo store's merchant: in demo mode only, where
    anyone may run the demo store (elsewhere /console/ asks for an admin API key)."""
    with db.transaction() as db_session:  # a GET that writes: its own writing transaction
        boot = start_session(db_session, get_store(db_session, STORE_HASH), label="Demo merchant")
    return console_page({"platform": "local", **ConsoleSessionOut().dump(boot)})


@bp.get("/demo/images/<slug>.svg")
def demo_image(slug: str):
    """A simple product picture: a coloured tile with the product's initials."""
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
