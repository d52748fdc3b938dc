"""Visibility follows Slack's present: a channel made private (or shared with another workspace) hides its
earlier shares from outsiders, and `/brief <url>` on a copy of a privately shared page shows neither where nor
under which URL it was shared. Signed events and commands over real HTTP, the fake Slack, both databases.
"""

from __future__ import annotations

from typing import Any

import pytest
import test_slack_commands as commands_tests
from aiohttp import web
from articles import ORCHARD, ORCHARD_TITLE, article_html
from fakeslack import FakeSlack
from localserver import serve_app
from slackbot import ArticleSite, blocks_text, bot_client
from slacksign import LinkPart, event_callback, next_ts
from test_buttons_authority import buttons, click, summary_for
from test_slack_commands import all_text, brief, titles

from bot.slack.render import ACTION_POST_SUMMARY
from bot.store.db import Database

PUBLIC, OTHER, PRIVATE = "C0PUBLIC", "C0OTHER", "G0PRIVATE"
ALICE, BOB, CAROL = "U0ALICE", "U0BOB", "U0CAROL"
HARBOUR = "Harbour city doubles its night ferry service after record summer"

slack, site = commands_tests.slack, commands_tests.site  # fixtures shared with the /brief tests


def made_private(kind: str, channel: str) -> dict[str, Any]:
    """The events by which Slack tells an app that a conversation is private now (docs/slack.md §1)."""
    ts = next_ts()
    if kind == "message":  # the system message posted in the channel, delivered as message.groups
        return {
            "type": "message",
            "subtype": "channel_convert_to_private",
            "user": ALICE,
            "text": "made this channel *private*. Now, it can only be viewed or joined by invitation.",
            "ts": ts,
            "channel": channel,
            "event_ts": ts,
            "channel_type": "group",
        }
    if kind == "group_rename":
        return {"type": "group_rename", "channel": {"id": channel, "name": "renamed", "created": 1360782804}}
    if kind == "channel_shared":
        return {"type": "channel_shared", "connected_team_id": "E163Q94DX", "channel": channel, "event_ts": ts}
    return {"type": kind, "channel": channel, "user": ALICE, "event_ts": ts}


@pytest.mark.parametrize("kind", ["message", "channel_converted_to_private", "group_rename", "channel_shared"])
async def test_a_channel_made_private_hides_its_earlier_shares_from_outsiders(
    slack: FakeSlack, database: Database, site: ArticleSite, kind: str
) -> None:
    async with bot_client(slack, database.url) as client:
        await client.say(LinkPart(site.url("/harbour")), channel=PUBLIC, user=ALICE)
        await client.replies(1)
        await client.settled()
        assert titles(await brief(client, "harbour", user=CAROL)) == [HARBOUR]

        slack.add_channel(PUBLIC, name="general", members=[ALICE, BOB], is_private=True)  # carol is not in it
        status, _ = await client.send_event(event_callback(made_private(kind, PUBLIC)))
        assert status == 200
        assert titles(await brief(client, "harbour", user=CAROL)) == []
        assert titles(await brief(client, "ferry in:<#C0PUBLIC|general>", user=CAROL)) == []
        assert titles(await brief(client, "harbour", user=BOB)) == [HARBOUR]  # members still find it
        # Shared again elsewhere: no pointer into the now private channel.
        await client.say(LinkPart(site.url("/harbour")), channel=OTHER, user=CAROL)
        [other] = await client.replies(1, channel=OTHER)
        assert "Shared before" not in blocks_text(other)
        assert PUBLIC not in blocks_text(other)
        assert len(client.posted()) == 2  # the conversion event itself is never answered


async def test_a_channel_made_public_again_is_public_again(
    slack: FakeSlack, sqlite_url: str, site: ArticleSite
) -> None:
    async with bot_client(slack, sqlite_url) as client:
        await client.say(LinkPart(site.url("/harbour")), channel=PUBLIC, user=ALICE)
        await client.replies(1)
        await client.settled()
        slack.add_channel(PUBLIC, name="general", members=[ALICE], is_private=True)
        await client.send_event(event_callback(made_private("message", PUBLIC)))
        assert titles(await brief(client, "harbour", user=CAROL)) == []
        public_again = made_private("message", PUBLIC) | {
            "subtype": "channel_convert_to_public",
            "channel_type": "channel",
        }
        stale = made_private("channel_converted_to_private", PUBLIC) | {"event_ts": "1500000000.000100"}
        await client.send_event(event_callback(public_again))
        await client.send_event(event_callback(stale))  # older than the last change: changes nothing
        assert titles(await brief(client, "harbour", user=CAROL)) == [HARBOUR]


async def test_brief_url_on_a_copy_of_a_privately_shared_page_reveals_nothing_of_that_share(
    slack: FakeSlack, database: Database
) -> None:
    page = article_html(ORCHARD_TITLE, ORCHARD)

    async def serve(_request: web.Request) -> web.Response:
        return web.Response(text=page, content_type="text/html")

    app = web.Application()
    app.router.add_get("/{tail:.*}", serve)
    async with serve_app(app) as base, bot_client(slack, database.url) as client:
        hidden, copy = base + "/internal-roadmap-q3", base + "/reprint"
        await client.say(LinkPart(hidden), channel=PRIVATE, channel_type="group", user=BOB)
        await client.replies(1)
        await client.settled()

        shown = await summary_for(client, copy, user=CAROL, channel=PUBLIC)
        text = all_text(shown)
        assert ORCHARD_TITLE in text  # the summary of the page carol asked about...
        assert "/reprint" in text
        for secret in ("internal-roadmap", PRIVATE, "secret", "bob"):  # ...and nothing of the private share
            assert secret not in text

        await click(client, ACTION_POST_SUMMARY, buttons(shown)[ACTION_POST_SUMMARY], user=CAROL, channel=PUBLIC)
        [posted] = await client.replies(1, channel=PUBLIC)
        assert "internal-roadmap" not in all_text({"blocks": posted.blocks, "text": posted.text})
        assert "/reprint" in blocks_text(posted)
        # Searching, carol finds the public share under its own URL, not the private one.
        found = await brief(client, "apple", user=CAROL)
        assert titles(found) == [ORCHARD_TITLE]
        assert "internal-roadmap" not in all_text(found)
        assert "/reprint" in all_text(found)
