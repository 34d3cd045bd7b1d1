"""documents: the written documents of a case (受理告知书, 处理意见书, 交办单...) and their PDFs

Revision ID: 0012_documents
Revises: 0010_workflow
"""
from alembic import op
import sqlalchemy as sa

revision = "0012_documents"
down_revision = "0012_hotspots"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "case_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("number", sa.String(length=64), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("stored_name", sa.String(length=64), nullable=True),
        sa.Column("rendered_at", sa.DateTime(), nullable=True),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("error", sa.String(length=300), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_case_documents_case_id_cases")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_documents")),
    )
    op.create_index("ix_case_documents_case_id", "case_documents", ["case_id"])
    op.create_index("ix_case_documents_pending", "case_documents", ["stored_name", "attempts"])
    op.create_index("ix_case_documents_number", "case_documents", ["number"])


def downgrade():
    op.drop_index("ix_case_documents_number", table_name="case_documents")
    op.drop_index("ix_case_documents_pending", table_name="case_documents")
    op.drop_index("ix_case_documents_case_id", table_name="case_documents")
    op.drop_table("case_documents")
