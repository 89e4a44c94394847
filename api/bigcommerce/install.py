"""Installing the app: the OAuth code exchange, the store and its credentials, the webhooks and the
widget script. Re-installing updates what is there instead of adding duplicates."""
import hashlib
import secrets
from urllib.parse import urlencode

import jwt
import requests
from flask import current_app
from markupsafe import escape
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.bigcommerce.client import TIMEOUT, BigCommerceClient, BigCommerceError
from api.bigcommerce.secrets import decrypt_token, encrypt_token
from api.bigcommerce.settings import fetch_inventory_settings, keep_inventory_settings
from api.domain import clock
from api.domain.dates import is_zone
from api.domain.errors import NotFound
from api.models import BigCommerceInstallation, Store

WEBHOOK_SCOPES = (
    "store/order/created",
    "store/order/updated",
    "store/order/statusUpdated",
    "store/product/updated",
    "store/sku/inventory/updated",
    "store/product/inventory/updated",
    "store/app/uninstalled",
    "store/shipment/created",
    "store/order/refund/created",  # a refund made in the store admin frees its units
)
WEBHOOK_SECRET_HEADER = "X-Backorder-Desk-Secret"
# Inventory at the modify level: receipts, cancels and expired holds are written back to
# BigCommerce's stock (read-only would leave the two counts apart). Checkouts at the modify level:
# a payment cart's checkout gets its free-shipping coupon (without it, the shopper would pay
# shipping a second time).
REQUIRED_SCOPES = ("store_inventory", "store_checkouts")
SCRIPT_NAME = "Backorder Desk widget"


class InstallError(Exception):
    """The install could not complete; the message is safe to show the merchant."""


def store_hash_from(context: str) -> str:
    """`stores/abc123` -> `abc123`."""
    prefix, _, store_hash = (context or "").partition("/")
    if prefix != "stores" or not store_hash or "/" in store_hash:
        raise InstallError("The install request names no store (context must be stores/HASH).")
    return store_hash


def secret_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def script_tag(app_url: str, store_hash: str, client_id: str = "") -> str:
    """The widget's one script tag. The client id (public: it is in every storefront page anyway)
    lets the widget fetch the current-customer JWT on account pages."""
    client = f' data-client-id="{escape(client_id)}"' if client_id else ""
    return f'<script src="{escape(app_url)}/widget.js" data-store="{escape(store_hash)}"{client} defer></script>'


def script_src(app_url: str, store_hash: str, client_id: str = "") -> str:
    """The widget's URL as the Scripts API loads it: a `kind: src` script has no attributes, so the
    settings the hand-pasted tag gives as data attributes travel in the query instead."""
    query = {"store": store_hash, **({"client_id": client_id} if client_id else {})}
    return f"{app_url}/widget.js?{urlencode(query)}"


# --- OAuth -----------------------------------------------------------------------------------


def exchange_code(code: str, scope: str, context: str) -> dict:
    """Trade the install code for an access token at {BIGCOMMERCE_LOGIN_URL}/oauth2/token."""
    config = current_app.config
    body = {
        "client_id": config["BIGCOMMERCE_CLIENT_ID"],
        "client_secret": config["BIGCOMMERCE_CLIENT_SECRET"],
        "code": code,
        "context": context,
        "scope": scope,
        "grant_type": "authorization_code",
        "redirect_uri": config["APP_URL"] + "/bigcommerce/auth",
    }
    try:
        response = requests.post(config["BIGCOMMERCE_LOGIN_URL"] + "/oauth2/token", json=body,
                                 headers={"Accept": "application/json"}, timeout=TIMEOUT)
    except requests.RequestException:
        raise InstallError("BigCommerce could not be reached to finish the install. Please try again.") from None
    if response.status_code != 200:
        raise InstallError("BigCommerce refused the install code (it may have expired). Please try again.")
    answer = response.json()
    if not answer.get("access_token") or store_hash_from(answer.get("context", "")) != store_hash_from(context):
        raise InstallError("BigCommerce answered the install for another store.")
    return answer


