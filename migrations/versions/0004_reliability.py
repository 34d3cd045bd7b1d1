"""reliability: pending classification on cases, heartbeats of periodic duties

Revision ID: 0004_reliability
Revises: 0005_conversation
"""
from alembic import op
import sqlalchemy as sa

revision = "0004_reliability"
down_revision = "0005_conversation"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("cases") as batch_op:
        batch_op.add_column(sa.Column("classify_pending_since", sa.DateTime(), nullable=True))
        batch_op.create_index("ix_cases_classify_pending_since", ["classify_pending_since"], unique=False)
    with op.batch_alter_table("messages") as batch_op:
        batch_op.create_index("ix_messages_direction_state_created", ["direction", "state", "created_at"],
                              unique=False)
    op.create_table(
        "heartbeats",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_heartbeats")),
    )


def downgrade():
    op.drop_table("heartbeats")
    with op.batch_alter_table("messages") as batch_op:
        batch_op.drop_index("ix_messages_direction_state_created")
    with op.batch_alter_table("cases") as batch_op:
        batch_op.drop_index("ix_cases_classify_pending_since")
        batch_op.drop_column("classify_pending_since")
