"""PostgreSQL keeps the best-ranked articles of its most common search words (top-k lists).

Revision ID: 0011_search_lists
Revises: 0010_asked_questions
Create Date: 2026-12-05

Ranking every title-and-summary match of a word found in most articles means reading and scoring hundreds of
thousands of lead vectors at a million articles (1.8 s for a word in 80% of them). For the words PostgreSQL's
own statistics name as most common, `bot.store.search.refresh_search_lists` stores each one's best-ranked
articles once, and indexing keeps them exact:

* `article_search_lists(term, floor_rank, floor_article_id)`: one row per listed word (`term` is its one-lexeme
  tsquery as text, `'budget'`), and the lowest (rank, article id) the list was built down to;
* `article_search_top(term, rank, article_id)`: every article whose lead matches the word and ranks at or
  above that floor, with its `ts_rank_cd`. An article indexed later enters every list whose floor it reaches;
  unindexing (or deleting) an article removes it. So a list is always exactly the articles above its floor,
  and a one-word search reads its page from the b-tree, best first, in a few milliseconds.

PostgreSQL only: SQLite's search is unchanged. Both tables are search structures (`article_search_…`),
created and dropped here only. Nothing to carry over: lists are built by the periodic refresh.
Self-contained, like every migration.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0011_search_lists"
down_revision: str | None = "0010_asked_questions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "CREATE TABLE article_search_lists ("
        " term text PRIMARY KEY,"
        " floor_rank real NOT NULL,"
        " floor_article_id integer NOT NULL,"
        " built_at timestamp with time zone NOT NULL DEFAULT now())"
    )
    op.execute(
        "CREATE TABLE article_search_top ("
        " term text NOT NULL REFERENCES article_search_lists (term) ON DELETE CASCADE,"
        " rank real NOT NULL,"
        " article_id integer NOT NULL REFERENCES articles (id) ON DELETE CASCADE,"
        " PRIMARY KEY (term, rank, article_id))"
    )
    op.execute("CREATE INDEX article_search_top_article ON article_search_top (article_id)")
    # ANALYZE names the common words: with the default statistics target it keeps the 1,000 most common
    # lexemes of `lead`, fewer than a million articles have above the lists' threshold; 1,000 keeps 10,000.
    op.execute("ALTER TABLE article_search ALTER COLUMN lead SET STATISTICS 1000")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE article_search ALTER COLUMN lead SET STATISTICS -1")
    op.execute("DROP TABLE article_search_top")
    op.execute("DROP TABLE article_search_lists")
