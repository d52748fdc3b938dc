"""Rows of `articles` written straight into a database, for tests of migrations and of what is stored: the
columns every revision has, and an INSERT that stores the text as TEXT, as revisions before 0012 did (the
model's column type would compress it on SQLite)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa


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


INSERT_ARTICLE_AS_TEXT = sa.text(
    "INSERT INTO articles (id, canonical_url, url_key, host, title, text, word_count, content_hash, simhash, "
    "simhash_band0, simhash_band1, simhash_band2, simhash_band3, created_at) VALUES (:id, :canonical_url, "
    ":url_key, :host, :title, :text, :word_count, :content_hash, :simhash, :simhash_band0, :simhash_band1, "
    ":simhash_band2, :simhash_band3, :created_at)"
)
