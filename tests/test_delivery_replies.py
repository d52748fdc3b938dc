"""What a share's reply carries (the worker side of issue #10's buttons and privacy): the "More questions" button
names an offer (an opaque token, for anyone in the channel who may see the article), never the article id; and a
public reply to a copy of a page first shared in a private channel links the link shared here, never the private
share's URL."""

from __future__ import annotations

import pytest
import test_buttons_authority as button_tests
from slackbot import BotClient, blocks_text
from slacksign import LinkPart
from test_buttons_authority import ALICE, BOB, CAROL, OTHER, PRIVATE, PUBLIC, buttons, click, refused
from test_slack_commands import all_text

from bot.slack.render import ACTION_MORE_QA
from bot.store.offers import is_token

# The fixtures of the button tests: the fake Slack (alice, bob, carol; a private channel of alice and bob) and the
# bot on each database.
slack, site, client, faq_url = button_tests.slack, button_tests.site, button_tests.client, button_tests.faq_url


@pytest.fixture
def faq_site(faq_url: str) -> str:
    """The host of the button tests' FAQ page (more questions than a summary shows), which serves it at any path."""
    return faq_url.rsplit("/", 1)[0]


async def test_more_questions_under_a_share_reply_is_an_offer_for_that_channel(
    client: BotClient, faq_site: str
) -> None:
    await client.say(LinkPart(faq_site + "/ferries-faq"), channel=PUBLIC, user=ALICE)
    [reply] = await client.replies(1, channel=PUBLIC)
    await client.settled()
    [share] = await client.shares()
    value = buttons({"blocks": reply.blocks})[ACTION_MORE_QA]
    assert is_token(value)
    assert value != str(share.article_id)
    answer = await click(client, ACTION_MORE_QA, value, user=CAROL, channel=PUBLIC)
    assert "When is the last boat today?" in all_text(answer)
    assert refused(await click(client, ACTION_MORE_QA, value, user=CAROL, channel=OTHER))


async def test_a_public_reply_to_a_copy_of_a_privately_shared_page_links_its_own_url(
    client: BotClient, faq_site: str
) -> None:
    await client.say(LinkPart(faq_site + "/private-memo"), channel=PRIVATE, channel_type="group", user=BOB)
    await client.replies(1, channel=PRIVATE)
    await client.settled()
    await client.say(LinkPart(faq_site + "/public-copy"), channel=PUBLIC, user=ALICE)
    [public] = await client.replies(1, channel=PUBLIC)
    await client.settled()
    text = blocks_text(public)
    assert "/public-copy" in text
    assert "/private-memo" not in text + (public.text or "")
    assert "Shared before" not in text  # no pointer into the private channel either
    shares = await client.shares()
    assert shares[0].article_id == shares[1].article_id  # the same article all the same
