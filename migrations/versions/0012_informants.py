"""village information officers (信息员): informants, their reports, notes and monthly reminders

Revision ID: 0012_informants
Revises: 0010_workflow
"""
from alembic import op
import sqlalchemy as sa

revision = "0012_informants"
down_revision = "0010_workflow"
branch_labels = None
depends_on = None


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"))


def upgrade():
    op.create_table(
        "informants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("phone", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("village", sa.String(length=64), nullable=False),
        sa.Column("township", sa.String(length=24), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_informants")),
        sa.UniqueConstraint("phone", name=op.f("uq_informants_phone")),
    )
    op.create_index("ix_informants_township", "informants", ["township"])
    op.create_table(
        "informant_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("informant_id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=True),
        sa.Column("township", sa.String(length=24), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("zero", sa.Boolean(), nullable=False),
        sa.Column("urgent", sa.Boolean(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        _fk("informant_reports", "informant_id", "informants"),
        _fk("informant_reports", "message_id", "messages"),
        _fk("informant_reports", "case_id", "cases"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_informant_reports")),
    )
    op.create_index("ix_informant_reports_message_id", "informant_reports", ["message_id"])
    op.create_index("ix_informant_reports_township_month", "informant_reports", ["township", "month"])
    op.create_index("ix_informant_reports_informant_month", "informant_reports", ["informant_id", "month"])
    op.create_table(
        "informant_report_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("change", sa.JSON(), nullable=True),
        _fk("informant_report_notes", "report_id", "informant_reports"),
        _fk("informant_report_notes", "user_id", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_informant_report_notes")),
    )
    op.create_index("ix_informant_report_notes_report_id", "informant_report_notes", ["report_id"])
    op.create_table(
        "informant_reminders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("informant_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=True),
        sa.Column("sent_at", sa.DateTime(), nullable=False),
        _fk("informant_reminders", "informant_id", "informants"),
        _fk("informant_reminders", "message_id", "messages"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_informant_reminders")),
        sa.UniqueConstraint("informant_id", "month", name="uq_informant_reminders_month"),
    )


def downgrade():
    op.drop_table("informant_reminders")
    op.drop_index("ix_informant_report_notes_report_id", table_name="informant_report_notes")
    op.drop_table("informant_report_notes")
    for name in ("ix_informant_reports_informant_month", "ix_informant_reports_township_month",
                 "ix_informant_reports_message_id"):
        op.drop_index(name, table_name="informant_reports")
    op.drop_table("informant_reports")
    op.drop_index("ix_informants_township", table_name="informants")
    op.drop_table("informants")
