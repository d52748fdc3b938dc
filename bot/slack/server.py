"""`linkbrief serve`: the bot's process, in HTTP mode or Socket Mode, with `/healthz` and `/metrics` in both.

One aiohttp server runs on `port`: `GET /healthz` (200, or 503 with the reasons: the database is
unreachable, the worker stopped, the Socket Mode connection has been down longer than
`LINKBRIEF_HEALTH_DISCONNECTED_AFTER`, a share has waited longer than `LINKBRIEF_HEALTH_STUCK_AFTER`),
`GET /metrics` (Prometheus, see `bot.metrics`), plus `POST /slack/events` in HTTP mode (events, `/brief` and
button clicks, all signed). In Socket Mode the same Bolt app is fed by slack_sdk's aiohttp `SocketModeClient`
(through Bolt's `AsyncSocketModeHandler`). Socket Mode needs no port of its own: with `port=None` (`linkbrief serve
--port 0`) it binds none, for hosts where the health port is not wanted or already taken.

Start-up tells the truth before it reports ready: the bot token is checked with `auth.test` and, in Socket Mode,
the app token with `apps.connections.open`. A token Slack refuses stops start-up with `SlackRefused` (the CLI
prints its one line and exits 2); Slack being unreachable (connection refused, timeouts, 5xx, 429) is waited out
with backoff, one log line per attempt. SIGTERM and SIGINT stop the process at any point of start-up, not only
once it runs.

`running_bot` is the whole process as an async context manager (checks, migrations, pipeline, worker,
listeners, server), yielding the bound port, so tests and benchmarks run the real thing on port 0 in-process;
`serve` is `running_bot` until SIGTERM or SIGINT. Shutdown stops taking new work, gives in-flight shares
`LINKBRIEF_SHUTDOWN_GRACE` seconds to finish, and leaves the rest pending for the next start.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import signal
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import parse_qsl

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.adapter.socket_mode.async_internals import run_async_bolt_app, send_async_response
from slack_bolt.async_app import AsyncApp
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.request.async_internals import build_async_context
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.errors import SlackApiError
from slack_sdk.socket_mode.aiohttp import SocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from bot import __version__, metrics
from bot.followups.answer import FollowUpModel
from bot.logs import get_logger, one_line_logger
from bot.pipeline.extract import extract_article
from bot.pipeline.runner import ArticlePipeline
from bot.queue import ProcrastinateQueue
from bot.settings import Settings
from bot.slack.app import AppParts, Background, build_app
from bot.slack.ask import ArchiveQuestions
from bot.slack.commands import BriefCommands
from bot.slack.digests import Digests
from bot.slack.followups import FollowUps
from bot.slack.intake import Intake
from bot.slack.oauth import Workspaces, check_oauth_settings, oauth_requested
from bot.slack.permissions import MembershipCache, Visibility
from bot.slack.replies import TRANSIENT_ERRORS, ChannelPacer, Replier, web_client
from bot.slack.worker import Delivery, RetryPolicy, Worker
from bot.store.db import Database, database_label
from bot.store.models import ShareStatus
from bot.store.queue_schema import apply_queue_schema
from bot.store.shares import SHARE_STATUSES, WAITING_STATUSES, share_stats
from bot.store.statistics import PlannerStatistics
from bot.store.write_gate import IntakeFirstDatabase
from bot.summarize.base import SummaryInput

log = get_logger(__name__)

Mode = Literal["http", "socket"]
EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
METRICS_PATH = "/metrics"
HEALTH_DB_TIMEOUT = 3.0
FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"
JSON_CONTENT_TYPE = "application/json"

# Start-up checks of the tokens: one call each, retried while Slack cannot be reached.
CHECK_TIMEOUT = 10  # seconds per call
RETRY_FIRST = 1.0  # seconds before the second attempt, doubled each time up to RETRY_MAX
RETRY_MAX = 30.0
SOCKET_URL_FRESH = 20.0  # seconds the URL from the start-up check is used for the first connection
SOCKET_PING_INTERVAL = 10.0  # slack_sdk's ping (and reconnection) interval, Bolt's default
SOCKET_WATCH_INTERVAL = 1.0  # seconds between looks at the Socket Mode connection (for /healthz)


class SlackRefused(Exception):
    """Slack refused a token: retrying cannot help, the operator has to fix the setting (exit status 2)."""


def resolve_mode(settings: Settings, mode: str | None) -> Mode:
    """`--mode` if given, else Socket Mode when an app-level token is set, else HTTP."""
    if mode in ("http", "socket"):
        return mode  # type: ignore[return-value]
    return "socket" if settings.slack_app_token else "http"


def check_serve_settings(settings: Settings, mode: str | None) -> str | None:
    """The one-line reason `serve` cannot start with these settings, or None when it can."""
    resolved = resolve_mode(settings, mode)
    if oauth_requested(settings):  # many workspaces: no bot token of our own (bot.slack.oauth)
        return check_oauth_settings(settings, resolved)
    bot_token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else ""
    if not bot_token:
        return (
            "SLACK_BOT_TOKEN (xoxb-…) is not set: Socket Mode needs SLACK_BOT_TOKEN + SLACK_APP_TOKEN (xapp-…); "
            "HTTP mode needs SLACK_BOT_TOKEN + SLACK_SIGNING_SECRET; many workspaces (OAuth) need SLACK_CLIENT_ID + "
            "SLACK_CLIENT_SECRET + SLACK_STATE_SECRET instead of SLACK_BOT_TOKEN"
        )
    if bot_token.startswith("xapp-"):
        return "SLACK_BOT_TOKEN holds an app-level token (xapp-…); use the Bot User OAuth Token (xoxb-…)"
    if resolved == "http" and not (settings.slack_signing_secret and settings.slack_signing_secret.get_secret_value()):
        return (
            "SLACK_SIGNING_SECRET is not set: HTTP mode needs SLACK_BOT_TOKEN + SLACK_SIGNING_SECRET (to verify "
            "Slack's requests); Socket Mode needs SLACK_BOT_TOKEN + SLACK_APP_TOKEN (xapp-…) instead"
        )
    if settings.queue_kind == "procrastinate" and not settings.database_url.startswith("postgres"):
        return "LINKBRIEF_QUEUE=procrastinate needs PostgreSQL (DATABASE_URL=postgresql+asyncpg://…)"
    if resolved == "socket":
        app_token = settings.slack_app_token.get_secret_value() if settings.slack_app_token else ""
        if not app_token:
            return (
                "SLACK_APP_TOKEN is not set: Socket Mode needs SLACK_BOT_TOKEN + SLACK_APP_TOKEN (xapp-…); "
                "HTTP mode (--mode http) needs SLACK_BOT_TOKEN + SLACK_SIGNING_SECRET"
            )
        if not app_token.startswith("xapp-"):
            return "SLACK_APP_TOKEN must be an app-level token (xapp-…) with the connections:write scope"
    return None


@dataclass(frozen=True, slots=True)
class RunningBot:
    """A started bot: where it listens and its parts (for tests, benchmarks and health)."""

    mode: Mode
    host: str
    port: int | None  # None: Socket Mode without a health port
    app: AsyncApp
    database: Database
    worker: ShareWorker
    intake: Intake
    commands: BriefCommands
    digests: Digests

    @property
    def base_url(self) -> str:
        if self.port is None:
            raise RuntimeError("this bot listens on no port (Socket Mode with port None)")
        host = "127.0.0.1" if self.host in ("0.0.0.0", "") else self.host  # noqa: S104 - comparing, not binding
        return f"http://{host}:{self.port}"


ShareWorker = Worker | ProcrastinateQueue


def share_worker(
    settings: Settings,
    database: Database,
    pipeline: ArticlePipeline,
    token: str,
    pacer: ChannelPacer,
    *,
    dispatch: bool = True,
    name: str = "linkbrief",
    workspaces: Workspaces | None = None,
    digests: Digests | None = None,
) -> ShareWorker:
    """The worker that answers shares, on the queue the settings choose (`Settings.queue_kind`, bot.queue).
    With `workspaces` (OAuth), each reply is posted with its workspace's token."""
    replies = Replier(
        # Posts are never repeated by the client itself (see bot.slack.replies); 429s still are.
        _for_teams(
            workspaces,
            web_client(token, settings.slack_api_url, transport_retries=False, timeout=settings.slack_timeout),
        ),
        pacer=pacer,
        reactions_client=_for_teams(workspaces, web_client(token, settings.slack_api_url, rate_limit_retries=0)),
    )
    delivery = Delivery(
        database,
        pipeline,
        replies,
        pipeline_concurrency=settings.pipeline_concurrency,
        retry=RetryPolicy(settings.slack_retry_for, settings.slack_retry_min, settings.slack_retry_max),
    )
    if settings.queue_kind == "procrastinate":
        return ProcrastinateQueue(settings, database, delivery, dispatch=dispatch, name=name, digests=digests)
    return Worker(
        database,
        delivery,
        workers=settings.workers,
        claim_batch=settings.claim_batch,
        poll_interval=settings.poll_interval,
    )


