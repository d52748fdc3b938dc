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

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import UTC, datetime
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


# The same set as a pattern (Unicode's Cc is exactly C0, DEL and C1; Cs the surrogates): checking every field of
# every share character by character cost a burst of events more CPU than storing them.
_CONTROL_CHARACTERS = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


def has_control_characters(text: str) -> bool:
    return _CONTROL_CHARACTERS.search(text) is not None


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
    retry_at: datetime | None = None
    slack_failing_since: datetime | None = None
    maybe_posted: bool = False

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
            retry_at=row.retry_at,
            slack_failing_since=row.slack_failing_since,
            maybe_posted=bool(row.maybe_posted),
        )

    @property
    def url_digest(self) -> str:
        return url_digest(self.url)

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
    [ids] = await add_share_groups(session, [shares])
    return ids


async def add_share_groups(session: AsyncSession, groups: Sequence[Sequence[NewShare]]) -> list[list[int]]:
    """`add_shares` for several events at once (intake's group commit): the new ids of each group.

    Multi-row INSERTs instead of one statement per link, so a burst of events costs a few statements: RETURNING
    gives each new row's key with its id, which maps ids back to shares whatever order the rows come back in.
    Rows are inserted in the given order, so ids follow it (a link that appears twice gets the first place).
    """
    now = utcnow()
    keyed: dict[tuple[str, str, str], dict[str, Any]] = {}
    for group in groups:
        for s in group:
            key = (s.channel_id, s.message_ts, s.url_digest)
            keyed.setdefault(key, _row_values(s, now))
    new: dict[tuple[str, str, str], int] = {}
    if keyed:
        # One statement compiled once (cached), sent as multi-row batches by SQLAlchemy's "insertmanyvalues".
        stmt = (
            _insert(session)(Share)
            .on_conflict_do_nothing(index_elements=[Share.channel_id, Share.message_ts, Share.url_digest])
            .returning(Share.id, Share.channel_id, Share.message_ts, Share.url_digest)
        )
        for share_id, channel_id, message_ts, digest in await session.execute(stmt, list(keyed.values())):
            new[(channel_id, message_ts, digest)] = int(share_id)
    results: list[list[int]] = []
    for group in groups:
        ids: list[int] = []
        for s in group:
            share_id = new.pop((s.channel_id, s.message_ts, s.url_digest), None)
            if share_id is not None:
                ids.append(share_id)
        results.append(sorted(ids))
    return results


def _row_values(share: NewShare, now: datetime) -> dict[str, Any]:
    return {
        "team_id": share.team_id,
        "channel_id": share.channel_id,
        "channel_type": share.channel_type,
        "message_ts": share.message_ts,
        "thread_ts": share.thread_ts,
        "user_id": share.user_id,
        "url": share.url,
        "url_digest": share.url_digest,
        "event_id": share.event_id,
        "status": ShareStatus.PENDING.value,
        "attempts": 0,
        "maybe_posted": False,
        "created_at": now,
        "updated_at": now,
    }


async def add_done_share(session: AsyncSession, share: NewShare, *, article_id: int, reply_ts: str) -> int | None:
    """Record a share that is already answered (a summary posted with "Post in channel"); its id, or None."""
    ids = await add_shares(session, [share])
    if not ids:
        return None
    await mark_done(session, ids[0], article_id=article_id, reply_ts=reply_ts)
    return ids[0]


async def claim_batch(session: AsyncSession, *, limit: int) -> list[ShareRow]:
    """Mark up to `limit` pending shares of one idle channel as working and return them, oldest first.

    Idle: no share of the channel is being worked on. Due: the channel's first pending share may be tried now
    (`retry_at`); a channel whose first share waits out a Slack outage waits as a whole, so its replies keep
    their order. The due channel whose first pending share is oldest goes first. [] when nothing can be claimed.
    """
    if _dialect(session) == "postgresql":
        await session.execute(sa.select(sa.func.pg_advisory_xact_lock(_CLAIM_LOCK_KEY)))
    busy = sa.select(Share.channel_id).where(Share.status == ShareStatus.WORKING.value)
    heads = sa.select(sa.func.min(Share.id)).where(Share.status == ShareStatus.PENDING.value).group_by(Share.channel_id)
    channel_id = await session.scalar(
        sa.select(Share.channel_id)
        .where(Share.id.in_(heads), _due(utcnow()), Share.channel_id.not_in(busy))
        .order_by(Share.created_at, Share.id)
        .limit(1)
    )
    if channel_id is None:
        return []
    return await _claim(session, channel_id, (ShareStatus.PENDING.value,), limit)


