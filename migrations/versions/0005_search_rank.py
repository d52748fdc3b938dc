"""Search ranks every match; the search index keeps no second copy of the text.

Revision ID: 0005_search_rank
Revises: 0004_delivery
Create Date: 2026-12-05

Before this revision each database held the article text twice: SQLite's FTS5 tables stored their own copy
of every indexed column (a third of the database), and PostgreSQL's `article_search.document` tsvector was
larger than the text itself. Now:

* SQLite: two *external-content* FTS5 tables over the view `article_search_source` (the article's title
  and text, and the document of its latest summary, built from the `summaries` row in SQL):
  `article_search(title, summary, text)`, the whole article, and `article_search_lead(title, summary)`, a
  small index of the title and summary alone that ranks a common word's title and summary matches several
  times faster than a column filter on the whole index. FTS5 stores only their inverted indexes; snippets
  read the text from `articles`. An external-content index is only correct if every change is removed with
  exactly the values it was indexed with, so the application removes an article's entries (FTS5's 'delete'
  command, values read from the view) *before* changing its summary and re-adds them after, and a BEFORE
  DELETE trigger on `articles` does the same when an article goes (the summaries still exist then). Whether
  an article is indexed is whether FTS5 has a row for it in the `article_search_docsize` shadow table.
* PostgreSQL: `article_search` keeps only `lead` (title A, summary B; small, kept in the row); the
  `document` column and its GIN index go. Words of the text are found through the expression index
  `article_search_text` on `articles`: GIN over `to_tsvector('linkbrief', title || text)`, computed when the
  index is built and never stored as a column.

Existing data is carried over: exactly the articles indexed before are indexed after (on SQLite rebuilt
from the stored rows; on PostgreSQL the lead vectors are kept as they are). Downgrade rebuilds the previous
structures from the stored rows the same way. Self-contained (no imports from `bot`), like every migration.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0005_search_rank"
down_revision: str | None = "0004_delivery"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXED_TEXT_CHARS = 200_000
_TOKENIZE = "tokenize = 'porter unicode61 remove_diacritics 2'"

# The searchable text of an article's latest summary: TL;DR, key points, then each question and its answer,
# one per line (what the application indexed before this revision, built from the stored summary row).
_SQLITE_SUMMARY_DOCUMENT = """
    coalesce((
        SELECT trim(
            coalesce(s.tldr, '') || char(10)
            || coalesce((SELECT group_concat(p.value, char(10)) FROM json_each(s.key_points) AS p), '') || char(10)
            || coalesce((SELECT group_concat(json_extract(q.value, '$.question') || char(10)
                                             || json_extract(q.value, '$.answer'), char(10))
                         FROM json_each(s.qa) AS q), ''),
            char(10))
        FROM summaries AS s
        WHERE s.article_id = a.id
        ORDER BY s.created_at DESC, s.id DESC
        LIMIT 1
    ), '')
"""
_SQLITE_SOURCE_VIEW = f"""
CREATE VIEW article_search_source AS
SELECT a.id AS id,
       coalesce(a.title, '') AS title,
       {_SQLITE_SUMMARY_DOCUMENT} AS summary,
       substr(a.text, 1, {INDEXED_TEXT_CHARS}) AS text
FROM articles AS a
"""  # noqa: S608 - constant
_SQLITE_DELETE_TRIGGER = """
CREATE TRIGGER article_search_on_article_delete BEFORE DELETE ON articles
WHEN EXISTS (SELECT 1 FROM article_search_docsize WHERE id = old.id)
BEGIN
    INSERT INTO article_search (article_search, rowid, title, summary, text)
    SELECT 'delete', id, title, summary, text FROM article_search_source WHERE id = old.id;
    INSERT INTO article_search_lead (article_search_lead, rowid, title, summary)
    SELECT 'delete', id, title, summary FROM article_search_source WHERE id = old.id;
