"""The share queue (bot/store/shares.py) on both databases: idempotent intake, per-channel claims that never
hand one share (or one channel) to two workers, requeueing, and which earlier share a duplicate may point to."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
import sqlalchemy as sa

from bot.store import shares as store
from bot.store.db import Database
from bot.store.models import Article, Share, utcnow
from bot.store.shares import NewShare


def share(channel: str, ts: str, url: str, *, kind: str = "channel", user: str = "U1") -> NewShare:
    return NewShare(
        team_id="T1",
        channel_id=channel,
        channel_type=kind,
        message_ts=ts,
        thread_ts=ts,
        user_id=user,
        url=url,
        event_id="Ev1",
    )


async def add(database: Database, *shares: NewShare) -> list[int]:
    async with database.session() as session, session.begin():
        return await store.add_shares(session, list(shares))


async def claim(database: Database, limit: int = 10) -> list[store.ShareRow]:
    async with database.session() as session, session.begin():
        return await store.claim_batch(session, limit=limit)


async def test_adding_is_idempotent_and_keeps_link_order(database: Database) -> None:
    first = await add(database, share("C1", "1.1", "https://a/1"), share("C1", "1.1", "https://a/2"))
    assert len(first) == 2
    assert first[0] < first[1]
    again = await add(database, share("C1", "1.1", "https://a/2"), share("C1", "1.1", "https://a/3"))
    assert len(again) == 1  # only the new link
    assert again[0] > first[1]
    async with database.session(read_only=True) as session:
        rows = await store.shares_of_message(session, "C1", "1.1")
    assert [r.url for r in rows] == ["https://a/1", "https://a/2", "https://a/3"]
    assert {r.status for r in rows} == {"pending"}


async def test_claims_take_one_idle_channel_at_a_time(database: Database) -> None:
    await add(database, share("C1", "1.1", "https://a/1"), share("C1", "1.1", "https://a/2"))
    await add(database, share("C2", "1.2", "https://b/1"))
    await add(database, share("C1", "1.3", "https://a/3"))
    batch = await claim(database, limit=2)
    assert [(s.channel_id, s.url, s.status, s.attempts) for s in batch] == [
        ("C1", "https://a/1", "working", 1),
        ("C1", "https://a/2", "working", 1),
    ]
    [other] = await claim(database)
    assert other.channel_id == "C2"
    assert await claim(database) == []  # C1's last share waits: C1 is busy
    async with database.session() as session, session.begin():
        for row in batch:
            await store.mark_done(session, row.id, article_id=None, reply_ts="9.9")
    [last] = await claim(database)
    assert last.url == "https://a/3"


async def test_concurrent_claims_never_share_a_share_or_a_channel(database: Database) -> None:
    for channel in ("C1", "C2", "C3", "C4"):
        await add(database, *(share(channel, f"{n}.0", f"https://x/{channel}/{n}") for n in range(5)))
    claimed = await asyncio.gather(*(claim(database, limit=3) for _ in range(8)))
    batches = [b for b in claimed if b]
    ids = [s.id for b in batches for s in b]
    assert len(ids) == len(set(ids))
    channels = [b[0].channel_id for b in batches]
    assert len(channels) == len(set(channels)) == 4
    assert all(len({s.channel_id for s in b}) == 1 for b in batches)


async def test_requeue_and_release_put_work_back(database: Database) -> None:
    await add(database, share("C1", "1.1", "https://a/1"), share("C2", "1.2", "https://b/1"))
    one = await claim(database)
    two = await claim(database)
    async with database.session() as session, session.begin():
        assert await store.release(session, [one[0].id]) == 1
        assert await store.requeue_working(session) == 1
        assert await store.count_by_status(session) == {"pending": 2}
    again = await claim(database)
    assert again[0].attempts == 2
    assert two[0].id != one[0].id


async def test_duplicates_point_only_to_shares_the_channel_can_see(database: Database) -> None:
    async with database.session() as session, session.begin():
        article = Article(
            canonical_url="https://a/",
            url_key="a/",
            host="a",
            text="t",
            word_count=1,
            content_hash="h",
            simhash=0,
            simhash_band0=0,
            simhash_band1=0,
            simhash_band2=0,
            simhash_band3=0,
        )
        session.add(article)
        await session.flush()
        article_id = article.id
    private_id = (await add(database, share("G1", "1.1", "https://a/", kind="group")))[0]
    public_id = (await add(database, share("C1", "1.2", "https://a/")))[0]
    async with database.session() as session, session.begin():
        await store.mark_done(session, private_id, article_id=article_id, reply_ts="1.5")
        await store.mark_done(session, public_id, article_id=article_id, reply_ts="1.6")
        # The private share is the earlier one.
        await session.execute(
            sa.update(Share).where(Share.id == private_id).values(created_at=utcnow() - timedelta(days=1))
        )

    async def earliest(channel: str) -> int | None:
        async with database.session(read_only=True) as session:
            row = await store.earliest_answered_share(session, article_id, where=[store.seen_from(channel)])
        return None if row is None else row.id

    assert await earliest("G1") == private_id
    assert await earliest("C9") == public_id
    assert await earliest("D1") == public_id
    async with database.session(read_only=True) as session:
        assert await store.private_channels_with_shares(session) == ["G1"]
        assert await store.private_channels_with_shares(session, ["C1"]) == []


@pytest.mark.parametrize("kind", ["group", "im", "mpim"])
async def test_private_kinds_are_not_public(database: Database, kind: str) -> None:
    [share_id] = await add(database, share("X1", "1.1", "https://a/", kind=kind))
    async with database.session(read_only=True) as session:
        row = await session.get(Share, share_id)
        assert row is not None
        assert not store.ShareRow.from_row(row).is_public
