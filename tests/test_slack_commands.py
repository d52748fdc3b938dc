"""`/brief` end to end: search with every filter and the caller's visibility, paging with the "More results"
button, summarising one link with "Post in channel", help, hostile input, and Bolt's "payload" form trap.
Plus the pure parts: the command grammar and the membership cache."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from fakeslack import FakeSlack
from slackbot import ArticleSite, BotClient, article_site, bot_client
from slacksign import LinkPart

from bot.slack.commands import parse_brief
from bot.slack.permissions import MembershipCache
from bot.slack.render import ACTION_MORE_QA, ACTION_MORE_RESULTS, ACTION_POST_SUMMARY
from bot.store.db import Database
from bot.store.models import Share

PUBLIC = "C0PUBLIC"
OTHER = "C0OTHER"
PRIVATE = "G0PRIVATE"
ALICE, BOB, CAROL = "U0ALICE", "U0BOB", "U0CAROL"
OLD = datetime.now(UTC) - timedelta(days=400)
CUTOFF = (datetime.now(UTC) - timedelta(days=200)).date()

HARBOUR = "Harbour city doubles its night ferry service after record summer"
ORCHARD = "Volunteers map every old apple tree in the valley before the orchards vanish"
TRAIN = "Night train between the two capitals returns after a gap of nine years"
WIRE = TRAIN + " (wire copy)"


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    async with FakeSlack(wait_timeout=20) as fake:
        fake.add_channel(PUBLIC, name="general", members=[ALICE, BOB, CAROL])
        fake.add_channel(OTHER, name="other", members=[ALICE, BOB, CAROL])
        fake.add_channel(PRIVATE, name="secret", members=[ALICE, BOB], is_private=True)
        for user, name in ((ALICE, "alice"), (BOB, "bob"), (CAROL, "carol")):
            fake.add_user(user, name=name)
        yield fake


@pytest.fixture
async def site() -> AsyncIterator[ArticleSite]:
    async with article_site() as pages:
        yield pages


@pytest.fixture
async def library(slack: FakeSlack, database: Database, site: ArticleSite) -> AsyncIterator[BotClient]:
    """The bot with four answered shares (on each database backend):

    alice: /harbour in #general, 400 days ago | bob: /orchard in private #secret | bob: /night-train (second
    host) in #general | alice: /train in #other
    """
    async with bot_client(slack, database.url) as client:
        await client.say(LinkPart(site.url("/harbour")), channel=PUBLIC, user=ALICE)
        await client.say(LinkPart(site.url("/orchard")), channel=PRIVATE, channel_type="group", user=BOB)
        await client.say(LinkPart(site.other_url("/night-train")), channel=PUBLIC, user=BOB)
        await client.say(LinkPart(site.url("/train")), channel=OTHER, user=ALICE)
        await client.replies(4)
        await client.settled()
        async with database.session() as session, session.begin():
            await session.execute(sa.update(Share).where(Share.id == 1).values(created_at=OLD))
        yield client


async def brief(client: BotClient, text: str, *, user: str = CAROL, channel: str = PUBLIC) -> dict[str, Any]:
    """Run `/brief text` and return the ephemeral answer (from the ack, or from the response_url)."""
    status, body, response_url = await client.command(text, user_id=user, channel_id=channel)
    assert status == 200
    if body:
        answer = json.loads(body)
        if answer.get("blocks"):
            return answer
    [post] = await client.slack.wait_for_response_posts(response_url)
    return post.body


def titles(answer: dict[str, Any]) -> list[str]:
    """Result titles in order: the labels of the `<url|title>` links in result sections."""
    found = []
    for block in answer.get("blocks") or []:
        text = (block.get("text") or {}).get("text", "") if block.get("type") == "section" else ""
        if text.startswith("*<http"):
            found.append(text.split("|", 1)[1].split(">", 1)[0].replace("\u200b", ""))
    return found


def all_text(answer: dict[str, Any]) -> str:
    return json.dumps(answer, ensure_ascii=False)


# -------------------------------------------------------------------------------------------- search


async def test_search_by_words_respects_every_filter(library: BotClient) -> None:
    assert titles(await brief(library, "harbour")) == [HARBOUR]
    assert set(titles(await brief(library, "night"))) == {HARBOUR, TRAIN, WIRE}
    assert titles(await brief(library, "night in:<#C0OTHER|other>")) == [TRAIN]
    assert set(titles(await brief(library, "night from:<@U0BOB|bob>"))) == {WIRE}
    assert set(titles(await brief(library, "night from:<@U0ALICE>"))) == {HARBOUR, TRAIN}
    assert titles(await brief(library, "night site:127.0.0.2")) == [WIRE]
    assert set(titles(await brief(library, f"night after:{CUTOFF}"))) == {TRAIN, WIRE}
    assert titles(await brief(library, f"night before:{CUTOFF}")) == [HARBOUR]
    assert titles(await brief(library, f"night in:<#C0PUBLIC|general> from:<@U0BOB|bob> after:{CUTOFF}")) == [WIRE]
    # Filters alone list what matches, most recently shared first.
    assert titles(await brief(library, "in:<#C0PUBLIC|general>")) == [WIRE, HARBOUR]


async def test_results_show_who_shared_where_and_link_the_thread(library: BotClient) -> None:
    answer = await brief(library, "harbour")
    text = all_text(answer)
    assert "Shared by alice in <#C0PUBLIC>" in text
    [first] = library.posted(PUBLIC)[:1]
    assert f"/archives/C0PUBLIC/p{first.ts.replace('.', '')}" in text
    assert "The harbour authority of Lindqvist" in text  # the TL;DR snippet


async def test_a_private_channel_summary_is_shown_to_members_only(library: BotClient) -> None:
    assert titles(await brief(library, "apple", user=CAROL)) == []
    assert titles(await brief(library, "apple in:<#G0PRIVATE|secret>", user=CAROL)) == []
    member_view = await brief(library, "apple", user=ALICE)
    assert titles(member_view) == [ORCHARD]
    assert "in <#G0PRIVATE>" in all_text(member_view)
    calls = len(library.slack.calls_to("conversations.members"))
    assert titles(await brief(library, "apple", user=ALICE)) == [ORCHARD]
    assert len(library.slack.calls_to("conversations.members")) == calls  # the cached member list was used


async def test_more_results_button_pages_through_five_at_a_time(
    slack: FakeSlack, sqlite_url: str, site: ArticleSite
) -> None:
    paths = ["/harbour", "/orchard", "/train", "/mixed-ho", "/mixed-ot", "/mixed-th"]
    async with bot_client(slack, sqlite_url) as client:
        for path in paths:
            await client.say(LinkPart(site.url(path)), channel=PUBLIC, user=ALICE)
        await client.say(LinkPart(site.other_url("/night-train")), channel=PUBLIC, user=BOB)
        await client.replies(7)
        await client.settled()
        assert len({s.article_id for s in await client.shares()}) == 7
        first = await brief(client, "said")
        assert len(titles(first)) == 5
        [button] = [e for b in first["blocks"] if b["type"] == "actions" for e in b["elements"]]
        assert button["action_id"] == ACTION_MORE_RESULTS
        status, _, response_url = await client.click(ACTION_MORE_RESULTS, button["value"], user_id=CAROL)
        assert status == 200
        [second] = await slack.wait_for_response_posts(response_url)
        assert second.body["replace_original"] is True
        assert second.body["response_type"] == "ephemeral"
        assert len(titles(second.body)) == 2
        assert set(titles(first)) | set(titles(second.body)) == {
            HARBOUR,
            ORCHARD,
            TRAIN,
            WIRE,
            "Ferries and orchards",
            "Orchards and trains",
            "Trains and ferries",
        }
        assert "Results 6–7" in all_text(second.body)


# ------------------------------------------------------------------------------------- the command


async def test_payload_in_the_command_text_is_still_a_command(slack: FakeSlack, sqlite_url: str) -> None:
    """Bolt reads any form body containing "payload" as an interaction; the server repairs it."""
    async with bot_client(slack, sqlite_url) as client:
        answer = await brief(client, "payload limits")
        assert "No summaries match" in all_text(answer)
        assert "payload limits" in all_text(answer)


async def test_help_and_bad_filters_are_answered_in_the_ack(slack: FakeSlack, sqlite_url: str) -> None:
    async with bot_client(slack, sqlite_url) as client:
        for text in ("", "help", "  HELP "):
            status, body, _ = await client.command(text)
            assert status == 200
            assert "in:#channel" in body
            assert json.loads(body)["response_type"] == "ephemeral"
        status, body, _ = await client.command("ferries after:yesterday from:@bob")
        assert "`after:` needs a date" in body
        assert "`from:` needs a person" in body


async def test_the_callers_own_text_is_escaped_when_echoed(slack: FakeSlack, sqlite_url: str) -> None:
    async with bot_client(slack, sqlite_url) as client:
        answer = await brief(client, "<!channel> news <@U0ALICE|alice> <https://evil.example|bank>")
        text = all_text(answer)
        for dangerous in ("<!channel>", "<@U0ALICE", "<https://evil"):
            assert dangerous not in text
        assert "&lt;!channel&gt;" in text


async def test_summarise_one_link_then_post_it_in_the_channel(
    slack: FakeSlack, sqlite_url: str, site: ArticleSite
) -> None:
    async with bot_client(slack, sqlite_url) as client:
        # The buttons work in the conversation the command came from, for the person who ran it.
        status, body, response_url = await client.command(f"<{site.url('/orchard')}>", user_id=ALICE, channel_id=PUBLIC)
        assert status == 200
        assert json.loads(body)["text"].startswith("Reading the link")
        [preview] = await slack.wait_for_response_posts(response_url)
        assert preview.body["response_type"] == "ephemeral"
        assert preview.body["blocks"][0]["text"]["text"] == ORCHARD
        buttons = {e["action_id"]: e for b in preview.body["blocks"] if b["type"] == "actions" for e in b["elements"]}
        post = buttons[ACTION_POST_SUMMARY]
        assert slack.messages == []  # only the caller has seen it so far

        status, _, click_url = await client.click(
            ACTION_POST_SUMMARY, post["value"], user_id=ALICE, channel_id=PUBLIC, ephemeral=True
        )
        assert status == 200
        [posted] = await client.replies(1)
        assert posted.channel == PUBLIC
        assert posted.thread_ts is None
        assert posted.params["unfurl_links"] is False
        assert posted.blocks[0]["text"]["text"] == ORCHARD  # type: ignore[index]
        [done] = await slack.wait_for_response_posts(click_url)
        assert done.body["delete_original"] is True
        # Now it is a share like any other: searchable, and pointed to when shared again.
        [share] = await client.shares()
        assert (share.channel_id, share.user_id, share.status, share.reply_ts) == (PUBLIC, ALICE, "done", posted.ts)
        assert titles(await brief(client, "apple")) == [ORCHARD]

        # "More questions" answers the clicker with the rest of the Q&A.
        if ACTION_MORE_QA in buttons:
            status, _, more_url = await client.click(
                ACTION_MORE_QA, buttons[ACTION_MORE_QA]["value"], user_id=ALICE, channel_id=PUBLIC
            )
            [more] = await slack.wait_for_response_posts(more_url)
            assert "More questions answered" in all_text(more.body)


async def test_summarise_a_link_that_fails_says_why(slack: FakeSlack, sqlite_url: str, site: ArticleSite) -> None:
    async with bot_client(slack, sqlite_url) as client:
        _, _, response_url = await client.command(site.url("/gone"))
        [answer] = await slack.wait_for_response_posts(response_url)
        assert "404" in all_text(answer.body)
        assert answer.body["blocks"][0]["block_id"] == "brief_error_http_error"


async def test_post_in_channel_where_the_bot_is_not_a_member(
    slack: FakeSlack, sqlite_url: str, site: ArticleSite
) -> None:
    slack.add_channel("C0NOTIN", name="elsewhere", is_member=False)
    async with bot_client(slack, sqlite_url) as client:
        _, _, response_url = await client.command(f"<{site.url('/train')}|the train story>", channel_id="C0NOTIN")
        [preview] = await slack.wait_for_response_posts(response_url)
        [value] = [
            e["value"]
            for b in preview.body["blocks"]
            if b["type"] == "actions"
            for e in b["elements"]
            if e["action_id"] == ACTION_POST_SUMMARY
        ]
        _, _, click_url = await client.click(ACTION_POST_SUMMARY, value, channel_id="C0NOTIN", ephemeral=True)
        [answer] = await slack.wait_for_response_posts(click_url)
        assert "Invite me" in all_text(answer.body)
        assert answer.body.get("replace_original") is False
        assert slack.messages == []
        assert await client.shares() == []


async def test_post_in_channel_with_chat_write_public_posts_in_public_channels_only(
    slack: FakeSlack, sqlite_url: str, site: ArticleSite
) -> None:
    """The manifest asks for chat:write.public: the bot never joins, and Slack lets it post in a public channel
    it is not in; a private one still needs it invited."""
    slack.scopes = (*slack.scopes, "chat:write.public")
    slack.add_channel("C0NOTIN", name="elsewhere", is_member=False)
    slack.add_channel("G0NOTIN", name="hidden", is_member=False, is_private=True, members=[ALICE])
    answers = {}
    async with bot_client(slack, sqlite_url) as client:
        for channel in ("C0NOTIN", "G0NOTIN"):
            _, _, response_url = await client.command(site.url("/train"), channel_id=channel, user_id=ALICE)
            [preview] = await slack.wait_for_response_posts(response_url)
            [value] = [
                e["value"]
                for b in preview.body["blocks"]
                if b["type"] == "actions"
                for e in b["elements"]
                if e["action_id"] == ACTION_POST_SUMMARY
            ]
            _, _, click_url = await client.click(
                ACTION_POST_SUMMARY, value, channel_id=channel, user_id=ALICE, ephemeral=True
            )
            [answers[channel]] = await slack.wait_for_response_posts(click_url)
        [posted] = client.posted()
    assert posted.channel == "C0NOTIN"
    assert posted.thread_ts is None
    assert answers["C0NOTIN"].body.get("delete_original") is True  # the preview goes, the summary is there
    assert "Invite me" in all_text(answers["G0NOTIN"].body)
    assert answers["G0NOTIN"].body.get("replace_original") is False
    assert not slack.calls_to("conversations.join")


# --------------------------------------------------------------------------------------- pure parts


def test_parse_brief_reads_escaped_and_plain_forms() -> None:
    assert parse_brief("").kind == "help"
    assert parse_brief(" help ").kind == "help"
    one = parse_brief("<https://example.com/a?x=1&amp;y=2|example.com/a>")
    assert (one.kind, one.url) == ("summarize", "https://example.com/a?x=1&y=2")
    assert parse_brief("https://example.com/b").url == "https://example.com/b"
    request = parse_brief(
        "rate limits in:<#C0ENG|eng> from:<@U0BOB|bob> site:<http://Example.com|Example.com> "
        "after:2026-01-01 before:2026-02-01"
    )
    assert request.kind == "search"
    assert request.words == "rate limits"
    assert request.channel_ids == ("C0ENG",)
    assert request.user_ids == ("U0BOB",)
    assert request.site == "example.com"
    assert (request.after, request.before) == (date(2026, 1, 1), date(2026, 2, 1))
    assert request.problems == ()
    assert parse_brief("x in:C0ENG from:U0BOB").channel_ids == ("C0ENG",)
    assert parse_brief("x IN:<#G0PRIV>").channel_ids == ("G0PRIV",)
    # A link next to words is a search, not a summary; unreadable filters are reported.
    assert parse_brief("about <https://example.com/a> please").kind == "search"
    assert len(parse_brief("x in:#eng from:@bob before:soon").problems) == 3


async def test_membership_cache_expires_and_pages(slack: FakeSlack) -> None:
    now = [1000.0]
    members = [f"U{n:05d}" for n in range(2500)]
    slack.add_channel("G0BIG", name="big", members=members, is_private=True)
    cache = MembershipCache(slack.web_client(), ttl=30, clock=lambda: now[0])
    assert await cache.is_member("U02499", "G0BIG")  # on the third page
    assert len(slack.calls_to("conversations.members")) == 3
    slack.set_members("G0BIG", ["U00001"])
    assert await cache.is_member("U02499", "G0BIG")  # still cached
    now[0] += 31
    assert not await cache.is_member("U02499", "G0BIG")  # removed, seen once the cache expired
    assert await cache.channels_of("U00001", ["G0BIG", "G0UNKNOWN"]) == {"G0BIG"}
