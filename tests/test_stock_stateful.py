"""Stock on a BigCommerce store under random interleavings (Hypothesis stateful testing).

A simulated BigCommerce keeps its own stock level and orders and announces every change with a
webhook that may be handled in any order, late, or together with others. Everything our side
does goes through the real code: orders and status changes through the BigCommerce order sync
(`sync.apply_order`), stock through `sync.apply_levels` after catching up orders exactly as a
stock webhook does, shopper cancels through `actions.cancel`, receipts through `receive`; only
the HTTP calls are replaced (BigCommerce's answers are built from the simulated store; refunds
are sent by their own due job, not run here). Write-backs are pushed by a simulated job that may lose
BigCommerce's answer after the work was done.

After every step: no line holds more than it ordered, no unit is held or on hand that never
entered the warehouse, and the ledger sums to on hand. After settling (every write-back pushed,
every webhook handled, a stock reconciliation): BigCommerce's level and ours agree, and every unit
that entered the warehouse is on hand, held or shipped."""
from datetime import timedelta

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test
from sqlalchemy import func, select

from api.bigcommerce.sync import apply_levels, apply_order, bigcommerce_date
from api.domain import clock
from api.domain.actions import cancel
from api.domain.backorders import receive
from api.domain.catalog import save_variant
from api.domain.shopper import Shopper
from api.domain.stock import ledger_on_hand, platform_target
from api.domain.stores import create_store
from api.models import BigCommerceInstallation, Line, Order, StockWriteback, Store, Variant

VARIANTS = (501, 502)


class BigCommerceStore:
    """What the platform knows: its stock level per variant and its orders."""

    def __init__(self):
        self.level: dict[int, int] = {}
        self.orders: dict[int, dict] = {}
        self.deliveries: list[tuple[str, int]] = []  # webhooks not handled yet

    def order_dict(self, order_id: int) -> tuple[dict, list[dict]]:
        order = self.orders[order_id]
        placed = clock.utcnow() - timedelta(minutes=60 - order_id % 60)
        body = {"id": order_id, "status_id": order["status"], "cart_id": "", "customer_id": 7,
                "currency_code": "USD", "date_created": bigcommerce_date(placed),
                "billing_address": {"email": "ada@example.com", "first_name": "Ada"}}
        product = {"id": order_id * 10, "product_id": 77, "variant_id": order["variant"],
                   "quantity": order["quantity"], "quantity_shipped": order["shipped"], "price_inc_tax": "50.0000"}
        return body, [product]


