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
    # Every store has its row from the start (a new one gets it as it is added): a commit's new
    # version is then an UPDATE, and no foreign-key check on its INSERT locks the store.
    random = "abs(random())" if op.get_bind().dialect.name == "sqlite" else "floor(random() * 9.2e18)::bigint"
    op.execute(f"INSERT INTO availability_versions (store_id, version) SELECT id, {random} FROM stores")


def downgrade() -> None:
    op.drop_table('availability_versions')
