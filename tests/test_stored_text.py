"""Article texts kept compressed on SQLite (bot.store.stored_text, migration 0012) and as text on PostgreSQL, on
both real databases: read back exactly by every reader, searched and snippeted as before, carried over by the
migration in both directions with the FTS5 index still matching its content."""

from __future__ import annotations

import sqlite3

import pytest
import sqlalchemy as sa
from alembic import command
from stored_rows import ARTICLES_AS_TEXT, article_row, run_alembic

from bot.settings import sqlite_file
from bot.store import lookup
from bot.store.articles import save_summary
from bot.store.db import Database
from bot.store.models import Article
from bot.store.search import SearchQuery, index_article, search
from bot.summarize.base import Summary

# Long enough to compress, with text that must survive byte for byte: accents, CJK, an emoji, a NUL-free
# control character (tab), typographic quotes.
TEXT = (
    "Le conseil a voté mardi la rénovation du phare de Kéréon. 港の浚渫は春に始まる。 "
    "Engineers said the \u201clantern\u201d would be replaced\tby spring 🚢. "
    + "The harbour authority will publish the dredging schedule and the quay closures next week. "
    * 40
)


_STORAGE_CLASS = {
    "sqlite": "SELECT typeof(text), length(CAST(text AS BLOB)) FROM articles WHERE id = :id",
    "postgresql": "SELECT pg_typeof(text)::text, octet_length(text) FROM articles WHERE id = :id",
}


async def _stored(db: Database, article_id: int) -> tuple[str, int]:
    """(storage class or type, stored bytes) of an article's text, as the database holds it."""
    async with db.engine.connect() as connection:
        kind, size = (await connection.execute(sa.text(_STORAGE_CLASS[db.dialect]), {"id": article_id})).one()
    return kind, size


_INDEXES = {"article_search": "title, summary, text", "article_search_lead": "title, summary"}


async def _integrity_checked(db: Database) -> None:
    """Each SQLite index holds exactly what its content (the view, so the decompressed text) would index: every
    (word, article, column, position) of the external-content index equals that of a fresh index built from
    the view for the same articles. (FTS5's own 'integrity-check' compares with the content table only from
    SQLite 3.44 on.)"""
    if db.dialect != "sqlite":
        return
    async with db.engine.begin() as connection:
        for table, columns in _INDEXES.items():
            for statement in (
                f"CREATE VIRTUAL TABLE temp.fresh USING fts5({columns}, "
                "tokenize = 'porter unicode61 remove_diacritics 2')",
                f"INSERT INTO temp.fresh (rowid, {columns}) SELECT id, {columns} FROM article_search_source "  # noqa: S608
                f"WHERE id IN (SELECT id FROM {table}_docsize)",
                f"CREATE VIRTUAL TABLE temp.kept_words USING fts5vocab(main, {table}, instance)",
                "CREATE VIRTUAL TABLE temp.fresh_words USING fts5vocab(temp, fresh, instance)",
            ):
                await connection.execute(sa.text(statement))
            for one, other in (("kept_words", "fresh_words"), ("fresh_words", "kept_words")):
                extra = await connection.execute(
                    sa.text(f"SELECT * FROM temp.{one} EXCEPT SELECT * FROM temp.{other} LIMIT 3")  # noqa: S608
                )
                assert extra.all() == [], (table, one)
            kept = await connection.scalar(sa.text("SELECT count(*) FROM temp.kept_words"))
            for name in ("kept_words", "fresh_words", "fresh"):
                await connection.execute(sa.text(f"DROP TABLE temp.{name}"))
            assert kept is not None


async def _hits(db: Database, words: str) -> list[tuple[int, str]]:
    async with db.session(read_only=True) as session:
        return [(hit.article_id, hit.snippet) for hit in await search(session, SearchQuery(words))]


async def test_the_text_reads_back_exactly_and_sqlite_keeps_it_compressed(database: Database) -> None:
    async with database.session() as session, session.begin():
        await session.execute(sa.insert(Article), [article_row(1, title="Harbour story 1", text=TEXT)])
        await index_article(session, 1)

    kind, size = await _stored(database, 1)
    if database.dialect == "sqlite":
        assert kind == "blob"
        assert size < len(TEXT.encode()) / 4  # the repeated sentence compresses well
    else:
        assert (kind, size) == ("text", len(TEXT.encode()))  # PostgreSQL compresses it itself (TOAST)

    # Every reader gets the text back: the ORM, the Core lookup of `linkbrief summarize`, and the search
    # snippet, which SQLite reads through the FTS5 source view.
    async with database.session(read_only=True) as session:
        assert (await session.get(Article, 1)).text == TEXT  # type: ignore[union-attr]
        light = await session.run_sync(lambda sync: sync.execute(sa.select(lookup.ARTICLES.c.text)).scalar_one())
        assert light == TEXT
    ((found, snippet),) = await _hits(database, "Kéréon")
    assert found == 1
    assert "phare" in snippet
    assert [n for n, _ in await _hits(database, "dredging schedule")] == [1]
    await _integrity_checked(database)

    # A summary replaced and the article deleted: FTS5 forgets the entries with the values it indexed, read
    # through the view, so the index stays equal to its content.
    async with database.session() as session, session.begin():
        await save_summary(session, 1, Summary(tldr="Kéréon's lamp is replaced.", summarizer="extractive"))
    await _integrity_checked(database)
    async with database.session() as session, session.begin():
        await session.execute(sa.delete(Article).where(Article.id == 1))
    await _integrity_checked(database)
    assert await _hits(database, "Kéréon") == []


