"""Signed tokens: shopper sessions, guest order links, unsubscribe links; and verification of the
BigCommerce current-customer JWT that a signed-in shopper exchanges for a session.

Tokens are signed, not encrypted, so they carry ids only, never personal data. Each purpose has
its own salt, so a token made for one purpose is worthless for another. `SECRET_KEYS` lists the
keys newest first: the newest signs, every one still verifies, so keys rotate without logging
anyone out. Token ages are measured on the domain clock, so tests can freeze and move time."""
import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import jwt
from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer

from api.domain import clock

SESSION_SALT = "backorder-desk.shopper-session"
ORDER_LINK_SALT = "backorder-desk.order-link"
UNSUBSCRIBE_SALT = "backorder-desk.unsubscribe"

ORDER_LINK_MAX_AGE = timedelta(days=30)
UNSUBSCRIBE_MAX_AGE = timedelta(days=365)
MAX_CUSTOMER_ID = 2**53 - 1
JWT_LEEWAY = 30  # seconds of clock difference tolerated between BigCommerce and us


def _positive_id(value) -> bool:
    # bool is an int in Python, and `true` would otherwise pass as customer 1.
    return type(value) is int and 0 < value <= MAX_CUSTOMER_ID


class TokenError(Exception):
    """A token or JWT that may not be trusted; the message says why, for a 401."""


class _ClockSigner(TimestampSigner):
    def get_timestamp(self) -> int:
        return int(clock.utcnow().replace(tzinfo=UTC).timestamp())


def _serializer(secret_keys: list[str], salt: str) -> URLSafeTimedSerializer:
    # itsdangerous signs with the LAST key of the list and verifies with all of them.
    return URLSafeTimedSerializer(list(reversed(secret_keys)), salt=salt, signer=_ClockSigner)


def _load(secret_keys: list[str], salt: str, token: str, max_age: timedelta, what: str) -> dict:
    try:
        payload = _serializer(secret_keys, salt).loads(token, max_age=int(max_age.total_seconds()))
    except SignatureExpired:
        raise TokenError(f"This {what} has expired.") from None
    except BadSignature:
        raise TokenError(f"This {what} is not valid.") from None
    if not isinstance(payload, dict):
        raise TokenError(f"This {what} is not valid.")
    return payload


def email_digest(email: str) -> str:
    """Ties a link to an order's email without putting the address in the link."""
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:24]


# --- shopper sessions ------------------------------------------------------------------------


@dataclass(frozen=True)
class ShopperSession:
    store: str
    customer_id: int | None = None  # a signed-in customer: all of their orders
    order_id: int | None = None  # a guest with an order link: that one order

    @property
    def scope(self) -> str:
        return "customer" if self.customer_id is not None else "order"

    @property
    def idempotency_scope(self) -> str:
        return f"customer:{self.customer_id}" if self.customer_id is not None else f"order:{self.order_id}"


def session_token(secret_keys: list[str], shopper: ShopperSession, max_age: int) -> tuple[str, datetime]:
    payload = {"store": shopper.store, "scope": shopper.scope}
    if shopper.customer_id is not None:
        payload["customer_id"] = shopper.customer_id
    else:
        payload["order_id"] = shopper.order_id
    token = _serializer(secret_keys, SESSION_SALT).dumps(payload)
    return token, clock.utcnow() + timedelta(seconds=max_age)


def load_session(secret_keys: list[str], token: str, max_age: int) -> ShopperSession:
    payload = _load(secret_keys, SESSION_SALT, token, timedelta(seconds=max_age), "session")
    scope, store = payload.get("scope"), payload.get("store")
    if scope == "customer" and _positive_id(payload.get("customer_id")) and isinstance(store, str):
        return ShopperSession(store=store, customer_id=payload["customer_id"])
    if scope == "order" and _positive_id(payload.get("order_id")) and isinstance(store, str):
        return ShopperSession(store=store, order_id=payload["order_id"])
    raise TokenError("This session is not valid.")


# --- guest order links -----------------------------------------------------------------------


def order_link_token(secret_keys: list[str], store_hash: str, order_id: int, email: str) -> str:
    """The token an email carries so a guest can manage one order (valid 30 days)."""
    payload = {"store": store_hash, "order_id": order_id, "email": email_digest(email)}
    return _serializer(secret_keys, ORDER_LINK_SALT).dumps(payload)


@dataclass(frozen=True)
class OrderLink:
    store: str
    order_id: int
    email_digest: str


def load_order_link(secret_keys: list[str], token: str) -> OrderLink:
    payload = _load(secret_keys, ORDER_LINK_SALT, token, ORDER_LINK_MAX_AGE, "order link")
    try:
        return OrderLink(str(payload["store"]), int(payload["order_id"]), str(payload["email"]))
    except (KeyError, TypeError, ValueError):
        raise TokenError("This order link is not valid.") from None


# --- unsubscribe links -----------------------------------------------------------------------


def unsubscribe_token(secret_keys: list[str], store_hash: str, subscription_id: int) -> str:
    """The token of a restock alert's unsubscribe link: GET /api/v1/unsubscribe/<token>."""
    return _serializer(secret_keys, UNSUBSCRIBE_SALT).dumps({"store": store_hash, "subscription": subscription_id})


def load_unsubscribe(secret_keys: list[str], token: str) -> tuple[str, int]:
    payload = _load(secret_keys, UNSUBSCRIBE_SALT, token, UNSUBSCRIBE_MAX_AGE, "unsubscribe link")
    try:
        return str(payload["store"]), int(payload["subscription"])
    except (KeyError, TypeError, ValueError):
        raise TokenError("This unsubscribe link is not valid.") from None


# --- BigCommerce current-customer JWT --------------------------------------------------------


def verify_customer_jwt(token: str, *, client_id: str, client_secret: str, store_hash: str) -> int:
    """The customer id from a current-customer JWT (HS256 with the app's client secret), after
    checking audience, expiry, operation and that it was issued for this store."""
    if not client_id or not client_secret:
        raise TokenError("Customer sign-in is not configured for this app.")
    try:
        claims = jwt.decode(
            token,
            client_secret,
            algorithms=["HS256"],
            audience=client_id,
            # Times are checked below against the domain clock.
            options={"require": ["exp", "aud"], "verify_exp": False, "verify_iat": False,
                     "verify_nbf": False},
        )
    except jwt.InvalidAudienceError:
        raise TokenError("This customer token was issued for another app.") from None
    except jwt.InvalidSignatureError:
        raise TokenError("This customer token's signature is not valid.") from None
    except jwt.PyJWTError:
        raise TokenError("This customer token is not valid.") from None
    if not isinstance(claims.get("exp"), int | float):
        raise TokenError("This customer token is not valid.")
    now = clock.utcnow().replace(tzinfo=UTC).timestamp()
    if claims["exp"] <= now:
        raise TokenError("This customer token has expired.")
    if isinstance(claims.get("nbf"), int | float) and claims["nbf"] > now + JWT_LEEWAY:
        raise TokenError("This customer token is not valid yet.")
    if claims.get("store_hash") != store_hash:
        raise TokenError("This customer token belongs to another store.")
    if claims.get("operation") != "current_customer":
        raise TokenError("This is not a current-customer token.")
    customer = claims.get("customer")
    if not isinstance(customer, dict) or not _positive_id(customer.get("id")):
        raise TokenError("This customer token names no customer.")
    return customer["id"]
