"""A Slack outage is waited out (issue #10, item 3): replies Slack refuses transiently (5xx here) go back to
waiting with backoff, and are posted, once each and in order, when Slack answers again; a share Slack keeps
refusing for longer than `LINKBRIEF_SLACK_RETRY_FOR` is given up, logged once and counted."""

from __future__ import annotations

import fleet
import pytest
from fakeslack import FakeSlack
from fleet import replies_per_share
from slackbot import ArticleSite, bot_client, bot_config, eventually
from slacksign import LinkPart

from bot import metrics
from bot.store.db import Database

CHANNEL = "C0OUTAGE"
OTHER = "C0OUTAGE2"


# The fake Slack and the article pages, shared by the delivery and queue tests.
slack, site = fleet.slack, fleet.site


async def test_replies_wait_out_a_40_second_slack_outage_and_arrive_once_in_order(
    slack: FakeSlack, sqlite_url: str, site: ArticleSite
) -> None:
    slack.server_error("chat.postMessage", for_seconds=40)
    config = bot_config(slack_retry_min=0.5, slack_retry_max=2)
    async with bot_client(slack, sqlite_url, config=config) as client:
        await client.say(LinkPart(site.url("/harbour")), " ", LinkPart(site.url("/train")), channel=CHANNEL)
        await client.say(LinkPart(site.url("/orchard")), channel=CHANNEL)
        await client.say(LinkPart(site.url("/mixed-ho")), channel=OTHER)
        # None before the outage ends (every attempt is answered 500); all within a few seconds after it.
        await eventually(lambda: len(slack.messages) >= 4, within=55)
        await client.settled()
        shares = await client.shares()
    refused = [c for c in slack.calls_to("chat.postMessage") if c.status == 500]
    assert len(refused) >= 8  # tried again and again during the outage, with backoff (not hundreds of times)
    assert len(refused) < 200
    assert [s.status for s in shares] == ["done"] * 4
    assert replies_per_share(slack) == {s.id: 1 for s in shares}
    posted = [m.metadata["event_payload"]["share_id"] for m in slack.messages if m.channel == CHANNEL]
    assert posted == [s.id for s in shares if s.channel_id == CHANNEL]
    assert all(s.slack_failing_since is None and s.retry_at is None for s in shares)


async def test_a_share_slack_keeps_refusing_is_given_up_after_retry_for_logged_once_and_counted(
    slack: FakeSlack, database: Database, site: ArticleSite, capsys: pytest.CaptureFixture[str]
) -> None:
    slack.server_error("chat.postMessage", times=None)  # Slack never takes it
    given_up_before = metrics.SHARES_GIVEN_UP._value.get()
    config = bot_config(slack_retry_min=0.2, slack_retry_max=0.5, slack_retry_for=2)
    async with bot_client(slack, database.url, config=config) as client:
        await client.say(LinkPart(site.url("/harbour")), channel=CHANNEL)
        await client.settled()
        [share] = await client.shares()
    assert share.status == "failed"
    assert share.error_code == "slack_internal_error"
    assert slack.messages == []
    assert len(slack.calls_to("chat.postMessage")) >= 3  # retried before giving up
    assert metrics.SHARES_GIVEN_UP._value.get() == given_up_before + 1
    assert capsys.readouterr().out.count("share_given_up") == 1
