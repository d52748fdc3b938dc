"""PostgreSQL's top-k lists of common search words (bot.store.search_lists), on a real server.

A list must never change an answer: every page a list serves is compared with the full ranking of the same
database (the lists removed inside a rolled-back transaction), after building, after articles come, go and
change their summaries, with filters, and past the list's end.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import croniter
import pytest
import sqlalchemy as sa

from bot.queue import SEARCH_LISTS_CRON
from bot.store.articles import NewArticle, add_article, save_summary
from bot.store.db import Database
from bot.store.models import Article
from bot.store.search import SearchHit, SearchQuery, search
from bot.store.search_lists import LISTS_TABLE, TOP_TABLE, refresh_search_lists
from bot.summarize.base import Summary

# Small enough to build from a few hundred articles, and to page past a list's end.
MIN_MATCHES = 40
SIZE = 12


def _article(n: int, title: str, text: str) -> NewArticle:
    url = f"https://news.example.org/{n}"
    return NewArticle(
        canonical_url=url,
        url_key=url.split("://", 1)[1],
        title=title,
        author=None,
        published=None,
        site_name="Example",
        language="en",
        text=text,
        word_count=len(text.split()),
        content_hash=hashlib.sha256(f"{n}{text}".encode()).hexdigest(),
        simhash=n * 0x0101_0101_0101_0101,
    )


def _harbour_article(n: int) -> NewArticle:
    """Articles that mention the harbour 0-3 times in their title: a common word whose ranks differ."""
    title = " ".join(["Harbour"] * (n % 4) + [f"notes {n}"])
    dredging = " Dredging was approved." if n % 3 == 0 else ""
    return _article(n, title, f"Council meeting {n}. The harbour was discussed {n % 5} times. Parks too.{dredging}")


async def _store(db: Database, *articles: NewArticle) -> list[int]:
    async with db.session() as session, session.begin():
        return [(await add_article(session, new))[0].id for new in articles]


async def _summarise(db: Database, article_id: int, tldr: str) -> None:
    async with db.session() as session, session.begin():
        await save_summary(session, article_id, Summary(tldr=tldr, summarizer="extractive"))


async def _analyze(db: Database) -> None:
    async with db.engine.connect() as conn:
        await conn.execution_options(isolation_level="AUTOCOMMIT")
        await conn.exec_driver_sql("ANALYZE article_search")


@pytest.fixture
async def db(pg_url: str) -> AsyncIterator[Database]:
    database = Database(pg_url)
    try:
        await database.migrate()
        yield database
    finally:
        await database.dispose()


_READS = sa.text(
    "SELECT relname, coalesce(idx_scan, 0) + coalesce(seq_scan, 0) FROM pg_stat_xact_user_tables "
    "WHERE relname IN (:top, 'article_search')"
).bindparams(top=TOP_TABLE)


async def _listed(db: Database, query: SearchQuery, filters: list[sa.ColumnElement[bool]]) -> tuple[list[int], bool]:
    """The ids `search` returns, and whether a list answered: the lists' table was read and the lead vectors'
    table was not (the full ranking reads it), by the server's own count of table reads (pending counts of
    earlier transactions may be in the view too, hence the difference)."""
    async with db.session() as session, session.begin():
        before = dict((await session.execute(_READS)).all())
        hits = await search(session, query, filters=filters)
        after = dict((await session.execute(_READS)).all())
    read = {table: after.get(table, 0) - before.get(table, 0) for table in (TOP_TABLE, "article_search")}
    return [hit.article_id for hit in hits], read[TOP_TABLE] > 0 and read["article_search"] == 0


async def _fully_ranked(db: Database, query: SearchQuery, filters: list[sa.ColumnElement[bool]]) -> list[SearchHit]:
    """The same search with no list at all (removed in a transaction that is rolled back)."""
    async with db.session() as session, session.begin():
        await session.execute(sa.text(f"DELETE FROM {LISTS_TABLE}"))  # noqa: S608 - constant
        hits = await search(session, query, filters=filters)
        await session.rollback()
    return hits


async def _assert_same_as_full_ranking(
    db: Database, word: str, *, filters: list[sa.ColumnElement[bool]] | None = None, pages: int = 4
) -> int:
    """Every page of `word` equals the full ranking's; returns how many pages the list served."""
    served = 0
    for offset in range(0, pages * 5, 5):
        query = SearchQuery(word, limit=5, offset=offset)
        ids, from_list = await _listed(db, query, filters or [])
        assert ids == [hit.article_id for hit in await _fully_ranked(db, query, filters or [])], offset
        assert len(ids) == 5
        served += from_list
    return served


@pytest.mark.postgresql
async def test_a_common_word_is_listed_once_and_its_pages_equal_the_full_ranking(db: Database) -> None:
    await _store(db, *(_harbour_article(n) for n in range(1, 121)))
    await _store(db, *(_article(n, f"Weather {n}", "Rain again.") for n in range(200, 230)))
    await _analyze(db)

    assert await refresh_search_lists(db, min_matches=MIN_MATCHES, size=SIZE) >= 1
    assert await refresh_search_lists(db, min_matches=MIN_MATCHES, size=SIZE) == 0  # already listed
    async with db.session() as session:
        terms = set(await session.scalars(sa.text(f"SELECT term FROM {LISTS_TABLE}")))  # noqa: S608
        sizes = dict((await session.execute(sa.text(f"SELECT term, count(*) FROM {TOP_TABLE} GROUP BY term"))).all())  # type: ignore[arg-type]  # noqa: S608
    assert "'harbour'" in terms
    assert "'weather'" not in terms  # in 30 leads: fewer than MIN_MATCHES
    assert sizes["'harbour'"] == SIZE

    # Pages 1 and 2 (10 of the 12 listed) come from the list; pages 3 and 4 go past its end and are ranked in
    # full. Every one is the full ranking's page; "harbours" finds the same lexeme.
    assert await _assert_same_as_full_ranking(db, "harbour") == 2
    assert (await _listed(db, SearchQuery("Harbours", limit=5), []))[0] == (
        await _listed(db, SearchQuery("harbour", limit=5), [])
    )[0]


