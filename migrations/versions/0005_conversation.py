"""conversation: review round (复查/复核), extension requests awaiting the head, a web chat
contact's verified phone (repeats use cases.repeat_of_id of 0011_repeats)

Revision ID: 0005_conversation
Revises: 0009_staff
"""
from alembic import op
import sqlalchemy as sa

revision = "0005_conversation"
down_revision = "0009_staff"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("review_round", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("extension_request", sa.Text(), nullable=True))
    with op.batch_alter_table("contacts") as batch:
        batch.add_column(sa.Column("phone", sa.String(length=32), nullable=True))
        batch.create_index("ix_contacts_phone", ["phone"])


def downgrade():
    with op.batch_alter_table("contacts") as batch:
        batch.drop_index("ix_contacts_phone")
        batch.drop_column("phone")
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("extension_request")
        batch.drop_column("review_round")
