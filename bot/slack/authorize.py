"""Who the bot is, for Bolt, without acknowledging requests that were not handled; and what Slack gets back
when a request fails on our side.

Bolt's single-workspace authorization asks `auth.test` on the first request after a start and answers that
request **200** with an "install the app" text when the call fails, whatever the failure. While Slack's Web API
was failing (5xx) a freshly restarted `serve` therefore acknowledged every event it got without storing it:
the links were lost for good, Slack having no reason to send them again (108 of 1,000 in a chaos run with a
60 s Slack outage). Here a transient failure of `auth.test` (5xx, 429, timeout, connection error) answers 503
instead, so that Slack delivers the event again; a refused token still gets Bolt's answer.

`on_error` is the app's error handler for listeners and middleware: our infrastructure being away (the
database, Slack) is one log line and 503, anything else keeps Bolt's 500 with the traceback in the log.
"""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.authorization.async_authorize import AsyncAuthorize
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.response import BoltResponse
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from bot.logs import get_logger
from bot.store.outage import is_database_outage

log = get_logger(__name__)


class SlackUnavailable(Exception):
    """Slack's Web API failed transiently while a request was being authorized."""


def _transient(exc: SlackApiError) -> bool:
    status = exc.response.status_code if exc.response is not None else 0
    return status >= 500 or status == 429


class SingleTeamAuthorize(AsyncAuthorize):
    """The bot's identity from one successful `auth.test`, kept for the life of the process (as Bolt's own
    single-workspace authorization keeps it); a transient failure raises `SlackUnavailable` (→ 503)."""

    def __init__(self, client: AsyncWebClient) -> None:
        super().__init__()
        self.client = client
        self._identity: AsyncSlackResponse | None = None
        self._lock = asyncio.Lock()

    async def __call__(
        self,
        *,
        context: AsyncBoltContext,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None,
        **_actor: Any,
    ) -> AuthorizeResult | None:
        identity = await self._identify()
        token = self.client.token
        return AuthorizeResult(
            enterprise_id=identity.get("enterprise_id"),
            team_id=identity.get("team_id"),
            bot_id=identity.get("bot_id"),
            bot_user_id=identity.get("user_id"),
            bot_token=token,
            user_id=user_id,
            bot_scopes=identity.headers.get("x-oauth-scopes"),
        )

    async def _identify(self) -> AsyncSlackResponse:
        if self._identity is not None:
            return self._identity
        async with self._lock:
            if self._identity is None:
                try:
                    self._identity = await self.client.auth_test()
                except SlackApiError as exc:
                    if _transient(exc):
                        raise SlackUnavailable(f"auth.test: HTTP {exc.response.status_code}") from None
                    raise  # a refused token: Bolt answers as it always does
                except (aiohttp.ClientError, TimeoutError, OSError) as exc:
                    raise SlackUnavailable(f"auth.test: {type(exc).__name__}") from None
            return self._identity


async def on_error(error: Exception) -> BoltResponse | None:
    """The app's error handler: 503 and one line when our infrastructure is away (Slack delivers the request
    again), else the traceback in the log and Bolt's 500."""
    if isinstance(error, SlackUnavailable):
        log.warning("request_refused_slack_unavailable", error=str(error))
        return BoltResponse(status=503, body="")
    if is_database_outage(error):  # intake has logged its own line
        return BoltResponse(status=503, body="")
    log.error("request_failed", error=type(error).__name__, exc_info=error)
    return None