@pytest.mark.postgresql
async def test_lists_stay_exact_as_articles_come_go_and_change(db: Database) -> None:
    ids = await _store(db, *(_harbour_article(n) for n in range(1, 121)))
    await _analyze(db)
    await refresh_search_lists(db, min_matches=MIN_MATCHES, size=SIZE)
    before, _ = await _listed(db, SearchQuery("harbour", limit=5), [])

    # A new article more about the harbour than any enters the list and leads; a weak one stays below it.
    (strong,) = await _store(db, _article(500, "Harbour harbour harbour harbour harbour", "The harbour."))
    await _summarise(db, strong, "The harbour plan: harbour dredging, harbour fees and a harbour festival.")
    await _store(db, _article(501, "Parks", "The harbour, once."))
    # A listed article goes; another listed one is summarised again without the word, one outside gets it.
    async with db.session() as session, session.begin():
        await session.execute(sa.delete(Article).where(Article.id == before[0]))
    await _summarise(db, before[1], "A report on the parks budget.")
    await _summarise(db, ids[0], "Harbour harbour: the harbour dredging and the harbour fees, the harbour.")

    assert await _assert_same_as_full_ranking(db, "harbour", pages=5) >= 2
    first, _ = await _listed(db, SearchQuery("harbour", limit=3), [])
    assert first[0] == strong
    assert before[0] not in first


@pytest.mark.postgresql
async def test_filters_apply_to_the_list_and_too_few_survivors_fall_back(db: Database) -> None:
    ids = await _store(db, *(_harbour_article(n) for n in range(1, 121)))
    await _analyze(db)
    await refresh_search_lists(db, min_matches=MIN_MATCHES, size=SIZE)
    # Half the archive hidden: the list still fills the first page with visible articles.
    visible = Article.id.in_(ids[::2])
    assert await _assert_same_as_full_ranking(db, "harbour", filters=[visible], pages=1) == 1
    # Only the oldest ten visible: the listed (best-ranked) articles hardly pass, so the full ranking answers.
    few = Article.id.in_(ids[:10])
    assert await _assert_same_as_full_ranking(db, "harbour", filters=[few], pages=2) == 0
    hits, _ = await _listed(db, SearchQuery("harbour", limit=5), [few])
    assert hits
    assert set(hits) <= set(ids[:10])


@pytest.mark.postgresql
async def test_other_queries_never_read_the_lists(db: Database) -> None:
    await _store(db, *(_harbour_article(n) for n in range(1, 121)))
    await _analyze(db)
    await refresh_search_lists(db, min_matches=MIN_MATCHES, size=SIZE)
    for text in ("harbour council", "harbour or weather", '"the harbour"'):
        ids, from_list = await _listed(db, SearchQuery(text, limit=5), [])
        assert not from_list, text
        assert ids == [hit.article_id for hit in await _fully_ranked(db, SearchQuery(text, limit=5), [])]


async def test_sqlite_has_no_lists_to_build(sqlite_url: str) -> None:
    database = Database(sqlite_url)
    try:
        await database.migrate()
        assert await refresh_search_lists(database, min_matches=1) == 0
    finally:
        await database.dispose()


def test_the_worker_refreshes_the_lists_every_ten_minutes() -> None:
    """The periodic task's cron, read as procrastinate reads it (croniter): every ten minutes, all hour."""
    start = datetime(2026, 12, 5, 8, 3, tzinfo=UTC)
    ticks = croniter.croniter(SEARCH_LISTS_CRON, start)
    minutes = [ticks.get_next(datetime) for _ in range(12)]
    assert [tick.minute for tick in minutes[:6]] == [7, 17, 27, 37, 47, 57]
    assert all((later - earlier).total_seconds() == 600 for earlier, later in itertools.pairwise(minutes))


@pytest.mark.postgresql
async def test_a_common_word_with_exclusions_is_read_from_its_list_with_the_same_answer(db: Database) -> None:
    """An exclusion is a filter on the word's ranked list: anywhere in the article (title, summary, text)."""
    ids = await _store(db, *(_harbour_article(n) for n in range(1, 121)))
    await _summarise(db, ids[-1], "The harbour board approved dredging.")  # the exclusion in a summary only
    await _analyze(db)
    await refresh_search_lists(db, min_matches=MIN_MATCHES, size=SIZE)
    for text in ("harbour -dredging", "harbour -dredging -parks", "harbour -weather"):
        for offset in (0, 5, 10):
            query = SearchQuery(text, limit=5, offset=offset)
            ids_found, _ = await _listed(db, query, [])
            assert ids_found == [hit.article_id for hit in await _fully_ranked(db, query, [])], (text, offset)
    first, _ = await _listed(db, SearchQuery("harbour -dredging", limit=5), [])
    assert len(first) == 5
    assert ids[-1] not in first
    assert not any(n % 3 == 0 for n in first)  # article n is stored as id n here: no text with "dredging"
