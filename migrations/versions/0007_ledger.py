"""ledger import: historical cases keep the petitioner's phone and their row digest;
training examples say where they come from and may leave urgent unknown

Revision ID: 0007_ledger
Revises: 0008_sms
"""
from alembic import op
import sqlalchemy as sa

revision = "0007_ledger"
down_revision = "0008_sms"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("cases") as batch_op:
        batch_op.add_column(sa.Column("citizen_phone", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("import_digest", sa.String(length=64), nullable=True))
        batch_op.create_index("ix_cases_import_digest", ["import_digest"], unique=True)
    with op.batch_alter_table("training_examples") as batch_op:
        batch_op.add_column(sa.Column("source", sa.String(length=16), nullable=False,
                                      server_default="correction"))
        batch_op.alter_column("urgent", existing_type=sa.Boolean(), nullable=True)


def downgrade():
    op.execute("UPDATE training_examples SET urgent = false WHERE urgent IS NULL")
    with op.batch_alter_table("training_examples") as batch_op:
        batch_op.alter_column("urgent", existing_type=sa.Boolean(), nullable=False)
        batch_op.drop_column("source")
    with op.batch_alter_table("cases") as batch_op:
        batch_op.drop_index("ix_cases_import_digest")
        batch_op.drop_column("import_digest")
        batch_op.drop_column("citizen_phone")
