"""Follow-up questions in a summary's thread, end to end: signed events over HTTP and envelopes over Socket Mode
to the real bot, the fake Slack as the Web API, real article pages, both real databases, and the fake model for
the LLM path. What a user sees is read from the fake Slack's posts; what was stored, from the database."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from fakeopenai import FakeOpenAI, answer, error
from fakeslack import FakeSlack, PostedMessage
from slackbot import ArticleSite, BotClient, article_site, blocks_text, bot_client, eventually
from slacksign import LinkPart, UserPart, event_callback, message_event, next_ts
from test_summarize_llm import GOOD

from bot.store import followups as followup_store
from bot.store.db import Database
from bot.store.followups import QuestionRow
from bot.store.models import FollowUpQuestion, utcnow

CHANNEL = "C0READING"
BOT = "U0FAKEBOT"  # the fake Slack's bot user (auth.test)


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    async with FakeSlack(wait_timeout=20) as fake:
        fake.add_channel(CHANNEL, name="reading", members=["U0ALICE", "U0BOB", BOT])
        fake.add_user("U0ALICE", name="alice")
        fake.add_user("U0BOB", name="bob")
        yield fake


@pytest.fixture
async def site() -> AsyncIterator[ArticleSite]:
    async with article_site() as pages:
        yield pages


@pytest.fixture
async def client(slack: FakeSlack, database: Database) -> AsyncIterator[BotClient]:
    async with bot_client(slack, database.url) as bot:
        yield bot


async def summary_thread(client: BotClient, site: ArticleSite, path: str = "/harbour") -> str:
    """Share a link at the top of the channel and wait for its summary; the thread's ts."""
    top = await client.say("read this ", LinkPart(site.url(path)), channel=CHANNEL, user="U0ALICE")
    await client.replies(1, channel=CHANNEL)
    await client.settled()
    return str(top["ts"])


def in_thread(client: BotClient, thread_ts: str) -> list[PostedMessage]:
    return [m for m in client.posted(CHANNEL) if m.thread_ts == thread_ts]


async def stored_questions(client: BotClient) -> list[QuestionRow]:
    async with client.bot.database.session(read_only=True) as session:
        return await followup_store.questions_in(session, CHANNEL)


def mention_event(message: dict[str, Any]) -> dict[str, Any]:
    """The `app_mention` Slack sends for the same message (no channel_type, same ts)."""
    event = {k: v for k, v in message.items() if k != "channel_type"}
    return event | {"type": "app_mention"}


# ------------------------------------------------------------------------------------------ over HTTP


async def test_a_mention_in_a_summary_thread_is_answered_once_from_the_article(
    client: BotClient, site: ArticleSite
) -> None:
    thread = await summary_thread(client, site)
    question = message_event(UserPart(BOT), " how much will it cost?", channel=CHANNEL, user="U0BOB", thread_ts=thread)
    callback = event_callback(question)
    assert (await client.send_event(callback))[0] == 200
    # Slack's retries, the same message in a new delivery, and the same message as an app_mention event.
    assert (await client.send_event(callback, retry_num=1, retry_reason="http_timeout"))[0] == 200
    assert (await client.send_event(event_callback(question)))[0] == 200
    assert (await client.send_event(event_callback(mention_event(question))))[0] == 200
    await eventually(lambda: len(in_thread(client, thread)) >= 2)
    assert (await client.send_event(callback, retry_num=2, retry_reason="http_timeout"))[0] == 200
    await eventually(lambda: _all_answered(client))
    replies = in_thread(client, thread)
    assert len(replies) == 2  # the summary, and one answer
    answer = replies[1]
    text = blocks_text(answer)
    assert "6.2 million euros a year" in text
    assert site.url("/harbour") in text  # linked to the article as shared in this thread
    assert "does not say" not in text
    [row] = await stored_questions(client)
    assert (row.user_id, row.thread_ts, row.message_ts) == ("U0BOB", thread, question["ts"])
    assert row.question == "how much will it cost?"
    assert (row.status, row.kind, row.reply_ts) == ("done", "answer", answer.ts)
    assert any("6.2 million euros" in p for p in row.passages)
    assert row.article_id is not None
    assert row.prompt_tokens is None  # offline: no model, no tokens


