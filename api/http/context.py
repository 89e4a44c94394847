"""The request's database session and the authenticated caller."""
from flask import abort, current_app, g, request
from sqlalchemy import select

from api.domain.stores import store_for_api_key
from api.extensions import db
from api.http.errors import error_response
from api.models import Store

READ_METHODS = ("GET", "HEAD", "OPTIONS")


def session():
    """One session per request, closed at teardown. Writing views commit it themselves."""
    if "db_session" not in g:
        g.db_session = db.session(write=request.method not in READ_METHODS)
    return g.db_session


def close_session(_exc=None) -> None:
    db_session = g.pop("db_session", None)
    if db_session is not None:
        db_session.close()


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def admin_store():
    """The store whose admin API key authenticates this request; 401 otherwise."""
    if "store" not in g:
        token = bearer_token()
        store = store_for_api_key(session(), token) if token else None
        if store is None and token:
            store = _store_for_admin_session(token)
        if store is None:
            abort(
                error_response(
                    401,
                    "A valid admin API key is required: Authorization: Bearer <admin_api_key>.",
                    headers={"WWW-Authenticate": 'Bearer realm="admin"'},
                )
            )
        g.store = store
        g.idempotency_scope = "admin"
    return g.store


def _store_for_admin_session(token: str):
    """The merchant's admin session from the BigCommerce control panel (/bigcommerce/load)."""
    from api.bigcommerce import admin_session

    store_hash = admin_session.store_hash_of(current_app.config["SECRET_KEYS"], token)
    if store_hash is None:
        return None
    return session().scalar(select(Store).where(Store.hash == store_hash, Store.active))