@dataclass(frozen=True, slots=True)
class ChannelClaim:
    """What `claim_channel` found: the shares now ours, or when the channel's first share is due again."""

    shares: list[ShareRow]
    not_before: datetime | None = None


async def claim_channel(session: AsyncSession, channel_id: str, *, limit: int) -> ChannelClaim:
    """Claim up to `limit` shares of one channel, oldest first, for the one job that serves the channel now.

    For a queue that already runs at most one job per channel (procrastinate's `lock`): shares left `working`
    are then a dead job's, and are taken over, marked `maybe_posted` (the dead job may have posted before it
    died). The claim raises `attempts`, so the dead job's late writes, should it be alive after all, no
    longer apply (see `mark_done`). When the channel's first share waits out a Slack outage, nothing is claimed
    and `not_before` says until when.
    """
    waiting = (ShareStatus.PENDING.value, ShareStatus.WORKING.value)
    head = await session.scalar(
        sa.select(Share).where(Share.channel_id == channel_id, Share.status.in_(waiting)).order_by(Share.id).limit(1)
    )
    if head is None:
        return ChannelClaim([])
    now = utcnow()
    if head.status == ShareStatus.PENDING.value and head.retry_at is not None and head.retry_at > now:
        return ChannelClaim([], not_before=head.retry_at)
    return ChannelClaim(await _claim(session, channel_id, waiting, limit))


async def _claim(session: AsyncSession, channel_id: str, statuses: tuple[str, ...], limit: int) -> list[ShareRow]:
    ids = (
        sa.select(Share.id)
        .where(Share.status.in_(statuses), Share.channel_id == channel_id)
        .order_by(Share.id)
        .limit(limit)
        .scalar_subquery()
    )
    rows = await session.scalars(
        sa.update(Share)
        .where(Share.id.in_(ids), Share.status.in_(statuses))
        .values(
            status=ShareStatus.WORKING.value,
            attempts=Share.attempts + 1,
            # SET sees the old row: a share that was already working was a dead worker's.
            maybe_posted=sa.or_(Share.maybe_posted, Share.status == ShareStatus.WORKING.value),
            updated_at=utcnow(),
        )
        .returning(Share)
        .execution_options(populate_existing=True)
    )
    return sorted((ShareRow.from_row(r) for r in rows), key=lambda s: s.id)


def _due(now: datetime) -> ColumnElement[bool]:
    return sa.or_(Share.retry_at.is_(None), Share.retry_at <= now)


def _owned(share_id: int, attempts: int | None) -> list[ColumnElement[bool]]:
    """The share, and while `attempts` is given only as long as that claim still holds it."""
    if attempts is None:
        return [Share.id == share_id]
    return [Share.id == share_id, Share.status == ShareStatus.WORKING.value, Share.attempts == attempts]


async def mark_done(
    session: AsyncSession,
    share_id: int,
    *,
    article_id: int | None,
    reply_ts: str | None,
    duplicate_of_share_id: int | None = None,
    claimed: int | None = None,
) -> bool:
    """The share was answered with a summary (or a pointer to an earlier one). With `claimed` (the share's
    `attempts` when it was claimed) only while that claim holds; False when it no longer does."""
    result = await session.execute(
        sa.update(Share)
        .where(*_owned(share_id, claimed))
        .values(
            status=ShareStatus.DONE.value,
            article_id=article_id,
            reply_ts=reply_ts,
            duplicate_of_share_id=duplicate_of_share_id,
            error_code=None,
            error_message=None,
            retry_at=None,
            slack_failing_since=None,
            updated_at=utcnow(),
        )
    )
    return _changed(result)


async def mark_failed(
    session: AsyncSession,
    share_id: int,
    *,
    code: str,
    message: str,
    article_id: int | None = None,
    reply_ts: str | None = None,
    claimed: int | None = None,
) -> bool:
    """The share ended without a summary: `reply_ts` is the error reply when one could be posted. `claimed`
    as for `mark_done`."""
    result = await session.execute(
        sa.update(Share)
        .where(*_owned(share_id, claimed))
        .values(
            status=ShareStatus.FAILED.value,
            error_code=code[:64],
            error_message=message,
            article_id=article_id,
            reply_ts=reply_ts,
            retry_at=None,
            updated_at=utcnow(),
        )
    )
    return _changed(result)


