"""Harness for the Slack bot's end-to-end tests: the real bot, the fake Slack, real article pages, all local.

`running_bot` (bot.slack.server) starts the whole process in-process on port 0: migrations, pipeline with its
extraction pool, worker, Bolt app and aiohttp server (HTTP mode) or Socket Mode client. Tests talk to it as
Slack does: signed HTTP requests to /slack/events (`BotClient.send_event`, `.command`, `.click`) or envelopes
over the fake's WebSocket, and read what it did from the fake Slack's recorded calls and from the database.

Article pages are served on two loopback addresses (127.0.0.1 and 127.0.0.2) so articles have two different
hosts for `site:` filters, with no traffic leaving the machine.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import sqlalchemy as sa
from aiohttp import web
from articles import HARBOUR, HARBOUR_TITLE, ORCHARD, ORCHARD_TITLE, TRAIN, TRAIN_TITLE, article_html
from fakeslack import FakeSlack, PostedMessage
from localserver import SECOND_LOOPBACK, RequestLog, port_of, serve_app
from slacksign import (
    Part,
    block_actions_payload,
    event_callback,
    message_event,
    sign_event,
    sign_form,
    sign_interaction,
    slash_command_fields,
)

from bot.settings import Settings
from bot.slack.server import RunningBot, running_bot
from bot.store.models import Share, ShareStatus

SECRET = "linkbrief-test-signing-secret"
HOSTILE_TITLE = "<!channel> Ferry fares <@U0VICTIM> cut <https://evil.example|bank.example>"

# Pages on the first host; `mixed-*` pages combine halves of two stories, so they are distinct articles (for
# search paging) without more invented text.
PAGES: dict[str, str] = {
    "/harbour": article_html(HARBOUR_TITLE, HARBOUR),
    "/orchard": article_html(ORCHARD_TITLE, ORCHARD),
    "/train": article_html(TRAIN_TITLE, TRAIN),
    "/hostile": article_html(
        HOSTILE_TITLE,
        [f"{HARBOUR[0]} <!here> and <!everyone>, see <https://evil.example|your bank>.", *HARBOUR[1:]],
        author="<@U0VICTIM>",
        site_name="<!channel>",
    ),
    "/mixed-ho": article_html("Ferries and orchards", HARBOUR[:3] + ORCHARD[3:]),
    "/mixed-ot": article_html("Orchards and trains", ORCHARD[:3] + TRAIN[3:]),
    "/mixed-th": article_html("Trains and ferries", TRAIN[:3] + HARBOUR[3:]),
}
# Pages on the second host.
OTHER_PAGES: dict[str, str] = {
    "/night-train": article_html(TRAIN_TITLE + " (wire copy)", [*TRAIN[1:], *ORCHARD[4:]], site_name="Wire"),
}


@dataclass
class ArticleSite:
    """The local article pages: `url("/harbour")` on 127.0.0.1, `other_url(...)` on 127.0.0.2."""

    base_url: str
    other_base_url: str
    log: RequestLog
    hold: asyncio.Event = field(default_factory=asyncio.Event)  # cleared: page requests wait until set

    def url(self, path: str) -> str:
        return self.base_url + path

    def other_url(self, path: str) -> str:
        return self.other_base_url + path

    def fetches(self, path: str) -> int:
        return sum(1 for p in self.log.paths if p.split("?", 1)[0] == path)


@asynccontextmanager
async def article_site() -> AsyncIterator[ArticleSite]:
    log = RequestLog()
    site_holder: list[ArticleSite] = []

    def pages_app(pages: dict[str, str]) -> web.Application:
        async def page(request: web.Request) -> web.Response:
            await site_holder[0].hold.wait()
            html = pages.get(request.path)
            if html is None:
                raise web.HTTPNotFound()
            return web.Response(text=html, content_type="text/html")

        app = log.app()
        app.router.add_get("/{tail:.*}", page)
        return app

    # The second host: same port, on a second loopback address.
    async with (
        serve_app(pages_app(PAGES)) as base,
        serve_app(pages_app(OTHER_PAGES), host=SECOND_LOOPBACK, port=port_of(base)) as other,
    ):
        site = ArticleSite(base, other, log)
        site.hold.set()
        site_holder.append(site)
        yield site


def bot_settings(slack: FakeSlack, database_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "slack_bot_token": slack.bot_token,
        "slack_signing_secret": SECRET,
        "slack_api_url": slack.api_url,
        "database_url": database_url,
        "fetch_allow_private": True,
        "fetch_timeout": 10.0,
        "cpu_workers": 1,
        "max_links_per_message": 5,
    } | overrides
    return Settings(_env_file=None, **values)


def bot_config(**overrides: Any) -> dict[str, Any]:
    """Bot settings for tests: fast polling, no pacing; `overrides` win."""
    values: dict[str, Any] = {
        "workers": 2,
        "channel_post_interval": 0,
        "poll_interval": 0.2,
        "shutdown_grace": 2.0,
        "membership_ttl": 60.0,
    } | overrides
    return values


async def eventually(condition: Callable[[], Awaitable[bool] | bool], *, within: float = 20.0) -> None:
    """Wait until `condition` holds (re-checked every 20 ms); AssertionError after `within` seconds."""
    deadline = time.monotonic() + within
    while True:
        result = condition()
        if isinstance(result, Awaitable):
            result = await result
        if result:
            return
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.02)


@dataclass
class BotClient:
    """Talks to a running bot as Slack would, and reads back what happened."""

    slack: FakeSlack
    bot: RunningBot
    http: aiohttp.ClientSession

    @property
    def events_url(self) -> str:
        return self.bot.base_url + "/slack/events"

    async def send_raw(self, body: str, headers: dict[str, str]) -> tuple[int, str]:
        async with self.http.post(self.events_url, data=body.encode(), headers=headers) as response:
            return response.status, await response.text()

    async def send_event(self, callback: dict[str, Any], **sign: Any) -> tuple[int, str]:
        request = sign_event(SECRET, callback, **sign)
        return await self.send_raw(request.body, request.headers)

    async def say(self, *parts: Part, event_id: str | None = None, **message: Any) -> dict[str, Any]:
        """Post a message event (as a person's client) and return the inner event; asserts a 200."""
        event = message_event(*parts, **message)
        status, _ = await self.send_event(event_callback(event, event_id=event_id))
        assert status == 200
        return event

    async def command(self, text: str, **fields: Any) -> tuple[int, str, str]:
        """Run `/brief text`; returns (status, body, response_url)."""
        response_url = fields.pop("response_url", None) or self.slack.new_response_url()
        request = sign_form(SECRET, slash_command_fields(text, response_url=response_url, **fields))
        status, body = await self.send_raw(request.body, request.headers)
        return status, body, response_url

    async def click(self, action_id: str, value: str, **fields: Any) -> tuple[int, str, str]:
        response_url = fields.pop("response_url", None) or self.slack.new_response_url()
        request = sign_interaction(SECRET, block_actions_payload(action_id, value, response_url=response_url, **fields))
        status, body = await self.send_raw(request.body, request.headers)
        return status, body, response_url

    def posted(self, channel: str | None = None) -> list[PostedMessage]:
        return [m for m in self.slack.messages if channel is None or m.channel == channel]

    async def replies(self, count: int, *, channel: str | None = None) -> list[PostedMessage]:
        """Wait for at least `count` posted messages (in `channel`), then return them all."""
        await eventually(lambda: len(self.posted(channel)) >= count)
        return self.posted(channel)

    async def settled(self) -> None:
        """Wait until no share is pending or being worked on, and reactions have been set."""

        async def idle() -> bool:
            async with self.bot.database.session(read_only=True) as session:
                busy = await session.scalar(
                    sa.select(sa.func.count())
                    .select_from(Share)
                    .where(Share.status.in_([ShareStatus.PENDING.value, ShareStatus.WORKING.value]))
                )
            return busy == 0 and self.bot.worker.status()["in_flight"] == 0

        await eventually(idle)
        await self.bot.worker.replier.drain()

    async def shares(self) -> list[Share]:
        async with self.bot.database.session(read_only=True) as session:
            return list(await session.scalars(sa.select(Share).order_by(Share.id)))


@asynccontextmanager
async def bot_client(
    slack: FakeSlack,
    database_url: str,
    *,
    mode: str = "http",
    config: dict[str, Any] | None = None,
    warm_up: bool = False,
    **settings: Any,
) -> AsyncIterator[BotClient]:
    """The bot running against `slack` and the database at `database_url`, with a client to drive it.

    Without `warm_up` (the default here, to keep tests fast) the first link pays for starting the pipeline's
    worker processes."""
    async with (
        running_bot(
            bot_settings(slack, database_url, **((config or bot_config()) | settings)),
            mode=mode,
            port=0,
            host="127.0.0.1",
            warm_up=warm_up,
        ) as bot,
        aiohttp.ClientSession() as http,
    ):
        yield BotClient(slack, bot, http)


def blocks_text(message: PostedMessage) -> str:
    """All text of a posted message's blocks, joined (for content assertions)."""
    texts: list[str] = []

    def walk(value: object) -> None:
        if isinstance(value, dict):
            if isinstance(value.get("text"), str):
                texts.append(value["text"])
            for child in value.values():
                walk(child)
        elif isinstance(value, list):
            for child in value:
                walk(child)

    walk(message.blocks or [])
    return "\n".join(texts)