class StockMachine(RuleBasedStateMachine):
    def __init__(self, app, empty_tables):
        super().__init__()
        self.database = app.extensions["database"]
        empty_tables(app)
        self.bc = BigCommerceStore()
        self.entered = {vid: 0 for vid in VARIANTS}  # units that came into the warehouse
        self.next_order = 1

    def store(self, session) -> Store:
        return session.scalar(select(Store))

    @initialize(stock=st.tuples(st.integers(0, 4), st.integers(0, 4)))
    def catalog(self, stock):
        with self.database.transaction() as session:
            store, _ = create_store(session, "bc-store", ["https://shop.example"], platform="bigcommerce")
            session.add(BigCommerceInstallation(store_id=store.id, access_token_encrypted="-",
                                                webhook_secret_hash="-", currency="USD"))
            for vid, units in zip(VARIANTS, stock):
                save_variant(session, store, vid, {"product_id": 77, "on_hand": units, "backorders_enabled": True,
                                                   "price": 5000}, replace=True, from_platform=True)
                self.bc.level[vid] = units
                self.entered[vid] = units

    # --- what happens on BigCommerce -------------------------------------------------------------

    @rule(variant=st.sampled_from(VARIANTS), quantity=st.integers(1, 4))
    def shopper_orders(self, variant, quantity):
        order_id, self.next_order = self.next_order, self.next_order + 1
        self.bc.orders[order_id] = {"variant": variant, "quantity": quantity, "status": 11, "shipped": 0}
        self.bc.level[variant] -= quantity  # BigCommerce takes every unit at checkout
        self.bc.deliveries.append(("order", order_id))

    @rule(data=st.data())
    def merchant_cancels_order(self, data):
        open_orders = [oid for oid, o in self.bc.orders.items() if o["status"] == 11]
        if not open_orders:
            return
        order_id = data.draw(st.sampled_from(open_orders), label="order")
        order = self.bc.orders[order_id]
        order["status"] = 5
        self.bc.level[order["variant"]] += order["quantity"] - order["shipped"]  # restock on cancel
        self.bc.deliveries.append(("order", order_id))

    @rule(variant=st.sampled_from(VARIANTS), units=st.integers(1, 5))
    def merchant_counts_new_stock(self, variant, units):
        self.bc.level[variant] += units
        self.entered[variant] += units
        self.bc.deliveries.append(("stock", variant))

    @rule(data=st.data())
    def merchant_ships_held_units(self, data):
        """The merchant ships what our app holds for an order."""
        with self.database.transaction(write=False) as session:
            held = session.execute(select(Order.order_id, Line.quantity_allocated)
                                   .join(Line, Line.order_pk == Order.id).where(Line.quantity_allocated > 0)).all()
        candidates = [(oid, units) for oid, units in held
                      if self.bc.orders[oid]["status"] == 11
                      and self.bc.orders[oid]["shipped"] < self.bc.orders[oid]["quantity"]]
        if not candidates:
            return
        order_id, held_units = data.draw(st.sampled_from(candidates), label="order")
        order = self.bc.orders[order_id]
        # What we hold, less what was shipped and we have not heard of yet.
        known = self._known_shipped(order_id)
        units = min(held_units - (order["shipped"] - known), order["quantity"] - order["shipped"])
        if units <= 0:
            return
        order["shipped"] += data.draw(st.integers(1, units), label="units")
        self.bc.deliveries.append(("order", order_id))

    def _known_shipped(self, order_id: int) -> int:
        with self.database.transaction(write=False) as session:
            return session.scalar(select(func.coalesce(func.sum(Line.quantity_shipped), 0))
                                  .join(Order, Line.order_pk == Order.id).where(Order.order_id == order_id))

    # --- what happens in our app ---------------------------------------------------------------------

    @rule(data=st.data())
    def shopper_cancels_waiting_units(self, data):
        with self.database.transaction() as session:
            waiting = session.execute(select(Order.order_id, Line.id).join(Order, Line.order_pk == Order.id)
                                      .where(Line.state == "waiting").order_by(Line.id)).all()
        if not waiting:
            return
        order_id, line_id = data.draw(st.sampled_from(waiting), label="line")
        with self.database.transaction(write=False) as session:
            waiting_units = session.get(Line, line_id).quantity_waiting
        units = data.draw(st.integers(1, waiting_units), label="units")
        with self.database.transaction() as session:
            cancel(session, self.store(session), Shopper(customer_id=7), order_id, line_id, units)

    @rule(variant=st.sampled_from(VARIANTS), quantity=st.integers(1, 5))
    def merchant_receives_in_the_app(self, variant, quantity):
        with self.database.transaction() as session:
            receive(session, self.store(session), variant, quantity)
        self.entered[variant] += quantity

    @rule(data=st.data())
    def writeback_job(self, data):
        """Push what is owed; BigCommerce may do the work and the answer be lost."""
        with self.database.transaction() as session:
            for row in session.scalars(select(StockWriteback).where(StockWriteback.status == "pending")
                                       .order_by(StockWriteback.id)):
                outcome = data.draw(st.sampled_from(["done", "lost", "later"]), label="outcome")
                if outcome == "later":
                    continue
                self.bc.level[row.variant_id] += row.quantity
                row.status = "done" if outcome == "done" else "unknown"
                self.bc.deliveries.append(("stock", row.variant_id))

    @rule(data=st.data())
    def a_webhook_is_handled(self, data):
        if not self.bc.deliveries:
            return
        index = data.draw(st.integers(0, len(self.bc.deliveries) - 1), label="delivery")
        self._handle(self.bc.deliveries.pop(index))

    def _handle(self, delivery):
        kind, ident = delivery
        if kind == "order":
            with self.database.transaction() as session:
                apply_order(session, self.store(session), *self.bc.order_dict(ident))
        else:
            self._reconcile([ident])

    def _reconcile(self, variants):
        """As a stock webhook: read the level, apply every order BigCommerce changed, compare."""
        levels = {vid: self.bc.level[vid] for vid in variants}
        for order_id in sorted(self.bc.orders):
            with self.database.transaction() as session:
                apply_order(session, self.store(session), *self.bc.order_dict(order_id))
        with self.database.transaction() as session:
            apply_levels(session, self.store(session), levels)

    # --- invariants ------------------------------------------------------------------------------------

    @invariant()
    def nothing_is_over_allocated(self):
        if not self.bc.level:
            return
        with self.database.transaction(write=False) as session:
            for variant in session.scalars(select(Variant)):
                lines = session.scalars(select(Line).where(Line.variant_pk == variant.id)).all()
                for line in lines:
                    parts = (line.quantity_allocated, line.quantity_shipped, line.quantity_cancelled,
                             line.quantity_waiting)
                    assert min(parts) >= 0, (line.id, parts)
                held = sum(line.quantity_allocated + line.quantity_shipped for line in lines)
                assert variant.on_hand >= 0
                assert variant.on_hand + held <= self.entered[variant.variant_id], (variant.variant_id,)
                assert ledger_on_hand(session, variant) == variant.on_hand

    @rule()
    def everything_settles_and_both_counts_agree(self):
        for _ in range(3):  # pushing write-backs raises deliveries; handling them settles write-backs
            with self.database.transaction() as session:
                for row in session.scalars(select(StockWriteback).where(StockWriteback.status == "pending")):
                    self.bc.level[row.variant_id] += row.quantity
                    row.status = "done"
            while self.bc.deliveries:
                self._handle(self.bc.deliveries.pop(0))
            self._reconcile(list(VARIANTS))
        with self.database.transaction(write=False) as session:
            assert session.scalar(select(func.count()).select_from(StockWriteback)
                                  .where(StockWriteback.status != "done")) == 0
            for variant in session.scalars(select(Variant)):
                assert self.bc.level[variant.variant_id] == platform_target(session, variant)
                lines = session.scalars(select(Line).where(Line.variant_pk == variant.id)).all()
                held = sum(line.quantity_allocated + line.quantity_shipped for line in lines)
                assert variant.on_hand + held == self.entered[variant.variant_id]


def test_stock_agrees_with_bigcommerce_under_random_interleavings(app, reset_database):
    run_state_machine_as_test(
        lambda: StockMachine(app, reset_database),
        settings=settings(max_examples=40, stateful_step_count=25, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow]),
    )