def exactly_once_replier(settings: Settings, token: str, pacer: ChannelPacer, workspaces: Workspaces | None) -> Replier:
    """The replier that posts follow-up answers and channel digests: like the share worker's, its client never
    repeats a post on its own (a message that may have reached Slack is looked for, by the metadata it carries,
    before it is posted again)."""
    client = web_client(token, settings.slack_api_url, transport_retries=False, timeout=settings.slack_timeout)
    return Replier(_for_teams(workspaces, client), pacer=pacer)


async def migrate(settings: Settings, database: Database) -> None:
    """The store's schema (Alembic) and, with the procrastinate queue, the queue's; a database that is not up
    yet (a container started before it) is waited for first."""
    await database.wait_until_up(settings.database_wait)
    await database.migrate()
    if settings.queue_kind == "procrastinate":
        await apply_queue_schema(settings.database_url)


@asynccontextmanager
async def running_bot(
    settings: Settings,
    *,
    mode: str | None = None,
    port: int | None = 3000,
    host: str | None = None,
    warm_up: bool = False,
    on_refused: Callable[[str], None] | None = None,
) -> AsyncIterator[RunningBot]:
    """Start the bot (token checks, migrations, pipeline, worker, Slack connection, HTTP server) and stop it on
    exit. Raises `SlackRefused` when Slack refuses a token at start-up.

    `warm_up` starts the pipeline's worker processes at start-up instead of with the first link. Off by
    default: an idle bot then holds no worker processes (they are most of its memory), and the first link
    waits about 2 s for them without blocking the event loop. `on_refused` is called with the
    reason when Slack refuses the app token later, on a reconnection (`serve` then stops with status 2).
    `port=None` binds no port (Socket Mode only: HTTP mode receives Slack's requests on it); 0 takes a free one.
    """
    resolved = resolve_mode(settings, mode)
    problem = check_serve_settings(settings, resolved)
    if problem:
        raise ValueError(problem)
    if port is None and resolved == "http":
        raise ValueError("HTTP mode needs a port: Slack sends its requests to /slack/events on it")
    bind_host = host if host is not None else settings.listen_host
    many = oauth_requested(settings)  # many workspaces: tokens from the installation store (bot.slack.oauth)
    token = "" if many else settings.slack_bot_token.get_secret_value()  # type: ignore[union-attr]  # checked above
    app_token = settings.slack_app_token.get_secret_value() if resolved == "socket" else None  # type: ignore[union-attr]
    socket_url = await check_tokens(settings.slack_api_url, token or None, app_token)
    checked_at = time.monotonic()
    database = IntakeFirstDatabase(settings.database_url)
    statistics = PlannerStatistics(database)  # SQLite's planner counts, at start and hourly
    try:
        await migrate(settings, database)
        statistics.start()
        workspaces = Workspaces.open(settings, database) if many else None
        async with ArticlePipeline.open(settings, database) as pipeline:
            if warm_up:
                await _warm_up(pipeline)
            client = _for_teams(workspaces, web_client(token, settings.slack_api_url))
            pacer = ChannelPacer(settings.channel_post_interval, settings.channel_post_burst)
            replier = Replier(
                client,
                pacer=pacer,
                reactions_client=_for_teams(
                    workspaces, web_client(token, settings.slack_api_url, rate_limit_retries=0)
                ),
            )
            once = exactly_once_replier(settings, token, pacer, workspaces)
            digests = Digests(database, once)
            worker = share_worker(settings, database, pipeline, token, pacer, workspaces=workspaces, digests=digests)
            intake = Intake(
                database,
                max_links=settings.max_links_per_message,
                skip_domains=settings.skip_domain_set,
                on_new_work=worker.notify,
            )
            visibility = Visibility(
                database, MembershipCache(client, ttl=settings.membership_ttl), team_scoped=workspaces is not None
            )
            commands = BriefCommands(database, pipeline, replier, visibility, client)
            followups = FollowUps(database, once, visibility.membership, model=FollowUpModel.of(pipeline.summarizer))
            ask = ArchiveQuestions(database, visibility, replier)
            background = Background()
            secret = settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else None
            app = build_app(
                AppParts(
                    client=client,
                    intake=intake,
                    commands=commands,
                    background=background,
                    followups=followups,
                    ask=ask,
                    digests=digests,
                ),
                signing_secret=secret,
                verify_requests=resolved == "http",
                **(workspaces.bolt_options() if workspaces is not None else {}),
            )
            if workspaces is not None:
                workspaces.attach(app)
            socket_watch = _SocketWatch()
            health = _Health(database, worker, socket_watch, settings)
            runner = web.AppRunner(
                _web_app(app, health, with_events=resolved == "http", workspaces=workspaces), access_log=None
            )
            await runner.setup()
            await worker.start()
            socket_handler: _SocketModeHandler | None = None
            try:
                followups.start()  # answers questions a dead process stored and never answered
                if settings.queue_kind != "procrastinate":  # procrastinate runs the digests as a periodic task
                    digests.start(settings.digest_interval)
                bound_port: int | None = None
                if port is not None:
                    await web.TCPSite(runner, bind_host, port).start()
                    bound_port = runner.addresses[0][1]
                if app_token is not None:
                    socket_handler = _SocketModeHandler(app, app_token, on_refused=on_refused or _log_refused)
                    # The checked URL while it is fresh: a second apps.connections.open this soon would count
                    # against its low rate limit. Later (slow migrations) the SDK asks for a new one.
                    fresh = time.monotonic() - checked_at < SOCKET_URL_FRESH
                    await socket_handler.connect(socket_url if fresh else None)
                    socket_watch.watch(socket_handler.client)
                log.info(
                    "bot_started",
                    version=__version__,
                    mode=resolved,
                    host=bind_host,
                    port=bound_port,
                    database=database_label(settings.database_url),
                    queue=settings.queue_kind,
                    summarizer=settings.summarizer,
                    model=settings.llm_model if settings.summarizer == "llm" else None,
                )
                yield RunningBot(
                    mode=resolved,
                    host=bind_host,
                    port=bound_port,
                    app=app,
                    database=database,
                    worker=worker,
                    intake=intake,
                    commands=commands,
                    digests=digests,
                )
            finally:
                await socket_watch.stop()
                if socket_handler is not None:
                    with contextlib.suppress(Exception):
                        await socket_handler.close_async()
                await background.close(settings.shutdown_grace)
                await followups.aclose()
                await digests.aclose()
                await worker.stop(settings.shutdown_grace)
                await runner.cleanup()
                log.info("bot_stopped", mode=resolved)
    finally:
        await statistics.aclose()
        await database.dispose()


