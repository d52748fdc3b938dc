"""Buttons carry no authority: a click is checked at click time, against a server-side offer, never trusted.

"Post in channel" and "More questions" carry an opaque random token naming an offer stored when the button was
rendered (which article, offered to whom, in which conversation). Replayed, forged or foreign clicks are
refused with a short ephemeral line, and a "Post in channel" posts once per offer however often it arrives.
"More results" values and `/brief` filters are range-checked. Signed block_actions over real HTTP, the fake
Slack, real SQLite and PostgreSQL.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
import sqlalchemy as sa
import test_slack_commands as commands_tests
import test_slack_http as http_tests
from aiohttp import web
from articles import HARBOUR, HARBOUR_TITLE, article_html
from localserver import serve_app
from slackbot import ArticleSite, BotClient
from slacksign import LinkPart
from test_page_qa import faq_json_ld
from test_slack_commands import all_text, brief, titles

from bot.slack.render import ACTION_MORE_QA, ACTION_MORE_RESULTS, ACTION_POST_SUMMARY, more_results_value
from bot.store.models import Offer

PUBLIC, OTHER, PRIVATE = "C0PUBLIC", "C0OTHER", "G0PRIVATE"
ALICE, BOB, CAROL = "U0ALICE", "U0BOB", "U0CAROL"
ORCHARD = "Volunteers map every old apple tree in the valley before the orchards vanish"
EXPIRED = "This button has expired"
# Fixtures shared with the /brief tests: the fake Slack (alice, bob and carol; a private channel of alice and
# bob), the article pages, and the bot on each database.
slack, site, client = commands_tests.slack, commands_tests.site, http_tests.client
# The page's own FAQ: more question/answer pairs than a summary shows, so summaries get "More questions".
FAQ = [
    ("How often will the night ferries run?", "Every twenty minutes from next month."),
    ("Who pays for the expansion?", "The city, about 6.2 million euros a year."),
    ("Will there be electric ferries?", "One will be tested on the shortest crossing next spring."),
    ("Which crossing is the busiest?", "The one between the old town and the northern islands."),
    ("When is the last boat today?", "At half past eleven."),
    ("How did the council vote?", "41 votes to 12."),
]


@pytest.fixture
async def faq_url() -> AsyncIterator[str]:
    """A page whose summary has "More questions"."""
    html = article_html(HARBOUR_TITLE, HARBOUR, extra_head=faq_json_ld(FAQ))

    async def page(_request: web.Request) -> web.Response:
        return web.Response(text=html, content_type="text/html")

    app = web.Application()
    app.router.add_get("/{tail:.*}", page)
    async with serve_app(app) as base:
        yield base + "/ferries-faq"


def buttons(message: dict[str, Any]) -> dict[str, str]:
    """action_id → value of the buttons in a message."""
    return {e["action_id"]: e["value"] for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]}


async def summary_for(client: BotClient, url: str, *, user: str, channel: str) -> dict[str, Any]:
    """Run `/brief <url>` and return the ephemeral preview."""
    _, _, response_url = await client.command(f"<{url}>", user_id=user, channel_id=channel)
    [answer] = await client.slack.wait_for_response_posts(response_url)
    return answer.body


async def preview(client: BotClient, url: str, *, user: str, channel: str) -> dict[str, str]:
    """Run `/brief <url>` and return the preview's buttons."""
    return buttons(await summary_for(client, url, user=user, channel=channel))


async def click(client: BotClient, action_id: str, value: str, *, user: str, channel: str) -> dict[str, Any]:
    """Click a button (signed block_actions) and return the one answer sent to its response_url."""
    status, _, response_url = await client.click(action_id, value, user_id=user, channel_id=channel, ephemeral=True)
    assert status == 200
    [answer] = await client.slack.wait_for_response_posts(response_url)
    return answer.body


async def private_article(client: BotClient, site: ArticleSite) -> int:
    """bob shares /orchard in the private channel; the id of its (sequential) article."""
    await client.say(LinkPart(site.url("/orchard")), channel=PRIVATE, channel_type="group", user=BOB)
    await client.replies(1, channel=PRIVATE)
    await client.settled()
    [share] = await client.shares()
    assert share.article_id is not None
    return share.article_id


def refused(answer: dict[str, Any]) -> bool:
    """A short ephemeral refusal, sent as a new message (the clicked one stays)."""
    return (
        EXPIRED in all_text(answer)
        and answer.get("response_type") == "ephemeral"
        and answer.get("replace_original") is False
        and "Traceback" not in all_text(answer)
    )


