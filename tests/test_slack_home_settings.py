"""The App Home tab's channel settings end to end: the follow-up and digest settings of the conversations the
caller is in (asked of Slack), changed from the tab with a button and a select, refused for a conversation
the clicker is not in whatever the click's value says, and escaped like every reply. The real bot in HTTP
mode, the fake Slack, signed requests, both databases. Plus the store query on its own (workspaces, order)."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
from fakeslack import FakeSlack, PublishedView
from slackbot import SECRET, ArticleSite, BotClient, article_site, bot_client, eventually
from slacksign import LinkPart, event_callback, sign_interaction
from test_slack_home import open_home, view_text
from test_slack_oauth import ALPHA, ALPHA_GENERAL, ALPHA_RANDOM, BRAVO, BRAVO_GENERAL, oauth_bots, workspace_token

from bot.slack.home import ACTION_HOME_DIGEST, ACTION_HOME_FOLLOWUPS, NOT_YOURS, SETTINGS_SHOWN
from bot.store import digests as digest_store
from bot.store import followups as followup_store
from bot.store.db import Database
from bot.store.digests import DigestSchedule
from bot.store.models import Share, ShareStatus, utcnow
from bot.store.settings_view import conversations_with_settings

PUBLIC = "C0PUBLIC"
PRIVATE = "G0PRIVATE"
ALICE, BOB, EVE = "U0ALICE", "U0BOB", "U0EVE"
TEAM = "T0FAKETEAM"


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    async with FakeSlack(wait_timeout=20) as fake:
        fake.add_channel(PUBLIC, name="general", members=[ALICE, BOB])
        fake.add_channel(PRIVATE, name="secret", members=[ALICE], is_private=True)
        for user, name in ((ALICE, "alice"), (BOB, "bob"), (EVE, "eve")):
            fake.add_user(user, name=name)
        yield fake


@pytest.fixture
async def site() -> AsyncIterator[ArticleSite]:
    async with article_site() as pages:
        yield pages


@pytest.fixture
async def client(slack: FakeSlack, database: Database) -> AsyncIterator[BotClient]:
    async with bot_client(slack, database.url) as bot:
        yield bot


@dataclass(frozen=True)
class Shown:
    """One conversation's settings as the Home view shows them."""

    followups_text: str
    button_label: str
    button_value: str
    digest_text: str
    digest_choice: str | None  # the select's initial option ("off", "daily", "weekly")
    option_values: tuple[str, ...]


def settings_in(view: dict[str, Any]) -> dict[str, Shown]:
    """The settings sections of a Home view, by conversation, in the order shown."""
    followups: dict[str, tuple[str, str, str]] = {}
    digests: dict[str, tuple[str, str | None, tuple[str, ...]]] = {}
    for block in view["blocks"]:
        accessory = block.get("accessory") or {}
        if accessory.get("action_id") == ACTION_HOME_FOLLOWUPS:
            channel = accessory["value"].split(":", 1)[1]
            followups[channel] = (block["text"]["text"], accessory["text"]["text"], accessory["value"])
        elif accessory.get("action_id") == ACTION_HOME_DIGEST:
            values = tuple(o["value"] for o in accessory["options"])
            channel = values[0].split(":", 1)[1]
            initial = (accessory.get("initial_option") or {}).get("value")
            digests[channel] = (block["text"]["text"], initial.split(":", 1)[0] if initial else None, values)
    assert list(followups) == list(digests)  # every conversation shows both, in the same order
    return {
        channel: Shown(*followups[channel], digests[channel][0], digests[channel][1], digests[channel][2])
        for channel in followups
    }


