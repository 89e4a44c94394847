"""money at the price paid: prices per line, refundable orders, order edits, payment requests
made by a job, store time zone

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('orders', sa.Column('refundable', sa.Boolean(), nullable=False, server_default=sa.true()))
    op.add_column('lines', sa.Column('unit_price_ex_tax', sa.BigInteger(), nullable=True))
    op.add_column('lines', sa.Column('list_price', sa.BigInteger(), nullable=True))
    op.add_column('payment_requests', sa.Column('attempts', sa.Integer(), nullable=False, server_default='0'))
    op.add_column('payment_requests', sa.Column('next_attempt_at', sa.DateTime(), nullable=False,
                                                server_default=sa.func.now()))
    op.add_column('payment_requests', sa.Column('last_error', sa.Text(), nullable=False, server_default=''))
    op.add_column('bigcommerce_installations',
                  sa.Column('timezone', sa.String(length=64), nullable=False, server_default=''))
    op.create_table('order_edits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('store_id', sa.Integer(), nullable=False),
    sa.Column('order_pk', sa.Integer(), nullable=False),
    sa.Column('old_line_pk', sa.Integer(), nullable=False),
    sa.Column('new_line_pk', sa.Integer(), nullable=False),
    sa.Column('refund_amount', sa.BigInteger(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['new_line_pk'], ['lines.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['old_line_pk'], ['lines.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['order_pk'], ['orders.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['store_id'], ['stores.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_order_edits_due', 'order_edits', ['status', 'next_attempt_at'], unique=False)
    op.create_index(op.f('ix_order_edits_store_id'), 'order_edits', ['store_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_order_edits_store_id'), table_name='order_edits')
    op.drop_index('ix_order_edits_due', table_name='order_edits')
    op.drop_table('order_edits')
    op.drop_column('bigcommerce_installations', 'timezone')
    op.drop_column('payment_requests', 'last_error')
    op.drop_column('payment_requests', 'next_attempt_at')
    op.drop_column('payment_requests', 'attempts')
    op.drop_column('lines', 'list_price')
    op.drop_column('lines', 'unit_price_ex_tax')
    op.drop_column('orders', 'refundable')