@asynccontextmanager
async def running_worker(
    settings: Settings, *, port: int = 3001, host: str | None = None, warm_up: bool = True
) -> AsyncIterator[int]:
    """`linkbrief worker`: answers shares from the procrastinate queue, with `/healthz` and `/metrics` on `port`
    and no Slack listener (the `serve` processes take Slack's requests). Yields the bound port."""
    if settings.queue_kind != "procrastinate":
        raise ValueError(
            "linkbrief worker works from the procrastinate queue: set DATABASE_URL to PostgreSQL "
            "(and LINKBRIEF_QUEUE to auto or procrastinate)"
        )
    many = oauth_requested(settings)  # many workspaces: each reply with its workspace's stored token
    if not many and not (settings.slack_bot_token and settings.slack_bot_token.get_secret_value()):
        raise ValueError(
            "SLACK_BOT_TOKEN is not set: the worker posts the replies with the bot token (xoxb-…), or with each "
            "workspace's token when SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET are set"
        )
    problem = check_oauth_settings(settings, "worker") if many else None
    if problem:
        raise ValueError(problem)
    token = "" if many else settings.slack_bot_token.get_secret_value()  # type: ignore[union-attr]
    await check_tokens(settings.slack_api_url, token or None, None)
    database = Database(settings.database_url)
    try:
        await migrate(settings, database)
        workspaces = Workspaces.open(settings, database) if many else None
        async with ArticlePipeline.open(settings, database) as pipeline:
            if warm_up:
                await _warm_up(pipeline)
            pacer = ChannelPacer(settings.channel_post_interval, settings.channel_post_burst)
            worker = share_worker(
                settings,
                database,
                pipeline,
                token,
                pacer,
                dispatch=False,
                name="linkbrief-worker",
                workspaces=workspaces,
                digests=Digests(database, exactly_once_replier(settings, token, pacer, workspaces)),
            )
            health = _Health(database, worker, _SocketWatch(), settings)
            runner = web.AppRunner(_web_app(None, health, with_events=False), access_log=None)
            await runner.setup()
            await worker.start()
            try:
                await web.TCPSite(runner, host if host is not None else settings.listen_host, port).start()
                bound_port = runner.addresses[0][1]
                log.info(
                    "worker_started",
                    version=__version__,
                    port=bound_port,
                    database=database_label(settings.database_url),
                    summarizer=settings.summarizer,
                    model=settings.llm_model if settings.summarizer == "llm" else None,
                )
                yield bound_port
            finally:
                await worker.stop(settings.shutdown_grace)
                await runner.cleanup()
                log.info("worker_stopped")
    finally:
        await database.dispose()