def verify_signed_payload(token: str) -> dict:
    """The claims of a `signed_payload_jwt` from /load, /uninstall or /remove_user: HS256 with the
    client secret, `aud` = client id, not expired, `sub` = stores/HASH. jwt.InvalidTokenError otherwise."""
    config = current_app.config
    if not config["BIGCOMMERCE_CLIENT_SECRET"]:
        raise jwt.InvalidTokenError("The app has no client secret configured.")
    claims = jwt.decode(
        token,
        config["BIGCOMMERCE_CLIENT_SECRET"],
        algorithms=["HS256"],
        audience=config["BIGCOMMERCE_CLIENT_ID"],
        options={"require": ["exp", "aud", "sub"]},
        leeway=30,
    )
    try:
        claims["store_hash"] = store_hash_from(claims["sub"])
    except InstallError:
        raise jwt.InvalidTokenError("sub is not stores/HASH") from None
    return claims


# --- the store and its credentials -----------------------------------------------------------


def installation_of(session: Session, store: Store) -> BigCommerceInstallation:
    installation = session.scalar(
        select(BigCommerceInstallation).where(BigCommerceInstallation.store_id == store.id)
    )
    if installation is None:
        raise NotFound(f"Store {store.hash} has no BigCommerce installation.")
    return installation


def client_for(session: Session, store: Store) -> BigCommerceClient:
    installation = installation_of(session, store)
    config = current_app.config
    token = decrypt_token(config["SECRET_KEYS"], installation.access_token_encrypted)
    return BigCommerceClient(config["BIGCOMMERCE_API_URL"], store.hash, token)


def save_installation(session: Session, answer: dict) -> tuple[Store, BigCommerceInstallation, str]:
    """Create or reactivate the store and store its credentials; returns a fresh webhook secret."""
    store_hash = store_hash_from(answer["context"])
    store = session.scalar(select(Store).where(Store.hash == store_hash).with_for_update())
    if store is None:
        store = Store(hash=store_hash, platform="bigcommerce", storefront_origins=[])
        session.add(store)
        session.flush()
    store.platform, store.active = "bigcommerce", True
    owner = answer.get("owner") or answer.get("user") or {}
    webhook_secret = secrets.token_urlsafe(32)
    encrypted = encrypt_token(current_app.config["SECRET_KEYS"], answer["access_token"])
    installation = session.scalar(
        select(BigCommerceInstallation).where(BigCommerceInstallation.store_id == store.id)
    )
    if installation is None:
        installation = BigCommerceInstallation(store_id=store.id, hook_ids={})
        session.add(installation)
    installation.access_token_encrypted = encrypted
    installation.scopes = answer.get("scope", "")
    installation.owner_id = owner.get("id")
    installation.owner_email = owner.get("email", "")
    installation.account_uuid = answer.get("account_uuid", "")
    installation.webhook_secret_hash = secret_digest(webhook_secret)
    installation.installed_at = clock.utcnow()
    installation.uninstalled_at = None
    session.flush()
    return store, installation, webhook_secret


# --- webhooks and script ---------------------------------------------------------------------


def register_webhooks(client: BigCommerceClient, installation: BigCommerceInstallation,
                      webhook_secret: str) -> None:
    """One active hook per scope pointing at us, all carrying the new secret header: existing ones
    (ours from an earlier install) are updated, missing ones created."""
    destination = current_app.config["APP_URL"] + "/bigcommerce/webhooks"
    existing = {}
    for hook in client.v3_pages("/v3/hooks"):
        if hook.get("destination") == destination:
            existing.setdefault(hook["scope"], hook["id"])
    hook_ids = {}
    for scope in WEBHOOK_SCOPES:
        body = {"scope": scope, "destination": destination, "is_active": True,
                "headers": {WEBHOOK_SECRET_HEADER: webhook_secret}}
        if scope in existing:
            answer = client.put(f"/v3/hooks/{existing[scope]}", body)
        else:
            answer = client.post("/v3/hooks", body)
        hook_ids[scope] = (answer or {}).get("data", {}).get("id", existing.get(scope))
    installation.hook_ids = hook_ids


