"""Queue rules through the domain functions: ingestion, limits, receipts, ETAs, alternatives."""
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from api.domain import clock
from api.domain.availability import alternatives_of, availability
from api.domain.backorders import (
    OrderLineIn,
    clear_eta,
    ingest_order,
    queue,
    receive,
    recompute_etas,
    settle_state,
)
from api.domain.catalog import add_inbound, delete_inbound, save_variant, update_inbound
from api.domain.errors import Conflict, Invalid, NotFound
from api.domain.stores import create_store
from api.models import InboundShipment, Line, OutboxMessage, TimelineEvent, Variant

TODAY = date(2026, 11, 26)


@pytest.fixture
def store(session):
    store, _ = create_store(session, "store-q", ["https://shop-q.example"])
    store.handling_days = 1
    session.flush()
    return store


def variant(session, store, variant_id, **fields):
    fields = {"product_id": variant_id, "name": f"V{variant_id}", "price": 1000, **fields}
    return save_variant(session, store, variant_id, fields, replace=True)[0]


def order(session, store, order_id, *lines, hours_ago=None, **extra):
    placed_at = clock.utcnow() - timedelta(hours=hours_ago) if hours_ago is not None else None
    return ingest_order(
        session, store, order_id=order_id, currency="USD", email=f"c{order_id}@example.com",
        placed_at=placed_at,
        lines=[
            line if isinstance(line, OrderLineIn) else OrderLineIn(variant_id=line[0], quantity=line[1], unit_price=1000)
            for line in lines
        ],
        **extra,
    )


def only_line(order_):
    (line,) = order_.lines
    return line


def events(session, kind):
    timeline = session.scalars(select(TimelineEvent).where(TimelineEvent.kind == kind)).all()
    outbox = session.scalars(select(OutboxMessage).where(OutboxMessage.event == kind)).all()
    return timeline, outbox


# --- queue order and ingestion ----------------------------------------------------------------


def test_queue_is_served_by_placement_time_then_line_id(session, store):
    v = variant(session, store, 1, backorders_enabled=True)
    late = only_line(order(session, store, 10, (1, 1), hours_ago=1))
    early = only_line(order(session, store, 11, (1, 1), hours_ago=5))
    same_time_a = only_line(order(session, store, 12, (1, 1), hours_ago=3))
    same_time_b = only_line(order(session, store, 13, (1, 1), hours_ago=3))
    assert [line.id for line in queue(session, v)] == [early.id, same_time_a.id, same_time_b.id, late.id]


def test_a_line_takes_what_is_on_hand_and_the_rest_is_backordered(session, store):
    v = variant(session, store, 1, on_hand=3, backorders_enabled=True)
    line = only_line(order(session, store, 10, (1, 5)))
    assert (line.quantity_allocated, line.quantity_backordered, line.quantity_waiting, line.state) == (3, 2, 2, "waiting")
    assert v.on_hand == 0
    in_stock = only_line(order(session, store, 11, (variant(session, store, 2, on_hand=4).variant_id, 2)))
    assert (in_stock.quantity_allocated, in_stock.quantity_backordered, in_stock.state, in_stock.eta) == (2, 0, "allocated", None)


def test_the_platforms_backordered_quantity_wins_when_it_supplies_one(session, store):
    v = variant(session, store, 1, on_hand=10, backorders_enabled=True)
    line = only_line(order(session, store, 10, OrderLineIn(variant_id=1, quantity=5, unit_price=900, quantity_backordered=3)))
    assert (line.quantity_allocated, line.quantity_backordered, line.state) == (2, 3, "waiting")
    assert v.on_hand == 8


def test_an_order_past_the_backorder_limit_is_refused_and_leaves_nothing(session, store):
    variant(session, store, 1, backorders_enabled=True, backorder_limit=3)
    order(session, store, 10, (1, 2))
    session.commit()
    with pytest.raises(Conflict) as refused:
        order(session, store, 11, (1, 2))
    assert refused.value.errors == {"json": {"lines": {"0": {"quantity": ["At most 1 can be backordered."]}}},
                                    "reason": "backorder_limit"}
    session.rollback()
    only_line(order(session, store, 12, (1, 1)))  # exactly at the limit is fine
    session.commit()
    assert session.scalar(select(func.count(Line.id))) == 2


def test_a_variant_without_backorders_refuses_what_is_not_on_hand(session, store):
    variant(session, store, 1, on_hand=1, backorders_enabled=False)
    with pytest.raises(Conflict):
        order(session, store, 10, (1, 2))


def test_an_order_for_an_unknown_variant_is_invalid_and_a_repeated_order_id_conflicts(session, store):
    variant(session, store, 1, on_hand=5)
    session.commit()
    with pytest.raises(Invalid) as invalid:
        order(session, store, 10, (1, 1), (99, 1))
    assert invalid.value.errors == {"json": {"lines": {"1": {"variant_id": ["Unknown variant."]}}}}
    session.rollback()
    order(session, store, 11, (1, 1))
    with pytest.raises(Conflict):
        order(session, store, 11, (1, 1))


