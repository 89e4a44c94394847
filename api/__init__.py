"""Backorder Desk: the Flask service."""
import os

from flask import Flask

from api import config
from api.extensions import db, limiter, rest
from api.http import errors, security
from api.http.context import close_session


def create_app(overrides: dict | None = None) -> Flask:
    app = Flask(__name__, instance_path=os.environ.get("INSTANCE_PATH") or None)
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.update(config.from_environment(app.instance_path))
    app.config.update(overrides or {})

    db.init_app(app)
    rest.init_app(app)
    limiter.init_app(app)
    errors.register(app)
    security.register(app)
    app.teardown_appcontext(close_session)

    from api.blueprints import admin, service, storefront

    rest.register_blueprint(storefront.blp)
    rest.register_blueprint(admin.blp)
    from api.blueprints import payments, shopper, subscriptions

    rest.register_blueprint(shopper.sessions_blp)
    rest.register_blueprint(shopper.blp)
    rest.register_blueprint(subscriptions.blp)
    rest.register_blueprint(payments.blp)
    app.register_blueprint(service.bp)
    from api.blueprints import demo

    app.register_blueprint(demo.bp)
    from api.blueprints import bigcommerce

    app.register_blueprint(bigcommerce.bp)
    from api.blueprints import mailbox, outbox

    rest.register_blueprint(outbox.blp)
    app.register_blueprint(mailbox.bp)
    rest.spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    return app