def inject_script(client: BigCommerceClient, installation: BigCommerceInstallation, store_hash: str) -> None:
    """Put the widget on every storefront page through the Scripts API (all_pages reaches the
    account pages), replacing the script of an earlier install rather than adding another (the
    one recorded at that install, else the one with our name; a `script_tag` script from an older
    version of the app thus becomes this `src` one).

    A `src` script lets BigCommerce write the tag itself (deferred, in the footer); the widget
    reads its store and client id from the query of its own URL (see `script_src`)."""
    config = current_app.config
    body = {
        "name": SCRIPT_NAME,
        "description": "Backorder badges, honest ship dates and self-service for backordered items.",
        "kind": "src",
        "src": script_src(config["APP_URL"], store_hash, config["BIGCOMMERCE_CLIENT_ID"]),
        "load_method": "defer",
        "location": "footer",
        "visibility": "all_pages",
        "auto_uninstall": True,
        "consent_category": "essential",
        "enabled": True,
    }
    uuid = installation.script_uuid
    if not uuid:
        for script in client.v3_pages("/v3/content/scripts"):
            if script.get("name") == SCRIPT_NAME:
                uuid = script["uuid"]
                break
    if uuid:
        try:
            answer = client.put(f"/v3/content/scripts/{uuid}", body)
        except BigCommerceError as error:
            if error.status != 404:
                raise
            answer = client.post("/v3/content/scripts", body)  # removed by the merchant: add it again
    else:
        answer = client.post("/v3/content/scripts", body)
    installation.script_uuid = (answer or {}).get("data", {}).get("uuid", uuid or "")


def learn_store(client: BigCommerceClient, store: Store, installation: BigCommerceInstallation) -> None:
    """The store's own settings (GET /v2/store): its currency, in which every catalog price and
    order amount is kept, and its time zone; its name and order email when we have none."""
    information = client.get("/v2/store") or {}
    installation.currency = (information.get("currency") or installation.currency or "USD")[:3].upper()
    installation.timezone = ((information.get("timezone") or {}).get("name") or "")[:64]
    if is_zone(installation.timezone):  # the store's "today" and deadlines (api/domain/dates.py)
        store.timezone = installation.timezone
    store.name = store.name or (information.get("name") or "")[:200]
    store.merchant_email = store.merchant_email or (
        information.get("order_email") or information.get("admin_email") or installation.owner_email or "")[:320]


def install(session: Session, code: str, scope: str, context: str) -> Store:
    """The whole /auth callback: exchange, save, hooks, script. Raises InstallError."""
    answer = exchange_code(code, scope, context)
    granted = set(str(answer.get("scope", "")).split())
    missing = [name for name in REQUIRED_SCOPES if name not in granted]
    if missing:
        raise InstallError(f"The app needs the {', '.join(missing)} scope (modify); "
                           "please update the app's scopes and install it again.")
    store, installation, webhook_secret = save_installation(session, answer)
    client = BigCommerceClient(current_app.config["BIGCOMMERCE_API_URL"], store.hash, answer["access_token"])
    try:
        learn_store(client, store, installation)
        # Whether its order edits and cancels move its stock: what we write back depends on it.
        keep_inventory_settings(installation, fetch_inventory_settings(client, store.hash), store.hash)
        register_webhooks(client, installation, webhook_secret)
        inject_script(client, installation, store.hash)
    except BigCommerceError as error:
        raise InstallError(f"BigCommerce refused to set up the app ({error}). Please try again.") from None
    return store


def uninstall(session: Session, store_hash: str) -> Store | None:
    """Deactivate the store and keep its data (orders, queue, history) for a re-install."""
    store = session.scalar(select(Store).where(Store.hash == store_hash, Store.platform == "bigcommerce"))
    if store is None:
        return None
    store.active = False
    installation = session.scalar(
        select(BigCommerceInstallation).where(BigCommerceInstallation.store_id == store.id)
    )
    if installation is not None and installation.uninstalled_at is None:
        installation.uninstalled_at = clock.utcnow()
    return store
