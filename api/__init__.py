"""Backorder Desk: the Flask service."""
import os

from flask import Flask

from api import config
from api.extensions import db, rest
from api.http import errors
from api.http.context import close_session


def create_app(overrides: dict | None = None) -> Flask:
    app = Flask(__name__, instance_path=os.environ.get("INSTANCE_PATH") or None)
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.update(config.from_environment(app.instance_path))
    app.config.update(overrides or {})

    db.init_app(app)
    rest.init_app(app)
    errors.register(app)
    app.teardown_appcontext(close_session)

    from api.blueprints import admin, service, storefront

    rest.register_blueprint(storefront.blp)
    rest.register_blueprint(admin.blp)
    app.register_blueprint(service.bp)
    rest.spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    return app