async def test_the_migration_compresses_stored_texts_and_restores_them(empty_database_url: str) -> None:
    db = Database(empty_database_url)
    try:
        await run_alembic(db, command.upgrade, "0011_search_lists")
        texts = {n: f"Story {n}: {TEXT}" for n in range(1, 1204)}  # more than two of the migration's batches
        texts[7] = "Short."  # compressed larger than it is: still converted, still read back
        async with db.session() as session, session.begin():
            await session.execute(
                ARTICLES_AS_TEXT.insert(),
                [article_row(n, title=f"Harbour story {n}", text=text) for n, text in texts.items()],
            )
            for n in (1, 7, 1203):
                await index_article(session, n)
        await _integrity_checked(db)

        await run_alembic(db, command.upgrade, "0012_sqlite_compressed_text")
        expected_kind = "blob" if db.dialect == "sqlite" else "text"
        if db.dialect == "sqlite":
            async with db.engine.connect() as connection:
                kinds = await connection.execute(sa.text("SELECT DISTINCT typeof(text) FROM articles"))
                assert [row[0] for row in kinds] == ["blob"]
        assert (await _stored(db, 1))[0] == expected_kind
        async with db.session(read_only=True) as session:
            stored = {n: text for n, text in await session.execute(sa.select(Article.id, Article.text))}
        assert stored == texts
        await _integrity_checked(db)
        assert {n for n, _ in await _hits(db, "Kéréon")} == {1, 1203}
        assert [n for n, _ in await _hits(db, "short")] == [7]

        await run_alembic(db, command.downgrade, "0011_search_lists")
        async with db.engine.connect() as connection:
            rows = await connection.execute(sa.text("SELECT id, text FROM articles"))
            assert {n: text for n, text in rows} == texts  # TEXT again, readable without the application
        assert (await _stored(db, 1000))[0] == "text"
        await _integrity_checked(db)
        async with db.engine.connect() as connection:
            if db.dialect == "sqlite":  # the 0011 view reads the plain column: FTS5 alone still finds the text
                match = "SELECT rowid FROM article_search WHERE article_search MATCH 'phare' ORDER BY rowid"
                assert [row[0] for row in await connection.execute(sa.text(match))] == [1, 1203]

        await run_alembic(db, command.upgrade, "head")
        assert (await _stored(db, 1000))[0] == expected_kind
        await _integrity_checked(db)
    finally:
        await db.dispose()


async def test_a_connection_without_the_function_cannot_delete_an_article_half_way(sqlite_url: str) -> None:
    """A `sqlite3` shell has no `linkbrief_text`: it sees the compressed BLOB, and deleting an article there is
    refused as a whole (the trigger that removes it from the index cannot read the text), so the index never
    keeps entries for a row that is gone."""
    database = Database(sqlite_url)
    try:
        await database.migrate()
        await _refused_in_a_shell(database)
    finally:
        await database.dispose()


async def _refused_in_a_shell(database: Database) -> None:
    async with database.session() as session, session.begin():
        await session.execute(sa.insert(Article), [article_row(1, title="Harbour story 1", text=TEXT)])
        await index_article(session, 1)
    path = sqlite_file(database.url)
    assert path is not None
    shell = sqlite3.connect(path)
    try:
        (raw,) = shell.execute("SELECT text FROM articles WHERE id = 1").fetchone()
        assert isinstance(raw, bytes)
        with pytest.raises(sqlite3.OperationalError, match="no such function: linkbrief_text"):
            shell.execute("DELETE FROM articles WHERE id = 1")
        shell.rollback()
    finally:
        shell.close()
    assert [n for n, _ in await _hits(database, "Kéréon")] == [1]
    await _integrity_checked(database)


async def test_the_index_check_sees_a_text_changed_behind_the_index(sqlite_url: str) -> None:
    """The check above can fail: a text rewritten without unindexing first leaves entries the view no longer
    gives (what FTS5's external content rules forbid)."""
    database = Database(sqlite_url)
    try:
        await database.migrate()
        async with database.session() as session, session.begin():
            await session.execute(sa.insert(Article), [article_row(1, title="Harbour story 1", text=TEXT)])
            await index_article(session, 1)
        await _integrity_checked(database)
        async with database.session() as session, session.begin():
            await session.execute(sa.update(Article).where(Article.id == 1).values(text="Nothing about lamps."))
        with pytest.raises(AssertionError):
            await _integrity_checked(database)
    finally:
        await database.dispose()
