"""Initial schema: articles, URL aliases, summaries, shares, and full-text search.

Revision ID: 0001_initial
Revises:
Create Date: 2026-03-01

The plain tables mirror bot/store/models.py (tests/test_migrations.py checks they agree). The search structures
are dialect-specific and not in the models (migrations/env.py keeps them out of autogenerate):

* SQLite: two FTS5 tables whose rowid is the article id: `article_search(title, summary, text)`, the full
  document, and `article_search_lead(title, summary)`, the small one search ranks first; a trigger removes an
  article's entries when the article is deleted (FTS5 tables cannot have foreign keys).
* PostgreSQL: a text search configuration `linkbrief` (English stemming, plus `unaccent` when the extension can
  be installed, so "Muller" finds "Müller" as SQLite's `remove_diacritics` does), and a table
  `article_search(article_id, lead tsvector, document tsvector)` with a GIN index on each vector, cascading
  from articles. `lead` (title and summary) is STORAGE MAIN: kept in the row up to a whole page instead of
  being moved out of line once the row passes ~2 kB. Search tests it row by row while walking the primary
  key backwards for a common word (bot/store/search.py explains the tiers); a summary with its questions and
  answers makes a lead of 2-3 kB, and out of line each test costs a TOAST fetch. Measured on 30,000 rows with
  2.5 kB leads: choosing the newest 1,000 matches of a common word took 22.7 ms with the default storage,
  7.8 ms with MAIN.

This file is deliberately self-contained (no imports from `bot`): a migration must keep describing the schema
of its own revision even after the application code moves on.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001_initial"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SHARE_STATUSES = ("pending", "working", "done", "failed")
CHANNEL_TYPES = ("channel", "group", "im", "mpim")


def _in_check(column: str, values: Sequence[str]) -> str:
    allowed = ", ".join(f"'{value}'" for value in values)
    return f"{column} IN ({allowed})"


def upgrade() -> None:
    timestamp = sa.DateTime(timezone=True)
    op.create_table(
        "articles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("canonical_url", sa.Text(), nullable=False),
        sa.Column("url_key", sa.Text(), nullable=False),
        sa.Column("host", sa.String(length=255), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("author", sa.Text(), nullable=True),
        sa.Column("published", sa.Date(), nullable=True),
        sa.Column("site_name", sa.Text(), nullable=True),
        sa.Column("language", sa.String(length=16), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("word_count", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("simhash", sa.BigInteger(), nullable=False),
        sa.Column("simhash_band0", sa.Integer(), nullable=False),
        sa.Column("simhash_band1", sa.Integer(), nullable=False),
        sa.Column("simhash_band2", sa.Integer(), nullable=False),
        sa.Column("simhash_band3", sa.Integer(), nullable=False),
        sa.Column("created_at", timestamp, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_articles")),
        sa.UniqueConstraint("url_key", name=op.f("uq_articles_url_key")),
        sa.UniqueConstraint("content_hash", name=op.f("uq_articles_content_hash")),
    )
    op.create_index(op.f("ix_articles_host"), "articles", ["host"])
    for band in range(4):
        op.create_index(op.f(f"ix_articles_simhash_band{band}"), "articles", [f"simhash_band{band}"])

    op.create_table(
        "article_urls",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("url_key", sa.Text(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("created_at", timestamp, nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_article_urls_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_article_urls")),
        sa.UniqueConstraint("url_key", name=op.f("uq_article_urls_url_key")),
    )
    op.create_index(op.f("ix_article_urls_article_id"), "article_urls", ["article_id"])

    op.create_table(
        "summaries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("summarizer", sa.String(length=64), nullable=False),
        sa.Column("tldr", sa.Text(), nullable=True),
        sa.Column("key_points", sa.JSON(), nullable=False),
        sa.Column("qa", sa.JSON(), nullable=False),
        sa.Column("model", sa.String(length=200), nullable=True),
        sa.Column("prompt_tokens", sa.Integer(), nullable=True),
        sa.Column("completion_tokens", sa.Integer(), nullable=True),
        sa.Column("dropped_claims", sa.Integer(), server_default="0", nullable=False),
        sa.Column("created_at", timestamp, nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_summaries_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_summaries")),
        sa.UniqueConstraint("article_id", "summarizer", name=op.f("uq_summaries_article_id_summarizer")),
    )

    op.create_table(
        "shares",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=64), nullable=False),
        sa.Column("channel_id", sa.String(length=64), nullable=False),
        sa.Column("channel_type", sa.String(length=16), nullable=False),
        sa.Column("message_ts", sa.String(length=32), nullable=False),
        sa.Column("thread_ts", sa.String(length=32), nullable=True),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("event_id", sa.String(length=64), nullable=True),
        sa.Column("article_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), server_default="pending", nullable=False),
        sa.Column("error_code", sa.String(length=64), nullable=True),
        sa.Column("error_message", sa.Text(), nullable=True),
        sa.Column("reply_ts", sa.String(length=32), nullable=True),
        sa.Column("duplicate_of_share_id", sa.Integer(), nullable=True),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("created_at", timestamp, nullable=False),
        sa.Column("updated_at", timestamp, nullable=False),
        sa.CheckConstraint(_in_check("status", SHARE_STATUSES), name=op.f("ck_shares_status")),
        sa.CheckConstraint(_in_check("channel_type", CHANNEL_TYPES), name=op.f("ck_shares_channel_type")),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_shares_article_id_articles"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["duplicate_of_share_id"],
            ["shares.id"],
            name=op.f("fk_shares_duplicate_of_share_id_shares"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shares")),
        sa.UniqueConstraint("channel_id", "message_ts", "url", name=op.f("uq_shares_channel_id_message_ts_url")),
    )
    op.create_index(op.f("ix_shares_article_id"), "shares", ["article_id"])
    op.create_index(op.f("ix_shares_status_created_at"), "shares", ["status", "created_at"])

    if op.get_bind().dialect.name == "postgresql":
        _create_postgresql_search()
    else:
        _create_sqlite_search()


def _create_sqlite_search() -> None:
    # A regular (content-storing) FTS5 table: snippet() needs the text, and unlike external-content or
    # contentless tables it can be updated and deleted by rowid without replaying the old values.
    op.execute(
        "CREATE VIRTUAL TABLE article_search USING fts5("
        "title, summary, text, tokenize = 'porter unicode61 remove_diacritics 2')"
    )
    op.execute(
        "CREATE VIRTUAL TABLE article_search_lead USING fts5("
        "title, summary, tokenize = 'porter unicode61 remove_diacritics 2')"
    )
    op.execute(
        "CREATE TRIGGER article_search_on_article_delete AFTER DELETE ON articles BEGIN "
        "DELETE FROM article_search WHERE rowid = old.id; "
        "DELETE FROM article_search_lead WHERE rowid = old.id; "
        "END"
    )


def _install_unaccent() -> bool:
    """Install `unaccent` if this server has it and we may; the migration must not fail without it."""
    bind = op.get_bind()
    available = bind.execute(sa.text("SELECT 1 FROM pg_available_extensions WHERE name = 'unaccent'")).scalar()
    if not available:
        return False
    try:
        with bind.begin_nested():
            bind.execute(sa.text("CREATE EXTENSION IF NOT EXISTS unaccent"))
    except sa.exc.DBAPIError:
        return False
    return True


def _create_postgresql_search() -> None:
    op.execute("CREATE TEXT SEARCH CONFIGURATION linkbrief (COPY = pg_catalog.english)")
    if _install_unaccent():
        op.execute(
            "ALTER TEXT SEARCH CONFIGURATION linkbrief "
            "ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem"
        )
    op.execute(
        "CREATE TABLE article_search ("
        " article_id INTEGER NOT NULL,"
        " lead TSVECTOR NOT NULL,"
        " document TSVECTOR NOT NULL,"
        " CONSTRAINT pk_article_search PRIMARY KEY (article_id),"
        " CONSTRAINT fk_article_search_article_id_articles FOREIGN KEY (article_id)"
        " REFERENCES articles (id) ON DELETE CASCADE)"
    )
    op.execute("ALTER TABLE article_search ALTER COLUMN lead SET STORAGE MAIN")
    op.execute("CREATE INDEX ix_article_search_lead ON article_search USING gin (lead)")
    op.execute("CREATE INDEX ix_article_search_document ON article_search USING gin (document)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TABLE article_search")
        # The unaccent extension stays: other objects in the database may use it, and it holds no data.
        op.execute("DROP TEXT SEARCH CONFIGURATION linkbrief")
    else:
        op.execute("DROP TRIGGER article_search_on_article_delete")
        op.execute("DROP TABLE article_search_lead")
        op.execute("DROP TABLE article_search")

    op.drop_index(op.f("ix_shares_status_created_at"), table_name="shares")
    op.drop_index(op.f("ix_shares_article_id"), table_name="shares")
    op.drop_table("shares")
    op.drop_table("summaries")
    op.drop_index(op.f("ix_article_urls_article_id"), table_name="article_urls")
    op.drop_table("article_urls")
    for band in range(4):
        op.drop_index(op.f(f"ix_articles_simhash_band{band}"), table_name="articles")
    op.drop_index(op.f("ix_articles_host"), table_name="articles")
    op.drop_table("articles")
