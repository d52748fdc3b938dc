"""The article repository on real SQLite and real PostgreSQL: lookups, dedup index, races, summaries, shares."""

from __future__ import annotations

import asyncio
import hashlib
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError, IntegrityError

from bot.store.articles import (
    NewArticle,
    add_alias,
    add_article,
    article_by_id,
    article_for_content_hash,
    article_for_url_key,
    latest_summary,
    near_duplicate,
    save_summary,
    simhash_bands,
    simhash_to_signed,
    simhash_to_unsigned,
)
from bot.store.db import Database
from bot.store.models import Article, ArticleURL, Share, StoredSummary
from bot.store.search import SearchQuery, search
from bot.summarize.base import QAPair, Summary

# A hash with the top bit set, so the signed storage path is exercised.
BASE_HASH = 0xF0E1_D2C3_B4A5_9687


def new_article(n: int, *, simhash: int = BASE_HASH, **overrides: object) -> NewArticle:
    text = f"Article number {n} explains how the reactor cooling loop was redesigned. " * 5
    values: dict[str, object] = {
        "canonical_url": f"https://www.example.com/story/{n}",
        "url_key": f"example.com/story/{n}",
        "title": f"Story {n}",
        "author": "Jane Doe",
        "published": date(2026, 3, 3),
        "site_name": "Example News",
        "language": "en",
        "text": text,
        "word_count": len(text.split()),
        "content_hash": hashlib.sha256(text.encode()).hexdigest(),
        "simhash": simhash,
    }
    values.update(overrides)
    return NewArticle(**values)  # type: ignore[arg-type]


def flip(value: int, *bits: int) -> int:
    for bit in bits:
        value ^= 1 << bit
    return value


async def count(db: Database, model: type) -> int:
    async with db.session(read_only=True) as session:
        return await session.scalar(sa.select(sa.func.count()).select_from(model)) or 0


async def test_add_then_find_by_url_key_content_hash_and_id(database: Database) -> None:
    new = new_article(1)
    async with database.session() as session, session.begin():
        article, created = await add_article(session, new)
    assert created
    async with database.session() as session:
        by_key = await article_for_url_key(session, new.url_key)
        by_hash = await article_for_content_hash(session, new.content_hash)
        by_id = await article_by_id(session, article.id)
        assert by_key is not None
        assert by_hash is not None
        assert by_id is not None
        assert by_key.id == by_hash.id == by_id.id == article.id
        assert await article_for_url_key(session, "example.com/other") is None
        assert await article_for_content_hash(session, "0" * 64) is None
        assert await article_by_id(session, article.id + 1000) is None

    stored = by_id
    assert stored.title == "Story 1"
    assert stored.published == date(2026, 3, 3)
    assert stored.host == "example.com"
    assert stored.simhash < 0  # stored signed ...
    assert simhash_to_unsigned(stored.simhash) == BASE_HASH  # ... and the same 64 bits
    assert stored.created_at.tzinfo is not None
    assert stored.created_at.utcoffset().total_seconds() == 0
    assert abs((datetime.now(UTC) - stored.created_at).total_seconds()) < 300


async def test_adding_known_content_returns_existing_and_records_the_new_url(
    database: Database,
) -> None:
    first = new_article(1)
    same_text_elsewhere = new_article(
        1,
        canonical_url="https://mirror.example.org/copy",
        url_key="mirror.example.org/copy",
    )
    async with database.session() as session, session.begin():
        original, created = await add_article(session, first)
        assert created
        again, created_again = await add_article(session, first)
        mirror, created_mirror = await add_article(session, same_text_elsewhere)
    assert (again.id, created_again) == (original.id, False)
    assert (mirror.id, created_mirror) == (original.id, False)
    assert await count(database, Article) == 1
    async with database.session() as session:
        via_alias = await article_for_url_key(session, "mirror.example.org/copy")
    assert via_alias is not None
    assert via_alias.id == original.id


def test_simhash_helpers_round_trip() -> None:
    for value in (0, 1, BASE_HASH, (1 << 64) - 1, 1 << 63, (1 << 63) - 1):
        signed = simhash_to_signed(value)
        assert -(1 << 63) <= signed < (1 << 63)
        assert simhash_to_unsigned(signed) == value
    assert simhash_bands(0x0004_0003_0002_0001) == (1, 2, 3, 4)


