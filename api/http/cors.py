"""CORS for storefront routes: only the store's registered origins, matched exactly (scheme,
host and port), never with credentials."""
from flask import request

from api.domain.stores import get_store
from api.domain.errors import NotFound
from api.http.context import session

ALLOWED_HEADERS = "Content-Type, Authorization, Idempotency-Key, If-None-Match"


def allow_store_origins(response, store_hash: str):
    origin = request.headers.get("Origin")
    response.vary.add("Origin")
    if not origin:
        return response
    try:
        origins = get_store(session(), store_hash).storefront_origins or []
    except NotFound:
        return response
    if origin in origins:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
        response.headers["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
        response.headers["Access-Control-Max-Age"] = "600"
        response.headers["Access-Control-Expose-Headers"] = "ETag"
    return response
