"""A hand-built history for the Insights figures: rows written straight into the tables (no
domain paths), in a store in New York (UTC−4 until 1 November 2026, UTC−5 after), so every
figure in tests/test_analytics.py has an answer worked out by hand.

The range is 26 October – 22 November 2026: four ISO weeks starting 26 Oct, 2, 9 and 16 Nov.
Times below are UTC, with the New York time beside them where it matters."""
from datetime import date, datetime

import pytest
from sqlalchemy import select

from api.models import (
    InboundShipment, Line, Order, PaymentRequestRecord, PurchaseOrder, Refund, RestockSubscription, Sale,
    Store, Supplier, Variant,
)

TIMEZONE = "America/New_York"
FIRST, LAST = date(2026, 10, 26), date(2026, 11, 22)
WEEKS = [date(2026, 10, 26), date(2026, 11, 2), date(2026, 11, 9), date(2026, 11, 16)]


class History:
    """Writes rows of one store."""

    def __init__(self, session, store):
        self.session, self.store = session, store
        self._keys = 0

    def add(self, row):
        self.session.add(row)
        self.session.flush()
        return row

    def supplier(self, name):
        return self.add(Supplier(store_id=self.store.id, name=name))

    def variant(self, variant_id, product_id, name, supplier=None):
        return self.add(Variant(store_id=self.store.id, variant_id=variant_id, product_id=product_id, name=name,
                                sku=f"SKU-{variant_id}", price=1000, currency="USD",
                                supplier_id=supplier.id if supplier else None))

    def order(self, order_id, placed_at, total, email=""):
        return self.add(Order(store_id=self.store.id, order_id=order_id, currency="USD", placed_at=placed_at,
                              total=total, email=email))

    def line(self, order, variant, quantity, backordered, unit_price, state, *, allocated=0, shipped=0,
             cancelled=0, promised=None, allocated_at=None, shipped_at=None, payment_mode="pay_now"):
        return self.add(Line(
            store_id=self.store.id, order_pk=order.id, variant_pk=variant.id, product_id=variant.product_id,
            variant_id=variant.variant_id, name=variant.name, sku=variant.sku, quantity=quantity,
            quantity_backordered=backordered, quantity_allocated=allocated, quantity_shipped=shipped,
            quantity_cancelled=cancelled, state=state, payment_mode=payment_mode, unit_price=unit_price,
            currency="USD", queued_at=order.placed_at, first_promised_on=promised, allocated_at=allocated_at,
            shipped_at=shipped_at))

    def refund(self, line, reason, amount, status="confirmed"):
        self._keys += 1
        return self.add(Refund(store_id=self.store.id, order_pk=line.order_pk, line_pk=line.id,
                               key=f"{self.store.hash}-refund-{self._keys}", reason=reason, quantity=1,
                               amount=amount, currency="USD", status=status))

    def payment(self, line, purpose, amount, status):
        self._keys += 1
        return self.add(PaymentRequestRecord(store_id=self.store.id, order_pk=line.order_pk, line_pk=line.id,
                                             purpose=purpose, quantity=1, amount=amount, currency="USD",
                                             status=status, reference=f"{self.store.hash}-pay-{self._keys}"))

    def subscription(self, variant, created_at, notified_at=None, *, email="", phone=""):
        return self.add(RestockSubscription(
            store_id=self.store.id, variant_pk=variant.id, contact=email or phone, email=email, phone=phone,
            status="notified" if notified_at else "active", created_at=created_at, notified_at=notified_at))

    def sale(self, order_id, item_id, variant, placed_at, revenue, *, email="", phone=""):
        return self.add(Sale(store_id=self.store.id, order_id=order_id, item_id=item_id, variant_pk=variant.id,
                             placed_at=placed_at, day=placed_at.date(), quantity=1, revenue=revenue,
                             currency="USD", email=email, phone=phone))

    def purchase_order(self, supplier_name, supplier=None):
        return self.add(PurchaseOrder(store_id=self.store.id, supplier=supplier_name,
                                      supplier_id=supplier.id if supplier else None, status="open"))

    def inbound(self, purchase_order, variant, expected_on, received_on, received):
        return self.add(InboundShipment(store_id=self.store.id, purchase_order_id=purchase_order.id,
                                        variant_pk=variant.id, quantity=10, expected_on=expected_on,
                                        received_on=received_on, quantity_received=received))