async def test_near_duplicate_finds_within_three_bits_only(database: Database) -> None:
    async with database.session() as session, session.begin():
        stored, _ = await add_article(session, new_article(1))
    async with database.session() as session:
        exact = await near_duplicate(session, BASE_HASH)
        three_off = await near_duplicate(session, flip(BASE_HASH, 1, 20, 63))
        # Four flipped bits, one in each band: no band matches, and it is too far anyway.
        four_spread = await near_duplicate(session, flip(BASE_HASH, 0, 16, 32, 48))
        # Four flipped bits in one band: three bands still match (a candidate), distance 4 rejects it.
        four_one_band = await near_duplicate(session, flip(BASE_HASH, 0, 1, 2, 3))
        far = await near_duplicate(session, ~BASE_HASH & ((1 << 64) - 1))
        one_bit_strict = await near_duplicate(session, flip(BASE_HASH, 5), max_distance=0)
    assert exact is not None
    assert exact.id == stored.id
    assert three_off is not None
    assert three_off.id == stored.id
    assert four_spread is None
    assert four_one_band is None
    assert far is None
    assert one_bit_strict is None


@pytest.mark.parametrize("band", [0, 1, 2, 3])
async def test_near_duplicate_candidates_come_through_each_band(database: Database, band: int) -> None:
    # Distance 3 with exactly one band intact: one flipped bit in each of the other three bands.
    other_bands = [b for b in range(4) if b != band]
    query = flip(BASE_HASH, *(16 * b + 7 for b in other_bands))
    assert sum(a == b for a, b in zip(simhash_bands(query), simhash_bands(BASE_HASH), strict=True)) == 1
    async with database.session() as session, session.begin():
        stored, _ = await add_article(session, new_article(1))
    async with database.session() as session:
        found = await near_duplicate(session, query)
    assert found is not None
    assert found.id == stored.id


async def test_near_duplicate_returns_the_closest_then_lowest_id(database: Database) -> None:
    async with database.session() as session, session.begin():
        two_off, _ = await add_article(session, new_article(1, simhash=flip(BASE_HASH, 3, 40)))
        one_off, _ = await add_article(session, new_article(2, simhash=flip(BASE_HASH, 50)))
        also_one_off, _ = await add_article(session, new_article(3, simhash=flip(BASE_HASH, 9)))
    async with database.session() as session:
        closest = await near_duplicate(session, BASE_HASH)
        near_two = await near_duplicate(session, flip(BASE_HASH, 3, 40))
    assert closest is not None
    assert closest.id == min(one_off.id, also_one_off.id)
    assert near_two is not None
    assert near_two.id == two_off.id
    with pytest.raises(ValueError, match="up to 3"):
        async with database.session() as session:
            await near_duplicate(session, BASE_HASH, max_distance=4)


async def test_concurrent_add_of_the_same_article_leaves_one_row(database: Database) -> None:
    new = new_article(7)
    tasks = 6
    barrier = asyncio.Barrier(tasks)

    async def add_once() -> tuple[int, bool]:
        # The usual check-then-insert: every task sees "not stored yet" before anyone inserts.
        async with database.session(read_only=True) as session:
            assert await article_for_content_hash(session, new.content_hash) is None
        await barrier.wait()
        async with database.session() as session, session.begin():
            article, created = await add_article(session, new)
            await asyncio.sleep(0.02)  # hold the transaction open so the others collide with it
        return article.id, created

    results = await asyncio.gather(*(add_once() for _ in range(tasks)))
    assert len({article_id for article_id, _ in results}) == 1
    assert sum(created for _, created in results) == 1
    assert await count(database, Article) == 1
    assert await count(database, ArticleURL) == 1


async def test_concurrent_add_with_a_summary_returns_the_winner_with_its_summary_indexed_once(
    database: Database,
) -> None:
    """Every racer brings its own summary of the same article: one inserts (article, alias, summary, search
    entry), the others get the winner back with created False and store nothing of theirs."""
    new = new_article(7)
    tasks = 6
    barrier = asyncio.Barrier(tasks)

    async def add_once(n: int) -> tuple[int, bool, str]:
        tldr = f"Racer {n} says the loop was redesigned."
        async with database.session(read_only=True) as session:
            assert await article_for_content_hash(session, new.content_hash) is None
        await barrier.wait()
        async with database.session() as session, session.begin():
            article, created = await add_article(session, new, summary=Summary(tldr, summarizer="extractive"))
            await asyncio.sleep(0.02)  # hold the transaction open so the others collide with it
        return article.id, created, tldr

    results = await asyncio.gather(*(add_once(n) for n in range(tasks)))
    (winner,) = {article_id for article_id, _, _ in results}
    (winning_tldr,) = [tldr for _, created, tldr in results if created]
    assert await count(database, Article) == 1
    assert await count(database, ArticleURL) == 1
    assert await count(database, StoredSummary) == 1
    async with database.session(read_only=True) as session:
        summary = await latest_summary(session, winner)
        assert summary is not None
        assert summary.tldr == winning_tldr
        hits = await search(session, SearchQuery("racer"))
        # FTS5 keeps one size record per indexed article; PostgreSQL one row.
        indexed = "article_search_docsize" if database.dialect == "sqlite" else "article_search"
        documents = await session.scalar(sa.text(f"SELECT count(*) FROM {indexed}"))  # noqa: S608
    assert [(hit.article_id, hit.tldr) for hit in hits] == [(winner, winning_tldr)]
    assert documents == 1


