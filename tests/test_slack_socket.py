"""The same bot in Socket Mode: slack_sdk's aiohttp SocketModeClient connects to the fake Slack's WebSocket
(`apps.connections.open` → `ws://127.0.0.1…`, `hello`), receives envelopes and acknowledges them; the Web API
and /healthz work as in HTTP mode."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from fakeslack import FakeSlack
from slackbot import ArticleSite, BotClient, article_site, bot_client
from slacksign import (
    LinkPart,
    block_actions_payload,
    bot_echo_event,
    event_callback,
    message_event,
    slash_command_fields,
)

from bot.slack.render import ACTION_MORE_RESULTS, more_results_value
from bot.store.db import Database

PUBLIC = "C0PUBLIC"


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    async with FakeSlack(wait_timeout=20) as fake:
        fake.add_channel(PUBLIC, name="general", members=["U0ALICE", "U0FAKEUSER"])
        fake.add_user("U0ALICE", name="alice")
        yield fake


@pytest.fixture
async def site() -> AsyncIterator[ArticleSite]:
    async with article_site() as pages:
        yield pages


@pytest.fixture
async def client(slack: FakeSlack, database: Database) -> AsyncIterator[BotClient]:
    """The bot in Socket Mode (no signing secret needed), on each database backend."""
    async with bot_client(
        slack, database.url, mode="socket", slack_app_token=slack.app_token, slack_signing_secret=None
    ) as bot:
        await slack.wait_for_socket()
        yield bot


async def test_message_is_stored_before_the_ack_and_answered_once_despite_a_retry(
    client: BotClient, slack: FakeSlack, site: ArticleSite
) -> None:
    event = message_event("look ", LinkPart(site.url("/harbour")), channel=PUBLIC, user="U0ALICE")
    callback = event_callback(event)
    envelope = await slack.push_event(callback)
    ack = await slack.wait_for_ack(envelope)
    assert ack.payload is None
    [share] = await client.shares()  # the ack came after the share row was written
    assert share.message_ts == event["ts"]

    retry = await slack.push_event(callback, retry_attempt=1, retry_reason="timeout")
    await slack.wait_for_ack(retry)
    [reply] = await client.replies(1)
    await client.settled()
    assert reply.thread_ts == event["ts"]
    assert reply.params["unfurl_links"] is False
    assert reply.params["unfurl_media"] is False
    assert len(client.posted()) == 1
    assert len(await client.shares()) == 1

    # Our own reply coming back over the socket is acknowledged and ignored.
    echo = await slack.push_event(event_callback(bot_echo_event(LinkPart(site.url("/harbour")), channel=PUBLIC)))
    await slack.wait_for_ack(echo)
    other = await slack.push_event(event_callback({"type": "reaction_added", "user": "U0ALICE", "reaction": "x"}))
    await slack.wait_for_ack(other)
    await client.settled()
    assert len(client.posted()) == 1


async def test_slash_command_is_acknowledged_with_its_answer(client: BotClient, slack: FakeSlack) -> None:
    help_envelope = await slack.push_slash_command(slash_command_fields("help"))
    help_ack = await slack.wait_for_ack(help_envelope)
    assert help_ack.payload is not None
    assert help_ack.payload["response_type"] == "ephemeral"
    assert "in:#channel" in str(help_ack.payload["blocks"])

    # The word "payload" is harmless here too (Socket Mode hands Bolt a parsed dict).
    response_url = slack.new_response_url()
    envelope = await slack.push_slash_command(slash_command_fields("payload limits", response_url=response_url))
    ack = await slack.wait_for_ack(envelope)
    answer = ack.payload or (await slack.wait_for_response_posts(response_url))[0].body
    assert "No summaries match" in str(answer["blocks"])


async def test_search_and_more_button_over_the_socket(client: BotClient, slack: FakeSlack, site: ArticleSite) -> None:
    await slack.push_event(event_callback(message_event(LinkPart(site.url("/train")), channel=PUBLIC)))
    await client.replies(1)
    await client.settled()
    response_url = slack.new_response_url()
    envelope = await slack.push_slash_command(slash_command_fields("sleeper", response_url=response_url))
    ack = await slack.wait_for_ack(envelope)
    answer = ack.payload or (await slack.wait_for_response_posts(response_url))[0].body
    assert "Night train between the two capitals" in str(answer["blocks"])

    # A "More results" click beyond the last result: acknowledged, answered through its response_url.
    click_url = slack.new_response_url()
    payload = block_actions_payload(
        ACTION_MORE_RESULTS, more_results_value("sleeper", 5), response_url=click_url, ephemeral=True
    )
    click = await slack.push_interactive(payload)
    await slack.wait_for_ack(click)
    [page] = await slack.wait_for_response_posts(click_url)
    assert "No summaries match" in str(page.body["blocks"])


async def test_healthz_answers_in_socket_mode_and_events_path_is_not_served(client: BotClient) -> None:
    async with client.http.get(client.bot.base_url + "/healthz") as response:
        assert response.status == 200
        body = await response.json()
    assert body["socket_mode"] == {"connected": True}
    assert body["worker"]["running"] is True
    async with client.http.post(client.bot.base_url + "/slack/events", data=b"{}") as response:
        assert response.status in (404, 405)
