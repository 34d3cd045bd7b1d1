"""channels: Open311 keys and requests, shared provider tokens, outbound retry time

Revision ID: 0003_channels
Revises: 0002_console
"""
from alembic import op
import sqlalchemy as sa

revision = "0003_channels"
down_revision = "0002_console"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "api_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_keys")),
        sa.UniqueConstraint("name", name=op.f("uq_api_keys_name")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_api_keys_key_hash")),
    )
    op.create_table(
        "service_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("api_key_id", sa.Integer(), nullable=False),
        sa.Column("service_code", sa.String(length=24), nullable=False),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("long", sa.Float(), nullable=True),
        sa.Column("address_string", sa.String(length=255), nullable=True),
        sa.Column("media_url", sa.String(length=1024), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_service_requests_case_id_cases")),
        sa.ForeignKeyConstraint(["api_key_id"], ["api_keys.id"], name=op.f("fk_service_requests_api_key_id_api_keys")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_requests")),
        sa.UniqueConstraint("case_id", name=op.f("uq_service_requests_case_id")),
    )
    with op.batch_alter_table("service_requests") as batch_op:
        batch_op.create_index("ix_service_requests_created_at", ["created_at"], unique=False)
    op.create_table(
        "channel_tokens",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("value", sa.String(length=1024), nullable=True),
        sa.Column("expires_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_channel_tokens")),
    )
    with op.batch_alter_table("messages") as batch_op:
        batch_op.add_column(sa.Column("next_attempt_at", sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("messages") as batch_op:
        batch_op.drop_column("next_attempt_at")
    op.drop_table("channel_tokens")
    with op.batch_alter_table("service_requests") as batch_op:
        batch_op.drop_index("ix_service_requests_created_at")
    op.drop_table("service_requests")
    op.drop_table("api_keys")