END
"""
_PG_TEXT_INDEX = (
    "CREATE INDEX article_search_text ON articles USING gin "
    f"(to_tsvector('linkbrief'::regconfig, coalesce(title, '') || ' ' || left(text, {INDEXED_TEXT_CHARS})))"
)


def _is_sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def upgrade() -> None:
    if _is_sqlite():
        _upgrade_sqlite()
    else:
        _upgrade_postgresql()


def downgrade() -> None:
    if _is_sqlite():
        _downgrade_sqlite()
    else:
        _downgrade_postgresql()


def _upgrade_sqlite() -> None:
    op.execute("CREATE TEMP TABLE _article_search_indexed (id INTEGER PRIMARY KEY)")
    op.execute("INSERT INTO _article_search_indexed (id) SELECT rowid FROM article_search")
    op.execute("DROP TRIGGER article_search_on_article_delete")
    op.execute("DROP TABLE article_search_lead")
    op.execute("DROP TABLE article_search")
    op.execute(_SQLITE_SOURCE_VIEW)
    op.execute(
        "CREATE VIRTUAL TABLE article_search USING fts5(title, summary, text, "
        f"content = 'article_search_source', content_rowid = 'id', {_TOKENIZE})"
    )
    op.execute(
        "CREATE VIRTUAL TABLE article_search_lead USING fts5(title, summary, "
        f"content = 'article_search_source', content_rowid = 'id', {_TOKENIZE})"
    )
    op.execute(
        "INSERT INTO article_search (rowid, title, summary, text) "
        "SELECT id, title, summary, text FROM article_search_source "
        "WHERE id IN (SELECT id FROM _article_search_indexed)"
    )
    op.execute(
        "INSERT INTO article_search_lead (rowid, title, summary) "
        "SELECT id, title, summary FROM article_search_source WHERE id IN (SELECT id FROM _article_search_indexed)"
    )
    op.execute(_SQLITE_DELETE_TRIGGER)
    op.execute("DROP TABLE _article_search_indexed")


def _downgrade_sqlite() -> None:
    op.execute("CREATE TEMP TABLE _article_search_indexed (id INTEGER PRIMARY KEY)")
    op.execute("INSERT INTO _article_search_indexed (id) SELECT id FROM article_search_docsize")
    op.execute("DROP TRIGGER article_search_on_article_delete")
    op.execute("DROP TABLE article_search_lead")
    op.execute("DROP TABLE article_search")
    op.execute(f"CREATE VIRTUAL TABLE article_search USING fts5(title, summary, text, {_TOKENIZE})")
    op.execute(f"CREATE VIRTUAL TABLE article_search_lead USING fts5(title, summary, {_TOKENIZE})")
    op.execute(
        "INSERT INTO article_search (rowid, title, summary, text) "
        "SELECT id, title, summary, text FROM article_search_source "
        "WHERE id IN (SELECT id FROM _article_search_indexed)"
    )
    op.execute(
        "INSERT INTO article_search_lead (rowid, title, summary) SELECT rowid, title, summary FROM article_search"
    )
    op.execute("DROP VIEW article_search_source")
    op.execute(
        "CREATE TRIGGER article_search_on_article_delete AFTER DELETE ON articles BEGIN "
        "DELETE FROM article_search WHERE rowid = old.id; "
        "DELETE FROM article_search_lead WHERE rowid = old.id; "
        "END"
    )
    op.execute("DROP TABLE _article_search_indexed")


def _upgrade_postgresql() -> None:
    op.execute("DROP INDEX ix_article_search_document")
    op.execute("ALTER TABLE article_search DROP COLUMN document")
    op.execute(_PG_TEXT_INDEX)
    # The dropped column's space is reclaimed by the next VACUUM FULL; new and updated rows no longer use it.


def _downgrade_postgresql() -> None:
    op.execute("DROP INDEX article_search_text")
    op.execute("ALTER TABLE article_search ADD COLUMN document TSVECTOR")
    op.execute(
        "UPDATE article_search AS s SET document = s.lead || setweight(to_tsvector('linkbrief'::regconfig, "
        "left(a.text, 200000)), 'C') FROM articles AS a WHERE a.id = s.article_id"  # INDEXED_TEXT_CHARS
    )
    op.execute("ALTER TABLE article_search ALTER COLUMN document SET NOT NULL")
    op.execute("CREATE INDEX ix_article_search_document ON article_search USING gin (document)")
