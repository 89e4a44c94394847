"""Every change to a line appends a timeline event; every change a shopper cares about also
writes an outbox row, in the same transaction, for the worker to deliver."""
import secrets

from sqlalchemy.orm import Session

from api.models import Line, Order, OutboxMessage, TimelineEvent


def recipient(order: Order) -> dict:
    return {
        "order_id": order.order_id,
        "customer_id": order.customer_id,
        "email": order.email,
        "first_name": order.first_name,
        "locale": order.locale,
    }


def line_summary(line: Line) -> dict:
    return {
        "line_id": line.id,
        "name": line.name,
        "sku": line.sku,
        "quantity": line.quantity,
        "unit_price": line.unit_price,
        "currency": line.currency,
    }


def notify(session: Session, store_id: int, event: str, payload: dict) -> OutboxMessage:
    # The dedupe key names this one event; the worker puts it on the message so a delivery
    # repeated after a crash is recognisable.
    message = OutboxMessage(
        store_id=store_id,
        event=event,
        dedupe_key=f"{event}:{secrets.token_hex(12)}",
        payload=payload,
    )
    session.add(message)
    return message


def record(
    session: Session, line: Line, kind: str, data: dict | None = None, *, shopper_visible: bool = True
) -> None:
    """Append a timeline event to a flushed line and, when the shopper would care, an outbox row."""
    data = data or {}
    session.add(TimelineEvent(line_pk=line.id, kind=kind, data=data))
    if shopper_visible:
        notify(session, line.store_id, kind, {**recipient(line.order), **line_summary(line), **data})