async def serve(
    settings: Settings,
    *,
    mode: str | None = None,
    port: int | None = 3000,
    host: str | None = None,
    worker_only: bool = False,
) -> None:
    """Run the bot until SIGTERM or SIGINT (what `linkbrief serve` calls; `linkbrief worker` with `worker_only`).

    A signal during start-up (while Slack is being waited for, say) cancels the start-up, so the process always
    stops promptly. Raises `SlackRefused` when Slack refuses a token, at start-up or on a later reconnection.
    """
    stop = asyncio.Event()
    refused: list[str] = []

    def give_up(reason: str) -> None:
        log.error("slack_token_refused", reason=reason)
        refused.append(reason)
        stop.set()

    loop = asyncio.get_running_loop()
    handled: list[signal.Signals] = []
    for signum in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signum, stop.set)
            handled.append(signum)
    started = asyncio.Event()

    async def run() -> None:
        running = (
            running_worker(settings, port=3001 if port is None else port, host=host)
            if worker_only
            else running_bot(settings, mode=mode, port=port, host=host, on_refused=give_up)
        )
        async with running:
            started.set()
            await stop.wait()
            log.info("bot_stopping")

    bot = asyncio.create_task(run(), name="linkbrief-serve")
    stopped = asyncio.create_task(stop.wait())
    try:
        await asyncio.wait({bot, stopped}, return_when=asyncio.FIRST_COMPLETED)
        cancelled_start = not bot.done() and not started.is_set()
        if cancelled_start:
            log.info("bot_stopping", during="start-up")
            bot.cancel()
        try:
            await bot
        except asyncio.CancelledError:
            if not cancelled_start:
                raise
    finally:
        stopped.cancel()
        if not bot.done():
            bot.cancel()
        for signum in handled:
            loop.remove_signal_handler(signum)
    if refused:
        raise SlackRefused(refused[0])


