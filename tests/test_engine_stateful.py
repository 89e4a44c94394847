"""The engine under random sequences of orders, inbound stock, receipts, cancellations and
shipments (Hypothesis stateful testing), each step in its own transaction as in production and
through the domain's own functions (`ingest_order`, `receive`, `cancel_units`, `ship_units`).

Invariants after every step, for every variant: no line is allocated more than it ordered and no
quantity is negative; allocation follows queue order; units are conserved
(initial stock + received = on hand + allocated + shipped over all its lines) and on hand is the
stock ledger's sum; every waiting line
has an ETA and no other line does; the storefront's precomputed availability is what it would be
if computed afresh (the two variants share a category, so each is the other's alternative while
on hand), and the items a worker kept across the steps answer as a fresh read does."""
from datetime import timedelta

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test
from sqlalchemy import select

from api.domain import clock
from api.domain.availability import AvailabilityCache, refresh_availability, storefront_availability_json
from api.domain.backorders import (
    OrderLineIn,
    ingest_order,
    lock_variant,
    queue,
    receive,
)
from api.domain.catalog import add_inbound, save_variant
from api.domain.fulfilment import cancel_units, ship_units
from api.domain.stock import ledger_on_hand
from api.domain.errors import Conflict
from api.domain.stores import create_store
from api.models import InboundShipment, Line, Store, Variant, VariantAvailability

VARIANT_IDS = (1, 2)


