"""local days: lines' and orders' placement, allocation and ship days in the store's time zone,
filled for the rows already stored; the insight's indexes on them instead of the UTC times, and
an order's lines with whether each is backordered

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy import text


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

COLUMNS = [('lines', 'placed_day'), ('lines', 'allocated_day'), ('lines', 'shipped_day'), ('orders', 'placed_day')]
OLD_INDEXES = [
    ('lines', 'ix_lines_order_pk', ['order_pk']),
    ('orders', 'ix_orders_store_placed', ['store_id', 'placed_at']),
    ('lines', 'ix_lines_store_shipped', ['store_id', 'shipped_at', 'quantity_backordered', 'first_promised_on',
                                         'variant_pk']),
    ('lines', 'ix_lines_store_allocated', ['store_id', 'allocated_at', 'quantity_backordered', 'queued_at']),
]
NEW_INDEXES = [
    ('lines', 'ix_lines_order_backordered', ['order_pk', 'quantity_backordered']),
    ('orders', 'ix_orders_store_placed_day', ['store_id', 'placed_day', 'currency', 'total']),
    ('lines', 'ix_lines_store_placed_day', ['store_id', 'placed_day', 'state', 'quantity', 'quantity_backordered',
                                            'quantity_allocated', 'quantity_shipped', 'quantity_cancelled',
                                            'currency', 'unit_price']),
    ('lines', 'ix_lines_store_shipped_day', ['store_id', 'shipped_day', 'first_promised_on', 'quantity_backordered',
                                             'variant_pk']),
    ('lines', 'ix_lines_store_allocated_day', ['store_id', 'allocated_day', 'placed_day', 'quantity_backordered']),
]


def upgrade() -> None:
    from api.domain.local_days import rewrite_local_days

    for table, column in COLUMNS:
        op.add_column(table, sa.Column(column, sa.Integer(), nullable=True))
    connection = op.get_bind()
    for store_id, timezone in connection.execute(text("SELECT id, timezone FROM stores")).all():
        rewrite_local_days(connection, store_id, timezone)
    for table, name, _ in OLD_INDEXES:
        op.drop_index(name, table_name=table)
    for table, name, columns in NEW_INDEXES:
        op.create_index(name, table, columns, unique=False)


def downgrade() -> None:
    for table, name, _ in reversed(NEW_INDEXES):
        op.drop_index(name, table_name=table)
    for table, name, columns in reversed(OLD_INDEXES):
        op.create_index(name, table, columns, unique=False)
    for table, column in reversed(COLUMNS):
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column(column)