# ------------------------------------------------------------------------------------ Slack at start-up


async def check_tokens(api_url: str, bot_token: str | None, app_token: str | None) -> str | None:
    """Check the bot token (`auth.test`) and, for Socket Mode, the app token (`apps.connections.open`).

    Returns the WebSocket URL the app-token check obtained (None without an app token). Raises `SlackRefused`
    with a one-line reason when Slack refuses a token; waits out an unreachable or failing Slack with backoff.
    """
    client = AsyncWebClient(
        token=bot_token, base_url=api_url, timeout=CHECK_TIMEOUT, retry_handlers=[metrics.SlackCallCounter()]
    )
    if bot_token is None:  # many workspaces: their tokens are checked by Slack at install time
        return await _check_app_token(client, app_token)
    identity = await _until_answered(
        "auth.test",
        client.auth_test,
        refused=lambda error: (
            f"Slack refused SLACK_BOT_TOKEN (auth.test: {error}); "
            "set the Bot User OAuth Token (xoxb-…) of the installed app"
        ),
    )
    if not identity.get("bot_id"):
        raise SlackRefused("SLACK_BOT_TOKEN is not a bot token (auth.test shows no bot); use the xoxb-… token")
    log.info("slack_bot_token_ok", team=identity.get("team"), bot_user=identity.get("user_id"))
    return await _check_app_token(client, app_token)


async def _check_app_token(client: AsyncWebClient, app_token: str | None) -> str | None:
    if app_token is None:
        return None
    opened = await _until_answered(
        "apps.connections.open",
        lambda: client.apps_connections_open(app_token=app_token),
        refused=_app_token_refused,
    )
    return str(opened["url"])


def _app_token_refused(error: str) -> str:
    return (
        f"Slack refused SLACK_APP_TOKEN (apps.connections.open: {error}); "
        "set an app-level token (xapp-…) with the connections:write scope"
    )


def _error_code(exc: SlackApiError) -> str:
    """Slack's `error` code, or the HTTP status when the answer had none."""
    data = exc.response.data if isinstance(exc.response.data, dict) else {}
    return str(data.get("error") or f"HTTP {exc.response.status_code}")


