"""The request's database session and the authenticated caller."""
from flask import abort, g, request

from api.domain.console_sessions import api_key_label, find_session
from api.domain.stores import store_for_api_key
from api.extensions import db
from api.http.errors import error_response

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
    """The store this request's admin API key or console session belongs to; 401 otherwise.
    Also sets `g.actor`, who the audit log says made the change."""
    if "store" not in g:
        token = bearer_token()
        store = store_for_api_key(session(), token) if token else None
        if store is not None:
            g.actor = api_key_label(token)
        elif token and (found := find_session(session(), token)):
            store, g.console_session = found
            g.actor = g.console_session.label
        if store is None:
            abort(
                error_response(
                    401,
                    "A valid admin API key or console session is required: Authorization: Bearer <token>.",
                    headers={"WWW-Authenticate": 'Bearer realm="admin"'},
                )
            )
        g.store = store
        g.idempotency_scope = "admin"
    return g.store
