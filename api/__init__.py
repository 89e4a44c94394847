"""Backorder Desk: the Flask service."""
import os

from flask import Flask

from api import config
from api.extensions import db, rate_limits, rest
from api.http import errors, inputs, security
from api.http.contract import ContractPlugin
from api.http.context import close_session


def create_app(overrides: dict | None = None) -> Flask:
    app = Flask(__name__, instance_path=os.environ.get("INSTANCE_PATH") or None)
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.update(config.from_environment(app.instance_path))
    app.config.update(overrides or {})

    db.init_app(app)
    rest.init_app(app, spec_kwargs={"extra_plugins": [ContractPlugin()]})
    rate_limits.init_app(app)
    errors.register(app)
    inputs.register(app)
    security.register(app)
    app.teardown_appcontext(close_session)
    # The adapter of each platform is chosen here, at the edge: the domain knows only the port.
    from api.commerce import use_adapters
    from api.commerce.bigcommerce import BigCommerceAdapter
    from api.commerce.local import LocalAdapter

    use_adapters({"local": LocalAdapter, "bigcommerce": BigCommerceAdapter})

    from api.blueprints import (
        admin, analytics, audit, backorders, bigcommerce, console, demo, integration, mailbox,
        message_templates, outbox, payments, purchase_orders, reorder, service, shopper, storefront,
        subscriptions, suppliers,
    )

    # Documented in the OpenAPI document (flask-smorest) ...
    for blueprint in (storefront.blp, subscriptions.blp, shopper.sessions_blp, shopper.blp,
                      admin.blp, outbox.blp, payments.blp, audit.blp, backorders.blp, purchase_orders.blp, message_templates.blp,
                      integration.blp, suppliers.blp, analytics.blp, reorder.blp):
        rest.register_blueprint(blueprint)
    audit.register(app)
    # ... and plain pages, platform callbacks and service routes.
    for blueprint in (service.bp, bigcommerce.bp, console.bp, demo.bp, mailbox.bp):
        app.register_blueprint(blueprint)
    return app
