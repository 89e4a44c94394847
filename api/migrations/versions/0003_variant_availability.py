"""precomputed storefront availability, one row per variant

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('variant_availability',
    sa.Column('variant_pk', sa.Integer(), nullable=False),
    sa.Column('store_id', sa.Integer(), nullable=False),
    sa.Column('variant_id', sa.BigInteger(), nullable=False),
    sa.Column('product_id', sa.BigInteger(), nullable=False),
    sa.Column('sku', sa.String(length=255), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('on_hand', sa.BigInteger(), nullable=False),
    sa.Column('waiting', sa.BigInteger(), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=True),
    sa.Column('lead_time_days', sa.Integer(), nullable=True),
    sa.Column('supply', sa.Text(), nullable=False),
    sa.Column('alternatives', sa.Text(), nullable=False),
    sa.Column('category', sa.String(length=255), nullable=False),
    sa.Column('price', sa.BigInteger(), nullable=False),
    sa.Column('curated', sa.JSON(), nullable=False),
    sa.Column('offer', sa.JSON(), nullable=True),
    sa.Column('reach', sa.BigInteger(), nullable=True),
    sa.ForeignKeyConstraint(['store_id'], ['stores.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['variant_pk'], ['variants.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('variant_pk'),
    sa.UniqueConstraint('store_id', 'variant_id')
    )
    op.create_index('ix_variant_availability_category', 'variant_availability', ['store_id', 'category', 'price'], unique=False)
    op.create_index('ix_variant_availability_product', 'variant_availability', ['store_id', 'product_id', 'variant_id'], unique=False)
    # Every existing variant gets its row in 0004, the head: the code that computes it reads the
    # models as they are at the head, which later revisions extend.


def downgrade() -> None:
    op.drop_index('ix_variant_availability_product', table_name='variant_availability')
    op.drop_index('ix_variant_availability_category', table_name='variant_availability')
    op.drop_table('variant_availability')
