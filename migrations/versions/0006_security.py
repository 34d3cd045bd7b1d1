"""security: replay guard, sign-in throttle, session version, conflict-of-interest mark

Revision ID: 0006_security
Revises: 0007_ledger
"""
from alembic import op
import sqlalchemy as sa

revision = "0006_security"
down_revision = "0007_ledger"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "seen_requests",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("body_hash", sa.String(length=64), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_seen_requests")),
    )
    with op.batch_alter_table("seen_requests") as batch_op:
        batch_op.create_index("ix_seen_requests_expires_at", ["expires_at"], unique=False)
    op.create_table(
        "login_throttle",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("window_start", sa.DateTime(), nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_login_throttle")),
    )
    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(sa.Column("session_version", sa.Integer(), nullable=False, server_default="0"))
    with op.batch_alter_table("cases") as batch_op:
        batch_op.add_column(sa.Column("conflict_unit", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("conflict_level", sa.String(length=16), nullable=True))
    with op.batch_alter_table("messages") as batch_op:
        batch_op.create_index("ix_messages_kind_created", ["kind", "created_at"], unique=False)


def downgrade():
    with op.batch_alter_table("messages") as batch_op:
        batch_op.drop_index("ix_messages_kind_created")
    with op.batch_alter_table("cases") as batch_op:
        batch_op.drop_column("conflict_level")
        batch_op.drop_column("conflict_unit")
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_column("session_version")
    op.drop_table("login_throttle")
    with op.batch_alter_table("seen_requests") as batch_op:
        batch_op.drop_index("ix_seen_requests_expires_at")
    op.drop_table("seen_requests")
