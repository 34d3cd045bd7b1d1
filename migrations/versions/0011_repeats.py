"""repeats and groups: repeat_of, repeat_count, group, ID digest on cases; case_groups

Revision ID: 0011_repeats
Revises: 0006_security
"""
from alembic import op
import sqlalchemy as sa

revision = "0011_repeats"
down_revision = "0006_security"
branch_labels = None
depends_on = None

INDEXES = [
    ("ix_cases_repeat_of_id", ["repeat_of_id"]),
    ("ix_cases_group_id", ["group_id"]),
    ("ix_cases_id_digest", ["id_digest"]),
    ("ix_cases_citizen_name", ["citizen_name"]),
]


def upgrade():
    op.create_table(
        "case_groups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("township", sa.String(length=24), nullable=True),
        sa.Column("village", sa.String(length=64), nullable=True),
        sa.Column("issue_type", sa.String(length=24), nullable=True),
        sa.Column("petitioners", sa.Integer(), nullable=False),
        sa.Column("declared", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("alerted_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_groups")),
    )
    with op.batch_alter_table("cases") as batch_op:
        batch_op.add_column(sa.Column("repeat_of_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("repeat_count", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("group_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("id_digest", sa.String(length=64), nullable=True))
        batch_op.create_foreign_key(op.f("fk_cases_repeat_of_id_cases"), "cases", ["repeat_of_id"], ["id"])
        batch_op.create_foreign_key(op.f("fk_cases_group_id_case_groups"), "case_groups", ["group_id"], ["id"])
        for name, columns in INDEXES:
            batch_op.create_index(name, columns, unique=False)


def downgrade():
    with op.batch_alter_table("cases") as batch_op:
        for name, _ in INDEXES:
            batch_op.drop_index(name)
        batch_op.drop_constraint(op.f("fk_cases_group_id_case_groups"), type_="foreignkey")
        batch_op.drop_constraint(op.f("fk_cases_repeat_of_id_cases"), type_="foreignkey")
        batch_op.drop_column("id_digest")
        batch_op.drop_column("group_id")
        batch_op.drop_column("repeat_count")
        batch_op.drop_column("repeat_of_id")
    op.drop_table("case_groups")
