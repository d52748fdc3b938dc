"""Input limits at the door: what a message event may put into the database, end to end over signed HTTP.

A URL of any length, a NUL or another control character in a URL or an id, an id of the wrong shape: none of
them may fail the delivery of the events committed with it (intake stores concurrent events in one group
commit), none of them reaches the database as it came, and every link of a real message still ends as exactly
one summary, pointer or human error reply. Real SQLite and PostgreSQL, the fake Slack, real article pages.
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter

import sqlalchemy as sa
import test_slack_http as http_tests
from slackbot import ArticleSite, BotClient, blocks_text
from slacksign import LinkPart, event_callback, message_event

from bot.slack.intake import Intake
from bot.slack.links import links_in_message
from bot.store.db import Database
from bot.store.models import Share
from bot.store.shares import has_control_characters
from bot.store.write_gate import IntakeFirstDatabase

PUBLIC = "C0PUBLIC"
GOOD_EVENTS = 30

# Fixtures shared with the HTTP tests: the fake Slack, the article pages, the bot on each database.
slack, site, client = http_tests.slack, http_tests.site, http_tests.client


def replies_per_thread(client: BotClient) -> Counter[str | None]:
    return Counter(m.thread_ts for m in client.posted())


def stored_strings(shares: list[Share]) -> list[str]:
    return [
        value
        for s in shares
        for value in (s.team_id, s.channel_id, s.message_ts, s.thread_ts, s.user_id, s.url, s.event_id)
        if value
    ]


async def test_a_10000_character_url_fails_none_of_30_good_events_sent_with_it(
    client: BotClient, site: ArticleSite
) -> None:
    long_url = site.url("/harbour?q=") + "x" * 10_000
    good = [message_event(LinkPart(site.url("/harbour")), channel=PUBLIC, user="U0ALICE") for _ in range(GOOD_EVENTS)]
    poisoned = message_event(
        "two links: ", LinkPart(long_url), " and ", LinkPart(site.url("/train")), channel=PUBLIC, user="U0ALICE"
    )
    events = [*good[:15], poisoned, *good[15:]]
    statuses = await asyncio.gather(*(client.send_event(event_callback(e)) for e in events))
    assert [status for status, _ in statuses] == [200] * len(events)

    await client.replies(GOOD_EVENTS + 2)
    await client.settled()
    per_thread = replies_per_thread(client)
    assert all(per_thread[e["ts"]] == 1 for e in good)  # one summary or pointer each
    assert per_thread[poisoned["ts"]] == 2  # the long link and the good one beside it
    in_thread = [m for m in client.posted() if m.thread_ts == poisoned["ts"]]
    [refusal] = [m for m in in_thread if (m.blocks or [{}])[0].get("block_id", "").startswith("brief_error")]
    text = blocks_text(refusal)
    assert "too long" in text
    assert len(text) < 400
    assert long_url not in json.dumps(refusal.params)  # the reply does not echo 10,000 characters back
    assert any("Night train" in blocks_text(m) for m in in_thread)

    shares = await client.shares()
    assert len(shares) == GOOD_EVENTS + 2
    [long_share] = [s for s in shares if s.url == long_url]
    assert (long_share.status, long_share.error_code, long_share.reply_ts) == ("failed", "bad_url", refusal.ts)
    # Stored, but not as a key: the unique key holds a fixed-size digest of the URL.
    assert len(long_share.url_digest) == 64
    async with client.bot.database.engine.connect() as connection:
        keys = await connection.run_sync(lambda c: sa.inspect(c).get_unique_constraints("shares"))
    assert [key["column_names"] for key in keys] == [["channel_id", "message_ts", "url_digest"]]


async def test_nul_and_control_characters_in_urls_and_ids_never_reach_the_database(
    client: BotClient, site: ArticleSite
) -> None:
    bad_url = message_event(
        LinkPart(site.url("/har\x00bour\x07")),
        " ",
        LinkPart(site.url("/train?\ud800")),
        channel=PUBLIC,
        user="U0ALICE",
    )
    bad_ids = [
        message_event(LinkPart(site.url("/orchard")), channel="C0PUB\x00LIC", user="U0ALICE"),
        message_event(LinkPart(site.url("/orchard")), channel=PUBLIC, user="U0AL\x00ICE"),
        message_event(LinkPart(site.url("/orchard")), channel=PUBLIC, user="U0ALICE", ts="1700000000.000100\x00"),
        message_event(LinkPart(site.url("/orchard")), channel="C" + "A" * 200, user="U0ALICE"),
        message_event(LinkPart(site.url("/orchard")), channel=PUBLIC, user="U0ALICE", ts="yesterday"),
        message_event(LinkPart(site.url("/orchard")), channel=PUBLIC, user="U0ALICE", thread_ts="1.2\n3"),
    ]
    good = message_event(LinkPart(site.url("/harbour")), channel=PUBLIC, user="U0ALICE")
    events = [event_callback(e) for e in (bad_url, *bad_ids, good)]
    events[0]["event_id"] = "Ev\x00NUL"
    statuses = await asyncio.gather(*(client.send_event(e) for e in events))
    assert [status for status, _ in statuses] == [200] * len(events)

    await client.replies(3)
    await client.settled()
    shares = await client.shares()
    assert sorted(s.message_ts for s in shares) == sorted([bad_url["ts"], bad_url["ts"], good["ts"]])
    assert not any(has_control_characters(value) for value in stored_strings(shares))
    assert {s.url for s in shares if s.message_ts == bad_url["ts"]} == {
        site.url("/har%00bour%07"),
        site.url("/train?%ED%A0%80"),
    }
    per_thread = replies_per_thread(client)
    assert per_thread == Counter({bad_url["ts"]: 2, good["ts"]: 1})  # one answer per link, none for bad ids
    assert site.fetches("/orchard") == 0


async def test_one_failing_event_does_not_fail_the_events_committed_with_it(database: Database) -> None:
    """Whatever slips past the checks, a database error on one event fails that event only."""
    gated = IntakeFirstDatabase(database.url)
    try:
        intake = Intake(gated, max_links=5)
        async with gated.engine.begin() as connection:  # a rule the door does not know about
            await connection.execute(
                sa.text("CREATE UNIQUE INDEX ix_test_one_url ON shares (channel_id) WHERE url LIKE '%/poison'")
            )
        events = [event_callback(message_event(LinkPart(f"https://example.com/{n}"))) for n in range(10)]
        events += [event_callback(message_event(LinkPart("https://example.com/poison"))) for _ in range(2)]
        results = await asyncio.gather(
            *(intake.message_event(e, bot_user_id="UBOT", bot_id="BBOT") for e in events), return_exceptions=True
        )
        failed = [r for r in results if isinstance(r, BaseException)]
        assert len(failed) == 1  # the second poison event, alone
        assert isinstance(failed[0], sa.exc.IntegrityError)
        async with gated.session(read_only=True) as session:
            assert await session.scalar(sa.select(sa.func.count()).select_from(Share)) == 11
    finally:
        await gated.dispose()


# ------------------------------------------------------------------------------------------- pure rules


def test_links_are_cleaned_of_control_characters() -> None:
    event = message_event(
        LinkPart("https://example.com/a\x00b"),
        LinkPart("https://example.com/tab\tand\nnewline"),
        LinkPart("https://example.com/\u0085x\x7f\udfff"),
    )
    assert links_in_message(event, max_links=5) == [
        "https://example.com/a%00b",
        "https://example.com/tabandnewline",  # as browsers read it: tab and newline dropped
        "https://example.com/%C2%85x%7F%ED%BF%BF",
    ]
    text_only = message_event(LinkPart("https://example.com/a\x00b"), with_blocks=False)
    assert links_in_message(text_only, max_links=5) == ["https://example.com/a%00b"]