async def test_add_article_returns_the_row_as_stored(database: Database) -> None:
    """The article comes back from the INSERT itself: the same values a later read gives."""
    new = new_article(1, page_qa=(QAPair("Why a new loop?", "The old one overheated."),), doi="10.1000/xyz")
    async with database.session() as session, session.begin():
        article, created = await add_article(session, new, summary=Summary("TL;DR.", summarizer="extractive"))
    assert created
    async with database.session() as session:
        again = await article_by_id(session, article.id)
    assert again is not None
    columns = [column.key for column in sa.inspect(Article).column_attrs]
    assert {key: getattr(article, key) for key in columns} == {key: getattr(again, key) for key in columns}
    assert article.text == new.text
    assert article.page_qa == [{"question": "Why a new loop?", "answer": "The old one overheated."}]


async def test_concurrent_aliases_for_one_key_agree_on_the_first(database: Database) -> None:
    async with database.session() as session, session.begin():
        first, _ = await add_article(session, new_article(1))
        second, _ = await add_article(session, new_article(2, simhash=0))
    barrier = asyncio.Barrier(8)

    async def alias_to(article_id: int) -> int:
        await barrier.wait()
        async with database.session() as session, session.begin():
            mapped = await add_alias(session, "short.example/x", "https://short.example/x", article_id)
            await asyncio.sleep(0.01)
        return mapped

    results = await asyncio.gather(*(alias_to(a.id) for a in [first, second] * 4))
    async with database.session() as session:
        winner = await article_for_url_key(session, "short.example/x")
    assert winner is not None
    assert set(results) == {winner.id}
    async with database.session() as session:
        rows = await session.scalar(sa.select(sa.func.count()).where(ArticleURL.url_key == "short.example/x"))
    assert rows == 1


async def test_save_summary_upserts_and_latest_summary_round_trips(database: Database) -> None:
    async with database.session() as session, session.begin():
        article, _ = await add_article(session, new_article(1))
        assert await latest_summary(session, article.id) is None

    draft = Summary(tldr="Draft.", key_points=("a",), qa=(), summarizer="extractive")
    final = Summary(
        tldr="The loop was redesigned.",
        key_points=("Cooling moved outside.", "Pumps were doubled."),
        qa=(QAPair("Why?", "Overheating."), QAPair("When?", "In 2026.")),
        summarizer="extractive",
    )
    by_llm = Summary(
        tldr="LLM view.",
        key_points=("k",),
        qa=(QAPair("q", "a"),),
        summarizer="llm",
        model="gpt-test",
        prompt_tokens=120,
        completion_tokens=40,
        dropped_claims=2,
    )
    async with database.session() as session, session.begin():
        await save_summary(session, article.id, draft)
        await save_summary(session, article.id, final)  # same summarizer: replaces the draft
        assert await latest_summary(session, article.id) == final
    assert await count(database, StoredSummary) == 1

    async with database.session() as session, session.begin():
        await save_summary(session, article.id, by_llm)
    async with database.session() as session:
        latest = await latest_summary(session, article.id)
    assert latest == by_llm
    assert (latest.model, latest.prompt_tokens, latest.dropped_claims) == ("gpt-test", 120, 2)
    assert await count(database, StoredSummary) == 2


def share_row(**overrides: object) -> Share:
    values: dict[str, object] = {
        "team_id": "T1",
        "channel_id": "C1",
        "channel_type": "channel",
        "message_ts": "1700000000.000100",
        "thread_ts": None,
        "user_id": "U1",
        "url": "https://example.com/story/1",
    }
    values.update(overrides)
    return Share(**values)


