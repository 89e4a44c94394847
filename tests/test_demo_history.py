"""The demo store's history: enough of everything for every analytics chart, the forecasts and the
reorder scenario of the end-to-end test, without touching the live queue or the demo accounts."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from api.demo.seed import REORDER_NAME, REORDER_SKU, REORDER_SUPPLIER, seed
from api.domain import clock
from api.models import (
    InboundShipment, Line, Order, OutboxMessage, PaymentRequestRecord, PurchaseOrder, Refund, RestockSubscription,
    Sale, Supplier, Variant,
)


@pytest.fixture
def demo(session):
    seed(session, "http://demo.test")
    session.commit()
    return session


def test_every_variant_has_more_than_six_months_of_sales(demo):
    first, last = demo.execute(select(func.min(Sale.day), func.max(Sale.day))).one()
    assert first <= clock.today() - timedelta(days=183) and last >= clock.today() - timedelta(days=7)
    sold = dict(demo.execute(select(Sale.variant_pk, func.count(func.distinct(Sale.day))).group_by(Sale.variant_pk)).all())
    variants = demo.scalars(select(Variant)).all()
    assert all(sold.get(variant.id, 0) >= 5 for variant in variants), {v.sku: sold.get(v.id) for v in variants}


def test_backordered_lines_ended_every_way_against_their_first_promise(demo):
    done = demo.scalars(select(Line).where(Line.quantity_backordered > 0, Line.state != "waiting")).all()
    shipped = [line for line in done if line.state == "shipped"]
    assert sum(line.shipped_at.date() <= line.first_promised_on for line in shipped) >= 10  # on time or early
    assert sum(line.shipped_at.date() > line.first_promised_on for line in shipped) >= 10  # late
    assert all(line.queued_at < line.allocated_at <= line.shipped_at for line in shipped)
    assert {"cancelled", "switched"} <= {line.state for line in done}
    assert demo.scalar(select(func.count()).select_from(Refund).where(Refund.status == "confirmed")) >= 5
    paid = demo.scalar(select(func.count()).select_from(PaymentRequestRecord).where(
        PaymentRequestRecord.purpose == "pay_later", PaymentRequestRecord.status == "paid"))
    assert paid >= 3


def test_suppliers_delivered_on_time_and_late(demo):
    assert all(s.lead_time_days and s.email for s in demo.scalars(select(Supplier)))
    assert demo.scalar(select(func.count()).select_from(Variant).where(Variant.supplier_id.is_(None))) == 0
    received = demo.execute(select(InboundShipment.expected_on, InboundShipment.received_on).join(PurchaseOrder)
                            .where(PurchaseOrder.status == "received")).all()
    assert sum(got <= expected for expected, got in received) >= 5
    assert sum(got > expected for expected, got in received) >= 5


def test_restock_alerts_were_followed_by_orders(demo):
    alerted = demo.scalars(select(RestockSubscription).where(RestockSubscription.status == "notified")).all()
    assert len(alerted) >= 10
    followed = [s for s in alerted if demo.scalar(select(func.count()).select_from(Sale).where(
        Sale.email == s.email, Sale.variant_pk == s.variant_pk, Sale.placed_at >= s.notified_at,
        Sale.placed_at <= s.notified_at + timedelta(days=7)))]
    assert len(followed) >= 3


def test_the_reorder_scenario_has_a_waiting_shopper_no_inbound_and_an_opted_in_supplier(demo):
    variant = demo.scalar(select(Variant).where(Variant.sku == REORDER_SKU))
    assert variant.name == REORDER_NAME
    supplier = demo.get(Supplier, variant.supplier_id)
    assert (supplier.name, supplier.auto_reorder, supplier.auto_send) == (REORDER_SUPPLIER, True, False)
    waiting = demo.scalars(select(Line).where(Line.variant_pk == variant.id, Line.state == "waiting")).all()
    assert [line.order.email for line in waiting] == ["ada@example.com"]
    assert demo.scalar(select(func.count()).select_from(InboundShipment).where(
        InboundShipment.variant_pk == variant.id, InboundShipment.received_on.is_(None))) == 0
    weeks = demo.scalar(select(func.count(func.distinct(Sale.day))).where(Sale.variant_pk == variant.id))
    assert weeks >= 30  # a steady seller


def test_history_stays_out_of_the_live_queue_the_demo_accounts_and_the_outbox(demo):
    demo_orders = demo.scalars(select(Order).where(Order.customer_id.in_([1, 2, 3]))).all()
    assert sorted(order.order_id for order in demo_orders) == list(range(1001, 1008))
    assert demo.scalar(select(func.max(Order.order_id)).where(Order.order_id < 1001)) <= 1000
    waiting = demo.scalars(select(Line).where(Line.state.in_(["waiting", "allocated"]))).all()
    assert {line.order.order_id for line in waiting} <= set(range(1001, 1008))
    assert demo.scalar(select(func.count()).select_from(OutboxMessage)) == 7  # one per live backorder