async def test_a_question_the_article_does_not_answer(client: BotClient, site: ArticleSite) -> None:
    thread = await summary_thread(client, site)
    await client.say(UserPart(BOT), " what does the mayor think about tourism?", channel=CHANNEL, thread_ts=thread)
    await eventually(lambda: len(in_thread(client, thread)) >= 2)
    text = blocks_text(in_thread(client, thread)[1])
    assert text.startswith("The article does not say.")
    assert site.url("/harbour") in text
    await eventually(lambda: _all_answered(client))
    [row] = await stored_questions(client)
    assert (row.kind, row.answer, row.passages) == ("not_said", "The article does not say.", ())


async def test_a_mention_outside_a_summary_thread_gets_the_usage_note(client: BotClient, site: ArticleSite) -> None:
    top = await client.say(UserPart(BOT), " what is this channel for?", channel=CHANNEL, user="U0ALICE")
    [note] = await client.replies(1, channel=CHANNEL)
    assert note.thread_ts == top["ts"]
    assert "in the thread of its summary" in blocks_text(note)
    # In a thread where no summary was posted: the same note, in that thread.
    parent = next_ts()
    await client.say(UserPart(BOT), " and here?", channel=CHANNEL, user="U0ALICE", thread_ts=parent)
    [_, second] = await client.replies(2, channel=CHANNEL)
    assert second.thread_ts == parent
    assert "in the thread of its summary" in blocks_text(second)
    # A reply without a mention in a thread without a summary: nothing at all.
    await client.say("what is this?", channel=CHANNEL, user="U0BOB", thread_ts=parent)
    await eventually(lambda: _all_answered(client))
    assert len(client.posted(CHANNEL)) == 2
    assert [r.kind for r in await stored_questions(client)] == ["usage", "usage"]


async def test_replies_in_an_opted_in_channel_are_answered_without_a_mention(
    client: BotClient, site: ArticleSite, slack: FakeSlack
) -> None:
    thread = await summary_thread(client, site)
    await client.say("who runs the ferry division?", channel=CHANNEL, user="U0BOB", thread_ts=thread)
    await client.settled()
    assert len(in_thread(client, thread)) == 1  # not opted in: only mentions are answered

    # Someone outside the channel cannot switch it on, whatever channel the request names.
    status, body, _ = await client.command("followups on", channel_id=CHANNEL, user_id="U0MALLORY")
    assert status == 200
    assert "Only members of this conversation" in body
    status, body, _ = await client.command("followups on", channel_id=CHANNEL, user_id="U0ALICE")
    assert status == 200
    assert "Follow-ups are *on* here" in body
    status, body, _ = await client.command("followups", channel_id=CHANNEL, user_id="U0BOB")
    assert "Follow-ups are *on* here" in body

    await client.say("who runs the ferry division?", channel=CHANNEL, user="U0BOB", thread_ts=thread)
    await eventually(lambda: len(in_thread(client, thread)) >= 2)
    assert "Marta Eklund" in blocks_text(in_thread(client, thread)[1])
    # Conversation in the thread is not taken for questions.
    await client.say("thanks, that helps", channel=CHANNEL, user="U0BOB", thread_ts=thread)
    await eventually(lambda: _all_answered(client))
    await client.settled()
    assert len(in_thread(client, thread)) == 2

    status, body, _ = await client.command("followups off", channel_id=CHANNEL, user_id="U0BOB")
    assert "Follow-ups are *off* here" in body
    await client.say("how did the council vote?", channel=CHANNEL, user="U0BOB", thread_ts=thread)
    await client.settled()
    assert len(in_thread(client, thread)) == 2
    assert [r.question for r in await stored_questions(client)] == ["who runs the ferry division?"]


async def test_questions_in_a_direct_message_with_the_bot_need_no_mention(
    client: BotClient, site: ArticleSite, slack: FakeSlack
) -> None:
    dm = "D0ALICEBOT"
    slack.add_channel(dm, members=["U0ALICE", BOT], is_im=True)

    def in_dm() -> list[PostedMessage]:
        return client.posted(dm)

    # In a DM the summary comes right under the link, not in a thread; a question typed next is about it.
    await client.say("read this ", LinkPart(site.url("/harbour")), channel=dm, channel_type="im", user="U0ALICE")
    await eventually(lambda: len(in_dm()) >= 1)
    await client.settled()
    summary = in_dm()[0]
    assert summary.thread_ts is None
    await client.say("who runs the ferry division?", channel=dm, channel_type="im", user="U0ALICE")
    await eventually(lambda: len(in_dm()) >= 2)
    answer = in_dm()[1]
    assert answer.thread_ts is None
    assert "Marta Eklund" in blocks_text(answer)
    # A reply in the summary's thread is about that summary, and answered there.
    await client.say("how much will it cost?", channel=dm, channel_type="im", user="U0ALICE", thread_ts=summary.ts)
    await eventually(lambda: len(in_dm()) >= 3)
    assert in_dm()[2].thread_ts == summary.ts
    assert "6.2 million euros" in blocks_text(in_dm()[2])
    # Conversation is not a question.
    await client.say("thanks!", channel=dm, channel_type="im", user="U0ALICE")
    await eventually(lambda: _all_answered(client))
    await client.settled()
    async with client.bot.database.session(read_only=True) as session:
        asked = await followup_store.questions_in(session, dm)
    assert [q.question for q in asked] == ["who runs the ferry division?", "how much will it cost?"]
    assert len(in_dm()) == 3


