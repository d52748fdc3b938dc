"""The Slack flow with LINKBRIEF_SUMMARIZER=llm: the reply shows the model's summary, a repeat share makes no
second model call, and a model that fails still gives the offline summary, marked."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from fakeopenai import FakeOpenAI, answer, error
from fakeslack import FakeSlack
from slackbot import ArticleSite, article_site, blocks_text, bot_client
from slacksign import LinkPart
from test_summarize_llm import GOOD

from bot.store.db import Database

CHANNEL = "C0LLM"


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    async with FakeSlack(wait_timeout=20) as fake:
        fake.add_channel(CHANNEL, name="reading", members=["U0ALICE", "U0BOB"])
        fake.add_user("U0ALICE", name="alice")
        fake.add_user("U0BOB", name="bob")
        yield fake


@pytest.fixture
async def site() -> AsyncIterator[ArticleSite]:
    async with article_site() as pages:
        yield pages


def _llm(fake: FakeOpenAI, **extra: object) -> dict[str, object]:
    return {
        "summarizer": "llm",
        "llm_base_url": fake.base_url,
        "openai_api_key": "sk-test",
        "llm_model": "fake-model-1",
        **extra,
    }


async def test_llm_summary_in_the_thread_and_no_second_call_for_a_repeat(
    slack: FakeSlack, site: ArticleSite, database: Database
) -> None:
    async with FakeOpenAI([answer(GOOD)]) as model, bot_client(slack, database.url, **_llm(model)) as client:
        await client.say("read ", LinkPart(site.url("/harbour")), channel=CHANNEL, user="U0ALICE")
        [reply] = await client.replies(1)
        text = blocks_text(reply)
        assert GOOD["tldr"] in text
        assert "412,000 people used the night boats" in text
        assert "llm-1" in text
        assert len(model.requests) == 1
        await client.say("again ", LinkPart(site.url("/harbour?utm_source=x")), channel=CHANNEL, user="U0BOB")
        [_, pointer] = await client.replies(2)
        assert GOOD["tldr"] in blocks_text(pointer)
        await client.settled()
        assert len(model.requests) == 1


async def test_a_failing_model_gives_the_offline_summary_marked(
    slack: FakeSlack, site: ArticleSite, sqlite_url: str
) -> None:
    async with (
        FakeOpenAI([error(500)]) as model,
        bot_client(slack, sqlite_url, **_llm(model, llm_max_retries=0)) as client,
    ):
        await client.say(LinkPart(site.url("/harbour")), channel=CHANNEL, user="U0ALICE")
        [reply] = await client.replies(1)
        text = blocks_text(reply)
        assert "llm fallback" in text
        assert "Key points" in text
