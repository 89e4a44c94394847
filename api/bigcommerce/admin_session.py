"""The merchant's admin session, issued when BigCommerce opens the app (/bigcommerce/load).

A signed token (itsdangerous, its own salt, SECRET_KEYS rotation) naming the store and the
control-panel user, valid for an hour. The merchant page carries it in its settings form rather
than in a cookie: the page lives in BigCommerce's iframe, where third-party cookies are unreliable,
and a token the browser never sends by itself cannot be ridden by a cross-site request (CSRF)."""
from itsdangerous import BadSignature, URLSafeTimedSerializer

SALT = "backorder-desk.bigcommerce-admin"
MAX_AGE = 3600


def _serializer(secret_keys: list[str]) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(list(reversed(secret_keys)), salt=SALT)  # signs with the newest


def issue(secret_keys: list[str], store_hash: str, user_id: int | None) -> str:
    return _serializer(secret_keys).dumps({"store": store_hash, "user": user_id})


def store_hash_of(secret_keys: list[str], token: str) -> str | None:
    """The store an admin session token is for, or None when it is forged or expired."""
    try:
        payload = _serializer(secret_keys).loads(token, max_age=MAX_AGE)
    except BadSignature:
        return None
    return payload.get("store") if isinstance(payload, dict) else None
