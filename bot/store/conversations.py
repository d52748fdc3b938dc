"""Which conversations are public now: the rule every visibility decision goes through.

A share stores the kind of conversation it was made in (`channel_type`), but a channel can change: made
private, shared with another workspace, or (by an admin) made public. Slack tells the bot through events, and
the bot records the latest answer per conversation (`Conversation`). From then on that record, not the kind
the links arrived with, decides, for earlier shares too: a channel made private stops showing its past links
to people outside it in `/brief`, and no other channel is pointed to a thread in it.

`public_shares()` is that rule as a SQL condition on `Share`, so search, duplicate pointers and the
membership look-ups all read the same one.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import ColumnElement
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.models import ChannelType, Conversation, Share

PUBLIC_CHANNEL_TYPES = frozenset({ChannelType.CHANNEL.value})


def public_shares() -> ColumnElement[bool]:
    """Shares everyone in the workspace may see: in a conversation Slack last called public, or, when it
    never said otherwise, one that was a public channel when the link was shared."""
    recorded_private = (
        sa.select(Conversation.is_private).where(Conversation.channel_id == Share.channel_id).scalar_subquery()
    )
    return sa.func.coalesce(sa.not_(recorded_private), Share.channel_type.in_(PUBLIC_CHANNEL_TYPES), type_=sa.Boolean)


async def record_privacy(session: AsyncSession, channel_id: str, *, is_private: bool, changed_at: datetime) -> bool:
    """Record that Slack called `channel_id` private (or public) at `changed_at`; False when a newer change was
    recorded already (a late retry of an older event changes nothing)."""
    insert: Any = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    stmt = insert(Conversation).values(channel_id=channel_id, is_private=is_private, changed_at=changed_at)
    stmt = stmt.on_conflict_do_update(
        index_elements=[Conversation.channel_id],
        set_={"is_private": stmt.excluded.is_private, "changed_at": stmt.excluded.changed_at},
        where=Conversation.changed_at <= stmt.excluded.changed_at,
    ).returning(Conversation.channel_id)
    return await session.scalar(stmt) is not None