def _final_error(exc: SlackApiError) -> str | None:
    """Slack's error code when retrying cannot help (a refused token, a wrong API URL), else None."""
    status = exc.response.status_code
    error = _error_code(exc)
    if status >= 500 or status == 429 or error in TRANSIENT_ERRORS:
        return None
    return error


async def _until_answered(
    method: str, call: Callable[[], Awaitable[AsyncSlackResponse]], *, refused: Callable[[str], str]
) -> AsyncSlackResponse:
    """`call()` until Slack answers: a final error raises `SlackRefused(refused(error))`, anything transient
    (network, timeout, 5xx, 429) is retried after 1, 2, 4 … up to 30 seconds, logged in one line each time."""
    delay = RETRY_FIRST
    while True:
        try:
            return await call()
        except SlackApiError as exc:
            final = _final_error(exc)
            if final is not None:
                raise SlackRefused(refused(final)) from None
            problem = _error_code(exc)
            wait = max(delay, float(exc.response.headers.get("Retry-After") or 0))
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            problem, wait = f"{type(exc).__name__}: {exc}"[:200], delay
        log.warning("slack_unreachable", method=method, error=problem, retry_in=wait)
        await asyncio.sleep(wait)
        delay = min(delay * 2, RETRY_MAX)


def _for_teams(workspaces: Workspaces | None, client: AsyncWebClient) -> AsyncWebClient:
    """`client` counted in /metrics; with `workspaces` (OAuth), making each call with its workspace's token."""
    return _counted(client if workspaces is None else workspaces.client(client))


def _counted(client: AsyncWebClient) -> AsyncWebClient:
    """The client with every Web API request counted in /metrics (see `metrics.SlackCallCounter`)."""
    client.retry_handlers.insert(0, metrics.SlackCallCounter())
    return client


def _log_refused(reason: str) -> None:
    log.error("slack_token_refused", reason=reason)


# ------------------------------------------------------------------------------------------- Socket Mode


class _SocketModeClient(SocketModeClient):
    """slack_sdk's aiohttp client, telling `on_refused` when a reconnection finds the app token refused (the
    SDK itself would retry that forever) and logging failed connection attempts in one line each."""

    def __init__(self, app_token: str, web_client: AsyncWebClient, on_refused: Callable[[str], None]) -> None:
        super().__init__(
            app_token=app_token,
            logger=one_line_logger("linkbrief.socket_mode"),
            web_client=web_client,
            ping_interval=SOCKET_PING_INTERVAL,
        )
        self.on_refused = on_refused

    async def issue_new_wss_url(self) -> str:
        try:
            return await super().issue_new_wss_url()
        except SlackApiError as exc:
            final = _final_error(exc)
            if final is not None:
                self.auto_reconnect_enabled = False
                self.on_refused(_app_token_refused(final))
            raise


class _SocketModeHandler(AsyncSocketModeHandler):
    """Bolt's Socket Mode adapter on `_SocketModeClient`, counting and timing each envelope's ack."""

    def __init__(self, app: AsyncApp, app_token: str, *, on_refused: Callable[[str], None]) -> None:
        # Not Bolt's __init__: it would build (and leave open) a client of its own.
        self.app = app
        self.app_token = app_token
        self.client = _SocketModeClient(app_token, app.client, on_refused)
        self.client.socket_mode_request_listeners.append(self.handle)  # type: ignore[arg-type]

    async def connect(self, url: str | None) -> None:
        """Connect, with `url` from apps.connections.open if given; the SDK asks for a new one when it reconnects."""
        self.client.wss_uri = url
        await self.connect_async()

    async def handle(self, client: SocketModeClient, req: SocketModeRequest) -> None:  # type: ignore[override]
        started = time.perf_counter()
        metrics.REQUESTS_RECEIVED.labels("socket", req.type).inc()
        response = await run_async_bolt_app(self.app, req)
        await send_async_response(client, req, response, time.time())
        if response.status == 200:
            metrics.record_ack("socket", req.type, time.perf_counter() - started)