async def test_share_defaults_and_unique_message_link(database: Database) -> None:
    async with database.session() as session, session.begin():
        share = share_row()
        session.add(share)
        session.add(share_row(url="https://example.com/other"))  # another link, same message: fine
    assert (share.status, share.attempts) == ("pending", 0)
    assert share.updated_at.tzinfo is not None

    with pytest.raises(IntegrityError):
        async with database.session() as session, session.begin():
            session.add(share_row())  # Slack retried the same event
    assert await count(database, Share) == 2


async def test_share_status_is_checked(database: Database) -> None:
    with pytest.raises(IntegrityError):
        async with database.session() as session, session.begin():
            session.add(share_row(status="lost"))
    with pytest.raises(IntegrityError):
        async with database.session() as session, session.begin():
            session.add(share_row(channel_type="forum"))


async def test_deleting_an_article_cascades(database: Database) -> None:
    async with database.session() as session, session.begin():
        article, _ = await add_article(session, new_article(1, title="Reactor cooling story"))
        keep, _ = await add_article(session, new_article(2, simhash=0, title="Other reactor story"))
        await add_alias(session, "alias.example/1", "https://alias.example/1", article.id)
        await save_summary(session, article.id, Summary("TL;DR.", summarizer="extractive"))
        share = share_row(article_id=article.id)
        session.add(share)
        await session.flush()
        session.add(share_row(message_ts="2.0", duplicate_of_share_id=share.id))
    async with database.session() as session:
        assert {h.article_id for h in await search(session, SearchQuery("reactor"))} == {
            article.id,
            keep.id,
        }

    async with database.session() as session, session.begin():
        await session.execute(sa.delete(Article).where(Article.id == article.id))
        await session.execute(sa.delete(Share).where(Share.id == share.id))

    async with database.session() as session:
        aliases = await session.scalars(sa.select(ArticleURL.article_id))
        assert set(aliases) == {keep.id}
        assert await session.scalar(sa.select(sa.func.count()).select_from(StoredSummary)) == 0
        remaining = (await session.scalars(sa.select(Share))).one()
        assert remaining.duplicate_of_share_id is None  # SET NULL
        assert [h.article_id for h in await search(session, SearchQuery("reactor"))] == [keep.id]
        documents = await session.scalar(sa.text("SELECT count(*) FROM article_search"))
        assert documents == 1


async def test_share_keeps_existing_when_its_article_goes(database: Database) -> None:
    async with database.session() as session, session.begin():
        article, _ = await add_article(session, new_article(1))
        session.add(share_row(article_id=article.id))
    async with database.session() as session, session.begin():
        await session.execute(sa.delete(Article))
    async with database.session() as session:
        share = (await session.scalars(sa.select(Share))).one()
    assert share.article_id is None


async def test_concurrent_read_then_write_transactions_do_not_fail(database: Database) -> None:
    # On SQLite, deferred transactions that read, yield, then write fail with "database is locked" as soon as
    # two overlap; BEGIN IMMEDIATE makes them queue instead. PostgreSQL runs the same load for parity.
    writers, rounds = 12, 8

    async def writer(n: int) -> None:
        for r in range(rounds):
            async with database.session() as session, session.begin():
                await session.scalar(sa.select(sa.func.count()).select_from(Share))
                await asyncio.sleep(0)  # let the other writers interleave mid-transaction
                session.add(share_row(message_ts=f"{n}.{r}"))

    await asyncio.gather(*(writer(n) for n in range(writers)))
    assert await count(database, Share) == writers * rounds


async def test_read_only_session_is_not_blocked_by_an_open_writer(database: Database) -> None:
    writer_inside = asyncio.Event()
    reader_done = asyncio.Event()

    async def writer() -> None:
        async with database.session() as session, session.begin():
            session.add(share_row())
            await session.flush()
            writer_inside.set()
            await asyncio.wait_for(reader_done.wait(), timeout=30)

    async def reader() -> int:
        await writer_inside.wait()
        async with database.session(read_only=True) as session:
            seen = await session.scalar(sa.select(sa.func.count()).select_from(Share))
        reader_done.set()
        return seen or 0

    _, seen = await asyncio.gather(writer(), reader())
    assert seen == 0  # the reader saw the state before the writer's uncommitted row
    assert await count(database, Share) == 1


async def test_ping(database: Database) -> None:
    await database.ping()


async def test_ping_raises_when_the_server_is_unreachable() -> None:
    unreachable = Database("postgresql+asyncpg://postgres@127.0.0.1:9/none")
    try:
        with pytest.raises((OSError, DBAPIError)):
            await unreachable.ping()
    finally:
        await unreachable.dispose()
