"""The Slack bot end to end in HTTP mode: signed events over real HTTP, the fake Slack as the Web API, real
article pages, the real pipeline and both real databases (the `database` fixture) for the core flows."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
import sqlalchemy as sa
from fakeslack import FakeSlack
from slackbot import (
    SECRET,
    ArticleSite,
    BotClient,
    article_site,
    blocks_text,
    bot_client,
    bot_config,
    bot_settings,
    eventually,
)
from slacksign import (
    LinkPart,
    bot_echo_event,
    channel_join_event,
    classic_bot_event,
    edited_message_event,
    event_callback,
    message_event,
    next_ts,
    sign_event,
    unfurl_changed_event,
    url_verification,
)

from bot.settings import Settings
from bot.slack.server import check_serve_settings
from bot.store.db import Database
from bot.store.models import Share, ShareStatus

PUBLIC = "C0PUBLIC"
PRIVATE = "G0PRIVATE"


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    async with FakeSlack(wait_timeout=20) as fake:
        fake.add_channel(PUBLIC, name="general", members=["U0ALICE", "U0BOB"])
        fake.add_channel(PRIVATE, name="secret", members=["U0ALICE"], is_private=True)
        fake.add_user("U0ALICE", name="alice")
        fake.add_user("U0BOB", name="bob")
        yield fake


@pytest.fixture
async def site() -> AsyncIterator[ArticleSite]:
    async with article_site() as pages:
        yield pages


@pytest.fixture
async def client(slack: FakeSlack, database: Database) -> AsyncIterator[BotClient]:
    """The bot on each database backend."""
    async with bot_client(slack, database.url) as bot:
        yield bot


@pytest.fixture
async def sqlite_client(slack: FakeSlack, sqlite_url: str) -> AsyncIterator[BotClient]:
    """The bot on SQLite only, for flows that do not depend on the database."""
    async with bot_client(slack, sqlite_url) as bot:
        yield bot


def header(message: object) -> str | None:
    blocks = getattr(message, "blocks", None) or []
    first = blocks[0] if blocks else {}
    return first.get("text", {}).get("text") if first.get("type") == "header" else None


# ------------------------------------------------------------------------------------------ core flows


async def test_links_are_answered_in_the_thread_of_their_message(client: BotClient, site: ArticleSite) -> None:
    top = await client.say("read ", LinkPart(site.url("/harbour")), channel=PUBLIC, user="U0ALICE")
    [stored] = await client.shares()  # written before the 200 went out
    assert (stored.channel_id, stored.message_ts, stored.user_id) == (PUBLIC, top["ts"], "U0ALICE")
    [reply] = await client.replies(1)
    assert reply.channel == PUBLIC
    assert reply.thread_ts == top["ts"]
    assert header(reply) == "Harbour city doubles its night ferry service after record summer"
    assert reply.params["unfurl_links"] is False
    assert reply.params["unfurl_media"] is False
    assert "Harbour city" in (reply.text or "")

    # A link posted inside a thread is answered in that same thread (the parent's ts, not the reply's).
    parent_ts = next_ts()
    inner = await client.say(LinkPart(site.url("/train")), thread_ts=parent_ts, channel=PUBLIC, user="U0BOB")
    [_, second] = await client.replies(2)
    assert second.thread_ts == parent_ts != inner["ts"]
    assert header(second) == "Night train between the two capitals returns after a gap of nine years"

    await client.settled()
    # Progress shows as reactions on the original messages: working, then done.
    assert client.slack.reactions[(PUBLIC, top["ts"])] == {"white_check_mark"}
    assert client.slack.reactions[(PUBLIC, inner["ts"])] == {"white_check_mark"}
    added = [c.params["name"] for c in client.slack.calls_to("reactions.add") if c.params["timestamp"] == top["ts"]]
    assert added == ["eyes", "white_check_mark"]
    shares = await client.shares()
    assert [(s.status, s.reply_ts, s.channel_type) for s in shares] == [
        ("done", reply.ts, "channel"),
        ("done", second.ts, "channel"),
    ]
    assert shares[1].thread_ts == parent_ts
    assert shares[1].message_ts == inner["ts"]


async def test_retried_and_redelivered_events_get_one_reply(client: BotClient, site: ArticleSite) -> None:
    event = message_event(LinkPart(site.url("/orchard")), channel=PUBLIC, user="U0ALICE")
    callback = event_callback(event)
    assert (await client.send_event(callback))[0] == 200
    # Slack's retries of the same delivery, and the same message in a new delivery (new event_id).
    assert (await client.send_event(callback, retry_num=1, retry_reason="http_timeout"))[0] == 200
    assert (await client.send_event(callback, retry_num=2, retry_reason="http_error"))[0] == 200
    assert (await client.send_event(event_callback(event)))[0] == 200
    await client.replies(1)
    await client.settled()
    assert (await client.send_event(callback, retry_num=3, retry_reason="http_timeout"))[0] == 200
    await client.settled()
    assert len(client.posted()) == 1
    assert len(await client.shares()) == 1
    assert site.fetches("/orchard") == 1


async def test_three_links_one_seen_before_one_missing_one_new(client: BotClient, site: ArticleSite) -> None:
    first = await client.say(LinkPart(site.url("/orchard")), channel=PUBLIC, user="U0ALICE")
    [earlier] = await client.replies(1)
    await client.settled()

    message = await client.say(
        "three: ",
        LinkPart(site.url("/orchard") + "?utm_source=newsletter"),
        " ",
        LinkPart(site.url("/gone"), "dead link"),
        " ",
        LinkPart(site.url("/train")),
        channel=PUBLIC,
        user="U0BOB",
    )
    replies = (await client.replies(4))[1:]
    await client.settled()
    assert len(client.posted()) == 4
    assert all(r.thread_ts == message["ts"] for r in replies)
    pointer, error, fresh = replies
    # 1: the article shared before: a pointer to the earlier reply, with who/where, and no second fetch.
    text = blocks_text(pointer)
    assert "Shared before in <#C0PUBLIC>" in text
    assert "by alice" in text
    assert "<@U0ALICE>" not in text
    permalink = f"https://fake-team.slack.com/archives/{PUBLIC}/p{earlier.ts.replace('.', '')}"
    assert permalink in text
    assert "Volunteers map every old apple tree" in text
    assert site.fetches("/orchard") == 1
    # 2: the 404, as one short human line.
    [error_block] = error.blocks or []
    assert error_block["block_id"] == "brief_error_http_error"
    assert "404" in error_block["text"]["text"]
    assert len(error_block["text"]["text"]) < 700
    assert "Traceback" not in json.dumps(error.blocks)
    # 3: the new article, summarised.
    assert header(fresh) == "Night train between the two capitals returns after a gap of nine years"
    # The message's reaction says something failed.
    assert client.slack.reactions[(PUBLIC, message["ts"])] == {"warning"}
    assert client.slack.reactions[(PUBLIC, first["ts"])] == {"white_check_mark"}
    shares = await client.shares()
    assert [s.status for s in shares] == ["done", "done", "failed", "done"]
    assert shares[1].duplicate_of_share_id == shares[0].id
    assert shares[2].error_code == "http_error"
    assert shares[2].reply_ts == error.ts


async def test_restart_with_pending_shares_answers_each_exactly_once(
    slack: FakeSlack, database: Database, site: ArticleSite
) -> None:
    site.hold.clear()  # pages hang: the first run cannot finish any share
    async with bot_client(slack, database.url, config=bot_config(shutdown_grace=0.2)) as first:
        await first.say(LinkPart(site.url("/harbour")), " ", LinkPart(site.url("/train")), channel=PUBLIC)
        await first.say(LinkPart(site.url("/orchard")), channel=PRIVATE, channel_type="group")
        await eventually(lambda: len(site.log.paths) >= 1)  # a worker is fetching
    assert slack.messages == []
    async with database.session() as session, session.begin():
        statuses = list(await session.scalars(sa.select(Share.status).order_by(Share.id)))
        assert statuses == ["pending"] * 3  # the first run's in-flight shares were put back
        # As if the process had been killed mid-work: a share left "working".
        await session.execute(sa.update(Share).where(Share.id == 3).values(status=ShareStatus.WORKING.value))

    site.hold.set()
    async with bot_client(slack, database.url) as second:
        await second.replies(3)
        await second.settled()
        assert sorted(m.channel for m in slack.messages) == [PUBLIC, PUBLIC, PRIVATE]
        public = [header(m) for m in second.posted(PUBLIC)]
        assert public == [
            "Harbour city doubles its night ferry service after record summer",
            "Night train between the two capitals returns after a gap of nine years",
        ]
        assert [s.status for s in await second.shares()] == ["done"] * 3
    # A third start finds nothing to do.
    async with bot_client(slack, database.url) as third:
        await third.settled()
        assert len(slack.messages) == 3


# ---------------------------------------------------------------------------------------- request checks


async def test_bad_and_stale_signatures_get_401_and_store_nothing(sqlite_client: BotClient, site: ArticleSite) -> None:
    client = sqlite_client
    callback = event_callback(message_event(LinkPart(site.url("/harbour")), channel=PUBLIC))
    good = sign_event(SECRET, callback)
    stale = sign_event(SECRET, callback, timestamp=int(time.time()) - 301)
    wrong_secret = sign_event("not-the-secret", callback)
    tampered_body = good.body.replace("harbour", "orchard")
    unsigned = {k: v for k, v in good.headers.items() if not k.startswith("X-Slack")}
    for body, headers in (
        (stale.body, stale.headers),
        (wrong_secret.body, wrong_secret.headers),
        (tampered_body, good.headers),
        (good.body, unsigned),
    ):
        status, _ = await client.send_raw(body, headers)
        assert status == 401
    assert await client.shares() == []
    # Only the start-up check of the bot token: refused requests make no Slack call (verification comes first).
    assert [call.method for call in client.slack.calls] == ["auth.test"]
    assert site.log.paths == []


async def test_url_verification_echoes_the_challenge(sqlite_client: BotClient) -> None:
    status, body = await sqlite_client.send_event(
        url_verification("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P")
    )
    assert status == 200
    assert json.loads(body) == {"challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"}


async def test_own_echo_other_bots_joins_and_other_events_are_acknowledged_and_ignored(
    sqlite_client: BotClient, site: ArticleSite
) -> None:
    client = sqlite_client
    link = LinkPart(site.url("/harbour"))
    events = [
        bot_echo_event("summary of ", link, channel=PUBLIC, thread_ts=next_ts()),  # our own reply coming back
        bot_echo_event(link, bot_user_id="U0OTHER", bot_id="B0OTHER", app_id="A0OTHER", channel=PUBLIC),
        classic_bot_event(f"<{site.url('/harbour')}>", channel=PUBLIC),
        channel_join_event(channel=PUBLIC),
        {"type": "reaction_added", "user": "U0ALICE", "reaction": "eyes", "item": {"type": "message"}},
        # A mention from another app (a person's mention gets an answer: tests/test_followups.py).
        {"type": "app_mention", "bot_id": "B0OTHER", "text": "<@U0FAKEBOT> hi", "ts": next_ts(), "channel": PUBLIC},
    ]
    for event in events:
        status, _ = await client.send_event(event_callback(event))
        assert status == 200, event
    status, _ = await client.send_event(
        {"token": "x", "type": "app_rate_limited", "team_id": "T0FAKETEAM", "minute_rate_limited": 1, "api_app_id": "A"}
    )
    assert status == 200
    await client.settled()
    assert await client.shares() == []
    assert client.posted() == []
    assert site.log.paths == []


# ------------------------------------------------------------------------------------------- messages


async def test_an_edit_that_adds_a_link_is_answered_for_the_new_link_only(
    sqlite_client: BotClient, site: ArticleSite
) -> None:
    client = sqlite_client
    original = await client.say("see ", LinkPart(site.url("/harbour")), channel=PUBLIC, user="U0ALICE")
    await client.replies(1)
    await client.settled()
    # Slack attaching a preview is a message_changed too, with nothing new to read.
    assert (await client.send_event(event_callback(unfurl_changed_event(original))))[0] == 200
    edit = edited_message_event(original, "see ", LinkPart(site.url("/harbour")), " and ", LinkPart(site.url("/train")))
    assert (await client.send_event(event_callback(edit)))[0] == 200
    [first, second] = await client.replies(2)
    await client.settled()
    assert len(client.posted()) == 2
    assert header(second) == "Night train between the two capitals returns after a gap of nine years"
    assert first.thread_ts == second.thread_ts == original["ts"]
    assert site.fetches("/harbour") == 1
    assert [s.message_ts for s in await client.shares()] == [original["ts"]] * 2


async def test_a_429_on_the_first_post_gives_exactly_one_reply_after_the_wait(
    sqlite_client: BotClient, site: ArticleSite
) -> None:
    client = sqlite_client
    client.slack.rate_limit("chat.postMessage", times=1, retry_after=0)
    await client.say(LinkPart(site.url("/train")), channel=PUBLIC)
    await client.replies(1)
    await client.settled()
    calls = client.slack.calls_to("chat.postMessage")
    assert [c.status for c in calls] == [429, 200]
    assert len(client.posted()) == 1
    [share] = await client.shares()
    assert share.status == "done"


async def test_a_server_error_is_retried(sqlite_client: BotClient, site: ArticleSite) -> None:
    client = sqlite_client
    client.slack.server_error("chat.postMessage", times=1, status=503)
    await client.say(LinkPart(site.url("/train")), channel=PUBLIC)
    await client.replies(1)
    await client.settled()
    assert [c.status for c in client.slack.calls_to("chat.postMessage")] == [503, 200]


@pytest.mark.parametrize("error", ["not_in_channel", "channel_not_found", "is_archived"])
async def test_final_post_errors_end_the_share_without_retrying(
    sqlite_client: BotClient, site: ArticleSite, error: str
) -> None:
    client = sqlite_client
    client.slack.fail("chat.postMessage", error, channel="C0GONE")
    await client.say(LinkPart(site.url("/harbour")), channel="C0GONE")
    await client.settled()
    assert len(client.slack.calls_to("chat.postMessage")) == 1
    [share] = await client.shares()
    assert (share.status, share.error_code, share.reply_ts) == ("failed", f"slack_{error}", None)
    # The bot keeps working: another channel is answered.
    await client.say(LinkPart(site.url("/harbour")), channel=PUBLIC)
    [reply] = await client.replies(1)
    assert reply.channel == PUBLIC


async def test_an_article_trying_to_ping_the_channel_reaches_slack_as_text(
    sqlite_client: BotClient, site: ArticleSite
) -> None:
    client = sqlite_client
    await client.say(LinkPart(site.url("/hostile")), channel=PUBLIC)
    [reply] = await client.replies(1)
    payload = json.dumps({"text": reply.text, "blocks": reply.blocks})
    for dangerous in ("<!channel>", "<!here>", "<!everyone>", "<@U0VICTIM>", "<https://evil.example"):
        assert dangerous not in payload
    assert "&lt;!channel&gt;" in (reply.text or "")
    assert "&lt;!channel&gt;" in header(reply)  # type: ignore[operator]


async def test_links_in_a_dm_are_answered_in_the_dm(sqlite_client: BotClient, site: ArticleSite) -> None:
    client = sqlite_client
    dm = await client.say(LinkPart(site.url("/orchard")), channel="D0ALICE", channel_type="im", user="U0ALICE")
    [reply] = await client.replies(1)
    assert reply.channel == "D0ALICE"
    assert reply.thread_ts is None  # right under the message, not in a thread of its own
    await client.settled()
    assert client.slack.reactions[("D0ALICE", dm["ts"])] == {"white_check_mark"}


async def test_a_share_from_a_private_channel_is_not_pointed_to_from_elsewhere(
    sqlite_client: BotClient, site: ArticleSite
) -> None:
    client = sqlite_client
    await client.say(LinkPart(site.url("/orchard")), channel=PRIVATE, channel_type="group", user="U0ALICE")
    await client.replies(1)
    await client.settled()
    # Shared again in a public channel: answered with the stored summary as if new, no pointer, no fetch.
    await client.say(LinkPart(site.url("/orchard")), channel=PUBLIC, user="U0BOB")
    [public_reply] = await client.replies(1, channel=PUBLIC)
    assert header(public_reply) == "Volunteers map every old apple tree in the valley before the orchards vanish"
    text = blocks_text(public_reply)
    assert "Shared before" not in text
    assert PRIVATE not in text
    assert site.fetches("/orchard") == 1
    assert client.slack.calls_to("chat.getPermalink") == []
    await client.settled()
    # Shared again in the private channel: a pointer, to the private thread itself.
    await client.say(LinkPart(site.url("/orchard")), channel=PRIVATE, channel_type="group", user="U0ALICE")
    private_replies = await client.replies(2, channel=PRIVATE)
    assert "Shared before in <#G0PRIVATE>" in blocks_text(private_replies[1])
    # And once shared publicly, the public share is what other channels are pointed to.
    await client.settled()
    await client.say(LinkPart(site.url("/orchard")), channel="C0OTHER", user="U0BOB")
    [other] = await client.replies(1, channel="C0OTHER")
    assert "Shared before in <#C0PUBLIC>" in blocks_text(other)


async def test_healthz_reports_database_and_worker_and_503_when_the_database_is_gone(
    slack: FakeSlack, tmp_path: Path
) -> None:
    path = tmp_path / "bot.db"
    async with bot_client(slack, f"sqlite+aiosqlite:///{path}", warm_up=True) as client:
        async with client.http.get(client.bot.base_url + "/healthz") as response:
            assert response.status == 200
            body = await response.json()
        assert body["status"] == "ok"
        assert body["database"]["ok"] is True
        assert body["worker"]["running"] is True
        assert body["worker"]["workers"] == 2
        await client.bot.database.engine.dispose()
        path.write_bytes(b"this is not a database" * 100)
        for suffix in ("-wal", "-shm"):
            path.with_name(path.name + suffix).unlink(missing_ok=True)
        async with client.http.get(client.bot.base_url + "/healthz") as response:
            assert response.status == 503
            body = await response.json()
        assert body["status"] == "unavailable"
        assert body["database"]["ok"] is False
        path.unlink()  # let the bot shut down cleanly on a fresh file


def test_serve_settings_are_checked_in_one_line() -> None:
    def settings(**values: str) -> Settings:
        return Settings(_env_file=None, **values)  # type: ignore[arg-type]

    assert "SLACK_BOT_TOKEN" in (check_serve_settings(settings(), "http") or "")
    assert "SLACK_SIGNING_SECRET" in (check_serve_settings(settings(slack_bot_token="xoxb-1"), "http") or "")
    assert "SLACK_APP_TOKEN" in (check_serve_settings(settings(slack_bot_token="xoxb-1"), "socket") or "")
    wrong = settings(slack_bot_token="xapp-1-x", slack_signing_secret="s")
    assert "xoxb" in (check_serve_settings(wrong, "http") or "")
    assert check_serve_settings(settings(slack_bot_token="xoxb-1", slack_signing_secret="s"), None) is None
    assert check_serve_settings(settings(slack_bot_token="xoxb-1", slack_app_token="xapp-1-a"), None) is None
    for problem in (check_serve_settings(settings(), None), check_serve_settings(wrong, "http")):
        assert problem is not None
        assert "\n" not in problem


async def test_the_bot_does_not_start_without_its_tokens(slack: FakeSlack, sqlite_url: str) -> None:
    with pytest.raises(ValueError, match="SLACK_SIGNING_SECRET"):
        async with bot_client(slack, sqlite_url, slack_signing_secret=None):
            pass
    assert bot_settings(slack, sqlite_url).slack_signing_secret is not None


async def test_serve_runs_until_sigterm_and_stops_cleanly(slack: FakeSlack, tmp_path: Path) -> None:
    """`serve()` as `linkbrief serve` runs it: a real process, stopped by SIGTERM with exit code 0."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **{k: v for k, v in os.environ.items() if "proxy" not in k.lower()},
        "SLACK_BOT_TOKEN": slack.bot_token,
        "SLACK_SIGNING_SECRET": SECRET,
        "LINKBRIEF_SLACK_API_URL": slack.api_url,
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'serve.db'}",
        "LINKBRIEF_LISTEN_HOST": "127.0.0.1",
    }
    code = (
        "import asyncio; from bot.settings import Settings; from bot.slack.server import serve; "
        f"asyncio.run(serve(Settings(_env_file=None), mode='http', port={port}))"
    )
    process = await asyncio.create_subprocess_exec(sys.executable, "-c", code, env=env, cwd=tmp_path)
    try:
        async with aiohttp.ClientSession() as http:

            async def healthy() -> bool:
                try:
                    async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
                        return response.status == 200
                except aiohttp.ClientError:
                    return False

            await eventually(healthy, within=60)
        process.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(process.wait(), 30) == 0
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
