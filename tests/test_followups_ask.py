"""`/brief ask <question>` end to end: signed slash commands to the real bot on both databases, answers drawn only
from what the caller may see, each cited, with a working "Post in channel" button."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from fakeslack import FakeSlack
from slackbot import ArticleSite, BotClient, article_site, bot_client
from slacksign import LinkPart

from bot.slack.ask import NOTHING, parse_ask
from bot.slack.render import ACTION_POST_SUMMARY
from bot.store.db import Database

PUBLIC = "C0PUBLIC"
PRIVATE = "G0PRIVATE"
ALICE, BOB = "U0ALICE", "U0BOB"


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    async with FakeSlack(wait_timeout=20) as fake:
        fake.add_channel(PUBLIC, name="general", members=[ALICE, BOB])
        fake.add_channel(PRIVATE, name="secret", members=[ALICE], is_private=True)
        fake.add_user(ALICE, name="alice")
        fake.add_user(BOB, name="bob")
        yield fake


@pytest.fixture
async def site() -> AsyncIterator[ArticleSite]:
    async with article_site() as pages:
        yield pages


@pytest.fixture
async def archive(slack: FakeSlack, database: Database, site: ArticleSite) -> AsyncIterator[BotClient]:
    """alice shared /harbour in #general and /train in the private #secret (bob is not in it)."""
    async with bot_client(slack, database.url) as client:
        await client.say(LinkPart(site.url("/harbour")), channel=PUBLIC, user=ALICE)
        await client.say(LinkPart(site.url("/train")), channel=PRIVATE, channel_type="group", user=ALICE)
        await client.replies(2)
        await client.settled()
        yield client


async def ask(client: BotClient, text: str, *, user: str, channel: str = PUBLIC) -> dict[str, Any]:
    status, body, response_url = await client.command(f"ask {text}", user_id=user, channel_id=channel)
    assert status == 200
    if body:
        answer = json.loads(body)
        if answer.get("blocks"):
            return answer
    [post] = await client.slack.wait_for_response_posts(response_url)
    return dict(post.body)


def shown(answer: dict[str, Any]) -> str:
    return json.dumps(answer["blocks"], ensure_ascii=False)


async def test_an_answer_comes_only_from_what_the_caller_may_see(archive: BotClient, site: ArticleSite) -> None:
    question = "how much is a bed on the sleeper train?"
    for_bob = await ask(archive, question, user=BOB)
    assert for_bob["response_type"] == "ephemeral"
    assert NOTHING in shown(for_bob)
    assert "119 euros" not in shown(for_bob)
    assert "Night train" not in shown(for_bob)

    for_alice = await ask(archive, question, user=ALICE)
    text = shown(for_alice)
    assert "119 euros for a bed" in text
    assert site.url("/train") in text  # cited: the article as shared
    assert "Shared by alice in <#G0PRIVATE>" in text
    # A filter narrows the archive like a search's.
    filtered = await ask(archive, f"{question} in:<#{PUBLIC}|general>", user=ALICE)
    assert NOTHING in shown(filtered)


async def test_post_in_channel_posts_the_cited_articles_summary(archive: BotClient, site: ArticleSite) -> None:
    answer = await ask(archive, "how many people used the night boats?", user=BOB)
    assert "412,000 people used the night boats" in shown(answer)
    [button] = [e for b in answer["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert button["action_id"] == ACTION_POST_SUMMARY
    before = len(archive.posted(PUBLIC))
    # Not usable by someone else.
    status, _, refused_url = await archive.click(ACTION_POST_SUMMARY, button["value"], user_id=ALICE, channel_id=PUBLIC)
    assert status == 200
    [refused] = await archive.slack.wait_for_response_posts(refused_url)
    assert "expired" in json.dumps(refused.body)
    assert len(archive.posted(PUBLIC)) == before
    status, _, click_url = await archive.click(ACTION_POST_SUMMARY, button["value"], user_id=BOB, channel_id=PUBLIC)
    assert status == 200
    [done] = await archive.slack.wait_for_response_posts(click_url)
    assert done.body["delete_original"] is True
    posted = await archive.replies(before + 1, channel=PUBLIC)
    assert len(posted) == before + 1
    assert posted[-1].thread_ts is None
    assert "Harbour city doubles its night ferry service" in json.dumps(posted[-1].blocks)


def test_ask_grammar() -> None:
    assert parse_ask("ask how much?") == "how much?"
    assert parse_ask("ASK") == ""
    assert parse_ask("asking price") is None
    assert parse_ask("ferry ask") is None