class _SocketWatch:
    """Looks at the Socket Mode connection every second and remembers since when it has been down."""

    def __init__(self) -> None:
        self.active = False
        self.connected = False
        self._down_since: float | None = None
        self._task: asyncio.Task[None] | None = None

    def watch(self, client: SocketModeClient) -> None:
        self.active = True
        self._task = asyncio.create_task(self._run(client), name="socket-watch")

    def disconnected_for(self) -> float:
        """Seconds the connection has been down (0 while it is up)."""
        return 0.0 if self._down_since is None else time.monotonic() - self._down_since

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self, client: SocketModeClient) -> None:
        while True:
            try:
                self.connected = bool(await client.is_connected())
            except Exception:
                self.connected = False
            if self.connected:
                self._down_since = None
            elif self._down_since is None:
                self._down_since = time.monotonic()
                log.warning("socket_mode_disconnected")
            metrics.SOCKET_CONNECTED.set(1 if self.connected else 0)
            await asyncio.sleep(SOCKET_WATCH_INTERVAL)


# ------------------------------------------------------------------------------------------- warm-up


_WARM_UP_HTML = "<html><head><title>Warm-up</title></head><body><p>Warm-up page.</p></body></html>"


async def _warm_up(pipeline: ArticlePipeline) -> None:
    """Start the pipeline's worker processes (extraction and summaries) now, not on the first link."""
    with contextlib.suppress(Exception):
        await pipeline.cpu_pool.run(extract_article, _WARM_UP_HTML, "http://warm-up.invalid/")
    with contextlib.suppress(Exception):
        await pipeline.summarizer.summarize(SummaryInput(text="Warm-up. The bot is starting.", title="Warm-up"))


# ----------------------------------------------------------------------------------------------- HTTP


class MalformedBody(ValueError):
    """A request body that is not what Slack sends (answered 400)."""


def check_body(raw: bytes, content_type: str) -> str:
    """The body as text when it parses the way Bolt will parse it into an object; else `MalformedBody`.

    Bolt reads JSON (declared, or any body starting with `{`), a form with a `payload` field holding JSON, or a
    plain form. Each must come out as an object: JSON that is an array, a number or nested past the parser's
    limit, bytes that are not UTF-8, and forms that do not decode strictly are refused here, before Bolt (whose
    parser would crash on them with a 500) and independently of the signature check.
    """
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise MalformedBody("not UTF-8") from None
    if not text:
        return text
    if content_type == JSON_CONTENT_TYPE or text.startswith("{"):
        _json_object(text)
        return text
    try:
        fields = parse_qsl(text, keep_blank_values=True, strict_parsing=True, errors="strict")
    except (ValueError, UnicodeDecodeError):
        raise MalformedBody("not a form") from None
    if "payload" in text:
        payload = dict(fields).get("payload")
        if payload is not None:
            _json_object(payload)
    return text


def _json_object(text: str) -> None:
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        raise MalformedBody("not JSON") from None
    if not isinstance(value, dict):
        raise MalformedBody(f"JSON {type(value).__name__}, not an object")


def repair_form_body(request: AsyncBoltRequest) -> AsyncBoltRequest:
    """Undo Bolt's misreading of a form body that merely *contains* the word "payload".

    Bolt takes any form body containing the substring "payload" for an interactivity request
    (`payload=<json>`) and, finding no such field, parses it as `{}` (docs/slack.md §3): `/brief payload
    limits` would lose every field and be answered 404. Here such a body is parsed as the plain form it is.
    The raw body is untouched, so the signature check still covers exactly what Slack sent.
    """
    if request.content_type != FORM_CONTENT_TYPE or "payload" not in request.raw_body:
        return request
    fields = dict(parse_qsl(request.raw_body, keep_blank_values=True))
    if "payload" in fields:
        return request
    request.body = fields
    request.context = build_async_context(AsyncBoltContext({}), fields)
    return request


def request_kind(body: Mapping[str, Any]) -> str:
    """What Slack sent, named as Socket Mode names its envelopes (a label of the request metrics)."""
    if "command" in body:
        return "slash_commands"
    if body.get("type") in ("event_callback", "url_verification", "app_rate_limited"):
        return "events_api"
    return "interactive" if body.get("type") else "other"


async def _bolt_request(request: web.Request) -> AsyncBoltRequest:
    """The aiohttp request as Bolt's, or `MalformedBody` (Bolt's own adapter lets a bad body crash it)."""
    text = check_body(await request.read(), request.content_type)
    try:
        return repair_form_body(
            AsyncBoltRequest(body=text, query=request.query_string, headers=request.headers)  # type: ignore[arg-type]
        )
    except Exception as exc:  # fields of the wrong type where Bolt reads its context (ids, authorizations)
        raise MalformedBody(f"unreadable fields ({type(exc).__name__})") from None


