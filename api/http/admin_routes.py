"""What every admin API blueprint shares: authentication (admin API key or console session)
before any view, and the OpenAPI description of its error responses (one error shape). The
security scheme and path-id bounds are stated for every /api/v1/admin route by
api.http.contract."""
from flask_smorest import Blueprint
from flask_smorest.error_handler import ErrorSchema

from api.http.context import admin_store

PREFIX = "/api/v1/admin"


def authenticate():
    admin_store()


def admin_blueprint(name: str, import_name: str, description: str) -> Blueprint:
    blp = Blueprint(name, import_name, url_prefix=PREFIX, description=description)
    blp.before_request(authenticate)
    return blp


def documented(blp: Blueprint, *codes: int):
    """Document these error responses."""

    def decorate(view):
        for code in codes:
            view = blp.alt_response(code, schema=ErrorSchema)(view)
        return view

    return decorate