# --- receipts ---------------------------------------------------------------------------------


def test_a_receipt_serves_the_queue_first_come_first_served_and_the_rest_goes_on_hand(session, store):
    v = variant(session, store, 1, backorders_enabled=True)
    first = only_line(order(session, store, 10, (1, 2), hours_ago=3))
    second = only_line(order(session, store, 11, (1, 3), hours_ago=2))
    third = only_line(order(session, store, 12, (1, 1), hours_ago=1))
    allocations, on_hand = receive(session, store, 1, 4)
    assert [(a.order_id, a.line_id, a.quantity) for a in allocations] == [(10, first.id, 2), (11, second.id, 2)]
    assert on_hand == 0
    assert (first.state, first.eta, first.quantity_allocated) == ("allocated", None, 2)
    assert (second.state, second.quantity_allocated, second.quantity_waiting) == ("waiting", 2, 1)
    assert third.quantity_allocated == 0

    allocations, on_hand = receive(session, store, 1, 5)
    assert [(a.line_id, a.quantity) for a in allocations] == [(second.id, 1), (third.id, 1)]
    assert on_hand == 3 and v.on_hand == 3
    assert queue(session, v) == []
    timeline, outbox = events(session, "allocated")
    assert len(timeline) == len(outbox) == 4


def test_receiving_an_inbound_shipment_marks_it_received_and_it_stops_counting_as_supply(session, store):
    variant(session, store, 1, backorders_enabled=True)
    inbound = add_inbound(session, store, 1, 5, TODAY + timedelta(days=10))
    later = add_inbound(session, store, 1, 5, TODAY + timedelta(days=20))
    line = only_line(order(session, store, 10, (1, 8)))
    assert line.eta == {"date": "2026-12-17", "source": "inbound"}
    allocations, on_hand = receive(session, store, 1, 5, inbound.id)
    assert [a.quantity for a in allocations] == [5] and on_hand == 0
    assert (inbound.received_on, inbound.quantity_received) == (TODAY, 5)
    assert later.received_on is None
    # Three units still wait; the later shipment alone covers them.
    assert line.eta == {"date": "2026-12-17", "source": "inbound"}
    with pytest.raises(Conflict):
        receive(session, store, 1, 5, inbound.id)


def test_a_receipt_naming_another_variants_inbound_is_not_found(session, store):
    variant(session, store, 1, backorders_enabled=True)
    variant(session, store, 2, backorders_enabled=True)
    inbound = add_inbound(session, store, 2, 5, TODAY + timedelta(days=10))
    with pytest.raises(NotFound):
        receive(session, store, 1, 5, inbound.id)
    with pytest.raises(NotFound):
        receive(session, store, 3, 5)


# --- ETAs in the queue ------------------------------------------------------------------------


def test_lines_get_etas_from_several_inbound_shipments_then_lead_time(session, store):
    variant(session, store, 1, backorders_enabled=True, lead_time_days=30)
    add_inbound(session, store, 1, 2, TODAY + timedelta(days=5))
    add_inbound(session, store, 1, 3, TODAY + timedelta(days=12))
    lines = [only_line(order(session, store, 10 + i, (1, 2), hours_ago=10 - i)) for i in range(3)]
    assert [line.eta for line in lines] == [
        {"date": "2026-12-02", "source": "inbound"},
        {"date": "2026-12-09", "source": "inbound"},
        {"date": "2026-12-29", "source": "lead_time"},  # Sat 26 Dec: Mon + 1 working day
    ]
    assert [line.first_promised_on for line in lines] == [date(2026, 12, 2), date(2026, 12, 9), date(2026, 12, 29)]


def test_a_cancellation_ahead_in_the_queue_moves_later_etas_earlier(session, store):
    v = variant(session, store, 1, backorders_enabled=True)
    add_inbound(session, store, 1, 3, TODAY + timedelta(days=5))
    add_inbound(session, store, 1, 3, TODAY + timedelta(days=15))
    ahead = only_line(order(session, store, 10, (1, 3), hours_ago=2))
    behind = only_line(order(session, store, 11, (1, 2), hours_ago=1))
    assert behind.eta == {"date": "2026-12-14", "source": "inbound"}  # Fri 11 Dec + 1 working day
    assert events(session, "eta_changed") == ([], [])

    ahead.quantity_cancelled = 2  # the shopper ahead cancels two of three units
    settle_state(ahead)
    recompute_etas(session, store, v)
    assert behind.eta == {"date": "2026-12-02", "source": "inbound"}
    assert ahead.eta == {"date": "2026-12-02", "source": "inbound"}
    timeline, outbox = events(session, "eta_changed")
    assert [event.line_pk for event in timeline] == [behind.id]
    assert timeline[0].data == {"old_eta": {"date": "2026-12-14", "source": "inbound"},
                                "new_eta": {"date": "2026-12-02", "source": "inbound"}}
    assert len(outbox) == 1 and outbox[0].payload["line_id"] == behind.id
    assert outbox[0].payload["email"] == "c11@example.com"

    ahead.quantity_cancelled = 3
    settle_state(ahead)
    clear_eta(ahead)
    recompute_etas(session, store, v)
    assert (ahead.state, ahead.eta) == ("cancelled", None)
    assert [line.id for line in queue(session, v)] == [behind.id]
    assert len(events(session, "eta_changed")[0]) == 1  # behind's date did not move again


