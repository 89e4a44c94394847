"""platform quantity: the quantity of a line's platform order product when its order was last
applied, so a quantity raised in the store admin is recognised once

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('lines') as batch_op:
        batch_op.add_column(sa.Column('platform_quantity', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('lines') as batch_op:
        batch_op.drop_column('platform_quantity')
