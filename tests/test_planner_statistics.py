"""SQLite's planner statistics (bot.store.statistics): gathered by `refresh_statistics`, kept by the running bot,
and what they are for: `/brief`'s lookup of its hits' first visible shares reads those articles' shares through
the article index, not every share through the status index. PostgreSQL's autovacuum keeps its own."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from fakeslack import FakeSlack
from slackbot import bot_client, eventually
from stored_rows import article_row

from bot.store.db import Database
from bot.store.library import Audience, ShareFilters, find_shared
from bot.store.models import Article, Share
from bot.store.search import index_article
from bot.store.statistics import PlannerStatistics, refresh_statistics

ARTICLES = 300
SHARES_EACH = 2  # 600 shares, all answered ('done'), as in any archive that has been running a while
PRIVATE = "GPRIVATE"


async def _archive(db: Database) -> None:
    """Articles about comets, each shared many times, a few of the shares in a private channel."""
    start = datetime(2026, 11, 1, tzinfo=UTC)
    async with db.session() as session, session.begin():
        await session.execute(
            sa.insert(Article),
            [
                article_row(n, title=f"Comet {n}", text=f"A comet seen from station {n}.")
                for n in range(1, ARTICLES + 1)
            ],
        )
        for n in range(1, ARTICLES + 1):
            await index_article(session, n)
        session.add_all(
            Share(
                team_id="T1",
                channel_id=PRIVATE if n % 5 == k else f"C{n % 7}",
                channel_type="group" if n % 5 == k else "channel",
                message_ts=f"{n}.{k:06d}",
                user_id="U1",
                url=f"https://example.com/{n}",
                article_id=n,
                status="done",
                created_at=start + timedelta(minutes=n * SHARES_EACH + k),
            )
            for n in range(1, ARTICLES + 1)
            for k in range(SHARES_EACH)
        )


@pytest.fixture
async def archive(database: Database) -> Database:
    await _archive(database)
    return database


class _SharePlans:
    """The query plan SQLite gives each statement that reads `shares` by a list of article ids."""

    def __init__(self, db: Database) -> None:
        self.statements: list[tuple[str, Any]] = []
        self._engine = db.engine.sync_engine

    def __enter__(self) -> _SharePlans:
        sa.event.listen(self._engine, "before_cursor_execute", self._seen)
        return self

    def __exit__(self, *_: object) -> None:
        sa.event.remove(self._engine, "before_cursor_execute", self._seen)

    def _seen(self, _conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.lstrip().startswith("SELECT shares.") and "shares.article_id IN" in statement:
            self.statements.append((statement, parameters))

    async def plans(self, db: Database) -> list[str]:
        found: list[str] = []
        async with db.engine.connect() as connection:
            for statement, parameters in self.statements:
                rows = await connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
                found.append(" / ".join(str(row[-1]) for row in rows))
        return found


async def _visible_comets(db: Database) -> tuple[list[tuple[int, str]], list[str]]:
    """`/brief comet` as a member of the private channel: each hit with its first visible share's channel, and
    the plans of the share lookups it made."""
    with _SharePlans(db) as watched:
        async with db.session(read_only=True) as session:
            hits = await find_shared(
                session, "comet", ShareFilters(), Audience(member_of=frozenset({PRIVATE})), offset=0, limit=10
            )
    return [(hit.article_id, hit.share.channel_id) for hit in hits], await watched.plans(db)


@pytest.mark.parametrize("empty_database_url", ["sqlite"], indirect=True)
async def test_counted_indexes_make_the_first_visible_shares_a_lookup_by_article(archive: Database) -> None:
    before, plans_before = await _visible_comets(archive)
    # Without counts SQLite takes `status = 'done'` for a narrow test and walks every share by the status index.
    assert plans_before
    assert all("ix_shares_status_created_at" in plan for plan in plans_before), plans_before

    assert await refresh_statistics(archive) is True
    async with archive.session(read_only=True) as session:
        counted = set(await session.scalars(sa.text("SELECT idx FROM sqlite_stat1 WHERE tbl = 'shares'")))
    assert {"ix_shares_article_id", "ix_shares_status_created_at"} <= counted

    after, plans_after = await _visible_comets(archive)
    assert plans_after
    assert all("USING INDEX ix_shares_article_id" in plan for plan in plans_after), plans_after
    assert after == before  # the same hits, each with the same first share
    assert len(after) == 10


@pytest.mark.parametrize("empty_database_url", ["postgresql"], indirect=True)
async def test_postgresql_is_left_to_autovacuum(archive: Database) -> None:
    assert await refresh_statistics(archive) is False
    keeper = PlannerStatistics(archive, interval=0.01)
    keeper.start()
    assert not keeper.running  # nothing to keep: no timer
    await keeper.aclose()


@pytest.mark.parametrize("empty_database_url", ["sqlite"], indirect=True)
async def test_the_keeper_counts_at_start_and_again_each_interval(archive: Database) -> None:
    keeper = PlannerStatistics(archive, interval=0.05)
    keeper.start()
    try:

        async def counted_rows() -> int | None:
            async with archive.session(read_only=True) as session:
                try:
                    return await session.scalar(
                        sa.text("SELECT CAST(stat AS INTEGER) FROM sqlite_stat1 WHERE idx = 'ix_shares_article_id'")
                    )
                except sa.exc.OperationalError:  # no sqlite_stat1 before the first ANALYZE
                    return None

        first: list[int] = []

        async def first_count() -> bool:
            first.extend(filter(None, [await counted_rows()]))
            return bool(first)

        await eventually(first_count)
        await _archive_more(archive)  # the archive doubles: a later tick counts it (an estimate, read in samples)

        async def counted_again() -> bool:
            return (await counted_rows() or 0) > first[0] * 1.5

        await eventually(counted_again)
    finally:
        await keeper.aclose()


async def _archive_more(db: Database) -> None:
    async with db.session() as session, session.begin():
        session.add_all(
            Share(
                team_id="T1",
                channel_id="C1",
                channel_type="channel",
                message_ts=f"9{n}.{k:06d}",  # a second round of shares, one per article and round
                user_id="U1",
                url=f"https://example.com/{n}",
                article_id=n,
                status="done",
            )
            for n in range(1, ARTICLES + 1)
            for k in range(SHARES_EACH)
        )


@pytest.mark.parametrize("empty_database_url", ["sqlite"], indirect=True)
async def test_the_running_bot_counts_sqlites_indexes(database: Database) -> None:
    async with FakeSlack() as slack, bot_client(slack, database.url) as client:

        async def counted() -> bool:
            async with client.bot.database.session(read_only=True) as session:
                try:
                    return bool(await session.scalar(sa.text("SELECT count(*) FROM sqlite_stat1")))
                except sa.exc.OperationalError:
                    return False

        await eventually(counted)
