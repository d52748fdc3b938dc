"""Channel digests in the store: each conversation's schedule, the digests posted (one per channel and period),
and what was shared in a period, most shared first.

One digest per period, however many processes look: `claim_digest` inserts the (channel, period end) row, and
only the caller whose insert created it builds and posts the digest. A claim left `pending` by a process that
died (or by a Slack outage) is taken over once it is `stale_after` old, by a compare-and-set on `claimed_at`, so
one taker wins; the taker looks for the digest in the channel before posting it again (`bot.slack.digests`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.models import (
    Article,
    DigestChannel,
    DigestRun,
    DigestStatus,
    Share,
    ShareStatus,
    StoredSummary,
    utcnow,
)


def _insert(session: AsyncSession) -> Any:
    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert


# ------------------------------------------------------------------------------------------------ schedules


@dataclass(frozen=True, slots=True)
class DigestSchedule:
    """When a conversation gets its digest: `daily`, or `weekly` on `weekday` (0 is Monday), at `at_minute`
    minutes after midnight in `time_zone` (an IANA name). `since` is when the schedule was set: periods that
    ended before it are not posted."""

    channel_id: str
    team_id: str
    cadence: str
    weekday: int | None
    at_minute: int
    time_zone: str
    since: datetime


async def set_schedule(session: AsyncSession, schedule: DigestSchedule, *, user_id: str) -> None:
    """Set (or replace) a conversation's digest schedule."""
    values = {
        "channel_id": schedule.channel_id,
        "team_id": schedule.team_id,
        "cadence": schedule.cadence,
        "weekday": schedule.weekday,
        "at_minute": schedule.at_minute,
        "time_zone": schedule.time_zone,
        "changed_by": user_id,
        "changed_at": schedule.since,
    }
    statement = _insert(session)(DigestChannel).values(values)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[DigestChannel.channel_id],
            set_={k: statement.excluded[k] for k in values if k != "channel_id"},
        )
    )


async def clear_schedule(session: AsyncSession, channel_id: str) -> bool:
    """Stop a conversation's digests; whether it had any."""
    result = await session.execute(sa.delete(DigestChannel).where(DigestChannel.channel_id == channel_id))
    return bool(getattr(result, "rowcount", 0))


def _schedule(row: DigestChannel) -> DigestSchedule:
    return DigestSchedule(
        channel_id=row.channel_id,
        team_id=row.team_id,
        cadence=row.cadence,
        weekday=row.weekday,
        at_minute=row.at_minute,
        time_zone=row.time_zone,
        since=row.changed_at,
    )


async def schedule_of(session: AsyncSession, channel_id: str) -> DigestSchedule | None:
    row = await session.get(DigestChannel, channel_id)
    return None if row is None else _schedule(row)


async def schedules(session: AsyncSession) -> list[DigestSchedule]:
    """Every conversation's digest schedule (one row per conversation that asked for digests)."""
    rows = await session.scalars(sa.select(DigestChannel).order_by(DigestChannel.channel_id))
    return [_schedule(row) for row in rows]


# ---------------------------------------------------------------------------------------------- the claims


@dataclass(frozen=True, slots=True)
class DigestClaim:
    """A digest this process is to build and post. `resumed`: an earlier claim of it was taken over, so the
    digest may already be in the channel."""

    digest_id: int
    resumed: bool
    first_claimed: datetime  # when the period was first claimed: an earlier post can only be later than this


async def claim_digest(
    session: AsyncSession,
    schedule: DigestSchedule,
    *,
    period_start: datetime,
    period_end: datetime,
    stale_after: timedelta,
) -> DigestClaim | None:
    """Claim the digest of a channel's period; None when another process has it (or it is done)."""
    now = utcnow()
    created = await session.scalar(
        _insert(session)(DigestRun)
        .values(
            team_id=schedule.team_id,
            channel_id=schedule.channel_id,
            period_start=period_start,
            period_end=period_end,
            status=DigestStatus.PENDING.value,
            claimed_at=now,
            created_at=now,
        )
        .on_conflict_do_nothing(index_elements=[DigestRun.channel_id, DigestRun.period_end])
        .returning(DigestRun.id)
    )
    if created is not None:
        return DigestClaim(int(created), resumed=False, first_claimed=now)
    taken = await session.execute(
        sa.update(DigestRun)
        .where(
            DigestRun.channel_id == schedule.channel_id,
            DigestRun.period_end == period_end,
            DigestRun.status == DigestStatus.PENDING.value,
            DigestRun.claimed_at < now - stale_after,
        )
        .values(claimed_at=now, attempts=DigestRun.attempts + 1)
        .returning(DigestRun.id, DigestRun.created_at)
    )
    row = taken.one_or_none()
    return None if row is None else DigestClaim(int(row[0]), resumed=True, first_claimed=row[1])


