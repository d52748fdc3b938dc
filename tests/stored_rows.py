"""Helpers for tests of migrations and of what is stored: Alembic driven on a `Database`, and rows of
`articles` written straight into it, with the columns every revision has and the text stored as TEXT, as
revisions before 0012 stored it (the model's column type would compress it on SQLite)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from bot.store.db import Database, alembic_config
from bot.store.models import Article


async def run_alembic(db: Database, action: Any, *args: str) -> None:
    """`action` (`alembic.command.upgrade`, `downgrade`, …) with `args`, on a connection of `db`."""
    async with db.engine.begin() as connection:
        await connection.run_sync(lambda sync: action(alembic_config(db.url, sync), *args))


def article_row(n: int, *, title: str, text: str) -> dict[str, Any]:
    """Article `n` (its own URL, hash and SimHash) with `title` and `text`."""
    return {
        "id": n,
        "canonical_url": f"https://example.com/{n}",
        "url_key": f"example.com/{n}",
        "host": "example.com",
        "title": title,
        "text": text,
        "word_count": len(text.split()),
        "content_hash": f"{n:064d}",
        "simhash": n,
        **{f"simhash_band{band}": 0 for band in range(4)},
        "created_at": datetime(2026, 12, 1, tzinfo=UTC),
    }


# `articles` with the model's column types except the text's, plain TEXT. An insert names only the columns of
# its rows, so `article_row`s go into a database at any revision.
ARTICLES_AS_TEXT = sa.table(
    "articles",
    *(sa.column(c.name, sa.Text() if c.name == "text" else c.type) for c in Article.__table__.columns),
)
