"""Workspaces the app is installed in (OAuth mode): slack_sdk's stores on our database, and per-team work.

The installation store and the OAuth state store are slack_sdk's own asyncio SQLAlchemy stores
(`AsyncSQLAlchemyInstallationStore`, `AsyncSQLAlchemyOAuthStateStore`), given the application's `AsyncEngine`:
the same database, the same pool, no second (sync) engine and no thread hopping. Their tables come from our
migrations (`bot.store.models.SLACK_*`), never from `create_tables`.

Everything else a workspace owns is keyed by `shares.team_id`: `drop_team_work` ends the waiting shares of a
workspace that uninstalled the app (they could never be answered: its token is gone).
"""

from __future__ import annotations

import sqlalchemy as sa
from slack_sdk.oauth.installation_store.sqlalchemy import AsyncSQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import AsyncSQLAlchemyOAuthStateStore
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from bot.store.models import Share, ShareStatus, utcnow
from bot.store.shares import WAITING_STATUSES, of_team

UNINSTALLED_CODE = "app_uninstalled"
UNINSTALLED_MESSAGE = "the app was uninstalled from this workspace before the link was answered"


def installation_store(engine: AsyncEngine, client_id: str) -> AsyncSQLAlchemyInstallationStore:
    """slack_sdk's installation store (bots and installations of app `client_id`) on `engine`."""
    return AsyncSQLAlchemyInstallationStore(client_id=client_id, engine=engine)


def state_store(engine: AsyncEngine, expiration_seconds: int) -> AsyncSQLAlchemyOAuthStateStore:
    """slack_sdk's OAuth state store on `engine`: each state is usable once, until it expires."""
    return AsyncSQLAlchemyOAuthStateStore(expiration_seconds=expiration_seconds, engine=engine)


async def drop_team_work(session: AsyncSession, team_id: str) -> int:
    """End the waiting (pending or working) shares of `team_id` as failed; returns how many."""
    result = await session.execute(
        sa.update(Share)
        .where(of_team(team_id), Share.status.in_(WAITING_STATUSES))
        .values(
            status=ShareStatus.FAILED.value,
            error_code=UNINSTALLED_CODE,
            error_message=UNINSTALLED_MESSAGE,
            retry_at=None,
            updated_at=utcnow(),
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)
