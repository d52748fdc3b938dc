"""Questions stored and searchable by the asker (issue #12, item 4): `/brief ask` questions are stored beside the
follow-ups asked in threads (who, where, the answer, the passages used), and `/brief asked [words]` lists the
caller's own questions of both kinds, and nobody else's. Signed slash commands and events to the real bot on
both databases, the fake Slack as the Web API."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest
from fakeslack import FakeSlack
from slackbot import ArticleSite, BotClient, article_site, bot_client, eventually
from slacksign import LinkPart, UserPart

from bot.slack.ask import NOTHING, parse_asked
from bot.store import followups as question_store
from bot.store.db import Database

CHANNEL = "C0GENERAL"
ALICE, BOB = "U0ALICE", "U0BOB"
BOT = "U0FAKEBOT"


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    async with FakeSlack(wait_timeout=20) as fake:
        fake.add_channel(CHANNEL, name="general", members=[ALICE, BOB, BOT])
        fake.add_user(ALICE, name="alice")
        fake.add_user(BOB, name="bob")
        yield fake


@pytest.fixture
async def site() -> AsyncIterator[ArticleSite]:
    async with article_site() as pages:
        yield pages


@pytest.fixture
async def client(slack: FakeSlack, database: Database, site: ArticleSite) -> AsyncIterator[BotClient]:
    async with bot_client(slack, database.url) as bot:
        top = await bot.say(LinkPart(site.url("/harbour")), channel=CHANNEL, user=ALICE)
        await bot.replies(1, channel=CHANNEL)
        await bot.settled()
        bot.thread_ts = str(top["ts"])  # type: ignore[attr-defined]
        yield bot


async def command(client: BotClient, text: str, *, user: str) -> str:
    status, body, response_url = await client.command(text, user_id=user, channel_id=CHANNEL)
    assert status == 200
    if body and json.loads(body).get("blocks"):
        return json.dumps(json.loads(body)["blocks"], ensure_ascii=False)
    [post] = await client.slack.wait_for_response_posts(response_url)
    return json.dumps(post.body["blocks"], ensure_ascii=False)


def test_asked_is_its_own_command() -> None:
    assert parse_asked("asked") == ""
    assert parse_asked("asked ferry cost") == "ferry cost"
    assert parse_asked("ask how much?") is None
    assert parse_asked("askew") is None


async def test_a_question_of_the_archive_is_stored_with_its_answer(client: BotClient) -> None:
    await command(client, "ask how much will the ferries cost a year?", user=ALICE)
    await command(client, "ask who won the chess olympiad?", user=ALICE)
    async with client.bot.database.session(read_only=True) as session:
        rows = await question_store.questions_in(session, CHANNEL)
    answered, unanswered = [r for r in rows if r.source == "archive"]
    assert (answered.user_id, answered.channel_id, answered.message_ts) == (ALICE, CHANNEL, None)
    assert answered.question == "how much will the ferries cost a year?"
    assert (answered.status, answered.kind) == ("done", "answer")
    assert "6.2 million euros" in (answered.answer or "")
    assert any("6.2 million euros" in p for p in answered.passages)
    assert answered.article_id is not None
    assert answered.prompt_tokens is None  # offline: no model, no tokens
    assert (unanswered.kind, unanswered.answer, unanswered.passages) == ("not_said", NOTHING, ())


async def test_asked_lists_only_the_callers_questions_of_both_kinds(client: BotClient, slack: FakeSlack) -> None:
    thread = client.thread_ts  # type: ignore[attr-defined]
    await client.say(UserPart(BOT), " how much will it cost?", channel=CHANNEL, user=ALICE, thread_ts=thread)
    await eventually(lambda: len(client.posted(CHANNEL)) >= 2)
    await command(client, "ask when do the new ferries start <!channel>?", user=ALICE)
    await command(client, "ask how long is the crossing?", user=BOB)

    async def stored() -> bool:
        async with client.bot.database.session(read_only=True) as session:
            return len(await question_store.questions_in(session, CHANNEL)) == 3

    await eventually(stored)
    mine = await command(client, "asked", user=ALICE)
    assert "how much will it cost?" in mine
    assert "in a summary's thread" in mine
    assert "when do the new ferries start" in mine
    assert "asked of the archive" in mine
    assert mine.index("when do the new ferries start") < mine.index("how much will it cost?")  # newest first
    assert "how long is the crossing" not in mine  # bob's
    assert "<!channel>" not in mine  # the question is escaped like every reply
    assert "&lt;!channel&gt;" in mine
    assert "/archives/C0GENERAL/p" in mine  # the thread answer is linked

    filtered = await command(client, "asked COST", user=ALICE)
    assert "how much will it cost?" in filtered
    assert "when do the new ferries start" not in filtered
    # Words are matched literally: a LIKE wildcard matches nothing.
    assert "None of your questions" in await command(client, "asked %", user=ALICE)
    assert "how long is the crossing" in await command(client, "asked", user=BOB)
    assert "You have not asked me anything yet" in await command(client, "asked", user="U0CAROL")