async def test_post_in_channel_posts_once_however_often_it_is_clicked_or_replayed(
    client: BotClient, site: ArticleSite
) -> None:
    token = (await preview(client, site.url("/train"), user=ALICE, channel=PUBLIC))[ACTION_POST_SUMMARY]
    answers = await asyncio.gather(
        *(click(client, ACTION_POST_SUMMARY, token, user=ALICE, channel=PUBLIC) for _ in range(4))
    )
    answers.append(await click(client, ACTION_POST_SUMMARY, token, user=ALICE, channel=PUBLIC))
    await client.settled()
    assert len(client.posted(PUBLIC)) == 1
    assert [a.get("delete_original") for a in answers].count(True) == 1
    assert sum("already posted" in all_text(a) for a in answers) == 4
    assert len(await client.shares()) == 1
    async with client.bot.database.session(read_only=True) as session:
        used = await session.scalar(sa.select(Offer.used_at).where(Offer.token == token))
    assert used is not None
    assert not token.isdigit()  # opaque, not a sequential id
    assert len(token) >= 22
    assert (await preview(client, site.url("/train"), user=ALICE, channel=PUBLIC))[ACTION_POST_SUMMARY] != token


async def test_an_outsiders_forged_post_of_a_private_article_is_refused(client: BotClient, site: ArticleSite) -> None:
    article_id = await private_article(client, site)
    alices_offer = await preview(client, site.url("/train"), user=ALICE, channel=PUBLIC)
    forged = [str(article_id), "1", "2", "0", "-1", "A" * 43, "x" * 3000, json.dumps({"id": article_id})]
    for value in [*forged, alices_offer[ACTION_POST_SUMMARY]]:  # her token is hers, not carol's
        answer = await click(client, ACTION_POST_SUMMARY, value, user=CAROL, channel=PUBLIC)
        assert refused(answer), value
    # Alice's own token, clicked in another conversation than the one it was offered in.
    assert refused(
        await click(client, ACTION_POST_SUMMARY, alices_offer[ACTION_POST_SUMMARY], user=ALICE, channel=OTHER)
    )
    await client.settled()
    assert client.posted(PUBLIC) == []
    assert client.posted(OTHER) == []
    assert len(await client.shares()) == 1
    assert titles(await brief(client, "apple", user=CAROL)) == []


async def test_more_questions_with_a_forged_value_reveals_nothing(client: BotClient, site: ArticleSite) -> None:
    article_id = await private_article(client, site)
    for value in (str(article_id), "1", "9" * 20, "A" * 43, ""):
        answer = await click(client, ACTION_MORE_QA, value, user=CAROL, channel=PUBLIC)
        assert refused(answer), value
        assert ORCHARD not in all_text(answer)
        assert "More questions answered" not in all_text(answer)
    # The button of the reply in the private channel still works for the people in it.
    answer = await click(client, ACTION_MORE_QA, str(article_id), user=BOB, channel=PRIVATE)
    assert "More questions answered" in all_text(answer)
    assert ORCHARD in all_text(answer)


async def test_more_questions_on_a_summary_posted_from_a_preview(client: BotClient, faq_url: str) -> None:
    offer = await preview(client, faq_url, user=ALICE, channel=PUBLIC)
    mine = await click(client, ACTION_MORE_QA, offer[ACTION_MORE_QA], user=ALICE, channel=PUBLIC)
    assert "When is the last boat today?" in all_text(mine)
    assert refused(await click(client, ACTION_MORE_QA, offer[ACTION_MORE_QA], user=CAROL, channel=PUBLIC))
    await click(client, ACTION_POST_SUMMARY, offer[ACTION_POST_SUMMARY], user=ALICE, channel=PUBLIC)
    [posted] = await client.replies(1, channel=PUBLIC)
    public_value = buttons({"blocks": posted.blocks})[ACTION_MORE_QA]
    assert public_value not in offer.values()
    # Anyone in the channel may open the rest of a summary posted there; nobody may from elsewhere.
    answer = await click(client, ACTION_MORE_QA, public_value, user=CAROL, channel=PUBLIC)
    assert "More questions answered" in all_text(answer)
    assert refused(await click(client, ACTION_MORE_QA, public_value, user=CAROL, channel=OTHER))


async def test_out_of_range_offsets_and_dates_get_a_short_answer(client: BotClient, site: ArticleSite) -> None:
    await client.say(LinkPart(site.url("/harbour")), channel=PUBLIC, user=ALICE)
    await client.replies(1)
    await client.settled()
    for offset in (2**63, 10**6):
        answer = await click(
            client, ACTION_MORE_RESULTS, more_results_value("ferry", offset), user=CAROL, channel=PUBLIC
        )
        assert "Something went wrong" not in all_text(answer)
        assert "out of range" in all_text(answer)
    for text in ("ferry after:9999-12-31", "after:9999-12-31", "ferry before:0001-01-01", "before:0001-01-01"):
        answer = await brief(client, text)
        assert "Something went wrong" not in all_text(answer), text
        assert titles(answer) == [], text
    assert titles(await brief(client, "ferry after:2000-01-01")) != []  # the filters themselves still work
    # Control characters in what was typed never reach a query (PostgreSQL cannot even hold a NUL).
    answer = await brief(client, "fer\x00ry site:127.0.0\x00.1")
    assert "Something went wrong" not in all_text(answer)
    assert titles(answer) == []