def _web_app(
    app: AsyncApp | None, health: _Health, *, with_events: bool, workspaces: Workspaces | None = None
) -> web.Application:
    web_app = web.Application()
    web_app.router.add_get(HEALTH_PATH, health.handle)
    web_app.router.add_get(METRICS_PATH, health.metrics)
    if workspaces is not None:  # the OAuth install flow, in both modes (browsers come back here from Slack)
        workspaces.add_routes(web_app)
    if with_events and app is not None:

        async def slack_events(request: web.Request) -> web.Response:
            started = time.perf_counter()
            try:
                bolt_request = await _bolt_request(request)
            except MalformedBody as problem:
                metrics.REQUESTS_RECEIVED.labels("http", "malformed").inc()
                metrics.REQUESTS_MALFORMED.inc()
                log.warning(
                    "malformed_request",
                    reason=str(problem),
                    content_type=request.content_type,
                    length=request.content_length,
                )
                return web.json_response({"error": "malformed body"}, status=400)
            kind = request_kind(bolt_request.body)
            metrics.REQUESTS_RECEIVED.labels("http", kind).inc()
            response = await to_aiohttp_response(await app.async_dispatch(bolt_request))
            if 200 <= response.status < 300:
                metrics.record_ack("http", kind, time.perf_counter() - started)
            return response

        web_app.router.add_post(EVENTS_PATH, slack_events)
    return web_app


# ------------------------------------------------------------------------------------ health and metrics


class _Health:
    """`GET /healthz`: 200, or 503 with `reasons`; and `GET /metrics`, with the share gauges read from the store."""

    def __init__(self, database: Database, worker: ShareWorker, socket: _SocketWatch, settings: Settings) -> None:
        self.database = database
        self.worker = worker
        self.socket = socket
        self.stuck_after = settings.health_stuck_after
        self.disconnected_after = settings.health_disconnected_after

    async def handle(self, _request: web.Request) -> web.Response:
        reasons: list[str] = []
        database: dict[str, object] = {"ok": True}
        try:
            async with asyncio.timeout(HEALTH_DB_TIMEOUT):
                await self.database.ping()
                async with self.database.session(read_only=True) as session:
                    stats = await share_stats(session, WAITING_STATUSES)
            database["queued_shares"] = {status: stats.counts.get(status, 0) for status in WAITING_STATUSES}
            database["oldest_waiting_seconds"] = round(stats.oldest_waiting, 1)
            if stats.oldest_waiting > self.stuck_after:
                reasons.append(
                    f"a share has waited {stats.oldest_waiting:.1f} s, more than {self.stuck_after:g} s "
                    "(LINKBRIEF_HEALTH_STUCK_AFTER)"
                )
        except Exception as exc:
            database = {"ok": False, "error": type(exc).__name__}
            reasons.append(f"the database is unreachable ({type(exc).__name__})")
        worker = self.worker.status()
        if not worker["running"]:
            reasons.append("the worker is not running")
        body: dict[str, object] = {"database": database, "worker": worker}
        if self.socket.active:
            down = self.socket.disconnected_for()
            body["socket_mode"] = {"connected": self.socket.connected}
            if not self.socket.connected:
                body["socket_mode"] = {"connected": False, "disconnected_seconds": round(down, 1)}
            if down > self.disconnected_after:
                reasons.append(
                    f"the Socket Mode connection has been down for {down:.1f} s, more than "
                    f"{self.disconnected_after:g} s (LINKBRIEF_HEALTH_DISCONNECTED_AFTER)"
                )
        body["status"] = "unavailable" if reasons else "ok"
        body["reasons"] = reasons
        if reasons:
            log.warning("unhealthy", reasons=reasons)
        return web.json_response(body, status=503 if reasons else 200)

    async def metrics(self, _request: web.Request) -> web.Response:
        """Prometheus text; the share gauges are left as they were when the database does not answer."""
        try:
            async with asyncio.timeout(HEALTH_DB_TIMEOUT), self.database.session(read_only=True) as session:
                stats = await share_stats(session)
            metrics.set_share_gauges(stats.counts, SHARE_STATUSES, stats.oldest_waiting)
            metrics.QUEUE_DEPTH.labels("pending").set(stats.counts.get(ShareStatus.PENDING.value, 0))
        except Exception as exc:
            log.warning("metrics_store_unavailable", error=type(exc).__name__)
        metrics.QUEUE_DEPTH.labels("in_flight").set(int(self.worker.status()["in_flight"]))  # type: ignore[call-overload]
        return web.Response(body=metrics.render(), headers={"Content-Type": metrics.CONTENT_TYPE})
