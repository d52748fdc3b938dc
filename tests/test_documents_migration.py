"""Migration 0007_documents on real SQLite and PostgreSQL: the DOI column added to stored articles and taken
away again, the articles already stored kept either way."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import command
from stored_rows import ARTICLES_AS_TEXT, article_row, run_alembic

from bot.store.db import Database


async def _columns(db: Database) -> set[str]:
    async with db.engine.connect() as connection:
        return await connection.run_sync(
            lambda sync: {column["name"] for column in sa.inspect(sync).get_columns("articles")}
        )


def _row(n: int) -> dict[str, Any]:
    return article_row(n, title=f"Article {n}", text=f"Article {n} about the harbour.")


async def test_the_doi_column_comes_and_goes_with_the_articles_kept(empty_database_url: str) -> None:
    db = Database(empty_database_url)
    try:
        await run_alembic(db, command.upgrade, "0006_installations")
        assert "doi" not in await _columns(db)
        async with db.engine.begin() as connection:
            await connection.execute(ARTICLES_AS_TEXT.insert(), [_row(1)])

        await run_alembic(db, command.upgrade, "0007_documents")
        assert "doi" in await _columns(db)
        async with db.engine.begin() as connection:
            # Stored before the revision: read without looking for a DOI, so none.
            assert (await connection.execute(sa.text("SELECT doi FROM articles WHERE id = 1"))).scalar() is None
            await connection.execute(ARTICLES_AS_TEXT.insert(), [_row(2)])
            await connection.execute(sa.text("UPDATE articles SET doi = '10.5555/quay.17' WHERE id = 2"))
            stored = await connection.execute(sa.text("SELECT id, doi FROM articles ORDER BY id"))
            assert [tuple(row) for row in stored] == [(1, None), (2, "10.5555/quay.17")]

        await run_alembic(db, command.downgrade, "0006_installations")
        assert "doi" not in await _columns(db)
        async with db.engine.connect() as connection:
            ids = await connection.execute(sa.text("SELECT id FROM articles ORDER BY id"))
            assert [row[0] for row in ids] == [1, 2]

        await run_alembic(db, command.upgrade, "head")
        assert "doi" in await _columns(db)
    finally:
        await db.dispose()