async def postpone(
    session: AsyncSession,
    share_id: int,
    *,
    retry_at: datetime,
    failing_since: datetime | None,
    maybe_posted: bool,
    claimed: int | None = None,
) -> bool:
    """Back to pending until `retry_at` (Slack could not take the reply now). The run of failures started at
    `failing_since` unless it started earlier; `maybe_posted` is kept once set."""
    result = await session.execute(
        sa.update(Share)
        .where(*_owned(share_id, claimed))
        .values(
            status=ShareStatus.PENDING.value,
            retry_at=retry_at,
            slack_failing_since=sa.func.coalesce(Share.slack_failing_since, failing_since),
            maybe_posted=sa.or_(Share.maybe_posted, sa.true() if maybe_posted else sa.false()),
            updated_at=utcnow(),
        )
    )
    return _changed(result)


def _changed(result: Any) -> bool:
    return int(getattr(result, "rowcount", 0) or 0) > 0


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

    A share left `working` by a crash is retried, marked `maybe_posted` (the crash may have come after its
    reply reached Slack). The embedded queue only (one process): a second process sharing the database would
    see the first one's in-flight shares requeued; the procrastinate queue never calls this.
    """
    result = await session.execute(
        sa.update(Share)
        .where(Share.status == ShareStatus.WORKING.value)
        .values(status=ShareStatus.PENDING.value, maybe_posted=True, updated_at=utcnow())
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


def of_team(team_id: str) -> ColumnElement[bool]:
    """Shares of one workspace: a pointer never leads into another workspace's thread."""
    return Share.team_id == team_id


async def private_channels_with_shares(
    session: AsyncSession,
    channel_ids: Iterable[str] | None = None,
    *,
    article_id: int | None = None,
    team_id: str | None = None,
) -> list[str]:
    """Private conversations (private channels, DMs, channels made private since) that have answered shares,
    optionally only among `channel_ids`, only of one article and only of one workspace (`team_id`)."""
    stmt = (
        sa.select(Share.channel_id).where(Share.status == ShareStatus.DONE.value, sa.not_(public_shares())).distinct()
    )
    if channel_ids is not None:
        stmt = stmt.where(Share.channel_id.in_(list(channel_ids)))
    if article_id is not None:
        stmt = stmt.where(Share.article_id == article_id)
    if team_id is not None:
        stmt = stmt.where(of_team(team_id))
    return list(await session.scalars(stmt))


async def count_by_status(session: AsyncSession, statuses: Iterable[str] | None = None) -> dict[str, int]:
    """How many shares are in each state (only `statuses`, when given: cheap on the status index)."""
    stmt = sa.select(Share.status, sa.func.count()).group_by(Share.status)
    if statuses is not None:
        stmt = stmt.where(Share.status.in_(list(statuses)))
    return {status: int(count) for status, count in await session.execute(stmt)}


async def channels_with_work(session: AsyncSession) -> dict[str, int]:
    """Channels with shares waiting (pending or working), each with the highest id among them."""
    waiting = (ShareStatus.PENDING.value, ShareStatus.WORKING.value)
    rows = await session.execute(
        sa.select(Share.channel_id, sa.func.max(Share.id)).where(Share.status.in_(waiting)).group_by(Share.channel_id)
    )
    return {channel: int(top) for channel, top in rows}


async def shares_of_message(session: AsyncSession, channel_id: str, message_ts: str) -> list[ShareRow]:
    """Every share of one message, in link order."""
    rows = await session.scalars(
        sa.select(Share)
        .where(Share.channel_id == channel_id, Share.message_ts == message_ts)
        .order_by(Share.created_at, Share.id)
    )
    return [ShareRow.from_row(r) for r in rows]


# --- health and metrics

SHARE_STATUSES = tuple(s.value for s in ShareStatus)
# Shares not answered yet: queued, or claimed by a worker.
WAITING_STATUSES = (ShareStatus.PENDING.value, ShareStatus.WORKING.value)


@dataclass(frozen=True, slots=True)
class ShareStats:
    """Shares per status and the age of the oldest one still waiting (pending or working)."""

    counts: dict[str, int]
    oldest_waiting: float


async def share_stats(session: AsyncSession, statuses: tuple[str, ...] = SHARE_STATUSES) -> ShareStats:
    """`ShareStats` for `statuses` in one grouped query on the (status, created_at) index."""
    rows = await session.execute(
        sa.select(Share.status, sa.func.count(), sa.func.min(Share.created_at))
        .where(Share.status.in_(statuses))
        .group_by(Share.status)
    )
    counts: dict[str, int] = {}
    oldest: datetime | None = None
    for status, count, first in rows:
        counts[status] = int(count)
        if status in WAITING_STATUSES and first is not None and (oldest is None or first < oldest):
            oldest = first
    age = max(0.0, (datetime.now(UTC) - oldest).total_seconds()) if oldest is not None else 0.0
    return ShareStats(counts, age)
