"""Stock on hand is 64-bit: receipts add up past what a 32-bit column holds (issue 12).

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('variants') as batch:
        batch.alter_column('on_hand', existing_type=sa.Integer(), type_=sa.BigInteger(), existing_nullable=False)


def downgrade() -> None:
    with op.batch_alter_table('variants') as batch:
        batch.alter_column('on_hand', existing_type=sa.BigInteger(), type_=sa.Integer(), existing_nullable=False)
