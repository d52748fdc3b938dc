"""Offers: the server side of the bot's buttons.

A button on a Slack message comes back in a `block_actions` request whose value anyone able to send a
signed request controls: replayed, copied to another channel, or made up. So a button carries only a random
token (`new_token`, 192 bits), and what the click may do is read here: the article, the conversation the
button was offered in, the person it was offered to (None: anyone in that conversation), and, for "Post in
channel", whether it has been used. Posting claims the offer with one conditional UPDATE (`claim`), so of any
number of concurrent or replayed clicks exactly one posts; a post that then fails hands the offer back
(`release`) so the person can try again.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.models import Offer, utcnow

TOKEN_BYTES = 24  # 32 URL-safe characters
_TOKEN = re.compile(r"[A-Za-z0-9_-]{32}")


@dataclass(frozen=True, slots=True)
class OfferRow:
    """A stored offer, detached from its session."""

    token: str
    article_id: int
    channel_id: str
    user_id: str | None
    url: str | None
    created_at: datetime
    used_at: datetime | None


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def is_token(value: str) -> bool:
    """True when `value` has the shape of a token (checked before it reaches a query)."""
    return _TOKEN.fullmatch(value) is not None


async def create_offer(
    session: AsyncSession, *, article_id: int, channel_id: str, user_id: str | None, url: str | None = None
) -> str:
    """Store an offer and return its token, the only thing the button will carry."""
    token = new_token()
    session.add(
        Offer(token=token, article_id=article_id, channel_id=channel_id, user_id=user_id, url=url, created_at=utcnow())
    )
    await session.flush()
    return token


async def offer_by_token(session: AsyncSession, token: str) -> OfferRow | None:
    if not is_token(token):
        return None
    row = await session.get(Offer, token)
    if row is None:
        return None
    return OfferRow(
        token=row.token,
        article_id=row.article_id,
        channel_id=row.channel_id,
        user_id=row.user_id,
        url=row.url,
        created_at=row.created_at,
        used_at=row.used_at,
    )


async def claim(session: AsyncSession, token: str) -> bool:
    """Mark the offer used; True for exactly one caller however many try at once."""
    result = await session.execute(
        sa.update(Offer).where(Offer.token == token, Offer.used_at.is_(None)).values(used_at=utcnow())
    )
    return int(getattr(result, "rowcount", 0) or 0) == 1


async def release(session: AsyncSession, token: str) -> None:
    """Hand a claimed offer back (its post failed), so it can be used again."""
    await session.execute(sa.update(Offer).where(Offer.token == token).values(used_at=None))


async def withdraw(session: AsyncSession, token: str) -> None:
    """Forget an offer whose button was never shown (its message could not be posted)."""
    await session.execute(sa.delete(Offer).where(Offer.token == token))