async def home_action(
    client: BotClient, user: str, action_id: str, value: str, *, select: bool = False
) -> PublishedView:
    """A signed `block_actions` from the Home tab (a button, or a static select's choice); waits for the view
    published in answer."""
    before = len(client.slack.views)
    action: dict[str, Any] = {
        "action_id": action_id,
        "block_id": uuid.uuid4().hex[:5],
        "action_ts": f"{time.time():.6f}",
    }
    if select:
        action |= {
            "type": "static_select",
            "selected_option": {"text": {"type": "plain_text", "text": "Weekly"}, "value": value},
        }
    else:
        action |= {"type": "button", "text": {"type": "plain_text", "text": "Turn on"}, "value": value}
    payload = {
        "type": "block_actions",
        "user": {"id": user, "username": "someone", "team_id": TEAM},
        "api_app_id": "A0FAKEAPP",
        "token": "legacy-verification-token",
        "container": {"type": "view", "view_id": "V0HOME"},
        "trigger_id": f"{int(time.time())}.{uuid.uuid4().hex}",
        "team": {"id": TEAM, "domain": "fake-team"},
        "view": {"id": "V0HOME", "type": "home", "blocks": [], "state": {"values": {}}},
        "actions": [action],
    }
    request = sign_interaction(SECRET, payload)
    status, _ = await client.send_raw(request.body, request.headers)
    assert status == 200
    await eventually(lambda: len(client.slack.views) > before)
    published = client.slack.views[-1]
    assert published.user_id == user
    return published


async def brief(client: BotClient, text: str, *, user: str, channel: str) -> None:
    status, _, _ = await client.command(text, user_id=user, channel_id=channel)
    assert status == 200


async def followups_on(client: BotClient, channel: str) -> bool:
    async with client.bot.database.session(read_only=True) as session:
        return await followup_store.followups_enabled(session, channel)


async def schedule(client: BotClient, channel: str) -> DigestSchedule | None:
    async with client.bot.database.session(read_only=True) as session:
        return await digest_store.schedule_of(session, channel)


async def settle_setting(client: BotClient, check: Any) -> None:
    """Slash commands answer within the ack budget, normally; wait for the store anyway."""
    await eventually(check)


# ------------------------------------------------------------------------------------------ what is shown


async def test_home_shows_the_settings_of_the_callers_conversations_only(client: BotClient, site: ArticleSite) -> None:
    # The private channel has a share (linkbrief worked there); the public one only settings, made later.
    await client.say(LinkPart(site.url("/orchard")), channel=PRIVATE, user=ALICE, channel_type="group")
    await client.replies(1)
    await client.settled()
    await brief(client, "followups on", user=ALICE, channel=PUBLIC)
    await brief(client, "digest weekly friday 16:30 Europe/Paris", user=ALICE, channel=PUBLIC)

    async def both_set() -> bool:
        return await followups_on(client, PUBLIC) and await schedule(client, PUBLIC) is not None

    await settle_setting(client, both_set)

    alice = await open_home(client, ALICE)
    shown = settings_in(alice.view)
    assert list(shown) == [PUBLIC, PRIVATE]  # newest activity first
    public, private = shown[PUBLIC], shown[PRIVATE]
    assert public.followups_text.startswith(f"*<#{PUBLIC}>*\nFollow-ups: *on*")
    assert (public.button_label, public.button_value) == ("Turn off", f"off:{PUBLIC}")
    assert public.digest_text == "Digest: every Friday at 16:30 (Europe/Paris)"
    assert public.digest_choice == "weekly"
    assert public.option_values == (f"off:{PUBLIC}", f"daily:{PUBLIC}", f"weekly:{PUBLIC}")
    assert private.followups_text.startswith(f"*<#{PRIVATE}>*\nFollow-ups: *off*")
    assert (private.button_label, private.button_value) == ("Turn on", f"on:{PRIVATE}")
    assert (private.digest_text, private.digest_choice) == ("Digest: off", "off")
    assert "*Channel settings*" in view_text(alice.view)

    # Bob is in the public channel only: the private one's settings are not his to see, anywhere in the view.
    bob = await open_home(client, BOB)
    assert list(settings_in(bob.view)) == [PUBLIC]
    assert PRIVATE not in json.dumps(bob.view)

    # Eve is in neither: no settings at all, and a line saying where they would be.
    eve = await open_home(client, EVE)
    assert settings_in(eve.view) == {}
    assert "conversations you're in" in view_text(eve.view)


