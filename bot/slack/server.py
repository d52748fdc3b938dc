"""`linkbrief serve`: the bot's process, in HTTP mode or Socket Mode, with `/healthz` in both.

One aiohttp server always runs on `port`: `GET /healthz` (database and worker status, 503 when the database
is unreachable or the worker stopped), plus `POST /slack/events` in HTTP mode (events, `/brief` and button
clicks, all signed). In Socket Mode the same Bolt app is fed by slack_sdk's aiohttp `SocketModeClient`
(through Bolt's `AsyncSocketModeHandler`) and the server is only there for the container's HEALTHCHECK.

`running_bot` is the whole process as an async context manager (migrations, pipeline, worker, listeners,
server), yielding the bound port, so tests and benchmarks run the real thing on port 0 in-process; `serve` is
`running_bot` until SIGTERM or SIGINT. Shutdown stops taking new work, gives in-flight shares
`LINKBRIEF_SHUTDOWN_GRACE` seconds to finish, and leaves the rest pending for the next start.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Literal
from urllib.parse import parse_qsl

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.request.async_internals import build_async_context
from slack_bolt.request.async_request import AsyncBoltRequest

from bot.logs import get_logger
from bot.pipeline.runner import ArticlePipeline
from bot.settings import Settings
from bot.slack.app import AppParts, Background, build_app
from bot.slack.commands import BriefCommands
from bot.slack.intake import Intake, IntakeFirstDatabase
from bot.slack.permissions import MembershipCache, Visibility
from bot.slack.replies import ChannelPacer, Replier, web_client
from bot.slack.worker import Worker
from bot.store import shares as share_store
from bot.store.db import Database
from bot.store.models import ShareStatus
from bot.summarize.base import SummaryInput

log = get_logger(__name__)

Mode = Literal["http", "socket"]
EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
HEALTH_DB_TIMEOUT = 3.0
FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"
_QUEUED = (ShareStatus.PENDING.value, ShareStatus.WORKING.value)


def resolve_mode(settings: Settings, mode: str | None) -> Mode:
    """`--mode` if given, else Socket Mode when an app-level token is set, else HTTP."""
    if mode in ("http", "socket"):
        return mode  # type: ignore[return-value]
    return "socket" if settings.slack_app_token else "http"


def check_serve_settings(settings: Settings, mode: str | None) -> str | None:
    """The one-line reason `serve` cannot start with these settings, or None when it can."""
    resolved = resolve_mode(settings, mode)
    bot_token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else ""
    if not bot_token:
        return "SLACK_BOT_TOKEN is not set: the bot needs its Bot User OAuth Token (xoxb-…)"
    if bot_token.startswith("xapp-"):
        return "SLACK_BOT_TOKEN holds an app-level token (xapp-…); use the Bot User OAuth Token (xoxb-…)"
    if resolved == "http" and not (settings.slack_signing_secret and settings.slack_signing_secret.get_secret_value()):
        return "SLACK_SIGNING_SECRET is not set: HTTP mode needs it to verify Slack's requests"
    if resolved == "socket":
        app_token = settings.slack_app_token.get_secret_value() if settings.slack_app_token else ""
        if not app_token:
            return "SLACK_APP_TOKEN is not set: Socket Mode needs an app-level token (xapp-…), or use --mode http"
        if not app_token.startswith("xapp-"):
            return "SLACK_APP_TOKEN must be an app-level token (xapp-…) with the connections:write scope"
    return None


@dataclass(frozen=True, slots=True)
class RunningBot:
    """A started bot: where it listens and its parts (for tests, benchmarks and health)."""

    mode: Mode
    host: str
    port: int
    app: AsyncApp
    database: Database
    worker: Worker
    intake: Intake
    commands: BriefCommands

    @property
    def base_url(self) -> str:
        host = "127.0.0.1" if self.host in ("0.0.0.0", "") else self.host  # noqa: S104 - comparing, not binding
        return f"http://{host}:{self.port}"


@asynccontextmanager
async def running_bot(
    settings: Settings,
    *,
    mode: str | None = None,
    port: int = 3000,
    host: str | None = None,
    warm_up: bool = True,
) -> AsyncIterator[RunningBot]:
    """Start the bot (migrations, pipeline, worker, Slack connection, HTTP server) and stop it on exit.

    `warm_up` starts the pipeline's worker processes before the first event instead of on it (starting them
    blocks the event loop for about a second); tests skip it to start faster.
    """
    resolved = resolve_mode(settings, mode)
    problem = check_serve_settings(settings, resolved)
    if problem:
        raise ValueError(problem)
    bind_host = host if host is not None else settings.listen_host
    token = settings.slack_bot_token.get_secret_value()  # type: ignore[union-attr]  # checked above
    database = IntakeFirstDatabase(settings.database_url)
    try:
        await database.migrate()
        async with ArticlePipeline.open(settings, database) as pipeline:
            if warm_up:
                await _warm_up(pipeline)
            client = web_client(token, settings.slack_api_url)
            replier = Replier(
                client,
                pacer=ChannelPacer(settings.channel_post_interval, settings.channel_post_burst),
                reactions_client=web_client(token, settings.slack_api_url, rate_limit_retries=0),
            )
            worker = Worker(
                database,
                pipeline,
                replier,
                workers=settings.workers,
                claim_batch=settings.claim_batch,
                poll_interval=settings.poll_interval,
                pipeline_concurrency=settings.pipeline_concurrency,
            )
            intake = Intake(
                database,
                max_links=settings.max_links_per_message,
                skip_domains=settings.skip_domain_set,
                on_new_work=worker.notify,
            )
            visibility = Visibility(database, MembershipCache(client, ttl=settings.membership_ttl))
            commands = BriefCommands(database, pipeline, replier, visibility, client)
            background = Background()
            secret = settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else None
            app = build_app(
                AppParts(client=client, intake=intake, commands=commands, background=background),
                signing_secret=secret,
                verify_requests=resolved == "http",
            )
            socket_handler: AsyncSocketModeHandler | None = None
            health = _Health(database, worker, lambda: socket_handler)
            runner = web.AppRunner(_web_app(app, health, with_events=resolved == "http"), access_log=None)
            await runner.setup()
            await worker.start()
            try:
                await web.TCPSite(runner, bind_host, port).start()
                bound_port = runner.addresses[0][1]
                if resolved == "socket":
                    app_token = settings.slack_app_token.get_secret_value()  # type: ignore[union-attr]
                    socket_handler = AsyncSocketModeHandler(app, app_token)
                    await socket_handler.connect_async()
                log.info("bot_started", mode=resolved, host=bind_host, port=bound_port)
                yield RunningBot(
                    mode=resolved,
                    host=bind_host,
                    port=bound_port,
                    app=app,
                    database=database,
                    worker=worker,
                    intake=intake,
                    commands=commands,
                )
            finally:
                if socket_handler is not None:
                    with contextlib.suppress(Exception):
                        await socket_handler.close_async()
                await background.close(settings.shutdown_grace)
                await worker.stop(settings.shutdown_grace)
                await runner.cleanup()
                log.info("bot_stopped", mode=resolved)
    finally:
        await database.dispose()


async def serve(settings: Settings, *, mode: str | None = None, port: int = 3000, host: str | None = None) -> None:
    """Run the bot until SIGTERM or SIGINT (what `linkbrief serve` calls)."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    handled: list[signal.Signals] = []
    for signum in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signum, stop.set)
            handled.append(signum)
    try:
        async with running_bot(settings, mode=mode, port=port, host=host):
            await stop.wait()
            log.info("bot_stopping")
    finally:
        for signum in handled:
            loop.remove_signal_handler(signum)


