"""How an article's text is kept: compressed on SQLite, as text on PostgreSQL (which compresses it itself).

The text is most of what the store holds for an article (4 KB for a news story; its search index, summary
and shares are the rest). PostgreSQL compresses every long value on its own (TOAST); SQLite stores a value as
it is given, so on SQLite the `articles.text` column holds the UTF-8 text compressed with zlib (0.44 of its
size on the corpus's news texts; 20 microseconds to read back), as a BLOB:

* `StoredText`, the column's type, compresses on write and decompresses on read for every statement built
  from the models or from Core tables that use it (`bot.store.lookup`);
* the SQL function `linkbrief_text(text)` does the same inside SQLite, for SQL that reads the column: the
  view the FTS5 index reads its columns from (`article_search_source`: snippets, and the exact values FTS5
  needs to forget an article). `bot.store.db` registers it on every SQLite connection it opens. A shell
  without it (`sqlite3 linkbrief.db`) sees the BLOB, and an article deleted there is refused ("no such
  function") rather than left half in the index.

A value stored as TEXT (before migration 0012 converted the file) reads back as it is, by both.
"""

from __future__ import annotations

import zlib
from typing import Any

from sqlalchemy import Dialect, Text, TypeDecorator

SQLITE_TEXT_FUNCTION = "linkbrief_text"
# zlib's default level: levels 7-9 save under 0.1% more on news text and compress 20% slower.
_LEVEL = 6


def compress(text: str) -> bytes:
    """The form SQLite stores `text` in."""
    return zlib.compress(text.encode(), _LEVEL)


def decompress(stored: bytes | str | None) -> str | None:
    """The text of a stored value: a compressed BLOB, or TEXT stored before compression (returned as is)."""
    if stored is None or isinstance(stored, str):
        return stored
    return zlib.decompress(stored).decode()


class StoredText(TypeDecorator[str]):
    """`articles.text`: declared TEXT on both databases; on SQLite the value is the compressed BLOB (a TEXT
    column stores a BLOB as it is: SQLite's type affinity never converts one)."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> Any:
        if value is None or dialect.name != "sqlite":
            return value
        return compress(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> str | None:
        return decompress(value)


def register_sqlite_function(dbapi_connection: Any) -> None:
    """Make `linkbrief_text(x)` available on a SQLite DB-API connection (sqlite3, or SQLAlchemy's aiosqlite
    adapter, which forwards the call to its thread)."""
    dbapi_connection.create_function(SQLITE_TEXT_FUNCTION, 1, decompress, deterministic=True)