def build_history(session, store) -> None:
    """The history every expected figure in tests/test_analytics.py is worked out from."""
    store.timezone = TIMEZONE
    h = History(session, store)
    acme, zeta = h.supplier("Acme"), h.supplier("Zeta")
    mug = h.variant(1, 100, "Mug", acme)
    teapot = h.variant(2, 200, "Teapot")  # no supplier
    spoon = h.variant(3, 300, "Spoon")

    # Week of 26 Oct. O1 on Tue 27 Oct, 11:00 in New York.
    o1 = h.order(1, datetime(2026, 10, 27, 15, 0), 5000)
    # 3 ordered, 2 backordered; 2 shipped and 1 cancelled: of the backordered units, 1 cancelled
    # and 1 shipped. Shipped 3 Nov 21:00 in New York (4 Nov in UTC): on its promised day.
    l1 = h.line(o1, mug, 3, 2, 1000, "shipped", shipped=2, cancelled=1, promised=date(2026, 11, 3),
                allocated_at=datetime(2026, 11, 2, 16, 0), shipped_at=datetime(2026, 11, 4, 2, 0))
    h.refund(l1, "cancel", 1000)
    # Not backordered: counted nowhere, however late against a promise.
    h.line(o1, spoon, 1, 0, 2000, "shipped", shipped=1, promised=date(2026, 10, 1),
           allocated_at=datetime(2026, 10, 27, 15, 0), shipped_at=datetime(2026, 11, 4, 2, 0))
    # O2 on Sun 1 Nov 23:30 in New York (Mon 2 Nov 04:30 UTC, after the clocks went back): the
    # week of 26 Oct, the month of November.
    o2 = h.order(2, datetime(2026, 11, 2, 4, 30), 3000)
    l3 = h.line(o2, teapot, 2, 2, 1500, "cancelled", cancelled=2)
    h.refund(l3, "cancel", 3000)

    # Week of 2 Nov. O3 on Sun 8 Nov 22:00 in New York (Mon 9 Nov in UTC).
    o3 = h.order(3, datetime(2026, 11, 9, 3, 0), 4000)
    l4 = h.line(o3, mug, 1, 1, 1000, "switched", cancelled=1)
    h.refund(l4, "switch", 200)  # a cheaper alternative's difference
    # Waited 8 → 14 Nov in New York (6 days; 5 by UTC dates); shipped 15 Nov, 5 days late.
    h.line(o3, teapot, 4, 4, 500, "shipped", shipped=4, promised=date(2026, 11, 10),
           allocated_at=datetime(2026, 11, 14, 14, 0), shipped_at=datetime(2026, 11, 15, 15, 0))

    # Week of 9 Nov. O4 on Tue 10 Nov, by ada@example.com.
    o4 = h.order(4, datetime(2026, 11, 10, 14, 0), 6000, email="ada@example.com")
    # 5 ordered, 2 from stock set aside, 3 backordered and waiting, past the 20 Nov promise.
    h.line(o4, mug, 5, 3, 1000, "waiting", allocated=2, promised=date(2026, 11, 20))
    # Moved to pay later (refunded 2000), then paid (2000) when its stock came on 20 Nov.
    l7 = h.line(o4, teapot, 2, 2, 1000, "allocated", allocated=2, allocated_at=datetime(2026, 11, 20, 15, 0))
    h.refund(l7, "pay_later", 2000)
    h.payment(l7, "pay_later", 2000, "paid")
    h.refund(l7, "unwanted_payment", 2000)  # a payment given back: not the order's revenue

    # Week of 16 Nov. O5 on Tue 17 Nov.
    o5 = h.order(5, datetime(2026, 11, 17, 20, 0), 2500)
    l8 = h.line(o5, spoon, 1, 1, 2500, "waiting", payment_mode="pay_later", promised=date(2026, 11, 30))
    h.refund(l8, "pay_later", 2500)
    h.payment(l8, "pay_later", 2500, "open")  # not paid: still counts as refunded
    l9 = h.line(o5, mug, 2, 2, 800, "shipped", shipped=2, promised=date(2026, 11, 18),
                allocated_at=datetime(2026, 11, 19, 15, 0), shipped_at=datetime(2026, 11, 21, 16, 0))
    h.refund(l9, "cancel", 800, status="pending")  # not confirmed: not counted
    # O7 on Sun 22 Nov 23:00 in New York: the range's last day. Promised today: not past it.
    o7 = h.order(7, datetime(2026, 11, 23, 4, 0), 1200)
    h.line(o7, teapot, 1, 1, 1200, "waiting", promised=date(2026, 11, 26))

    # Outside the range by placement. O6 on Sun 25 Oct; its line was allocated 28 Oct and
    # shipped 28 Oct, two days before its promise (on time, 0 days late): counted by those dates.
    o6 = h.order(6, datetime(2026, 10, 25, 12, 0), 999)
    l10 = h.line(o6, mug, 1, 1, 999, "shipped", shipped=1, promised=date(2026, 10, 30),
                 allocated_at=datetime(2026, 10, 28, 13, 0), shipped_at=datetime(2026, 10, 28, 18, 0))
    h.refund(l10, "cancel", 999)
    # O8 on Mon 23 Nov 00:30 in New York: after the range; waiting past its 24 Nov promise (a
    # figure of now, whatever the range).
    o8 = h.order(8, datetime(2026, 11, 23, 5, 30), 9999)
    h.line(o8, teapot, 1, 1, 9999, "waiting", promised=date(2026, 11, 24))

    # Restock alerts.
    h.subscription(mug, datetime(2026, 10, 20), datetime(2026, 11, 10, 12, 0), email="ada@example.com")
    h.subscription(teapot, datetime(2026, 10, 30), datetime(2026, 11, 12, 12, 0), phone="+15555550100")
    h.subscription(spoon, datetime(2026, 11, 5), email="bob@example.com")
    h.subscription(spoon, datetime(2026, 11, 1), datetime(2026, 11, 24), email="cy@example.com")
    h.sale(4, 41, mug, datetime(2026, 11, 10, 14, 0), 5000, email="ada@example.com")  # 2 h after ada's alert
    h.sale(4, 42, teapot, datetime(2026, 11, 10, 14, 0), 1000, email="ada@example.com")
    h.sale(20, 201, mug, datetime(2026, 11, 18, 12, 0), 700, email="ada@example.com")  # 8 days after
    h.sale(21, 211, teapot, datetime(2026, 11, 13, 9, 0), 1500, phone="+15555550100")
    h.sale(22, 221, mug, datetime(2026, 11, 9), 400, email="ada@example.com")  # before the alert
    h.sale(23, 231, mug, datetime(2026, 11, 11), 100, email="ada@example.com", phone="+15555550100")
    h.sale(23, 232, spoon, datetime(2026, 11, 11), 200, email="ada@example.com", phone="+15555550100")
    h.sale(25, 251, mug, datetime(2026, 11, 11), 900, email="eve@example.com")

    # Purchase-order lines, by received date.
    acme_po = h.purchase_order("Acme", acme)
    h.inbound(acme_po, mug, date(2026, 11, 1), date(2026, 11, 1), 10)  # on time
    h.inbound(acme_po, mug, date(2026, 11, 1), date(2026, 11, 5), 10)  # 4 days late
    h.inbound(acme_po, mug, date(2026, 11, 10), date(2026, 11, 8), 10)  # early
    h.inbound(acme_po, mug, date(2026, 10, 15), date(2026, 10, 20), 10)  # before the range
    h.inbound(acme_po, mug, date(2026, 11, 10), None, None)  # not received
    h.inbound(acme_po, mug, date(2026, 11, 10), date(2026, 11, 10), 0)  # closed with nothing received
    h.inbound(h.purchase_order("Zeta", zeta), teapot, date(2026, 11, 3), date(2026, 11, 4), 10)
    h.inbound(h.purchase_order("Old Co"), spoon, date(2026, 11, 15), date(2026, 11, 20), 10)
    session.flush()


@pytest.fixture
def history(app, store_and_key, other_admin):
    """store-a with the hand-built history, and store-b with the same history, which store-a's
    figures must never count. Returns store-a's id. (Its own transaction, outside any app
    context: requests made by the test then each have their own.)"""
    store_id, _ = store_and_key
    with app.extensions["database"].transaction() as db_session:
        build_history(db_session, db_session.get(Store, store_id))
        build_history(db_session, db_session.scalar(select(Store).where(Store.hash == "store-b")))
    return store_id
