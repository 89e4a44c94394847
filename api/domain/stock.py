"""One truth for stock: every change to a variant's free units on hand is a row of the stock
ledger (`received`, `allocated`, `released`, `shipped`, `adjusted`), and `Variant.on_hand` is the
sum of the ledger's `on_hand_change` (kept on the row, updated with each movement, so reading it
stays one column). `docs/stock-events.md` lists every event and its effect here and on the
platform.

A platform that keeps its own stock count (BigCommerce) deducts every ordered unit, backordered
ones included, so its level should be our free units minus the units waiting in our queue. What
our app changes and the platform does not know about yet (a receipt here, units a shopper
cancels, a hold that expires) is owed to it: a `StockWriteback` row committed with the change,
pushed by a job outside any transaction. What the platform changed and we did not (the merchant
counted stock there) is found by `reconcile_level` and booked as an `adjusted` movement."""
import uuid

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.commerce import PlatformStock, commerce_for
from api.domain import clock
from api.domain.bulk import insert_rows
from api.models import Line, StockMovement, StockWriteback, Store, Variant

RECEIVED, ALLOCATED, RELEASED, SHIPPED, ADJUSTED = "received", "allocated", "released", "shipped", "adjusted"
# Write-backs: pending (to push), sending (a worker is pushing it), unknown (sent, answer lost),
# done (the platform has it), failed (the platform refused it; the merchant must look).
OWED = ("pending", "sending", "unknown")


def move(session: Session, variant: Variant, kind: str, units: int, *, line: Line | None = None,
         note: str = "") -> None:
    """Book `units` (> 0) of a movement and apply it to the variant's free units on hand: received
    and released add, allocated takes away, shipped leaves on hand as it is (shipped units were
    held on a line, not free); `adjusted` is signed."""
    if units == 0:
        return
    change = {RECEIVED: units, RELEASED: units, ALLOCATED: -units, SHIPPED: 0, ADJUSTED: units}[kind]
    variant.on_hand += change
    session.add(StockMovement(store_id=variant.store_id, variant_pk=variant.id, kind=kind,
                              quantity=abs(units), on_hand_change=change,
                              line_pk=line.id if line is not None else None, note=note[:200]))


def allocated_many(session: Session, variant: Variant, served: list[tuple[Line, int]]) -> None:
    """`move(ALLOCATED)` for many lines at once: one statement (a receipt may serve thousands of
    lines; an ORM executemany would still send one INSERT per line)."""
    if not served:
        return
    variant.on_hand -= sum(units for _, units in served)
    now = clock.utcnow()
    insert_rows(session, StockMovement.__table__, [
        {"store_id": variant.store_id, "variant_pk": variant.id, "kind": ALLOCATED, "quantity": units,
         "on_hand_change": -units, "line_pk": line.id, "note": "", "created_at": now}
        for line, units in served
    ])


def set_on_hand(session: Session, variant: Variant, on_hand: int, *, note: str) -> int:
    """A stock count (the merchant's, or the platform's): the difference is an adjustment."""
    difference = on_hand - variant.on_hand
    move(session, variant, ADJUSTED, difference, note=note)
    return difference


def ledger_on_hand(session: Session, variant: Variant) -> int:
    """On hand as the ledger has it (what `variant.on_hand` must equal)."""
    return int(session.scalar(select(func.coalesce(func.sum(StockMovement.on_hand_change), 0))
                              .where(StockMovement.variant_pk == variant.id)))


# --- the platform's count --------------------------------------------------------------------


def owe_platform(session: Session, store: Store, variant: Variant, units: int, reason: str,
                 line: Line | None = None) -> None:
    """The platform's level must move by `units` for a change it did not make itself: an intent,
    committed with the change, pushed later by a job (never a platform call in a transaction)."""
    if units == 0 or not commerce_for(store).keeps_stock:
        return
    session.add(StockWriteback(store_id=store.id, variant_pk=variant.id, variant_id=variant.variant_id,
                               line_pk=line.id if line is not None else None, quantity=units,
                               reason=reason[:40], key=uuid.uuid4().hex, status="pending"))


def platform_moves(session: Session, store: Store) -> PlatformStock:
    """What the store's platform count moves by itself (its inventory settings): the rest of
    what our ledger moves is owed to it."""
    return commerce_for(store).platform_stock(session, store)


RESTOCKED_AGAIN = "restocked again by the platform"


def platform_restocked(session: Session, store: Store, variant: Variant, line: Line) -> None:
    """The platform cancelled the line's order and put every unshipped unit of it back in stock,
    those we had already given back to it (a shopper's cancel, an expired hold) too: take those
    back, once per line."""
    rows = session.scalars(select(StockWriteback).where(StockWriteback.line_pk == line.id)).all()
    if any(row.reason == RESTOCKED_AGAIN for row in rows):
        return
    given = sum(row.quantity for row in rows if row.quantity > 0 and row.status != "failed")
    owe_platform(session, store, variant, -given, RESTOCKED_AGAIN, line)


def waiting_total(session: Session, variant: Variant) -> int:
    waiting = Line.quantity - Line.quantity_allocated - Line.quantity_shipped - Line.quantity_cancelled
    return int(session.scalar(select(func.coalesce(func.sum(waiting), 0))
                              .where(Line.variant_pk == variant.id, Line.state == "waiting")))


def platform_target(session: Session, variant: Variant) -> int:
    """The level the platform should show once it has everything we owe it: our free units minus
    the units it already sold that are still waiting for stock."""
    return variant.on_hand - waiting_total(session, variant)


def reconcile_level(session: Session, store: Store, variant: Variant, level: int) -> int | None:
    """Compare the platform's `level` with ours (the variant locked; every order the platform
    changed before `level` was read already applied). Returns the adjustment to book (+: units
    the merchant added there), or None when a write-back is being pushed right now (the
    platform's own stock webhook for it will bring us back here).

    A write-back whose answer was lost (`unknown`) is settled here: applied if the level says so
    exactly, to push again if the level says exactly that it was not, and otherwise taken as
    applied, so a relative adjustment is never made twice."""
    rows = session.scalars(select(StockWriteback).where(
        StockWriteback.variant_pk == variant.id, StockWriteback.status.in_(OWED))).all()
    if any(row.status == "sending" for row in rows):
        return None
    target = platform_target(session, variant)
    pending = sum(row.quantity for row in rows if row.status == "pending")
    unknown = [row for row in rows if row.status == "unknown"]
    lost = sum(row.quantity for row in unknown)
    applied = level == target - pending
    if unknown:
        not_applied = level == target - pending - lost
        for row in unknown:
            row.status = "pending" if not_applied and not applied else "done"
            row.next_attempt_at = clock.utcnow()
        if not_applied and not applied:
            pending += lost
    return level - (target - pending)
