"""staff console: audit log of sign-ins and exports; indexes the queues filter on

Revision ID: 0002_console
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa

revision = "0002_console"
down_revision = "0001"
branch_labels = None
depends_on = None

INDEXES = [
    ("ix_cases_triage", "cases", ["needs_triage", "state"]),
    ("ix_cases_channel", "cases", ["channel"]),
    ("ix_cases_flagged", "cases", ["flagged"]),
    ("ix_cases_state_rating", "cases", ["state", "rating"]),
    ("ix_case_events_user_id", "case_events", ["user_id", "at"]),
]


def upgrade():
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("ip", sa.String(length=64), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_audit_log_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade():
    for name, table, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)
    op.drop_index("ix_audit_log_at", table_name="audit_log")
    op.drop_table("audit_log")
