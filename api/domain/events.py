"""Every change to a line appends a timeline event; every change a shopper cares about also
writes an outbox row, in the same transaction, for the worker to deliver."""
import secrets

from sqlalchemy import insert
from sqlalchemy.orm import Session

from api.domain import clock
from api.domain.bulk import insert_rows

from api.models import Line, Order, OutboxMessage, TimelineEvent


def recipient(order: Order) -> dict:
    return {
        "order_id": order.order_id,
        "customer_id": order.customer_id,
        "email": order.email,
        "first_name": order.first_name,
        "locale": order.locale,
        "phone": order.phone,
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


def notify(session: Session, store_id: int, event: str, payload: dict,
           dedupe_key: str | None = None) -> OutboxMessage:
    # The dedupe key names this one event; the worker puts it on the message so a delivery
    # repeated after a crash is recognisable. Periodic jobs pass their own key (unique), so an
    # event that must happen once (a reminder, an incentive, a day's digest) cannot be written twice.
    message = OutboxMessage(
        store_id=store_id,
        event=event,
        dedupe_key=dedupe_key or f"{event}:{secrets.token_hex(12)}",
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


def record_many(session: Session, changes: list[tuple[Line, dict]], kind: str, *,
                shopper_visible: bool = True) -> None:
    """`record` for many flushed lines at once."""
    record_rows(session, [
        (line.id, line.store_id, {**recipient(line.order), **line_summary(line)}, data) for line, data in changes
    ], kind, shopper_visible=shopper_visible)


def record_rows(session: Session, rows: list[tuple[int, int, dict, dict]], kind: str, *,
                shopper_visible: bool = True) -> None:
    """Events for many lines, each given as (line id, store id, what the shopper is told about the
    line and its order, the event's data): one multi-row INSERT per table rather than two
    statements per line (a receipt can serve thousands of lines)."""
    if not rows:
        return
    # Every column given, so no default runs once per row; one call for all the random keys.
    now, keys = clock.utcnow(), secrets.token_hex(12 * len(rows))
    insert_rows(session, TimelineEvent.__table__, [
        {"line_pk": line_pk, "kind": kind, "data": data, "created_at": now} for line_pk, _, _, data in rows
    ])
    if not shopper_visible:
        return
    insert_rows(session, OutboxMessage.__table__, [
        {"store_id": store_id, "event": kind, "dedupe_key": f"{kind}:{keys[24 * n:24 * n + 24]}",
         "payload": {**about, **data}, "status": "pending", "attempts": 0, "next_attempt_at": now,
         "last_error": "", "created_at": now, "sent_at": None}
        for n, (_, store_id, about, data) in enumerate(rows)
    ])