async def test_quoted_passages_are_escaped(client: BotClient, site: ArticleSite) -> None:
    thread = await summary_thread(client, site, "/hostile")
    await client.say(UserPart(BOT), " what about the bank and everyone?", channel=CHANNEL, thread_ts=thread)
    await eventually(lambda: len(in_thread(client, thread)) >= 2)
    answer = in_thread(client, thread)[1]
    text = blocks_text(answer)
    assert "&lt;!here&gt;" in text
    assert "<!here>" not in text
    assert "<!everyone>" not in text
    assert "<https://evil.example" not in text
    assert "<!" not in (answer.text or "")


async def _all_answered(client: BotClient) -> bool:
    return all(row.status != "pending" for row in await stored_questions(client))


async def test_a_question_left_by_a_process_that_died_is_answered_after_a_restart(
    slack: FakeSlack, site: ArticleSite, database: Database
) -> None:
    async with bot_client(slack, database.url) as client:
        thread = await summary_thread(client, site)
    # What a process killed between storing a question (before the ack) and answering it leaves behind.
    question = followup_store.NewQuestion(
        team_id="T0FAKETEAM",
        channel_id=CHANNEL,
        message_ts=next_ts(),
        thread_ts=thread,
        user_id="U0BOB",
        question="how much will it cost?",
    )
    async with database.session() as session, session.begin():
        stored = await followup_store.claim_question(session, question, stale_after=timedelta(minutes=10))
        await session.execute(sa.update(FollowUpQuestion).values(claimed_at=utcnow() - timedelta(minutes=30)))
    assert stored is not None
    async with bot_client(slack, database.url) as client:
        await eventually(lambda: len(in_thread(client, thread)) >= 2)
        await eventually(lambda: _all_answered(client))
        assert "6.2 million euros a year" in blocks_text(in_thread(client, thread)[1])
        [row] = await stored_questions(client)
        assert (row.id, row.status, row.kind) == (stored.id, "done", "answer")
        assert len(in_thread(client, thread)) == 2


async def test_an_answer_slack_took_but_did_not_confirm_is_not_posted_twice(
    slack: FakeSlack, site: ArticleSite, database: Database
) -> None:
    async with bot_client(slack, database.url, slack_timeout=1.0) as client:
        thread = await summary_thread(client, site)
        # Slack records the answer at once but replies after the client gave up (1 s): whether it was posted is
        # unknown, so before trying again the bot looks in the thread, finds it there, and posts nothing more.
        slack.delay("chat.postMessage", 3.0)
        await client.say(UserPart(BOT), " how much will it cost?", channel=CHANNEL, user="U0BOB", thread_ts=thread)
        await eventually(lambda: _all_answered(client), within=30)
        replies = in_thread(client, thread)
        assert len(replies) == 2  # the summary and one answer
        assert "6.2 million euros a year" in blocks_text(replies[1])
        [row] = await stored_questions(client)
        assert (row.status, row.reply_ts) == ("done", replies[1].ts)
        assert (replies[1].metadata or {}).get("event_payload") == {"question": row.id}
        assert any(call.params.get("ts") == thread for call in slack.calls_to("conversations.replies"))


# ------------------------------------------------------------------------------------- over Socket Mode


async def test_a_mention_over_socket_mode_is_answered_once(
    slack: FakeSlack, site: ArticleSite, sqlite_url: str
) -> None:
    async with bot_client(
        slack, sqlite_url, mode="socket", slack_app_token=slack.app_token, slack_signing_secret=None
    ) as client:
        await slack.wait_for_socket()
        top = message_event("read ", LinkPart(site.url("/train")), channel=CHANNEL, user="U0ALICE")
        await slack.wait_for_ack(await slack.push_event(event_callback(top)))
        await client.replies(1, channel=CHANNEL)
        await client.settled()
        question = message_event(
            UserPart(BOT), " how much is a bed?", channel=CHANNEL, user="U0BOB", thread_ts=top["ts"]
        )
        callback = event_callback(question)
        for envelope in (
            await slack.push_event(callback),
            await slack.push_event(callback, retry_attempt=1, retry_reason="timeout"),
            await slack.push_event(event_callback(mention_event(question))),
        ):
            ack = await slack.wait_for_ack(envelope)
            assert ack.payload is None
        await eventually(lambda: len(in_thread(client, str(top["ts"]))) >= 2)
        await eventually(lambda: _all_answered(client))
        replies = in_thread(client, str(top["ts"]))
        assert len(replies) == 2
        assert "119 euros for a bed" in blocks_text(replies[1])


