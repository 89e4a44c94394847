"""A receipt serving a long queue issues a fixed number of SQL statements, commit and
availability refresh included, however many lines it serves (the bench times it; tests never
time anything)."""
import pytest
from sqlalchemy import event, select

from api.domain.availability import availability
from api.domain.backorders import OrderLineIn, ingest_order, receive
from api.domain.catalog import save_variant
from api.domain.stores import create_store
from api.models import Line, OutboxMessage, Store, TimelineEvent


def queue_of(database, lines: int) -> None:
    with database.transaction() as session:
        store, _ = create_store(session, "store-r", ["https://shop-r.example"])
        save_variant(session, store, 1, {"product_id": 1, "backorders_enabled": True}, replace=True)
        for order_id in range(1, lines + 1):
            ingest_order(session, store, order_id=order_id, currency="USD", email=f"c{order_id}@example.com",
                         lines=[OrderLineIn(variant_id=1, quantity=2, unit_price=500)])


def statements_to_receive(database, units: int) -> int:
    count = 0

    def counted(*_args):
        nonlocal count
        count += 1

    event.listen(database.engine, "before_cursor_execute", counted)
    try:
        with database.transaction() as session:
            receive(session, session.scalar(select(Store)), 1, units)
    finally:
        event.remove(database.engine, "before_cursor_execute", counted)
    return count


@pytest.mark.parametrize("lines", [3, 60])
def test_a_receipt_serves_every_line_in_a_fixed_number_of_statements(app, reset_database, lines):
    database = app.extensions["database"]
    counts = []
    for size in (lines, lines * 2):
        reset_database(app)
        queue_of(database, size)
        counts.append(statements_to_receive(database, 2 * size - 1))  # the last line only in part
        with database.transaction() as session:
            served = session.scalars(select(Line).order_by(Line.id)).all()
            assert [line.state for line in served] == ["allocated"] * (size - 1) + ["waiting"]
            assert served[-1].quantity_allocated == 1 and served[-1].eta is not None
            assert session.query(TimelineEvent).filter_by(kind="allocated").count() == size
            assert session.query(OutboxMessage).filter_by(event="allocated").count() == size
            (item,) = availability(session, session.scalar(select(Store)), variant_ids=[1])
            assert (item["state"], item["available_on_hand"]) == ("backorder", 0)
    assert counts[0] == counts[1]