async def finish_digest(
    session: AsyncSession,
    digest_id: int,
    status: DigestStatus,
    *,
    articles: int = 0,
    shares: int = 0,
    reply_ts: str | None = None,
    error: str | None = None,
) -> None:
    await session.execute(
        sa.update(DigestRun)
        .where(DigestRun.id == digest_id)
        .values(
            status=status.value,
            articles=articles,
            shares=shares,
            reply_ts=reply_ts,
            error_code=error,
            finished_at=utcnow(),
        )
    )


@dataclass(frozen=True, slots=True)
class DigestRow:
    """A digest as stored (for tests, `/brief digest` status and operators)."""

    id: int
    channel_id: str
    period_start: datetime
    period_end: datetime
    status: str
    articles: int
    shares: int
    reply_ts: str | None
    attempts: int


async def digests_of(session: AsyncSession, channel_id: str) -> list[DigestRow]:
    """The digests claimed for a conversation, oldest period first."""
    rows = await session.scalars(
        sa.select(DigestRun).where(DigestRun.channel_id == channel_id).order_by(DigestRun.period_end)
    )
    return [
        DigestRow(
            id=row.id,
            channel_id=row.channel_id,
            period_start=row.period_start,
            period_end=row.period_end,
            status=row.status,
            articles=row.articles,
            shares=row.shares,
            reply_ts=row.reply_ts,
            attempts=row.attempts,
        )
        for row in rows
    ]


# ------------------------------------------------------------------------------------------ the contents


@dataclass(frozen=True, slots=True)
class DigestEntry:
    """One article shared in the period: how often, its TL;DR, and the share whose thread the digest links."""

    article_id: int
    title: str | None
    site_name: str | None
    url: str  # the link as it was first shared in the period
    tldr: str | None
    shares: int
    first_message_ts: str
    reply_ts: str | None  # linkbrief's reply in that share's thread, when it posted one


@dataclass(frozen=True, slots=True)
class DigestContents:
    """What a digest shows: the `entries` (most shared first, at most the limit asked for) and the totals."""

    entries: tuple[DigestEntry, ...]
    articles: int
    shares: int


async def digest_contents(
    session: AsyncSession, channel_id: str, *, start: datetime, end: datetime, limit: int
) -> DigestContents:
    """The articles shared in a conversation in [start, end): the shares answered with a summary or a pointer
    (a link that failed to give an article is not in a digest), grouped by article, most shared first, then
    first shared first."""
    in_period = (
        Share.channel_id == channel_id,
        Share.created_at >= start,
        Share.created_at < end,
        Share.status == ShareStatus.DONE.value,
        Share.article_id.is_not(None),
    )
    count = sa.func.count(Share.id)
    first = sa.func.min(Share.id)
    grouped = (
        sa.select(Share.article_id, count.label("shares"), first.label("first_id"))
        .where(*in_period)
        .group_by(Share.article_id)
        .subquery()
    )
    totals = (
        await session.execute(sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(grouped.c.shares), 0)))
    ).one()
    top = (
        sa.select(grouped.c.article_id, grouped.c.shares, grouped.c.first_id)
        .order_by(grouped.c.shares.desc(), grouped.c.first_id)
        .limit(limit)
        .subquery()
    )
    rows = (
        await session.execute(
            sa.select(
                top.c.article_id,
                top.c.shares,
                Share.url,
                Share.message_ts,
                Share.reply_ts,
                Article.title,
                Article.site_name,
            )
            .join(Share, Share.id == top.c.first_id)
            .join(Article, Article.id == top.c.article_id)
            .order_by(top.c.shares.desc(), top.c.first_id)
        )
    ).all()
    tldrs = await _tldrs(session, [int(row.article_id) for row in rows])
    entries = tuple(
        DigestEntry(
            article_id=int(row.article_id),
            title=row.title,
            site_name=row.site_name,
            url=row.url,
            tldr=tldrs.get(int(row.article_id)),
            shares=int(row.shares),
            first_message_ts=row.message_ts,
            reply_ts=row.reply_ts,
        )
        for row in rows
    )
    return DigestContents(entries=entries, articles=int(totals[0]), shares=int(totals[1]))


async def _tldrs(session: AsyncSession, article_ids: list[int]) -> dict[int, str | None]:
    """Each article's TL;DR from its most recently written summary."""
    if not article_ids:
        return {}
    rows = await session.execute(
        sa.select(StoredSummary.article_id, StoredSummary.tldr)
        .where(StoredSummary.article_id.in_(article_ids))
        .order_by(StoredSummary.article_id, StoredSummary.created_at, StoredSummary.id)
    )
    latest: dict[int, str | None] = {}
    for article_id, tldr in rows:
        latest[int(article_id)] = tldr  # later rows (newer summaries) overwrite earlier ones
    return latest


async def settled_digests(session: AsyncSession, *, ended_after: datetime) -> set[tuple[str, datetime]]:
    """The (conversation, period end) of every digest no longer pending whose period ended after `ended_after`:
    what a tick need not claim again."""
    rows = await session.execute(
        sa.select(DigestRun.channel_id, DigestRun.period_end).where(
            DigestRun.period_end > ended_after, DigestRun.status != DigestStatus.PENDING.value
        )
    )
    return {(channel_id, period_end) for channel_id, period_end in rows}