# ------------------------------------------------------------------------------------------- with a model


def _llm(fake: FakeOpenAI, **extra: object) -> dict[str, object]:
    return {
        "summarizer": "llm",
        "llm_base_url": fake.base_url,
        "openai_api_key": "sk-test",
        "llm_model": "fake-model-1",
        **extra,
    }


MODEL_ANSWER = {"answerable": True, "answer": "About 6.2 million euros a year, mostly for crews."}


async def test_the_model_answers_from_the_passages_once_per_question(
    slack: FakeSlack, site: ArticleSite, database: Database
) -> None:
    script = [answer(GOOD), answer(MODEL_ANSWER, prompt_tokens=321, completion_tokens=17)]
    async with FakeOpenAI(script) as model, bot_client(slack, database.url, **_llm(model)) as client:
        thread = await summary_thread(client, site)
        assert len(model.requests) == 1  # the summary
        await client.say(UserPart(BOT), " How much will it cost?", channel=CHANNEL, user="U0BOB", thread_ts=thread)
        await eventually(lambda: len(in_thread(client, thread)) >= 2)
        text = blocks_text(in_thread(client, thread)[1])
        assert MODEL_ANSWER["answer"] in text
        assert "6.2 million euros" in text  # the passage it came from, quoted
        assert len(model.requests) == 2
        sent = model.requests[1]["messages"]
        assert "<<<PASSAGES>>>" in sent[1]["content"]
        assert "how much will it cost" in sent[1]["content"].lower()
        # Only passages are sent, not the whole article.
        assert "Residents of the northern islands welcomed" not in sent[1]["content"]

        # The same question again (other case and spacing, another person): no second call.
        await client.say(UserPart(BOT), " how much   will it COST", channel=CHANNEL, user="U0ALICE", thread_ts=thread)
        await eventually(lambda: len(in_thread(client, thread)) >= 3)
        assert MODEL_ANSWER["answer"] in blocks_text(in_thread(client, thread)[2])
        await eventually(lambda: _all_answered(client))
        assert len(model.requests) == 2
        first, second = await stored_questions(client)
        assert (first.model, first.prompt_tokens, first.completion_tokens) == ("fake-model-1", 321, 17)
        assert first.answer == MODEL_ANSWER["answer"]
        assert (second.answer, second.prompt_tokens) == (MODEL_ANSWER["answer"], None)  # cached: no cost


async def test_a_failing_or_ungrounded_model_gives_the_offline_answer(
    slack: FakeSlack, site: ArticleSite, sqlite_url: str
) -> None:
    invented = {"answerable": True, "answer": "It will cost 9 billion dollars, said Mayor Quist."}
    script = [answer(GOOD), error(500), answer(invented)]
    async with (
        FakeOpenAI(script) as model,
        bot_client(slack, sqlite_url, **_llm(model, llm_max_retries=0)) as client,
    ):
        thread = await summary_thread(client, site)
        await client.say(UserPart(BOT), " how much will it cost?", channel=CHANNEL, thread_ts=thread)
        await eventually(lambda: len(in_thread(client, thread)) >= 2)
        down = blocks_text(in_thread(client, thread)[1])
        assert "6.2 million euros a year" in down
        assert "answered by a model" not in down
        await client.say(UserPart(BOT), " how much will the expansion cost?", channel=CHANNEL, thread_ts=thread)
        await eventually(lambda: len(in_thread(client, thread)) >= 3)
        wrong = blocks_text(in_thread(client, thread)[2])
        assert "9 billion" not in wrong
        assert "Quist" not in wrong
        assert "6.2 million euros a year" in wrong
        assert len(model.requests) == 3
        # Neither fallback is kept as the model's answer: asked again, the model is asked again.
        await client.say(UserPart(BOT), " how much will it cost?", channel=CHANNEL, thread_ts=thread)
        await eventually(lambda: len(in_thread(client, thread)) >= 4)
        assert len(model.requests) == 4