# ------------------------------------------------------------------------------------------- warm-up


_WARM_UP_HTML = "<html><head><title>Warm-up</title></head><body><p>Warm-up page.</p></body></html>"


async def _warm_up(pipeline: ArticlePipeline) -> None:
    """Start the pipeline's worker processes (extraction and summaries) now, not on the first event."""
    with contextlib.suppress(Exception):
        await pipeline.extractor.extract(_WARM_UP_HTML, "http://warm-up.invalid/")
    with contextlib.suppress(Exception):
        await pipeline.summarizer.summarize(SummaryInput(text="Warm-up. The bot is starting.", title="Warm-up"))


# ----------------------------------------------------------------------------------------------- HTTP


def repair_form_body(request: AsyncBoltRequest) -> AsyncBoltRequest:
    """Undo Bolt's misreading of a form body that merely *contains* the word "payload".

    Bolt takes any form body containing the substring "payload" for an interactivity request
    (`payload=<json>`) and, finding no such field, parses it as `{}` (SLACK-NOTES §3): `/brief payload
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


def _web_app(app: AsyncApp, health: _Health, *, with_events: bool) -> web.Application:
    web_app = web.Application()
    web_app.router.add_get(HEALTH_PATH, health.handle)
    if with_events:

        async def slack_events(request: web.Request) -> web.Response:
            try:
                bolt_request = repair_form_body(await to_bolt_request(request))
            except ValueError:  # not JSON, not a form: nothing Slack sends
                return web.json_response({"error": "malformed body"}, status=400)
            return await to_aiohttp_response(await app.async_dispatch(bolt_request))

        web_app.router.add_post(EVENTS_PATH, slack_events)
    return web_app


class _Health:
    """`GET /healthz`: 200 when the database answers and the worker runs, else 503; JSON details."""

    def __init__(self, database: Database, worker: Worker, socket: Callable[[], AsyncSocketModeHandler | None]) -> None:
        self.database = database
        self.worker = worker
        self._socket = socket

    async def handle(self, _request: web.Request) -> web.Response:
        database: dict[str, object] = {"ok": True}
        try:
            async with asyncio.timeout(HEALTH_DB_TIMEOUT):
                await self.database.ping()
                async with self.database.session(read_only=True) as session:
                    queued = await share_store.count_by_status(session, _QUEUED)
                database["queued_shares"] = {status: queued.get(status, 0) for status in _QUEUED}
        except Exception as exc:
            database = {"ok": False, "error": type(exc).__name__}
        worker = self.worker.status()
        body: dict[str, object] = {"database": database, "worker": worker}
        handler = self._socket()
        if handler is not None:
            body["socket_mode"] = {"connected": await _socket_connected(handler)}
        healthy = bool(database["ok"]) and bool(worker["running"])
        body["status"] = "ok" if healthy else "unavailable"
        return web.json_response(body, status=200 if healthy else 503)


async def _socket_connected(handler: AsyncSocketModeHandler) -> bool:
    try:
        return bool(await handler.client.is_connected())
    except Exception:
        return False
