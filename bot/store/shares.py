"""Repository functions for Slack shares: the durable queue between the Slack listener and the worker.

A share is one link in one Slack message. The listener writes it (`add_shares`) before Slack gets its ack; the
worker claims it (`claim_batch`), and ends it `done` or `failed`. Every function takes an `AsyncSession` and
leaves the transaction to the caller, like `bot.store.articles`; each worker step is its own short transaction,
because on SQLite a write transaction holds the database's only write lock.

Claims are per channel: a worker takes pending shares of one channel that no other worker is busy with. That
keeps a channel's replies in order and under one pacer, and one busy channel cannot starve the others. The
claim is atomic on both databases: on SQLite every write transaction starts with `BEGIN IMMEDIATE` (see
`bot.store.db`), so claims are serialised by the write lock; on PostgreSQL a transaction-scoped advisory lock
serialises the few statements of a claim (the "is this channel busy?" check cannot be made atomic by row locks
alone, since it looks at rows that are *not* being updated).

A share is keyed by a digest of its URL, not the URL (see `Share`), and `NewShare` refuses what the database
must never hold: control characters (PostgreSQL cannot store a NUL at all, and would fail the whole group
commit) and ids longer than their columns. The Slack door (`bot.slack.links`) cleans and shape-checks what
Slack sends before it gets here; the check here makes a slip a bug in one event, not a poisoned batch.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import ColumnElement
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.conversations import PUBLIC_CHANNEL_TYPES, public_shares
from bot.store.models import Share, ShareStatus, url_digest, utcnow

# Any constant works; it only has to be the same in every process that claims shares from one database.
_CLAIM_LOCK_KEY = 0x6C696E6B  # "link"
# The widths of the shares columns NewShare's fields go into (url is TEXT, unbounded).
_COLUMN_WIDTHS = {
    "team_id": 64,
    "channel_id": 64,
    "channel_type": 16,
    "message_ts": 32,
    "thread_ts": 32,
    "user_id": 64,
    "event_id": 64,
}


@dataclass(frozen=True, slots=True)
class NewShare:
    """One link of one Slack message, as the listener saw it. ValueError when a field cannot be stored."""

    team_id: str
    channel_id: str
    channel_type: str
    message_ts: str
    thread_ts: str | None
    user_id: str
    url: str
    event_id: str | None = None

    def __post_init__(self) -> None:
        for field in fields(self):
            value = getattr(self, field.name)
            if value is None:
                continue
            if has_control_characters(value):
                raise ValueError(f"share {field.name} contains control characters")
            if len(value) > _COLUMN_WIDTHS.get(field.name, len(value)):
                raise ValueError(f"share {field.name} is longer than {_COLUMN_WIDTHS[field.name]} characters")

    @property
    def url_digest(self) -> str:
        return url_digest(self.url)


def is_control_character(ch: str) -> bool:
    """A control character (C0, DEL, C1) or a lone surrogate: never stored (PostgreSQL cannot hold a NUL,
    nor either database an unpaired surrogate)."""
    return unicodedata.category(ch) in ("Cc", "Cs")


def has_control_characters(text: str) -> bool:
    return any(is_control_character(ch) for ch in text)


@dataclass(frozen=True, slots=True)
class ShareRow:
    """A stored share, detached from its session (what the worker and `/brief` read)."""

    id: int
    team_id: str
    channel_id: str
    channel_type: str
    message_ts: str
    thread_ts: str | None
    user_id: str
    url: str
    status: str
    article_id: int | None
    reply_ts: str | None
    error_code: str | None
    attempts: int
    created_at: datetime

    @classmethod
    def from_row(cls, row: Share) -> ShareRow:
        return cls(
            id=row.id,
            team_id=row.team_id,
            channel_id=row.channel_id,
            channel_type=row.channel_type,
            message_ts=row.message_ts,
            thread_ts=row.thread_ts,
            user_id=row.user_id,
            url=row.url,
            status=row.status,
            article_id=row.article_id,
            reply_ts=row.reply_ts,
            error_code=row.error_code,
            attempts=row.attempts,
            created_at=row.created_at,
        )

    @property
    def is_public(self) -> bool:
        """Shared in a public channel, as it was then (`public_shares` says whether it still is)."""
        return self.channel_type in PUBLIC_CHANNEL_TYPES


def _insert(session: AsyncSession) -> Any:
    return postgresql.insert if _dialect(session) == "postgresql" else sqlite.insert


def _dialect(session: AsyncSession) -> str:
    return session.get_bind().dialect.name


async def add_shares(session: AsyncSession, shares: Sequence[NewShare]) -> list[int]:
    """Insert the shares not stored yet (key: channel, message ts, url digest); return the ids of the new ones.

    In the given order, so ids follow link order within a message. A share already stored (Slack retried the
    event, or an edited message still carries a link handled before) is left exactly as it is.
    """
    if not shares:
        return []
    now = utcnow()
    values = [
        {
            "team_id": s.team_id,
            "channel_id": s.channel_id,
            "channel_type": s.channel_type,
            "message_ts": s.message_ts,
            "thread_ts": s.thread_ts,
            "user_id": s.user_id,
            "url": s.url,
            "url_digest": s.url_digest,
            "event_id": s.event_id,
            "status": ShareStatus.PENDING.value,
            "attempts": 0,
            "created_at": now,
            "updated_at": now,
        }
        for s in shares
    ]
    new_ids: list[int] = []
    for value in values:  # one statement per row: RETURNING order of a multi-row insert is not guaranteed
        stmt = (
            _insert(session)(Share)
            .values(value)
            .on_conflict_do_nothing(index_elements=[Share.channel_id, Share.message_ts, Share.url_digest])
            .returning(Share.id)
        )
        share_id = await session.scalar(stmt)
        if share_id is not None:
            new_ids.append(share_id)
    return new_ids


async def add_done_share(session: AsyncSession, share: NewShare, *, article_id: int, reply_ts: str) -> int | None:
    """Record a share that is already answered (a summary posted with "Post in channel"); its id, or None."""
    ids = await add_shares(session, [share])
    if not ids:
        return None
    await mark_done(session, ids[0], article_id=article_id, reply_ts=reply_ts)
    return ids[0]


async def claim_batch(session: AsyncSession, *, limit: int) -> list[ShareRow]:
    """Mark up to `limit` pending shares of one idle channel as working and return them, oldest first.

    Idle: no share of the channel is being worked on. The channel whose pending share is oldest goes first.
    Returns [] when nothing can be claimed.
    """
    if _dialect(session) == "postgresql":
        await session.execute(sa.select(sa.func.pg_advisory_xact_lock(_CLAIM_LOCK_KEY)))
    busy = sa.select(Share.channel_id).where(Share.status == ShareStatus.WORKING.value)
    channel_id = await session.scalar(
        sa.select(Share.channel_id)
        .where(Share.status == ShareStatus.PENDING.value, Share.channel_id.not_in(busy))
        .order_by(Share.created_at, Share.id)
        .limit(1)
    )
    if channel_id is None:
        return []
    ids = (
        sa.select(Share.id)
        .where(Share.status == ShareStatus.PENDING.value, Share.channel_id == channel_id)
        .order_by(Share.created_at, Share.id)
        .limit(limit)
        .scalar_subquery()
    )
    rows = await session.scalars(
        sa.update(Share)
        .where(Share.id.in_(ids), Share.status == ShareStatus.PENDING.value)
        .values(status=ShareStatus.WORKING.value, attempts=Share.attempts + 1, updated_at=utcnow())
        .returning(Share)
        .execution_options(populate_existing=True)
    )
    return sorted((ShareRow.from_row(r) for r in rows), key=lambda s: (s.created_at, s.id))


async def mark_done(
    session: AsyncSession,
    share_id: int,
    *,
    article_id: int | None,
    reply_ts: str | None,
    duplicate_of_share_id: int | None = None,
) -> None:
    """The share was answered with a summary (or a pointer to an earlier one)."""
    await session.execute(
        sa.update(Share)
        .where(Share.id == share_id)
        .values(
            status=ShareStatus.DONE.value,
            article_id=article_id,
            reply_ts=reply_ts,
            duplicate_of_share_id=duplicate_of_share_id,
            error_code=None,
            error_message=None,
            updated_at=utcnow(),
        )
    )


async def mark_failed(
    session: AsyncSession,
    share_id: int,
    *,
    code: str,
    message: str,
    article_id: int | None = None,
    reply_ts: str | None = None,
) -> None:
    """The share ended without a summary: `reply_ts` is the error reply when one could be posted."""
    await session.execute(
        sa.update(Share)
        .where(Share.id == share_id)
        .values(
            status=ShareStatus.FAILED.value,
            error_code=code[:64],
            error_message=message,
            article_id=article_id,
            reply_ts=reply_ts,
            updated_at=utcnow(),
        )
    )


async def release(session: AsyncSession, share_ids: Iterable[int]) -> int:
    """Put working shares back to pending (a worker stopped before finishing them); returns how many."""
    ids = list(share_ids)
    if not ids:
        return 0
    result = await session.execute(
        sa.update(Share)
        .where(Share.id.in_(ids), Share.status == ShareStatus.WORKING.value)
        .values(status=ShareStatus.PENDING.value, updated_at=utcnow())
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def requeue_working(session: AsyncSession) -> int:
    """Put every working share back to pending: run on start, when no worker of this database is running.

    A share left `working` by a crash is retried. Single-process deployments only: a second process
    sharing the database would see the first one's in-flight shares requeued.
    """
    result = await session.execute(
        sa.update(Share)
        .where(Share.status == ShareStatus.WORKING.value)
        .values(status=ShareStatus.PENDING.value, updated_at=utcnow())
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def earliest_answered_share(
    session: AsyncSession,
    article_id: int,
    *,
    exclude_share_id: int | None = None,
    where: Iterable[ColumnElement[bool]] = (),
) -> ShareRow | None:
    """The first share of an article that was answered (done, with a reply), among those matching `where`."""
    stmt = sa.select(Share).where(
        Share.article_id == article_id,
        Share.status == ShareStatus.DONE.value,
        Share.reply_ts.is_not(None),
        *where,
    )
    if exclude_share_id is not None:
        stmt = stmt.where(Share.id != exclude_share_id)
    row = await session.scalar(stmt.order_by(Share.created_at, Share.id).limit(1))
    return None if row is None else ShareRow.from_row(row)


def seen_from(channel_id: str) -> ColumnElement[bool]:
    """Shares anyone in `channel_id` may be pointed to: in that channel itself, or in a channel that is public
    now (one made private since is not, whatever it was when the link was shared)."""
    return sa.or_(Share.channel_id == channel_id, public_shares())


async def private_channels_with_shares(
    session: AsyncSession, channel_ids: Iterable[str] | None = None, *, article_id: int | None = None
) -> list[str]:
    """Private conversations (private channels, DMs, channels made private since) that have answered shares,
    optionally only among `channel_ids` and only of one article."""
    stmt = (
        sa.select(Share.channel_id).where(Share.status == ShareStatus.DONE.value, sa.not_(public_shares())).distinct()
    )
    if channel_ids is not None:
        stmt = stmt.where(Share.channel_id.in_(list(channel_ids)))
    if article_id is not None:
        stmt = stmt.where(Share.article_id == article_id)
    return list(await session.scalars(stmt))


async def count_by_status(session: AsyncSession, statuses: Iterable[str] | None = None) -> dict[str, int]:
    """How many shares are in each state (only `statuses`, when given: cheap on the status index)."""
    stmt = sa.select(Share.status, sa.func.count()).group_by(Share.status)
    if statuses is not None:
        stmt = stmt.where(Share.status.in_(list(statuses)))
    return {status: int(count) for status, count in await session.execute(stmt)}


async def shares_of_message(session: AsyncSession, channel_id: str, message_ts: str) -> list[ShareRow]:
    """Every share of one message, in link order."""
    rows = await session.scalars(
        sa.select(Share)
        .where(Share.channel_id == channel_id, Share.message_ts == message_ts)
        .order_by(Share.created_at, Share.id)
    )
    return [ShareRow.from_row(r) for r in rows]
