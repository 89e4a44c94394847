"""The commerce port: the one interface through which the domain talks to the store platform.

Two adapters implement it: `local` (orders and payments live in our own tables; the demo and most
tests use it) and `bigcommerce` (REST). Nothing outside the adapters knows which one is in use;
`commerce_for(store)` picks by `store.platform` among the adapters the app's wiring registered
(`create_app`), so this module, and the domain that uses it, never import an adapter."""
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy.orm import Session

from api.models import Line, Order, OrderEdit, PaymentRequestRecord, Refund, Store


@dataclass(frozen=True)
class RefundResult:
    confirmed: bool  # False: the platform did not confirm; the refund stays pending and is retried
    reference: str = ""  # the platform's refund id, when it gave one
    error: str = ""
    amount: int | None = None  # minor units the platform actually refunded, when it says
    # The payment provider declined it, or the platform can never make it (no refund method):
    # asking again would not help, the merchant must settle it.
    final: bool = False


@dataclass(frozen=True)
class EditResult:
    done: bool
    new_item_id: int | None = None  # the platform's id for the new line's order product
    error: str = ""


# A platform call prepared inside a transaction and made after it ends: no locks are held and no
# transaction stays open while the platform answers.
RefundCall = Callable[[], RefundResult]
EditCall = Callable[[], EditResult]
PaymentCall = Callable[[], "PaymentRequest"]


@dataclass(frozen=True)
class PaymentRequest:
    url: str  # where the shopper pays (checkout link)
    reference: str  # the platform's id for it (cart id, payment id)


@dataclass(frozen=True)
class PlatformStock:
    """What the platform's own stock count does on its own (a store setting there): whatever it
    does not do, and our ledger does, is written back to it; what it does, never (that would
    count it twice). The defaults are what a platform that keeps stock is assumed to do until
    its settings are read (docs/stock-events.md)."""
    edits_move_stock: bool = True  # an order edit returns removed units and takes added ones
    cancels_restock: bool = True  # cancelling (or declining) an order restocks its unshipped units


class CommercePort(Protocol):
    # True when the platform keeps its own stock count that ours must agree with (our
    # write-backs are pushed to it); False when our ledger is the only count.
    keeps_stock: bool

    def platform_stock(self, session: Session, store: Store) -> PlatformStock:
        """What the store's platform count moves by itself (meaningful when `keeps_stock`)."""

    def refund_call(self, session: Session, store: Store, refund: Refund) -> RefundCall:
        """Read what making `refund` needs; the call it returns makes it. A retry carries the
        same `refund.key`, and the adapter must never refund a key twice, even when an earlier
        answer was lost after the platform did the work."""

    def payment_call(self, session: Session, store: Store, payment: PaymentRequestRecord) -> PaymentCall | None:
        """Ask the shopper to pay `payment.amount` for `payment.quantity` units of its line. None
        when the adapter made the request at once (it fills `payment.url` and `reference`, no
        platform to ask); otherwise the call that makes it, run after the transaction ends."""

    def edit_call(self, session: Session, store: Store, edit: OrderEdit) -> EditCall:
        """Read what replacing `edit.old_line` by `edit.new_line` in the platform's order needs;
        the call it returns makes the edit once, looking first whether an earlier attempt did."""

    def coupon_call(self, session: Session, store: Store, order: Order, line: Line, code: str,
                    percent_off: int | None, free_shipping: bool) -> Callable[[], None]:
        """The call that makes a single-use coupon `code` for the shopper of `order` (a delay
        incentive), run after the transaction ends; it raises when the coupon is not made. Made
        once per code, however often called."""


_adapters: dict[str, Callable[[], CommercePort]] = {}


def use_adapters(adapters: dict[str, Callable[[], CommercePort]]) -> None:
    """Name the adapter of each platform (`store.platform` -> a factory). Called by the edge."""
    _adapters.update(adapters)


def commerce_for(store: Store) -> CommercePort:
    try:
        return _adapters[store.platform]()
    except KeyError:
        raise LookupError(f"no commerce adapter for platform {store.platform!r}: "
                          "create_app (or use_adapters) registers them") from None
