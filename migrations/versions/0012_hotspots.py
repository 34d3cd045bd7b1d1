"""hotspot alerts: hotspot_alerts and the cases behind each (hotspot_cases)

Revision ID: 0012_hotspots
Revises: 0010_workflow
"""
from alembic import op
import sqlalchemy as sa

revision = "0012_hotspots"
down_revision = "0012_informants"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "hotspot_alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("township", sa.String(length=24), nullable=False),
        sa.Column("issue_type", sa.String(length=24), nullable=False),
        sa.Column("village", sa.String(length=64), nullable=True),
        sa.Column("open_key", sa.String(length=160), nullable=True),
        sa.Column("opened_at", sa.DateTime(), nullable=False),
        sa.Column("last_case_at", sa.DateTime(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("closed_by", sa.String(length=64), nullable=True),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("observed", sa.Integer(), nullable=False),
        sa.Column("expected", sa.Float(), nullable=False),
        sa.Column("threshold", sa.Integer(), nullable=False),
        sa.Column("window_days", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_hotspot_alerts_open_key", "hotspot_alerts", ["open_key"], unique=True)
    op.create_index("ix_hotspot_alerts_opened_at", "hotspot_alerts", ["opened_at"])
    op.create_table(
        "hotspot_cases",
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("joined_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["alert_id"], ["hotspot_alerts.id"]),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"]),
        sa.PrimaryKeyConstraint("alert_id", "case_id"),
    )
    op.create_index("ix_hotspot_cases_case_id", "hotspot_cases", ["case_id"])


def downgrade():
    op.drop_index("ix_hotspot_cases_case_id", table_name="hotspot_cases")
    op.drop_table("hotspot_cases")
    op.drop_index("ix_hotspot_alerts_opened_at", table_name="hotspot_alerts")
    op.drop_index("ix_hotspot_alerts_open_key", table_name="hotspot_alerts")
    op.drop_table("hotspot_alerts")
