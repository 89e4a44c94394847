"""availability versions: each store's, random, new in every transaction that writes any of its
availability rows, so a worker may answer the storefront with the items it wrote before while the
version stays

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('availability_versions',
                    sa.Column('store_id', sa.Integer(), nullable=False),
                    sa.Column('version', sa.BigInteger(), nullable=False),
                    sa.ForeignKeyConstraint(['store_id'], ['stores.id'], ondelete='CASCADE'),
                    sa.PrimaryKeyConstraint('store_id'))
    # A store gets its row when its availability is next written; until then it has no version,
    # and what a worker keeps is kept for none (the first write gives one).


def downgrade() -> None:
    op.drop_table('availability_versions')