class Engine(RuleBasedStateMachine):
    def __init__(self, app, empty_tables):
        super().__init__()
        self.database = app.extensions["database"]
        empty_tables(app)  # a fresh database for every example
        self.initial: dict[int, int] = {}
        self.received = {vid: 0 for vid in VARIANT_IDS}
        self.next_order_id = 1
        self.minutes = 0
        self.kept = AvailabilityCache(100)  # a worker's, across the steps

    def transaction(self):
        return self.database.transaction()

    @staticmethod
    def store(session) -> Store:
        return session.scalar(select(Store))

    @initialize(
        stock=st.tuples(st.integers(0, 6), st.integers(0, 6)),
        limits=st.tuples(st.none() | st.integers(0, 12), st.none() | st.integers(0, 12)),
        lead_times=st.tuples(st.none() | st.integers(0, 30), st.none() | st.integers(0, 30)),
    )
    def catalog(self, stock, limits, lead_times):
        with self.transaction() as session:
            store, _ = create_store(session, "store-s", ["https://shop-s.example"])
            for vid, on_hand, limit, lead_time in zip(VARIANT_IDS, stock, limits, lead_times):
                save_variant(session, store, vid, {
                    "product_id": vid, "on_hand": on_hand, "backorders_enabled": True,
                    "category": "boots", "price": 1000 * vid,
                    "backorder_limit": limit, "lead_time_days": lead_time,
                }, replace=True)
                self.initial[vid] = on_hand

    @rule(
        lines=st.lists(st.tuples(st.sampled_from(VARIANT_IDS), st.integers(1, 5)), min_size=1, max_size=3),
        same_time=st.booleans(),
    )
    def order(self, lines, same_time):
        # Orders arrive in placement order; several may share a placement time (then line id decides).
        self.minutes += 0 if same_time else 1
        order_id, self.next_order_id = self.next_order_id, self.next_order_id + 1
        try:
            with self.transaction() as session:
                ingest_order(
                    session, self.store(session), order_id=order_id, currency="USD",
                    placed_at=clock.utcnow() + timedelta(minutes=self.minutes),
                    lines=[OrderLineIn(variant_id=v, quantity=q, unit_price=100) for v, q in lines],
                )
        except Conflict:
            pass  # past a backorder limit: refused, and the transaction left nothing behind

    @rule(variant_id=st.sampled_from(VARIANT_IDS), quantity=st.integers(1, 8), days=st.integers(-3, 30))
    def inbound(self, variant_id, quantity, days):
        with self.transaction() as session:
            add_inbound(session, self.store(session), variant_id, quantity, clock.today() + timedelta(days=days))

    @rule(variant_id=st.sampled_from(VARIANT_IDS), quantity=st.integers(1, 10), data=st.data())
    def receipt(self, variant_id, quantity, data):
        with self.transaction() as session:
            store = self.store(session)
            variant = lock_variant(session, store, variant_id)
            pending = session.scalars(
                select(InboundShipment.id)
                .where(InboundShipment.variant_pk == variant.id, InboundShipment.received_on.is_(None))
                .order_by(InboundShipment.id)
            ).all()
            inbound_id = data.draw(st.sampled_from([None, *pending]), label="inbound_id")
            before = [(line.id, line.quantity_waiting) for line in queue(session, variant)]
            allocations, _ = receive(session, store, variant_id, quantity, inbound_id)

        # First come, first served: the units fill the queue from its head, the last one in part.
        expected, left = [], quantity
        for line_id, waiting in before:
            if left == 0:
                break
            expected.append((line_id, min(waiting, left)))
            left -= min(waiting, left)
        assert [(a.line_id, a.quantity) for a in allocations] == expected
        self.received[variant_id] += quantity

    @rule(data=st.data())
    def cancel_units(self, data):
        """Units cancelled (waiting ones first, then held ones, which go to the next in queue),
        through the domain's own function."""
        with self.transaction() as session:
            open_lines = session.scalars(select(Line).where(Line.state.in_(("waiting", "allocated")))
                                         .order_by(Line.id)).all()
            if not open_lines:
                return
            line = data.draw(st.sampled_from(open_lines), label="line")
            unshipped = line.quantity - line.quantity_shipped - line.quantity_cancelled
            units = data.draw(st.integers(1, unshipped), label="units")
            assert cancel_units(session, self.store(session), line, units, reason="test") == units

    @rule(data=st.data())
    def ship_allocated_units(self, data):
        with self.transaction() as session:
            holding = session.scalars(select(Line).where(Line.quantity_allocated > 0).order_by(Line.id)).all()
            if not holding:
                return
            line = data.draw(st.sampled_from(holding), label="line")
            units = data.draw(st.integers(1, line.quantity_allocated), label="units")
            assert ship_units(session, self.store(session), line, units) == units

    # --- invariants ---------------------------------------------------------------------------

    @invariant()
    def the_storefront_availability_is_what_a_fresh_computation_gives(self):
        with self.database.session() as session, session.begin():
            table = VariantAvailability.__table__
            stored = session.execute(select(table).order_by(table.c.variant_pk)).mappings().all()
            session.execute(table.delete())
            refresh_availability(session, session.scalars(select(Variant.id)).all())
            fresh = session.execute(select(table).order_by(table.c.variant_pk)).mappings().all()
            assert [dict(row) for row in stored] == [dict(row) for row in fresh]
            session.rollback()

    @invariant()
    def the_items_a_worker_kept_answer_as_a_fresh_read(self):
        for query in ({"variant_ids": [2, 1, 99]}, {"product_ids": [1, 2]}, {"variant_ids": [1], "quantity": 3}):
            kept, fresh = (self.database.read_once(lambda connection, dialect: storefront_availability_json(
                connection, dialect, "store-s", cache, **query)) for cache in (self.kept, AvailabilityCache(0)))
            assert kept == fresh, query

    @invariant()
    def quantities_are_never_negative_nor_over_allocated(self):
        with self.transaction() as session:
            for line in session.scalars(select(Line)):
                parts = (line.quantity_allocated, line.quantity_shipped, line.quantity_cancelled, line.quantity_waiting)
                assert min(parts) >= 0, (line.id, parts)
                assert line.quantity_allocated + line.quantity_shipped <= line.quantity
                assert 0 <= line.quantity_backordered <= line.quantity
            assert all(on_hand >= 0 for on_hand in session.scalars(select(Variant.on_hand)))

    @invariant()
    def allocation_follows_queue_order(self):
        """No unit is on hand while a line waits, and no line waits behind one that was served
        units after it had started waiting."""
        with self.transaction() as session:
            for variant in session.scalars(select(Variant)):
                lines = session.scalars(
                    select(Line).where(Line.variant_pk == variant.id).order_by(Line.queued_at, Line.id)
                ).all()
                waiting = [line for line in lines if line.quantity_waiting > 0]
                if waiting:
                    assert variant.on_hand == 0
                    head = lines.index(waiting[0])
                    for line in lines[head + 1:]:
                        # Behind the head of the queue only what an order took from stock on arrival.
                        served = line.quantity_allocated + line.quantity_shipped
                        assert served <= line.quantity - line.quantity_backordered, line.id

    @invariant()
    def units_are_conserved(self):
        if not self.initial:
            return
        with self.transaction() as session:
            for variant in session.scalars(select(Variant)):
                lines = session.scalars(select(Line).where(Line.variant_pk == variant.id)).all()
                held = sum(line.quantity_allocated + line.quantity_shipped for line in lines)
                assert self.initial[variant.variant_id] + self.received[variant.variant_id] == variant.on_hand + held
                assert ledger_on_hand(session, variant) == variant.on_hand  # on hand is the ledger's sum

    @invariant()
    def waiting_lines_and_only_they_have_an_eta(self):
        with self.transaction() as session:
            for line in session.scalars(select(Line)):
                assert line.state in ("waiting", "allocated", "shipped", "cancelled")
                assert (line.state == "waiting") == (line.quantity_waiting > 0)
                assert (line.eta_source is not None) == (line.state == "waiting"), line.id


def test_engine_keeps_its_invariants_under_random_sequences(app, reset_database):
    run_state_machine_as_test(
        lambda: Engine(app, reset_database),
        settings=settings(max_examples=50, stateful_step_count=20, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow]),
    )
