"""What was shared in Slack, as one person may see it: the queries behind `/brief` and the buttons' checks.

Everything here is filtered by an `Audience`: the private conversations (private channels, DMs, channels
made private since) the person belongs to, as Slack said when asked (`bot.slack.permissions`). A share is
visible when it is in a conversation that is public now (`bot.store.conversations.public_shares`) or in one
of those; an article is visible when one of its answered shares is. The Slack side decides who the person
is and asks Slack about memberships; the SQL stays here.

`find_shared` pages at most `MAX_OFFSET` results deep: a "More results" value carries the offset and can be
forged, and an offset of 2^63 used to reach the database as an integer it could not hold.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy import ColumnElement
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store import search as store_search
from bot.store.conversations import public_shares
from bot.store.models import Article, Share, ShareStatus
from bot.store.search import MAX_OFFSET
from bot.store.shares import ShareRow, of_team

__all__ = ["MAX_OFFSET", "Audience", "ShareFilters", "SharedArticle", "find_shared", "is_visible", "recent_shared"]


@dataclass(frozen=True, slots=True)
class Audience:
    """Who is looking: the private conversations they belong to (public ones are everyone's in the workspace)
    and, when the bot serves many workspaces, which one (`team_id`): only its shares are seen."""

    member_of: frozenset[str] = frozenset()
    team_id: str | None = None


@dataclass(frozen=True, slots=True)
class ShareFilters:
    """`/brief`'s filters about the share: where (`channel_ids`), who (`user_ids`), when (shared after/before
    a day, both exclusive, UTC); and `site`, about the article."""

    channel_ids: tuple[str, ...] = ()
    user_ids: tuple[str, ...] = ()
    site: str | None = None
    after: date | None = None
    before: date | None = None

    @property
    def narrow(self) -> bool:
        """True when any filter is set."""
        return bool(self.channel_ids or self.user_ids or self.site or self.after or self.before)


@dataclass(frozen=True, slots=True)
class SharedArticle:
    """One result: an article and the earliest share of it that matches the filters and the audience sees."""

    article_id: int
    title: str | None
    site_name: str | None
    tldr: str | None
    share: ShareRow


async def find_shared(
    session: AsyncSession, words: str, filters: ShareFilters, audience: Audience, *, offset: int, limit: int
) -> list[SharedArticle]:
    """Articles matching `words` (full-text, best first) or, with no words, the filters alone (most recently
    shared first), each with the share to show; `limit` at most, from `offset`."""
    if not 0 <= offset <= MAX_OFFSET:
        raise ValueError(f"offset must be between 0 and {MAX_OFFSET}")
    conditions = _share_conditions(filters, audience)
    shared_visibly = sa.exists().where(Share.article_id == Article.id, *conditions)
    if store_search.is_searchable(words):
        query = store_search.SearchQuery(text=words, site=filters.site, limit=limit, offset=offset)
        found = await store_search.search(session, query, filters=[shared_visibly])
        hits = [(h.article_id, h.title, h.site_name, h.tldr) for h in found]
    elif words or not filters.narrow:
        return []
    else:
        last_shared = (
            sa.select(sa.func.max(Share.created_at))
            .where(Share.article_id == Article.id, *conditions)
            .scalar_subquery()
        )
        rows = await session.execute(
            sa.select(Article.id, Article.title, Article.site_name, store_search.latest_tldr())
            .where(shared_visibly, *([store_search.site_condition(filters.site)] if filters.site else []))
            .order_by(last_shared.desc(), Article.id.desc())
            .limit(limit)
            .offset(offset)
        )
        hits = [(article_id, title, site_name, tldr) for article_id, title, site_name, tldr in rows]
    shares = await _first_shares(session, [hit[0] for hit in hits], conditions)
    # Every hit has such a share (the query required one); a share withdrawn since is simply not listed.
    return [SharedArticle(*hit, share=shares[hit[0]]) for hit in hits if hit[0] in shares]


async def recent_shared(session: AsyncSession, audience: Audience, *, limit: int) -> list[SharedArticle]:
    """The articles most recently shared where the audience can see them (the App Home's list), newest first,
    each with its earliest share the audience sees."""
    conditions = _share_conditions(ShareFilters(), audience)
    last_shared = (
        sa.select(sa.func.max(Share.created_at)).where(Share.article_id == Article.id, *conditions).scalar_subquery()
    )
    rows = await session.execute(
        sa.select(Article.id, Article.title, Article.site_name, store_search.latest_tldr())
        .where(sa.exists().where(Share.article_id == Article.id, *conditions))
        .order_by(last_shared.desc(), Article.id.desc())
        .limit(limit)
    )
    hits = list(rows)
    shares = await _first_shares(session, [hit[0] for hit in hits], conditions)
    return [SharedArticle(*hit, share=shares[hit[0]]) for hit in hits if hit[0] in shares]


async def is_visible(
    session: AsyncSession, article_id: int, audience: Audience, *, channel_id: str | None = None
) -> bool:
    """Whether the audience may see the article: one of its answered shares (in `channel_id`, when given) is in
    a conversation that is public now or one the audience belongs to."""
    stmt = sa.select(Share.id).where(Share.article_id == article_id, *_share_conditions(ShareFilters(), audience))
    if channel_id is not None:
        stmt = stmt.where(Share.channel_id == channel_id)
    return await session.scalar(stmt.limit(1)) is not None


def _share_conditions(filters: ShareFilters, audience: Audience) -> list[ColumnElement[bool]]:
    """The filters that are about the share (where, who, when) and the audience, as clauses on `Share`."""
    visible = public_shares()
    if audience.member_of:
        visible = sa.or_(visible, Share.channel_id.in_(sorted(audience.member_of)))
    conditions: list[ColumnElement[bool]] = [
        Share.status == ShareStatus.DONE.value,
        Share.article_id.is_not(None),
        visible,
    ]
    if audience.team_id is not None:
        conditions.append(of_team(audience.team_id))
    if filters.channel_ids:
        conditions.append(Share.channel_id.in_(filters.channel_ids))
    if filters.user_ids:
        conditions.append(Share.user_id.in_(filters.user_ids))
    if filters.after is not None:
        # Nothing can have been shared after the last day there is.
        day_after = filters.after + timedelta(days=1) if filters.after < date.max else None
        conditions.append(Share.created_at >= _midnight(day_after) if day_after else sa.false())
    if filters.before is not None:
        conditions.append(Share.created_at < _midnight(filters.before))
    return conditions


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), UTC)


async def _first_shares(
    session: AsyncSession, article_ids: Sequence[int], conditions: list[ColumnElement[bool]]
) -> dict[int, ShareRow]:
    """For each article, its earliest share that matches the filters and the audience may see."""
    if not article_ids:
        return {}
    rows = await session.scalars(
        sa.select(Share)
        .where(Share.article_id.in_(list(article_ids)), *conditions)
        .order_by(Share.created_at, Share.id)
    )
    first: dict[int, ShareRow] = {}
    for row in rows:
        if row.article_id is not None and row.article_id not in first:
            first[row.article_id] = ShareRow.from_row(row)
    return first
