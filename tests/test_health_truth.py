"""`/healthz` tells the truth: 503 with the reasons when the Socket Mode connection has been down too long, when
the database cannot be reached, or when a share has waited too long; 200 again once that is over.

The real bot against the fake Slack (HTTP and WebSocket), real article pages and the real databases; the limits
(`LINKBRIEF_HEALTH_DISCONNECTED_AFTER`, default 30 s, and `LINKBRIEF_HEALTH_STUCK_AFTER`, default 300 s) are set
to a second here so the tests do not wait for the defaults.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import pytest
from fakeslack import FakeSlack
from slackbot import ArticleSite, BotClient, article_site, bot_client, bot_config, eventually
from slacksign import LinkPart
from sqlalchemy.engine import make_url

from bot.store.db import Database

CHANNEL = "C0HEALTH"


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    async with FakeSlack(wait_timeout=30) as fake:
        fake.add_channel(CHANNEL, name="health", members=["U0ALICE"])
        fake.add_user("U0ALICE", name="alice")
        yield fake


@pytest.fixture
async def site() -> AsyncIterator[ArticleSite]:
    async with article_site() as pages:
        yield pages


async def health(client: BotClient) -> tuple[int, dict[str, Any]]:
    async with client.http.get(client.bot.base_url + "/healthz") as response:
        return response.status, await response.json()


async def test_socket_down_longer_than_the_limit_is_503_until_it_reconnects(slack: FakeSlack, sqlite_url: str) -> None:
    async with bot_client(
        slack,
        sqlite_url,
        mode="socket",
        slack_app_token=slack.app_token,
        slack_signing_secret=None,
        config=bot_config(health_disconnected_after=1.0),
    ) as client:
        await slack.wait_for_socket()
        status, body = await health(client)
        assert (status, body["socket_mode"], body["reasons"]) == (200, {"connected": True}, [])

        # Slack drops the connection and cannot hand out a new one for now.
        slack.server_error("apps.connections.open", times=100_000, status=503)
        await slack.drop_sockets()

        async def unhealthy() -> bool:
            return (await health(client))[0] == 503

        await eventually(unhealthy, within=15)
        status, body = await health(client)
        assert body["status"] == "unavailable"
        assert body["socket_mode"]["connected"] is False
        assert body["socket_mode"]["disconnected_seconds"] >= 1.0
        [reason] = body["reasons"]
        assert "Socket Mode connection has been down" in reason
        assert body["database"]["ok"] is True  # only the socket is wrong

        slack.clear_failures()

        async def healthy() -> bool:
            return (await health(client))[0] == 200

        await eventually(healthy, within=30)  # slack_sdk retries every ping interval (10 s)
        assert slack.socket_connections == 1
        status, body = await health(client)
        assert body["socket_mode"] == {"connected": True}


@pytest.mark.postgresql
async def test_postgresql_unreachable_is_503_with_the_reason_and_200_when_it_is_back(
    slack: FakeSlack, pg_url: str
) -> None:
    url = make_url(pg_url)
    name = url.database
    admin_dsn = url.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    async with bot_client(slack, pg_url) as client:
        status, body = await health(client)
        assert (status, body["reasons"]) == (200, [])
        admin = await asyncpg.connect(admin_dsn)
        try:
            await admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
            await admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", name)
            status, body = await health(client)
            assert status == 503
            assert body["status"] == "unavailable"
            assert body["database"]["ok"] is False
            assert any("database is unreachable" in reason for reason in body["reasons"])
        finally:
            await admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
            await admin.close()

        async def healthy() -> bool:
            return (await health(client))[0] == 200

        await eventually(healthy, within=15)


async def test_a_share_waiting_longer_than_the_limit_is_503_until_it_is_answered(
    slack: FakeSlack, site: ArticleSite, database: Database
) -> None:
    async with bot_client(slack, database.url, config=bot_config(health_stuck_after=1.0)) as client:
        site.hold.clear()  # the page does not answer: the share stays `working`
        await client.say("read ", LinkPart(site.url("/harbour")), channel=CHANNEL, user="U0ALICE")

        async def unhealthy() -> bool:
            return (await health(client))[0] == 503

        await eventually(unhealthy, within=15)
        status, body = await health(client)
        [reason] = body["reasons"]
        assert "a share has waited" in reason
        assert "LINKBRIEF_HEALTH_STUCK_AFTER" in reason
        assert body["database"]["ok"] is True
        assert body["database"]["oldest_waiting_seconds"] >= 1.0
        assert sum(body["database"]["queued_shares"].values()) == 1

        site.hold.set()
        await client.replies(1)
        await client.settled()
        status, body = await health(client)
        assert (status, body["reasons"], body["database"]["oldest_waiting_seconds"]) == (200, [], 0)
