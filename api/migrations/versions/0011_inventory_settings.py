"""inventory settings: the BigCommerce store's own inventory settings (GET /v3/settings/inventory),
read at install and nightly, which decide whether its order edits and cancels move its stock

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('bigcommerce_installations') as batch_op:
        batch_op.add_column(sa.Column('inventory_settings', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('bigcommerce_installations') as batch_op:
        batch_op.drop_column('inventory_settings')
