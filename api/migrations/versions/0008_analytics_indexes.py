"""analytics indexes: orders and lines by placement, lines by ship and allocation time and by
state, sales by the buyer's email and phone, restock alerts by when they were sent, purchase-order
lines by receipt

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""
from alembic import op


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

INDEXES = [
    ('orders', 'ix_orders_store_placed', ['store_id', 'placed_at']),
    ('lines', 'ix_lines_store_placed', ['store_id', 'queued_at']),
    # These two cover what their figures read (ETA accuracy, wait).
    ('lines', 'ix_lines_store_shipped', ['store_id', 'shipped_at', 'quantity_backordered', 'first_promised_on',
                                         'variant_pk']),
    ('lines', 'ix_lines_store_allocated', ['store_id', 'allocated_at', 'quantity_backordered', 'queued_at']),
    ('lines', 'ix_lines_store_state', ['store_id', 'state', 'first_promised_on']),
    ('sales', 'ix_sales_store_email', ['store_id', 'email', 'placed_at']),
    ('sales', 'ix_sales_store_phone', ['store_id', 'phone', 'placed_at']),
    ('restock_subscriptions', 'ix_restock_subscriptions_store_notified', ['store_id', 'notified_at']),
    ('inbound_shipments', 'ix_inbound_shipments_store_received', ['store_id', 'received_on']),
]


def upgrade() -> None:
    for table, name, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)


def downgrade() -> None:
    for table, name, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)
