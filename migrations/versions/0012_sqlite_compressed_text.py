"""SQLite keeps article texts compressed.

Revision ID: 0012_sqlite_compressed_text
Revises: 0011_search_lists
Create Date: 2026-12-05

The text is most of what an article costs to keep, and SQLite, unlike PostgreSQL (TOAST), stores it as
given. From this revision `articles.text` on SQLite holds the UTF-8 text compressed with zlib, as a BLOB (the
column stays declared TEXT: SQLite's type affinity stores a BLOB as it is), read through the application's
column type and, in SQL, through the function `linkbrief_text(text)` the application registers on each of its
connections (`bot.store.stored_text`). The FTS5 index reads its columns from the view
`article_search_source`, which now decompresses the text; the index itself is unchanged, since the words it
holds are the same.

Upgrade compresses every stored text, in batches; downgrade restores them as TEXT and the view as it was.
Neither needs the SQL function: rows are converted in Python, and a view is not evaluated when created.
PostgreSQL: nothing changes. Self-contained, like every migration (the stored format, zlib's, is fixed here).
The space freed in the file is reused by new rows; `VACUUM` returns it to the file system.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012_sqlite_compressed_text"
down_revision: str | None = "0011_search_lists"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BATCH = 500
_SUMMARY_DOCUMENT = """
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


def _source_view(text: str) -> str:
    """The FTS5 source view of 0005_search_rank, with the text read by the expression `text`."""
    return f"""
CREATE VIEW article_search_source AS
SELECT a.id AS id,
       coalesce(a.title, '') AS title,
       {_SUMMARY_DOCUMENT} AS summary,
       substr({text}, 1, 200000) AS text
FROM articles AS a
"""  # noqa: S608 - constant


def _convert(stored_type: str, convert: Callable[[bytes | str], bytes | str]) -> None:
    """Rewrite every text whose SQLite storage class is `stored_type`, in batches of `_BATCH` rows."""
    bind = op.get_bind()
    select = sa.text("SELECT id, text FROM articles WHERE typeof(text) = :stored AND id > :after ORDER BY id LIMIT :n")
    update = sa.text("UPDATE articles SET text = :text WHERE id = :id")
    after = 0
    while rows := bind.execute(select, {"stored": stored_type, "after": after, "n": _BATCH}).all():
        bind.execute(update, [{"id": row.id, "text": convert(row.text)} for row in rows])
        after = rows[-1].id


def _compress(text: bytes | str) -> bytes:
    return zlib.compress(text.encode() if isinstance(text, str) else text, 6)


def _decompress(stored: bytes | str) -> str:
    return zlib.decompress(stored).decode() if isinstance(stored, bytes) else stored


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute("DROP VIEW article_search_source")
    op.execute(_source_view("linkbrief_text(a.text)"))
    _convert("text", _compress)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    _convert("blob", _decompress)
    op.execute("DROP VIEW article_search_source")
    op.execute(_source_view("a.text"))
