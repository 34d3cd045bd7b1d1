"""staff management: a one-time password must be changed at the next sign-in

Revision ID: 0009_staff
Revises: 0011_repeats
"""
from alembic import op
import sqlalchemy as sa

revision = "0009_staff"
down_revision = "0011_repeats"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("must_change_password", sa.Boolean(), nullable=False,
                                   server_default=sa.false()))


def downgrade():
    with op.batch_alter_table("users") as batch:
        batch.drop_column("must_change_password")
