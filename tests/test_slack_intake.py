"""Intake without Slack: events in, share rows out (both databases), group commit, and the SQLite write gate
that keeps the ack's write from waiting behind the worker's."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
import sqlalchemy as sa
from slacksign import LinkPart, event_callback, message_event

from bot.slack.intake import Intake, channel_type_of, reply_thread_of
from bot.store.db import Database
from bot.store.models import Share
from bot.store.write_gate import IntakeFirstDatabase, WriteGate


@pytest.fixture
async def gated(database: Database) -> AsyncIterator[IntakeFirstDatabase]:
    """The bot's kind of Database, on the (migrated) database of each backend."""
    db = IntakeFirstDatabase(database.url)
    try:
        yield db
    finally:
        await db.dispose()


async def test_concurrent_events_are_stored_with_few_commits(gated: IntakeFirstDatabase) -> None:
    woken: list[int] = []
    intake = Intake(gated, max_links=5, on_new_work=lambda: woken.append(1))
    commits: list[int] = []
    sa.event.listen(gated.engine.sync_engine, "commit", lambda _conn: commits.append(1))
    events = [
        event_callback(message_event(LinkPart(f"https://example.com/{n}"), LinkPart(f"https://example.org/{n}")))
        for n in range(20)
    ]
    results = await asyncio.gather(*(intake.message_event(e, bot_user_id="UBOT", bot_id="BBOT") for e in events))
    assert all(len(r.new_share_ids) == 2 for r in results)
    assert len(commits) < 10  # grouped, not one transaction per event
    assert len(woken) == 20
    async with gated.session(read_only=True) as session:
        assert await session.scalar(sa.select(sa.func.count()).select_from(Share)) == 40
    again = await intake.message_event(events[0], bot_user_id="UBOT", bot_id="BBOT")
    assert again.new_share_ids == ()  # a retried delivery adds nothing
    assert again.links == ("https://example.com/0", "https://example.org/0")


async def test_a_failed_write_fails_the_event_so_slack_retries(gated: IntakeFirstDatabase) -> None:
    intake = Intake(gated, max_links=5)
    event = event_callback(message_event(LinkPart("https://example.com/a")))
    async with gated.engine.begin() as connection:
        await connection.execute(sa.text("DROP TABLE shares"))
    with pytest.raises(sa.exc.DBAPIError):
        await intake.message_event(event, bot_user_id="UBOT", bot_id="BBOT")


def test_where_replies_go_and_what_kind_of_conversation() -> None:
    top = message_event(LinkPart("https://example.com/a"))
    assert reply_thread_of(top) == top["ts"]
    reply = message_event(LinkPart("https://example.com/a"), thread_ts="1.0")
    assert reply_thread_of(reply) == "1.0"
    dm = message_event(LinkPart("https://example.com/a"), channel="D1", channel_type="im")
    assert reply_thread_of(dm) is None
    assert channel_type_of(dm) == "im"
    assert channel_type_of({"channel": "D9"}) == "im"
    assert channel_type_of({"channel": "C9"}) == "group"  # unknown kind: treated as private
    assert channel_type_of({"channel": "C9", "channel_type": "channel"}) == "channel"


async def test_write_gate_puts_intake_first_but_never_twice_in_a_row() -> None:
    gate = WriteGate()
    order: list[str] = []
    await gate.acquire(urgent=False)  # a worker transaction is running

    async def write(name: str, *, urgent: bool) -> None:
        await gate.acquire(urgent=urgent)
        order.append(name)
        await asyncio.sleep(0)
        gate.release()

    tasks = [
        asyncio.create_task(write("worker-1", urgent=False)),
        asyncio.create_task(write("intake-1", urgent=True)),
        asyncio.create_task(write("intake-2", urgent=True)),
        asyncio.create_task(write("worker-2", urgent=False)),
    ]
    await asyncio.sleep(0)
    gate.release()
    await asyncio.gather(*tasks)
    assert order == ["intake-1", "worker-1", "intake-2", "worker-2"]


async def test_a_cancelled_waiter_does_not_block_the_gate() -> None:
    gate = WriteGate()
    await gate.acquire(urgent=False)
    cancelled = asyncio.create_task(gate.acquire(urgent=True))
    waiting = asyncio.create_task(gate.acquire(urgent=False))
    await asyncio.sleep(0)
    cancelled.cancel()
    gate.release()
    await asyncio.wait_for(waiting, 1)
    gate.release()
    await asyncio.wait_for(gate.acquire(urgent=True), 1)  # free again


async def test_a_writer_waiting_too_long_fails_instead_of_hanging() -> None:
    gate = WriteGate(timeout=0.05)
    await gate.acquire(urgent=False)
    with pytest.raises(TimeoutError):
        await gate.acquire(urgent=True)  # e.g. a write session opened inside another one
    gate.release()
    await asyncio.wait_for(gate.acquire(urgent=False), 1)  # the gate is usable again
