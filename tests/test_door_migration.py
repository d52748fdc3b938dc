"""Migration 0003 on a database with data, on real SQLite and PostgreSQL: shares keep every value (the
self-reference `duplicate_of_share_id` included, which a plain SQLite table rebuild would have set to NULL),
get their URL digest, and come back down intact."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import command
from sqlalchemy.ext.asyncio import AsyncConnection
from stored_rows import run_alembic

from bot.store.db import Database

SHARED_AT = datetime(2026, 1, 1, tzinfo=UTC)
SHARE_COLUMNS = ("id", "channel_id", "message_ts", "url", "status", "article_id", "duplicate_of_share_id")


async def _shares(db: Database) -> list[tuple[Any, ...]]:
    async with db.engine.connect() as connection:
        rows = await connection.execute(
            sa.select(*(sa.column(c) for c in SHARE_COLUMNS)).select_from(sa.table("shares")).order_by(sa.column("id"))
        )
        return [tuple(row) for row in rows]


async def _insert_share(connection: AsyncConnection, **values: Any) -> None:
    """A share row in whatever schema the database has now (`values` fill or override the defaults)."""
    row = {
        "team_id": "T1",
        "channel_id": "C1",
        "channel_type": "channel",
        "user_id": "U1",
        "status": "done",
        "attempts": 1,
        "created_at": SHARED_AT,
        "updated_at": SHARED_AT,
    } | values
    types = {"created_at": sa.DateTime(timezone=True), "updated_at": sa.DateTime(timezone=True)}
    table = sa.table("shares", *(sa.column(name, types.get(name)) for name in row))
    await connection.execute(table.insert().values(row))


async def test_upgrade_keeps_shares_and_their_links_and_downgrade_restores_them(empty_database_url: str) -> None:
    db = Database(empty_database_url)
    try:
        await run_alembic(db, command.upgrade, "0002_page_qa")
        async with db.engine.begin() as connection:
            await connection.execute(
                sa.text(
                    "INSERT INTO articles (id, canonical_url, url_key, host, text, word_count, content_hash, simhash,"
                    " simhash_band0, simhash_band1, simhash_band2, simhash_band3, created_at)"
                    " VALUES (1, 'https://a.example/x', 'a.example/x', 'a.example', 't', 1, 'h', 0, 0, 0, 0, 0,"
                    " '2026-01-01 00:00:00')"
                )
            )
            for share_id, ts, url, duplicate_of in (
                (1, "1.1", "https://a.example/x", None),
                (2, "1.2", "https://a.example/x?utm=1", 1),
                (3, "1.2", "https://a.example/ünïcode", 2),
            ):
                await _insert_share(
                    connection, id=share_id, message_ts=ts, url=url, article_id=1, duplicate_of_share_id=duplicate_of
                )
        before = await _shares(db)

        await run_alembic(db, command.upgrade, "head")
        assert await _shares(db) == before
        async with db.engine.connect() as connection:
            digests = dict((await connection.execute(sa.text("SELECT url, url_digest FROM shares"))).all())
        assert digests == {url: hashlib.sha256(url.encode()).hexdigest() for url in digests}
        # A URL longer than a btree key can hold is accepted under the new key (PostgreSQL refused it before).
        long_url = "https://a.example/" + "x" * 10_000
        async with db.engine.begin() as connection:
            digest = hashlib.sha256(long_url.encode()).hexdigest()
            await _insert_share(connection, id=4, message_ts="1.3", url=long_url, url_digest=digest)
            await connection.execute(sa.text("DELETE FROM shares WHERE message_ts = '1.3'"))

        await run_alembic(db, command.downgrade, "0002_page_qa")
        assert await _shares(db) == before
        async with db.engine.connect() as connection:
            columns = await connection.run_sync(lambda c: {col["name"] for col in sa.inspect(c).get_columns("shares")})
            tables = await connection.run_sync(lambda c: set(sa.inspect(c).get_table_names()))
        assert "url_digest" not in columns
        assert not {"offers", "conversations"} & tables
    finally:
        await db.dispose()
