"""sms: outbound messages remember their reply template, for template-only SMS providers

Revision ID: 0008_sms
Revises: 0003_channels
"""
from alembic import op
import sqlalchemy as sa

revision = "0008_sms"
down_revision = "0003_channels"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("messages") as batch:
        batch.add_column(sa.Column("template", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("messages") as batch:
        batch.drop_column("template")
