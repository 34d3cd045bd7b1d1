"""workflow: 交办/签收 and 包案 per case, 督办, reminders sent, 回访, registered petitioners,
attachments, leaders' reception schedule

Revision ID: 0010_workflow
Revises: 0004_reliability
"""
from alembic import op
import sqlalchemy as sa

revision = "0010_workflow"
down_revision = "0004_reliability"
branch_labels = None
depends_on = None


def _case_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f(f"fk_{table}_case_id_cases"))


def upgrade():
    op.create_table(
        "case_workflow",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("handed_to", sa.String(length=64), nullable=True),
        sa.Column("handed_at", sa.DateTime(), nullable=True),
        sa.Column("sign_due_at", sa.DateTime(), nullable=True),
        sa.Column("signed_at", sa.DateTime(), nullable=True),
        sa.Column("signed_by", sa.String(length=64), nullable=True),
        sa.Column("returned_at", sa.DateTime(), nullable=True),
        sa.Column("return_reason", sa.String(length=500), nullable=True),
        sa.Column("leader", sa.String(length=64), nullable=True),
        sa.Column("leader_since", sa.DateTime(), nullable=True),
        sa.Column("headcount", sa.Integer(), nullable=True),
        _case_fk("case_workflow"),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_case_workflow")),
    )
    op.create_index("ix_case_workflow_sign_due", "case_workflow", ["signed_at", "sign_due_at"])
    op.create_table(
        "supervisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("issued_by", sa.String(length=64), nullable=False),
        sa.Column("issued_at", sa.DateTime(), nullable=False),
        sa.Column("response", sa.Text(), nullable=True),
        sa.Column("responded_by", sa.String(length=64), nullable=True),
        sa.Column("responded_at", sa.DateTime(), nullable=True),
        _case_fk("supervisions"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supervisions")),
    )
    op.create_index("ix_supervisions_case_id", "supervisions", ["case_id"])
    op.create_index("ix_supervisions_open", "supervisions", ["responded_at", "due_date"])
    op.create_table(
        "reminders_sent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=96), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        _case_fk("reminders_sent"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminders_sent")),
        sa.UniqueConstraint("case_id", "key", name="uq_reminders_sent_case_key"),
    )
    op.create_table(
        "callbacks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("due_at", sa.DateTime(), nullable=False),
        sa.Column("result", sa.String(length=16), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("done_by", sa.String(length=64), nullable=True),
        sa.Column("done_at", sa.DateTime(), nullable=True),
        _case_fk("callbacks"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_callbacks")),
        sa.UniqueConstraint("case_id", name=op.f("uq_callbacks_case_id")),
    )
    op.create_index("ix_callbacks_open", "callbacks", ["done_at", "due_at"])
    op.create_table(
        "petitioners",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=True),
        sa.Column("phone", sa.String(length=32), nullable=True),
        sa.Column("id_encrypted", sa.String(length=255), nullable=True),
        sa.Column("id_digest", sa.String(length=64), nullable=True),
        sa.Column("id_masked", sa.String(length=24), nullable=True),
        sa.Column("address", sa.String(length=200), nullable=True),
        sa.Column("township", sa.String(length=24), nullable=True),
        sa.Column("village", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        _case_fk("petitioners"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_petitioners")),
        sa.UniqueConstraint("case_id", name=op.f("uq_petitioners_case_id")),
    )
    op.create_index("ix_petitioners_id_digest", "petitioners", ["id_digest"])
    op.create_index("ix_petitioners_phone", "petitioners", ["phone"])
    op.create_table(
        "attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("stored_name", sa.String(length=64), nullable=False),
        sa.Column("original_name", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("uploaded_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        _case_fk("attachments"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachments")),
        sa.UniqueConstraint("stored_name", name=op.f("uq_attachments_stored_name")),
    )
    op.create_index("ix_attachments_case_id", "attachments", ["case_id"])
    op.create_table(
        "receptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("leader", sa.String(length=64), nullable=False),
        sa.Column("place", sa.String(length=100), nullable=False),
        sa.Column("topics", sa.String(length=200), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_receptions")),
    )
    op.create_index("ix_receptions_day", "receptions", ["day"])


def downgrade():
    op.drop_index("ix_receptions_day", table_name="receptions")
    op.drop_table("receptions")
    op.drop_index("ix_attachments_case_id", table_name="attachments")
    op.drop_table("attachments")
    op.drop_index("ix_petitioners_phone", table_name="petitioners")
    op.drop_index("ix_petitioners_id_digest", table_name="petitioners")
    op.drop_table("petitioners")
    op.drop_index("ix_callbacks_open", table_name="callbacks")
    op.drop_table("callbacks")
    op.drop_table("reminders_sent")
    op.drop_index("ix_supervisions_open", table_name="supervisions")
    op.drop_index("ix_supervisions_case_id", table_name="supervisions")
    op.drop_table("supervisions")
    op.drop_index("ix_case_workflow_sign_due", table_name="case_workflow")
    op.drop_table("case_workflow")
