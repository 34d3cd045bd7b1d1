"""Full-text search over the cases' text.

Every case keeps jieba's words of its text in `search_vector`, written by the ORM whenever
the text is (an insert, a supplement appended): see `_keep_words`. PostgreSQL matches them
with a GIN index on that tsvector and ranks with ts_rank; SQLite
(small counties) matches each query word with LIKE on the text. A case number typed in
the search box finds that case on both."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from flask import current_app
from sqlalchemy import ColumnElement, and_, cast, event, false, func, inspect, literal, or_
from sqlalchemy.dialects.postgresql import TSQUERY

from models import Case
from models.db import db
from nlp.search import index_text, query_words


@lru_cache(maxsize=4)
def _cut(config_dir: str):
    from nlp.config import load_taxonomy
    from nlp.tokenizer import get_tokenizer

    return get_tokenizer(load_taxonomy(Path(config_dir))).cut


def cut():
    """The process's jieba cut with the county's dictionary (built once)."""
    return _cut(str(current_app.config["CONFIG_DIR"]))


def words_of(text: str) -> str:
    """What `search_vector` holds for TEXT."""
    return index_text(cut(), text)


def query_terms(query: str) -> list[str]:
    """The words of a search box's query (what the results page highlights)."""
    return query_words(cut(), query)


def _postgres() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def _tsquery(terms: list[str]):
    # The words are letters and digits only (nlp.search), quoted: read as they are, as the
    # stored vector was written, with no parser between
    return cast(literal(" & ".join(f"'{term}'" for term in terms)), TSQUERY)


def condition(query: str) -> ColumnElement[bool]:
    """Cases whose text holds every word of QUERY, or whose number is QUERY."""
    typed = "".join(ch for ch in query if ch.isalnum())[:16].upper()   # no NUL reaches PostgreSQL
    terms, number = query_terms(query), Case.number == typed
    if not terms:
        return number
    if _postgres():
        return or_(Case.search_vector.op("@@")(_tsquery(terms)), number)
    likes = [Case.text.ilike("%" + _escape(term) + "%", escape="\\") for term in terms]
    return or_(and_(*likes), number) if likes else false()


def rank(query: str):
    """An ORDER BY term: best match first (PostgreSQL), None where there is no ranking."""
    terms = query_terms(query)
    if not terms or not _postgres():
        return None
    return func.ts_rank(Case.search_vector, _tsquery(terms)).desc()


def _escape(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


@event.listens_for(Case, "before_insert")
@event.listens_for(Case, "before_update")
def _keep_words(_mapper, _connection, case: Case) -> None:
    if case.search_vector is None or inspect(case).attrs.text.history.has_changes():
        case.search_vector = words_of(case.text or "")
