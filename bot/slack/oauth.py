"""Many workspaces: Slack's OAuth install flow, each workspace's own bot token, and uninstalling.

With `SLACK_CLIENT_ID`, `SLACK_CLIENT_SECRET` and `SLACK_STATE_SECRET` set (and no `SLACK_BOT_TOKEN`),
`linkbrief serve` serves `GET /slack/install` (a redirect to Slack's consent page, with a one-time state in a
cookie) and `GET /slack/oauth_redirect` (Slack sends the person back there with a code: Bolt's `AsyncOAuthFlow`
checks the state against the cookie and the state store, trades the code for the workspace's bot token with
`oauth.v2.access`, and saves the installation). Installations and states live in slack_sdk's SQLAlchemy stores
on the bot's own database (`bot.store.installations`).

Tokens per workspace. Every Web API call is made with the token of the workspace the work is for:
- Bolt's authorize (`InstalledTeams`) finds the request's workspace in the installation store (no `auth.test`
  per request: the stored bot id and user id are what `auth.test` would say); a workspace with no installation
  gets no further than that.
- The bot's own parts (intake, `/brief`, buttons, the delivery worker) share one `TeamRoutedClient`, which takes
  the workspace from `bot.slack.teams` (set by the middleware here for requests, and by the worker from the
  share row it claimed) and the token from the installation store. Without a workspace, or for a workspace
  that is not installed, the call fails as Slack would fail a revoked token (`not_installed`): the share ends,
  the search shows nothing, no other workspace's token is ever used.
- Searches and pointers see only the shares of the request's workspace (`Visibility(team_scoped=True)`, and
  the worker's pointer query); articles stay global, so a link shared in two workspaces is read once.

Uninstalling (`app_uninstalled`, or `tokens_revoked` naming bot tokens) deletes the workspace's tokens, forgets
them in this process at once (other processes within `TOKEN_CACHE_TTL`), and ends its waiting shares as failed
(`app_uninstalled`), with one log line saying how many.

`SLACK_STATE_SECRET` signs each state (HMAC-SHA256) on top of slack_sdk's one-time state store: a state that was
not issued by this deployment is refused before the database is asked.

Socket Mode works with this too (events over the WebSocket; the app-level token is the app's, not a
workspace's), but Slack still sends people back to `/slack/oauth_redirect` over HTTPS, so the port that serves
`/healthz` must be reachable from browsers.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.async_app import AsyncApp
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.authorization.async_authorize import AsyncAuthorize
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.oauth.async_oauth_flow import AsyncOAuthFlow
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.errors import SlackApiError
from slack_sdk.oauth.installation_store import Bot
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from bot.logs import get_logger
from bot.settings import Settings
from bot.slack.teams import current_team, set_team
from bot.store import installations
from bot.store.db import Database

log = get_logger(__name__)

INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
STATE_EXPIRATION = 600  # seconds between /slack/install and Slack sending the person back
TOKEN_CACHE_TTL = 30.0  # seconds a looked-up bot token is reused before the store is asked again
NOT_INSTALLED = "not_installed"

# The bot scopes the install asks for: the same as slack-app-manifest.yml's (a test keeps them equal).
BOT_SCOPES = (
    "channels:history",
    "groups:history",
    "im:history",
    "mpim:history",
    "chat:write",
    "chat:write.public",
    "reactions:write",
    "commands",
    "channels:read",
    "groups:read",
    "im:read",
    "mpim:read",
    "users:read",
    "app_mentions:read",
)


def oauth_requested(settings: Settings) -> bool:
    """Whether any of the OAuth settings is set (then all three must be, and no SLACK_BOT_TOKEN)."""
    return any(
        (
            settings.slack_client_id,
            settings.slack_client_secret and settings.slack_client_secret.get_secret_value(),
            settings.slack_state_secret and settings.slack_state_secret.get_secret_value(),
        )
    )


def check_oauth_settings(settings: Settings, mode: str) -> str | None:
    """The one-line reason `serve` cannot run many workspaces with these settings, or None."""
    missing = [
        name
        for name, value in (
            ("SLACK_CLIENT_ID", settings.slack_client_id),
            ("SLACK_CLIENT_SECRET", settings.slack_client_secret and settings.slack_client_secret.get_secret_value()),
            ("SLACK_STATE_SECRET", settings.slack_state_secret and settings.slack_state_secret.get_secret_value()),
        )
        if not value
    ]
    if missing:
        return (
            f"{', '.join(missing)} not set: many workspaces (OAuth) need SLACK_CLIENT_ID + SLACK_CLIENT_SECRET + "
            "SLACK_STATE_SECRET; one workspace needs SLACK_BOT_TOKEN instead"
        )
    if settings.slack_bot_token and settings.slack_bot_token.get_secret_value():
        return (
            "both SLACK_BOT_TOKEN and SLACK_CLIENT_ID are set: unset SLACK_BOT_TOKEN for many workspaces (OAuth), "
            "or the SLACK_CLIENT_* settings for one workspace"
        )
    if mode == "http" and not (settings.slack_signing_secret and settings.slack_signing_secret.get_secret_value()):
        return "SLACK_SIGNING_SECRET is not set: HTTP mode verifies Slack's requests with it (OAuth too)"
    if mode == "socket":
        app_token = settings.slack_app_token.get_secret_value() if settings.slack_app_token else ""
        if not app_token.startswith("xapp-"):
            return "SLACK_APP_TOKEN must be an app-level token (xapp-…) with the connections:write scope"
    if settings.queue_kind == "procrastinate" and not settings.database_url.startswith("postgres"):
        return "LINKBRIEF_QUEUE=procrastinate needs PostgreSQL (DATABASE_URL=postgresql+asyncpg://…)"
    return None


# ------------------------------------------------------------------------------------------ tokens


class TeamTokens:
    """Each workspace's bot, from the installation store, reused for `ttl` seconds."""

    def __init__(
        self,
        store: AsyncInstallationStore,
        *,
        ttl: float = TOKEN_CACHE_TTL,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.store = store
        self.ttl = ttl
        self._clock = clock
        self._bots: dict[str, tuple[float, Bot | None]] = {}

    async def bot(self, team_id: str | None) -> Bot | None:
        """The installed bot of `team_id` (None: not installed, or no workspace)."""
        if not team_id:
            return None
        cached = self._bots.get(team_id)
        now = self._clock()
        if cached is not None and cached[0] > now:
            return cached[1]
        found = await self.store.async_find_bot(enterprise_id=None, team_id=team_id)
        if found is not None and not found.bot_token:
            found = None
        if len(self._bots) >= 10_000:
            self._bots.clear()
        self._bots[team_id] = (now + self.ttl, found)
        return found

    def forget(self, team_id: str) -> None:
        self._bots.pop(team_id, None)


def not_installed(client: AsyncWebClient, method: str, team_id: str | None) -> SlackApiError:
    """The error a call gets when its workspace has no installation: shaped as Slack's own refusals (HTTP 200,
    ok: false), which every caller already treats as final."""
    response = AsyncSlackResponse(
        client=client,
        http_verb="POST",
        api_url=f"{client.base_url}{method}",
        req_args={},
        data={"ok": False, "error": NOT_INSTALLED},
        headers={},
        status_code=200,
    )
    return SlackApiError(f"no installation for workspace {team_id or '(none)'}", response)


class TeamRoutedClient(AsyncWebClient):
    """An `AsyncWebClient` whose every call carries the bot token of the current workspace (`bot.slack.teams`).

    One instance serves all workspaces, with one set of retry handlers and timeouts; the token is added per
    call, after it is looked up, as the request's Authorization header.
    """

    def __init__(self, tokens: TeamTokens, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.tokens = tokens

    async def api_call(
        self, api_method: str, *, headers: dict[str, str] | None = None, **kwargs: Any
    ) -> AsyncSlackResponse:
        team = current_team()
        bot = await self.tokens.bot(team)
        if bot is None:
            raise not_installed(self, api_method, team)
        return await super().api_call(
            api_method, headers={**(headers or {}), "Authorization": f"Bearer {bot.bot_token}"}, **kwargs
        )


def routed(client: AsyncWebClient, tokens: TeamTokens) -> TeamRoutedClient:
    """`client` (its API URL, timeout, retry handlers) as a `TeamRoutedClient` without a token of its own."""
    return TeamRoutedClient(
        tokens,
        base_url=client.base_url,
        timeout=client.timeout,
        retry_handlers=list(client.retry_handlers),
    )


class InstalledTeams(AsyncAuthorize):
    """Bolt's authorize: the request's workspace as stored at install time, or None (Bolt then answers with
    its "please reinstall" notice and no listener runs)."""

    def __init__(self, tokens: TeamTokens) -> None:
        super().__init__()
        self.tokens = tokens

    async def __call__(
        self,
        *,
        context: AsyncBoltContext,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None,
        **_actor: Any,
    ) -> AuthorizeResult | None:
        bot = await self.tokens.bot(team_id)
        if bot is None:
            log.info("workspace_not_installed", team=team_id)
            return None
        return AuthorizeResult(
            enterprise_id=bot.enterprise_id,
            team_id=bot.team_id,
            team=bot.team_name,
            bot_user_id=bot.bot_user_id,
            bot_id=bot.bot_id,
            bot_token=bot.bot_token,
            bot_scopes=bot.bot_scopes,
            user_id=user_id,
        )


class SignedStateStore(AsyncOAuthStateStore):
    """slack_sdk's one-time state store, with each state signed by SLACK_STATE_SECRET (`<state>.<hmac>`)."""

    def __init__(self, store: AsyncOAuthStateStore, secret: str) -> None:
        self.store = store
        self._key = secret.encode()

    @property
    def logger(self) -> Any:
        return self.store.logger

    def _sign(self, state: str) -> str:
        return hmac.new(self._key, state.encode(), hashlib.sha256).hexdigest()

    async def async_issue(self, *args: Any, **kwargs: Any) -> str:
        state = await self.store.async_issue(*args, **kwargs)
        return f"{state}.{self._sign(state)}"

    async def async_consume(self, state: str) -> bool:
        raw, _, signature = (state or "").rpartition(".")
        if not raw or not hmac.compare_digest(signature, self._sign(raw)):
            log.info("oauth_state_refused", reason="signature")
            return False
        return await self.store.async_consume(raw)


# ------------------------------------------------------------------------------------------ the parts


@dataclass
class Workspaces:
    """Everything OAuth mode adds to `serve`: the stores, the token lookups, Bolt's options and the routes."""

    database: Database
    store: AsyncInstallationStore
    tokens: TeamTokens
    flow: AsyncOAuthFlow

    @classmethod
    def open(cls, settings: Settings, database: Database) -> Workspaces:
        client_id = settings.slack_client_id or ""
        store = installations.installation_store(database.engine, client_id)
        secret = settings.slack_state_secret.get_secret_value() if settings.slack_state_secret else ""
        states = SignedStateStore(installations.state_store(database.engine, STATE_EXPIRATION), secret)
        oauth_settings = AsyncOAuthSettings(
            client_id=client_id,
            client_secret=settings.slack_client_secret.get_secret_value() if settings.slack_client_secret else "",
            scopes=list(BOT_SCOPES),
            redirect_uri=settings.slack_redirect_uri,
            install_path=INSTALL_PATH,
            redirect_uri_path=REDIRECT_PATH,
            install_page_rendering_enabled=False,
            installation_store=store,
            installation_store_bot_only=True,
            state_store=states,
            state_expiration_seconds=STATE_EXPIRATION,
        )
        # The flow's own client: oauth.v2.access is authenticated with the app's client id and secret, and the
        # new token's auth.test with that token, so neither goes through the per-workspace client.
        flow = AsyncOAuthFlow(client=AsyncWebClient(base_url=settings.slack_api_url), settings=oauth_settings)
        return cls(database=database, store=store, tokens=TeamTokens(store), flow=flow)

    def client(self, client: AsyncWebClient) -> TeamRoutedClient:
        """`client`'s settings, with each workspace's token per call."""
        return routed(client, self.tokens)

    def bolt_options(self) -> dict[str, Any]:
        """What `AsyncApp` needs for many workspaces."""
        _quiet_not_installed()
        return {"oauth_flow": self.flow, "installation_store": self.store, "authorize": InstalledTeams(self.tokens)}

    def attach(self, app: AsyncApp) -> None:
        """Middlewares: the request's workspace for the bot's client, and uninstalling."""
        app.middleware(_team_context)
        app.middleware(self._uninstall)

    def add_routes(self, web_app: web.Application) -> None:
        """`GET /slack/install` and `GET /slack/oauth_redirect` on the bot's HTTP server."""
        web_app.router.add_get(INSTALL_PATH, self._route(self.flow.handle_installation))
        web_app.router.add_get(REDIRECT_PATH, self._route(self.flow.handle_callback))

    def _route(
        self, handle: Callable[[AsyncBoltRequest], Awaitable[BoltResponse]]
    ) -> Callable[[web.Request], Awaitable[web.Response]]:
        async def route(request: web.Request) -> web.Response:
            bolt_request = AsyncBoltRequest(
                body="",
                query=request.query_string,
                headers=request.headers,  # type: ignore[arg-type]
            )
            return await to_aiohttp_response(await handle(bolt_request))

        return route

    async def _uninstall(
        self, body: dict[str, Any], context: AsyncBoltContext, next: Callable[[], Awaitable[None]]
    ) -> None:
        """`app_uninstalled`, or `tokens_revoked` naming bot tokens: the workspace's tokens go, and its waiting
        shares end (before Slack gets its ack, so a failure here is retried)."""
        found = body.get("event")
        event: dict[str, Any] = found if isinstance(found, dict) else {}
        kind = event.get("type") if body.get("type") == "event_callback" else None
        team_id = context.team_id
        revoked_bot = kind == "tokens_revoked" and bool((event.get("tokens") or {}).get("bot"))
        if team_id and (kind == "app_uninstalled" or revoked_bot):
            await self.uninstall(team_id, reason=str(kind))
        await next()

    async def uninstall(self, team_id: str, *, reason: str) -> int:
        """Delete `team_id`'s bot tokens and installations; end its waiting shares. Returns how many ended."""
        await self.store.async_delete_bot(enterprise_id=None, team_id=team_id)
        await self.store.async_delete_installation(enterprise_id=None, team_id=team_id)
        self.tokens.forget(team_id)
        async with self.database.session() as session, session.begin():
            dropped = await installations.drop_team_work(session, team_id)
        log.warning("workspace_uninstalled", team=team_id, reason=reason, shares_dropped=dropped)
        return dropped


class _NotInstalledFilter(logging.Filter):
    """Drops Bolt's ERROR for a request from a workspace with no installation: any workspace can send one (after
    uninstalling, say), nothing is wrong on our side, and `workspace_not_installed` already logs it at info."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "the AuthorizeResult (returned value from authorize) for it was not found" not in record.getMessage()


def _quiet_not_installed() -> None:
    logger = logging.getLogger("slack_bolt.AsyncMultiTeamsAuthorization")
    if not any(isinstance(f, _NotInstalledFilter) for f in logger.filters):
        logger.addFilter(_NotInstalledFilter())


async def _team_context(context: AsyncBoltContext, next: Callable[[], Awaitable[None]]) -> None:
    """The request's workspace, as Bolt's authorize found it installed, is the one every call is made for."""
    set_team(context.team_id)
    await next()
