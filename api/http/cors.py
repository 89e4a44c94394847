"""CORS for storefront routes: only the store's registered origins, matched exactly (scheme,
host and port), never with credentials."""
from flask import g, request
from sqlalchemy import select

from api.domain.stores import get_store
from api.domain.errors import NotFound
from api.http.context import session
from api.models import Store

ALLOWED_HEADERS = "Content-Type, Authorization, Idempotency-Key, If-None-Match"


def allow_store_origins(response, store_hash: str):
    origin = request.headers.get("Origin")
    response.vary.add("Origin")
    if not origin:
        return response
    origins = g.get("storefront_origins")
    if origins is None:
        try:
            origins = get_store(session(), store_hash).storefront_origins or []
        except NotFound:
            return response
    return _allow(response, origin, origins)


def allow_shopper_origins(response):
    """Shopper routes name no store: the session's store decides. A preflight (or a request
    whose session failed) carries no session, so there any active store's origin is allowed:
    the real request is still checked against its own store."""
    origin = request.headers.get("Origin")
    response.vary.add("Origin")
    if not origin:
        return response
    store = g.get("store")
    if store is not None:
        origins = store.storefront_origins or []
    else:
        origins = [o for row in session().scalars(select(Store.storefront_origins).where(Store.active))
                   for o in (row or [])]
    return _allow(response, origin, origins)


def _allow(response, origin: str, origins: list[str]):
    if origin in origins:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
        response.headers["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
        response.headers["Access-Control-Max-Age"] = "600"
        response.headers["Access-Control-Expose-Headers"] = "ETag, Retry-After, Idempotent-Replayed"
    return response
