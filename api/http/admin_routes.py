"""What every admin API blueprint shares: authentication (admin API key or console session) with
path ids bounded before any lookup, and the OpenAPI description of its security and errors."""
from flask import request
from flask_smorest import Blueprint
from flask_smorest.error_handler import ErrorSchema

from api.domain.errors import NotFound
from api.http import schemas
from api.http.context import admin_store

PREFIX = "/api/v1/admin"
ROW_IDS = ("inbound_id", "purchase_order_id", "message_id")  # our own rows: 32-bit ids


def authenticate():
    admin_store()
    # An id past any the database can hold names nothing: 404, not a database overflow.
    for name, value in (request.view_args or {}).items():
        limit = schemas.MAX_ROW_ID if name in ROW_IDS else schemas.MAX_SAFE_INTEGER
        if isinstance(value, int) and value > limit:
            raise NotFound(f"No {name.replace('_', ' ')} {value} in this store.")


def admin_blueprint(name: str, import_name: str, description: str) -> Blueprint:
    blp = Blueprint(name, import_name, url_prefix=PREFIX, description=description)
    blp.before_request(authenticate)
    return blp


def documented(blp: Blueprint, *codes: int):
    """Document the bearer security scheme and these error responses (one error shape)."""

    def decorate(view):
        for code in codes:
            view = blp.alt_response(code, schema=ErrorSchema)(view)
        return blp.doc(security=[{"bearer": []}])(view)

    return decorate
