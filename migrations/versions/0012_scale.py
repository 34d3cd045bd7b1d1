"""scale: search words on cases (GIN full-text index on PostgreSQL), indexes the queues
sort and filter by at a million cases

Revision ID: 0012_scale
Revises: 0010_workflow
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import TSVECTOR

revision = "0012_scale"
down_revision = "0012_documents"
branch_labels = None
depends_on = None

# (name, columns, partial condition or None); a queue's page walks one of these in its order
OPEN = "state IN ('accepted', 'in_progress', 'extended', 'review')"
RUNNING = "state IN ('registered', 'accepted', 'in_progress', 'extended', 'review')"
ORDER = ["urgent", "received_at", "id"]
INDEXES = [
    ("ix_cases_queue_order", ORDER, None),
    ("ix_cases_state_order", ["state", *ORDER], None),
    ("ix_cases_triage_order", ["urgent", "received_at"], "needs_triage AND state = 'registered'"),
    ("ix_cases_open_order", ORDER, OPEN),
    ("ix_cases_running_due", ["due_at", "id"], RUNNING),
    ("ix_cases_rating_order", ORDER, "state = 'answered' AND rating IS NULL"),
    ("ix_cases_unsatisfied", ORDER, "flagged OR rating = 'unsatisfied'"),
    ("ix_cases_repeats_order", ORDER, "repeat_of_id IS NOT NULL"),
    ("ix_cases_groups_order", ORDER, "group_id IS NOT NULL"),
    ("ix_cases_extension", ORDER, "extension_request IS NOT NULL"),
    ("ix_cases_channel_received", ["channel", "received_at"], None),
    ("ix_cases_township_order", ["township", *ORDER], None),
    ("ix_cases_issue_order", ["issue_type", *ORDER], None),
]


def upgrade():
    postgres = op.get_bind().dialect.name == "postgresql"
    op.add_column("cases", sa.Column("search_vector", TSVECTOR() if postgres else sa.Text(), nullable=True))
    for name, columns, where in INDEXES:
        kwargs = {}
        if where:
            kwargs = {"postgresql_where": sa.text(where), "sqlite_where": sa.text(where)}
        op.create_index(name, "cases", columns, **kwargs)
    if postgres:
        op.execute("CREATE INDEX ix_cases_search ON cases USING gin (search_vector)")
    _backfill()


def _backfill():
    """The search words of the cases stored before (a few thousand in a county: seconds)."""
    from flask import current_app
    from nlp.config import load_taxonomy
    from nlp.search import index_text
    from nlp.tokenizer import get_tokenizer

    cases = sa.table("cases", sa.column("id"), sa.column("text"), sa.column("search_vector"))
    bind = op.get_bind()
    rows = bind.execute(sa.select(cases.c.id, cases.c.text).where(cases.c.search_vector.is_(None))).all()
    if not rows:
        return
    cut = get_tokenizer(load_taxonomy(current_app.config["CONFIG_DIR"])).cut
    for start in range(0, len(rows), 1000):
        bind.execute(cases.update().where(cases.c.id == sa.bindparam("case_id"))
                     .values(search_vector=sa.bindparam("vector")),
                     [{"case_id": i, "vector": index_text(cut, t or "")} for i, t in rows[start:start + 1000]])


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX ix_cases_search")
    for name, _columns, _where in reversed(INDEXES):
        op.drop_index(name, table_name="cases")
    op.drop_column("cases", "search_vector")
