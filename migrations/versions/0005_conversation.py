"""conversation: review round (复查/复核), extension requests awaiting the head, repeats
(重复信访), a web chat contact's verified phone

Revision ID: 0005_conversation
Revises: 0003_channels
"""
from alembic import op
import sqlalchemy as sa

revision = "0005_conversation"
down_revision = "0003_channels"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("review_round", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("extension_request", sa.Text(), nullable=True))
        batch.add_column(sa.Column("repeat_of_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(op.f("fk_cases_repeat_of_id_cases"), "cases", ["repeat_of_id"], ["id"])
    with op.batch_alter_table("contacts") as batch:
        batch.add_column(sa.Column("phone", sa.String(length=32), nullable=True))
        batch.create_index("ix_contacts_phone", ["phone"])


def downgrade():
    with op.batch_alter_table("contacts") as batch:
        batch.drop_index("ix_contacts_phone")
        batch.drop_column("phone")
    with op.batch_alter_table("cases") as batch:
        batch.drop_constraint(op.f("fk_cases_repeat_of_id_cases"), type_="foreignkey")
        batch.drop_column("repeat_of_id")
        batch.drop_column("extension_request")
        batch.drop_column("review_round")