async def test_home_shows_at_most_ten_conversations_newest_first_within_the_block_limit(
    client: BotClient, database: Database
) -> None:
    channels = [f"C0MANY{i:02d}" for i in range(SETTINGS_SHOWN + 3)]
    for channel in channels:
        client.slack.add_channel(channel, members=[ALICE])
        async with database.session() as session, session.begin():
            await followup_store.set_followups(session, channel, enabled=True, user_id=ALICE)
    client.slack.add_channel("C0NOTMINE", members=[BOB])
    async with database.session() as session, session.begin():
        await followup_store.set_followups(session, "C0NOTMINE", enabled=True, user_id=BOB)  # the newest

    alice = await open_home(client, ALICE)
    assert list(settings_in(alice.view)) == channels[::-1][:SETTINGS_SHOWN]
    assert len(alice.view["blocks"]) <= 100


# --------------------------------------------------------------------------------------- changing them


async def test_followups_and_digests_change_from_home_and_the_view_is_published_again(client: BotClient) -> None:
    await brief(client, "digest weekly friday 16:30 Europe/Paris", user=ALICE, channel=PUBLIC)

    async def scheduled() -> bool:
        return await schedule(client, PUBLIC) is not None

    await settle_setting(client, scheduled)
    opened = await open_home(client, ALICE)
    button = settings_in(opened.view)[PUBLIC].button_value
    assert button == f"on:{PUBLIC}"

    # The button: follow-ups on, stored, and the new view says so.
    after = await home_action(client, ALICE, ACTION_HOME_FOLLOWUPS, button)
    assert await followups_on(client, PUBLIC)
    assert settings_in(after.view)[PUBLIC].followups_text.startswith(f"*<#{PUBLIC}>*\nFollow-ups: *on*")
    assert settings_in(after.view)[PUBLIC].button_value == f"off:{PUBLIC}"
    # Bob, also a member, switches it back.
    after = await home_action(client, BOB, ACTION_HOME_FOLLOWUPS, f"off:{PUBLIC}")
    assert not await followups_on(client, PUBLIC)
    assert settings_in(after.view)[PUBLIC].button_value == f"on:{PUBLIC}"

    # The select: daily keeps the time and the time zone.
    after = await home_action(client, ALICE, ACTION_HOME_DIGEST, f"daily:{PUBLIC}", select=True)
    daily = await schedule(client, PUBLIC)
    assert daily is not None
    assert (daily.cadence, daily.weekday, daily.at_minute, daily.time_zone) == ("daily", None, 990, "Europe/Paris")
    assert daily.team_id == TEAM
    assert settings_in(after.view)[PUBLIC].digest_text == "Digest: every day at 16:30 (Europe/Paris)"
    assert settings_in(after.view)[PUBLIC].digest_choice == "daily"
    # Weekly again: a daily schedule has no day, so Monday; the time and the time zone stay.
    await home_action(client, ALICE, ACTION_HOME_DIGEST, f"weekly:{PUBLIC}", select=True)
    weekly = await schedule(client, PUBLIC)
    assert weekly is not None
    assert (weekly.cadence, weekly.weekday, weekly.at_minute, weekly.time_zone) == ("weekly", 0, 990, "Europe/Paris")
    # The same cadence again (a view gone stale) leaves the schedule, and its next digest, as they were.
    await home_action(client, ALICE, ACTION_HOME_DIGEST, f"weekly:{PUBLIC}", select=True)
    assert await schedule(client, PUBLIC) == weekly
    # Off, then weekly with no schedule to keep: the defaults.
    after = await home_action(client, ALICE, ACTION_HOME_DIGEST, f"off:{PUBLIC}", select=True)
    assert await schedule(client, PUBLIC) is None
    assert (settings_in(after.view)[PUBLIC].digest_text, settings_in(after.view)[PUBLIC].digest_choice) == (
        "Digest: off",
        "off",
    )
    after = await home_action(client, BOB, ACTION_HOME_DIGEST, f"weekly:{PUBLIC}", select=True)
    fresh = await schedule(client, PUBLIC)
    assert fresh is not None
    assert (fresh.cadence, fresh.weekday, fresh.at_minute, fresh.time_zone) == ("weekly", 0, 540, "UTC")
    assert settings_in(after.view)[PUBLIC].digest_text == "Digest: every Monday at 09:00 (UTC)"


