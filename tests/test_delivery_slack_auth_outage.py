"""An event that reaches a freshly started bot while Slack's Web API fails is not acknowledged (found by the chaos
benchmark: 108 of 1,000 links lost). Bolt asks `auth.test` on the first request after a start; when that call
failed it answered 200 with an "install the app" text, so the event was acknowledged, never stored, and never
sent again. Now the request gets 503, nothing is stored, and Slack's retry after the outage is answered once.
"""

from __future__ import annotations

import fleet
from fakeslack import FakeSlack
from fleet import page_links, replies_per_share
from slackbot import ArticleSite, bot_client, eventually
from slacksign import LinkPart, event_callback, message_event

slack, site = fleet.slack, fleet.site


async def test_an_event_during_a_slack_outage_after_a_start_is_refused_then_answered_once(
    slack: FakeSlack, site: ArticleSite, empty_database_url: str
) -> None:
    [link] = page_links(site, 1)
    async with bot_client(slack, empty_database_url) as client:
        slack.server_error("auth.test", times=None)  # started (its own check passed), then Slack fails
        callback = event_callback(message_event(LinkPart(link), channel="C0AUTHOUT"))
        status, _ = await client.send_event(callback)
        assert status == 503
        assert await client.shares() == []
        again, _ = await client.send_event(callback, retry_num=1, retry_reason="http_error")
        assert again == 503  # still failing: still not acknowledged
        slack.clear_failures("auth.test")
        back, _ = await client.send_event(callback, retry_num=2, retry_reason="http_error")
        assert back == 200
        await eventually(lambda: len(replies_per_share(slack)) == 1, within=60)
        await client.settled()
        shares = await client.shares()
    assert [(s.url, s.status) for s in shares] == [(link, "done")]
    assert replies_per_share(slack) == {shares[0].id: 1}
    assert len(slack.calls_to("auth.test")) >= 3  # the start-up check, the refused requests, the accepted one
