"""The commerce port: the one interface through which the domain talks to the store platform.

Two adapters implement it: `local` (orders and payments live in our own tables; the demo and most
tests use it) and `bigcommerce` (REST). Nothing outside the adapters knows which one is in use;
`commerce_for(store)` picks by `store.platform` among the adapters the app's wiring registered
(`create_app`), so this module, and the domain that uses it, never import an adapter."""
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy.orm import Session

from api.models import Line, Order, Store, Variant


@dataclass(frozen=True)
class RefundResult:
    confirmed: bool  # False: the platform did not confirm; the refund stays pending and is retried
    reference: str = ""  # the platform's refund id, when it gave one
    error: str = ""


@dataclass(frozen=True)
class PaymentRequest:
    url: str  # where the shopper pays (checkout link)
    reference: str  # the platform's id for it (cart id, payment id)


class CommercePort(Protocol):
    # True when the platform keeps its own stock count that ours must agree with (our
    # write-backs are pushed to it); False when our ledger is the only count.
    keeps_stock: bool

    def refund(self, session: Session, store: Store, order: Order, line: Line, quantity: int,
               amount: int, *, key: str) -> RefundResult:
        """Refund `amount` minor units for `quantity` units of `line`. `key` names this one refund:
        a retry of it carries the same key, and the adapter must never refund a key twice."""

    def request_payment(self, session: Session, store: Store, order: Order, line: Line, quantity: int,
                        amount: int) -> PaymentRequest:
        """Ask the shopper to pay `amount` for `quantity` units of `line`."""

    def switch_line(self, session: Session, store: Store, order: Order, old: Line, new: Line,
                    variant: Variant) -> None:
        """Replace `old` by `new` (already added to our order) in the platform's order."""

    def create_coupon(self, session: Session, store: Store, order: Order, line: Line,
                      percent_off: int | None, free_shipping: bool) -> str:
        """A single-use coupon for the shopper of `order` (a delay incentive); returns its code."""


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
