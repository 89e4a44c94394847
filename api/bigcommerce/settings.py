"""The store's inventory settings (`GET /v3/settings/inventory`, Settings V3; scope "Information &
Settings", read-only): whether BigCommerce's own stock count moves when an order is edited,
refunded or cancelled, and when checkout takes stock. Read at install and with the nightly
reconciliation, kept on the installation, and used to decide what we write back to BigCommerce
and what it moved itself (docs/stock-events.md).

Only the store-wide (global) settings are read: BigCommerce says they apply to manual orders and
that a channel may override them for its own orders; channel overrides are not read.

A store that refuses the call (403: the token lacks the scope) or answers without a setting keeps
what was last read, or, never read, the documented defaults (both adjustments on, stock taken when
the order is placed); the log says so."""
import logging

from api.bigcommerce.client import BigCommerceClient, BigCommerceError
from api.commerce import PlatformStock
from api.models import BigCommerceInstallation

log = logging.getLogger(__name__)

PATH = "/v3/settings/inventory"
ORDER_PLACED, ORDER_COMPLETED_OR_SHIPPED = "order_placed", "order_completed_or_shipped"
# The fields we read and the value each has until the store says otherwise.
DEFAULTS = {"edit_order_stock_adjustment": True, "refund_order_stock_adjustment": True,
            "update_stock_behavior": ORDER_PLACED}


def fetch_inventory_settings(client: BigCommerceClient, store_hash: str) -> dict | None:
    """The fields we read, as the store has them; None when BigCommerce would not say (logged).
    A field the answer lacks is left out, so what was known of it stays."""
    try:
        answer = client.get(PATH) or {}
    except BigCommerceError as error:
        log.warning("Store %s: its inventory settings could not be read (%s); stock write-backs keep "
                    "following %s (docs/stock-events.md)", store_hash, error,
                    "the settings read before, or the documented defaults")
        return None
    data = answer.get("data") or {}
    read = {}
    for name, default in DEFAULTS.items():
        value = data.get(name)
        if isinstance(value, type(default)) and (name != "update_stock_behavior"
                                                 or value in (ORDER_PLACED, ORDER_COMPLETED_OR_SHIPPED)):
            read[name] = value
    return read


def keep_inventory_settings(installation: BigCommerceInstallation, read: dict | None, store_hash: str) -> None:
    """Store what was read over what was known; warn of the one setting we cannot follow."""
    if read is None:
        return
    settings = {**(installation.inventory_settings or {}), **read}
    installation.inventory_settings = settings
    if settings.get("update_stock_behavior") == ORDER_COMPLETED_OR_SHIPPED:
        log.warning("Store %s takes stock only when an order is completed or shipped: Backorder Desk "
                    "assumes checkout takes it when the order is placed, so its stock agreement with "
                    "BigCommerce is not right for this store (docs/stock-events.md)", store_hash)


def platform_stock(installation: BigCommerceInstallation) -> PlatformStock:
    """What BigCommerce's count moves by itself in this store, as its settings last read say
    (`update_stock_behavior` is not followed: only warned of, docs/stock-events.md)."""
    settings = {**DEFAULTS, **(installation.inventory_settings or {})}
    return PlatformStock(edits_move_stock=settings["edit_order_stock_adjustment"],
                         cancels_restock=settings["refund_order_stock_adjustment"])
