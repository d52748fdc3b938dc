"""The conversations whose settings the App Home tab may offer, with those settings (read-only).

A conversation is one "where linkbrief has worked" when it has shares (any state: a link was read there), a
follow-up choice (`followup_channels`) or a digest schedule (`digest_channels`). Its activity is the latest of
its last share and the last change of either setting; the newest come first.

Workspaces: with `team_id` (many-workspace mode) only that workspace's conversations are listed: those with
shares or a digest schedule of it. A follow-up choice alone is not enough there, since `followup_channels`
does not say which workspace it belongs to (such a conversation has no summary thread yet, so the choice has
nothing to act on). Without `team_id` every conversation is a candidate.

Who may see which of them is not decided here: the caller asks Slack whether the person is a member
(`bot.slack.home`).
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.digests import DigestSchedule, _schedule
from bot.store.models import DigestChannel, FollowUpChannel, Share


@dataclass(frozen=True, slots=True)
class ConversationSettings:
    """One conversation's settings: follow-ups for every question (or only when mentioned), and its digest
    schedule (None: no digest)."""

    channel_id: str
    followups: bool
    digest: DigestSchedule | None


async def conversations_with_settings(
    session: AsyncSession, *, team_id: str | None, limit: int
) -> list[ConversationSettings]:
    """Up to `limit` conversations where linkbrief has worked (of `team_id`'s workspace, when given), the most
    recently active first, each with its follow-up and digest settings."""
    shares = sa.select(Share.channel_id.label("channel_id"), sa.func.max(Share.created_at).label("at")).group_by(
        Share.channel_id
    )
    digests = sa.select(DigestChannel.channel_id.label("channel_id"), DigestChannel.changed_at.label("at"))
    followups = sa.select(FollowUpChannel.channel_id.label("channel_id"), FollowUpChannel.changed_at.label("at"))
    if team_id is not None:
        shares = shares.where(Share.team_id == team_id)
        digests = digests.where(DigestChannel.team_id == team_id)
        of_team = sa.or_(
            FollowUpChannel.channel_id.in_(sa.select(Share.channel_id).where(Share.team_id == team_id)),
            FollowUpChannel.channel_id.in_(sa.select(DigestChannel.channel_id).where(DigestChannel.team_id == team_id)),
        )
        followups = followups.where(of_team)
    activity = sa.union_all(shares, digests, followups).subquery()
    latest = sa.func.max(activity.c.at)
    channel_ids = list(
        await session.scalars(
            sa.select(activity.c.channel_id)
            .group_by(activity.c.channel_id)
            .order_by(latest.desc(), activity.c.channel_id)
            .limit(limit)
        )
    )
    if not channel_ids:
        return []
    choices = await session.execute(
        sa.select(FollowUpChannel.channel_id, FollowUpChannel.enabled).where(
            FollowUpChannel.channel_id.in_(channel_ids)
        )
    )
    enabled = {channel_id: bool(on) for channel_id, on in choices}
    schedules = {
        row.channel_id: _schedule(row)
        for row in await session.scalars(sa.select(DigestChannel).where(DigestChannel.channel_id.in_(channel_ids)))
    }
    return [
        ConversationSettings(channel_id=c, followups=bool(enabled.get(c)), digest=schedules.get(c)) for c in channel_ids
    ]