async def test_a_forged_click_for_a_conversation_the_clicker_is_not_in_changes_nothing(
    client: BotClient, database: Database
) -> None:
    async with database.session() as session, session.begin():
        await followup_store.set_followups(session, PRIVATE, enabled=False, user_id=ALICE)
    members_calls = len(client.slack.calls_to("conversations.members"))

    # Bob is not in the private channel: values naming it are refused, whatever they ask.
    refused = await home_action(client, BOB, ACTION_HOME_FOLLOWUPS, f"on:{PRIVATE}")
    assert NOT_YOURS in view_text(refused.view)
    assert PRIVATE not in json.dumps(refused.view)
    await home_action(client, BOB, ACTION_HOME_DIGEST, f"weekly:{PRIVATE}", select=True)
    await home_action(client, BOB, ACTION_HOME_DIGEST, f"daily:{PRIVATE}", select=True)
    # Eve is in no conversation at all.
    await home_action(client, EVE, ACTION_HOME_FOLLOWUPS, f"on:{PUBLIC}")
    await home_action(client, EVE, ACTION_HOME_DIGEST, f"weekly:{PUBLIC}", select=True)
    # Malformed values: not a Slack id, an unknown choice, a direct message, nothing at all.
    for value in (f"on:{PRIVATE}<!here>", f"on:{PUBLIC}:x", f"maybe:{PUBLIC}", "on:D0ALICE", "", PUBLIC):
        malformed = await home_action(client, ALICE, ACTION_HOME_FOLLOWUPS, value)
        assert NOT_YOURS in view_text(malformed.view)
    await home_action(client, ALICE, ACTION_HOME_DIGEST, f"hourly:{PUBLIC}", select=True)

    assert not await followups_on(client, PRIVATE)
    assert not await followups_on(client, PUBLIC)
    assert await schedule(client, PRIVATE) is None
    assert await schedule(client, PUBLIC) is None
    # Membership was asked of Slack (the click's value was never trusted for it).
    assert len(client.slack.calls_to("conversations.members")) > members_calls

    # Alice, who is in it, may.
    await home_action(client, ALICE, ACTION_HOME_FOLLOWUPS, f"on:{PRIVATE}")
    assert await followups_on(client, PRIVATE)


# ------------------------------------------------------------------------------------------- escaping


async def test_channel_derived_text_in_the_settings_is_escaped(client: BotClient, database: Database) -> None:
    hostile_zone = "<!channel> *Europe/Paris* <https://evil.example|bank>"
    hostile_channel = "C0BAD<!here>"
    client.slack.add_channel(hostile_channel, members=[ALICE])  # even were Slack to say she is in it
    async with database.session() as session, session.begin():
        await digest_store.set_schedule(
            session,
            DigestSchedule(PUBLIC, TEAM, "weekly", 2, 8 * 60, hostile_zone, utcnow()),
            user_id=ALICE,
        )
        await followup_store.set_followups(session, hostile_channel, enabled=True, user_id=ALICE)

    alice = await open_home(client, ALICE)
    dumped = json.dumps(alice.view)
    assert "<!channel>" not in dumped
    assert "<!here>" not in dumped
    assert "<https://evil.example" not in dumped
    shown = settings_in(alice.view)
    assert list(shown) == [PUBLIC]  # an id not shaped like Slack's is never listed (nor asked about)
    digest = shown[PUBLIC].digest_text
    assert digest.startswith("Digest: every Wednesday at 08:00 (&lt;!channel&gt; ")
    assert "*Europe/Paris*" not in digest  # defused: cannot open bold
    assert hostile_channel not in [c.params.get("channel") for c in client.slack.calls_to("conversations.members")]


# ---------------------------------------------------------------------------------------- many workspaces


