"""The sales history: the units of each variant on every order the app sees, backordered or not.
It feeds the demand forecast and attributes orders to restock alerts. One row per platform order
item, so an order seen twice (a webhook, the reconciliation, the history import) counts once."""
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from api.domain.dates import zone
from api.models import Sale, Store


@dataclass(frozen=True)
class SaleIn:
    item_id: int  # the platform's order item (line) id
    variant_pk: int
    quantity: int
    revenue: int  # what the shopper paid for these units (after discounts, tax included), minor units


def sale_day(store: Store, placed_at: datetime) -> date:
    """The store's date when an order was placed (stored times are naive UTC)."""
    return placed_at.replace(tzinfo=UTC).astimezone(zone(store.timezone)).date()


def record_sales(
    session: Session, store: Store, *, order_id: int, placed_at: datetime, currency: str,
    items: list[SaleIn], customer_id: int | None = None, email: str = "", phone: str = "",
) -> int:
    """Record an order's items; items already recorded are left as they are. Returns how many
    rows are new."""
    if not items:
        return 0
    day = sale_day(store, placed_at)
    rows = [
        {"store_id": store.id, "order_id": order_id, "item_id": item.item_id, "variant_pk": item.variant_pk,
         "placed_at": placed_at, "day": day, "quantity": item.quantity, "revenue": item.revenue,
         "currency": currency, "customer_id": customer_id, "email": email.lower(), "phone": phone}
        for item in items
    ]
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    result = session.execute(
        insert(Sale).values(rows).on_conflict_do_nothing(index_elements=["store_id", "order_id", "item_id"]))
    return max(result.rowcount, 0)