def test_recompute_without_any_change_writes_no_eta_changed(session, store):
    v = variant(session, store, 1, backorders_enabled=True, lead_time_days=7)
    order(session, store, 10, (1, 2))
    recompute_etas(session, store, v)
    recompute_etas(session, store, v)
    assert events(session, "eta_changed") == ([], [])


def test_adding_editing_and_deleting_inbound_recompute_waiting_etas(session, store):
    variant(session, store, 1, backorders_enabled=True)
    line = only_line(order(session, store, 10, (1, 2)))
    assert line.eta == {"date": None, "source": "unknown"}

    inbound = add_inbound(session, store, 1, 5, TODAY + timedelta(days=10))
    assert line.eta == {"date": "2026-12-08", "source": "inbound"}  # Sun 6 Dec: Mon + 1
    update_inbound(session, store, 1, inbound.id, {"expected_on": TODAY + timedelta(days=4)})
    assert line.eta == {"date": "2026-12-01", "source": "inbound"}
    update_inbound(session, store, 1, inbound.id, {"quantity": 1})
    assert line.eta == {"date": None, "source": "unknown"}
    update_inbound(session, store, 1, inbound.id, {"quantity": 2})
    delete_inbound(session, store, 1, inbound.id)
    assert session.get(InboundShipment, inbound.id) is None
    assert line.eta == {"date": None, "source": "unknown"}

    timeline, outbox = events(session, "eta_changed")
    assert len(timeline) == len(outbox) == 5


def test_inbound_of_another_variant_cannot_be_edited_through_this_one(session, store):
    variant(session, store, 1, backorders_enabled=True)
    variant(session, store, 2, backorders_enabled=True)
    inbound = add_inbound(session, store, 2, 5, TODAY + timedelta(days=10))
    with pytest.raises(NotFound):
        update_inbound(session, store, 1, inbound.id, {"quantity": 3})
    with pytest.raises(NotFound):
        delete_inbound(session, store, 1, inbound.id)


def test_restocking_through_the_catalog_allocates_to_the_queue(session, store):
    variant(session, store, 1, backorders_enabled=True)
    line = only_line(order(session, store, 10, (1, 2)))
    save_variant(session, store, 1, {"on_hand": 5}, replace=False)
    assert (line.state, line.quantity_allocated) == ("allocated", 2)
    assert session.scalar(select(Variant.on_hand).where(Variant.variant_id == 1)) == 3


def test_a_new_order_is_quoted_the_eta_after_the_existing_queue(session, store):
    variant(session, store, 1, product_id=7, backorders_enabled=True, lead_time_days=20)
    add_inbound(session, store, 1, 3, TODAY + timedelta(days=5))
    order(session, store, 10, (1, 2))
    (one,) = availability(session, store, variant_ids=[1])
    assert one["eta"] == {"date": "2026-12-02", "source": "inbound"}
    (two,) = availability(session, store, product_ids=[7], quantity=2)
    assert two["eta"] == {"date": "2026-12-17", "source": "lead_time"}


# --- alternatives -----------------------------------------------------------------------------


def test_alternatives_are_curated_first_then_same_category_by_closest_price_and_only_on_hand(session, store):
    wanted = variant(session, store, 1, product_id=1, category="boots", price=10000,
                     backorders_enabled=True, alternatives=[50, 51, 52])
    variant(session, store, 50, product_id=50, category="hats", price=100, on_hand=1)    # curated
    variant(session, store, 51, product_id=51, category="boots", price=50000, on_hand=0)  # curated, none on hand
    variant(session, store, 52, product_id=52, category="boots", price=30000, on_hand=2)  # curated
    variant(session, store, 60, product_id=60, category="boots", price=9000, on_hand=3)
    variant(session, store, 61, product_id=60, category="boots", price=9500, on_hand=3)  # same product as 60
    variant(session, store, 62, product_id=62, category="boots", price=12000, on_hand=1)
    variant(session, store, 63, product_id=63, category="boots", price=10100, on_hand=0)  # not on hand
    variant(session, store, 64, product_id=64, category="socks", price=10000, on_hand=9)  # other category
    assert [a.variant_id for a in alternatives_of(session, store, wanted)] == [50, 52, 61, 62]
    (item,) = availability(session, store, variant_ids=[1])
    assert [a["variant_id"] for a in item["alternatives"]] == [50, 52, 61, 62]


def test_in_stock_items_need_no_alternatives(session, store):
    variant(session, store, 1, category="boots", on_hand=1)
    variant(session, store, 2, category="boots", on_hand=1)
    (item,) = availability(session, store, variant_ids=[1])
    assert (item["state"], item["alternatives"]) == ("in_stock", [])