async def test_with_many_workspaces_each_home_lists_only_its_workspaces_conversations(
    site: ArticleSite, empty_database_url: str
) -> None:
    carol = "U0CAROL"  # in a channel of each workspace (the fake does not tell their user ids apart)
    async with FakeSlack(wait_timeout=20) as fake:
        fake.add_workspace(ALPHA, team_name="Alpha")
        fake.add_workspace(BRAVO, team_name="Bravo")
        fake.add_channel(ALPHA_GENERAL, name="general", members=[carol], team_id=ALPHA)
        fake.add_channel(ALPHA_RANDOM, name="random", members=[carol], team_id=ALPHA)
        fake.add_channel(BRAVO_GENERAL, name="general", members=[carol], team_id=BRAVO)
        fake.add_user(carol, name="carol")
        async with oauth_bots(fake, empty_database_url) as bots:
            await bots.install(ALPHA)
            await bots.install(BRAVO)
            alpha, bravo = workspace_token(fake, ALPHA), workspace_token(fake, BRAVO)
            await bots.brief(ALPHA, ALPHA_GENERAL, carol, "digest weekly")
            await bots.brief(BRAVO, BRAVO_GENERAL, carol, "digest daily 18:00")
            await bots.say(ALPHA, ALPHA_RANDOM, carol, site.url("/harbour"))
            await eventually(lambda: len(fake.messages) >= 1)
            await bots.settled()

            views: dict[str, PublishedView] = {}
            for team in (ALPHA, BRAVO):
                before = len(fake.views)
                opened = {"type": "app_home_opened", "user": carol, "channel": "D0HOME", "tab": "home"}
                status, _ = await bots.event(event_callback(opened, team_id=team))
                assert status == 200
                await eventually(lambda before=before: len(fake.views) > before)
                views[team] = fake.views[-1]

    assert views[ALPHA].token == alpha
    assert list(settings_in(views[ALPHA].view)) == [ALPHA_RANDOM, ALPHA_GENERAL]
    assert settings_in(views[ALPHA].view)[ALPHA_GENERAL].digest_text == "Digest: every Monday at 09:00 (UTC)"
    assert views[BRAVO].token == bravo
    assert list(settings_in(views[BRAVO].view)) == [BRAVO_GENERAL]
    assert settings_in(views[BRAVO].view)[BRAVO_GENERAL].digest_text == "Digest: every day at 18:00 (UTC)"
    # Each workspace's conversations were asked about with its own token, and only those.
    lookups = {(c.params["channel"], c.token) for c in fake.calls_to("conversations.members")}
    assert lookups == {(ALPHA_GENERAL, alpha), (ALPHA_RANDOM, alpha), (BRAVO_GENERAL, bravo)}


# ------------------------------------------------------------------------------------------ the store


async def test_the_store_lists_conversations_of_the_workspace_newest_activity_first(database: Database) -> None:
    async with database.session() as session, session.begin():
        session.add_all(
            [
                Share(
                    team_id=team,
                    channel_id=channel,
                    channel_type="channel",
                    message_ts=f"1700000000.00000{i}",
                    user_id=ALICE,
                    url=f"https://example.com/{i}",
                    status=ShareStatus.DONE.value,
                )
                for i, (team, channel) in enumerate([("T0ONE", "C0SHARED"), ("T0TWO", "C0OTHERTEAM")])
            ]
        )
    async with database.session() as session, session.begin():
        # Of T0ONE by its shares; a follow-up choice alone says no workspace.
        await followup_store.set_followups(session, "C0SHARED", enabled=True, user_id=ALICE)
        await followup_store.set_followups(session, "C0NOTEAM", enabled=True, user_id=ALICE)
        await digest_store.set_schedule(
            session, DigestSchedule("C0DIGEST", "T0ONE", "daily", None, 540, "UTC", utcnow()), user_id=ALICE
        )

    async with database.session(read_only=True) as session:
        every = await conversations_with_settings(session, team_id=None, limit=10)
        one = await conversations_with_settings(session, team_id="T0ONE", limit=10)
        two = await conversations_with_settings(session, team_id="T0TWO", limit=10)
        first = await conversations_with_settings(session, team_id=None, limit=1)
    assert [c.channel_id for c in every] == ["C0DIGEST", "C0NOTEAM", "C0SHARED", "C0OTHERTEAM"]
    assert [c.channel_id for c in one] == ["C0DIGEST", "C0SHARED"]
    assert [(c.channel_id, c.followups, c.digest) for c in two] == [("C0OTHERTEAM", False, None)]
    assert [c.channel_id for c in first] == ["C0DIGEST"]
    shared, digest = one[1], one[0]
    assert shared.followups
    assert shared.digest is None
    assert not digest.followups
    assert digest.digest is not None
    assert digest.digest.cadence == "daily"
