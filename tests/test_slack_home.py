"""The App Home tab end to end: `app_home_opened` publishes (views.publish) the caller's view with only the
summaries they may see, escaped like every reply; the search box answers by publishing the view again with the
results of the same search as /brief. The real bot in HTTP mode, the fake Slack, both databases."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from fakeslack import FakeSlack, PublishedView
from slackbot import HOSTILE_TITLE, SECRET, ArticleSite, BotClient, article_site, bot_client, eventually
from slacksign import LinkPart, event_callback, sign_interaction

from bot.slack.home import ACTION_HOME_SEARCH, SEARCH_BLOCK
from bot.store.db import Database

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
    async with bot_client(slack, database.url) as bot:
        yield bot


def view_text(view: dict[str, Any]) -> str:
    texts: list[str] = []

    def walk(value: object) -> None:
        if isinstance(value, dict):
            if isinstance(value.get("text"), str):
                texts.append(value["text"])
            for child in value.values():
                walk(child)
        elif isinstance(value, list):
            for child in value:
                walk(child)

    walk(view.get("blocks") or [])
    return "\n".join(texts)


async def open_home(client: BotClient, user: str) -> PublishedView:
    before = len(client.slack.views)
    event = {"type": "app_home_opened", "user": user, "channel": "D0" + user[2:], "tab": "home"}
    event["event_ts"] = f"{time.time():.6f}"
    status, _ = await client.send_event(event_callback(event))
    assert status == 200
    await eventually(lambda: len(client.slack.views) > before)
    return client.slack.views[-1]


async def search_in_home(client: BotClient, user: str, text: str) -> PublishedView:
    before = len(client.slack.views)
    payload = {
        "type": "block_actions",
        "user": {"id": user, "username": "someone", "team_id": "T0FAKETEAM"},
        "api_app_id": "A0FAKEAPP",
        "token": "legacy-verification-token",
        "container": {"type": "view", "view_id": "V0HOME"},
        "trigger_id": f"{int(time.time())}.{uuid.uuid4().hex}",
        "team": {"id": "T0FAKETEAM", "domain": "fake-team"},
        "view": {"id": "V0HOME", "type": "home", "blocks": [], "state": {"values": {}}},
        "actions": [
            {
                "type": "plain_text_input",
                "action_id": ACTION_HOME_SEARCH,
                "block_id": SEARCH_BLOCK,
                "value": text,
                "action_ts": f"{time.time():.6f}",
            }
        ],
    }
    request = sign_interaction(SECRET, payload)
    status, _ = await client.send_raw(request.body, request.headers)
    assert status == 200
    await eventually(lambda: len(client.slack.views) > before)
    return client.slack.views[-1]


async def test_home_shows_only_visible_summaries_escaped_and_searches_like_brief(
    client: BotClient, site: ArticleSite
) -> None:
    await client.say(LinkPart(site.url("/hostile")), channel=PUBLIC, user="U0ALICE")
    await client.say(LinkPart(site.url("/orchard")), channel=PRIVATE, user="U0ALICE", channel_type="group")
    await client.replies(2)
    await client.settled()

    bob = await open_home(client, "U0BOB")
    assert bob.user_id == "U0BOB"
    assert bob.token == client.slack.bot_token
    assert bob.view["type"] == "home"
    text = view_text(bob.view)
    # The public share is listed, its hostile title escaped: nothing in it pings or links.
    assert "Ferry fares" in text
    assert "<!channel>" not in json.dumps(bob.view)
    assert "&lt;!channel&gt;" in text
    assert "<https://evil.example" not in json.dumps(bob.view)
    # The private channel's article is not Bob's to see.
    assert "orchard" not in text.lower()
    [search_box] = [b for b in bob.view["blocks"] if b["type"] == "input"]
    assert search_box["dispatch_action"] is True
    assert search_box["element"]["action_id"] == ACTION_HOME_SEARCH

    alice = await open_home(client, "U0ALICE")
    assert "orchard" in view_text(alice.view).lower()
    assert HOSTILE_TITLE not in json.dumps(alice.view)

    # The search box: the same search as /brief, with the same visibility.
    found = await search_in_home(client, "U0ALICE", "orchard")
    assert found.user_id == "U0ALICE"
    assert "No summaries match" not in view_text(found.view)
    assert "orchard" in view_text(found.view).lower()
    hidden = await search_in_home(client, "U0BOB", "orchard")
    assert "No summaries match" in view_text(hidden.view)
    typed = await search_in_home(client, "U0BOB", "<!here> *bold*")
    assert "<!here>" not in json.dumps(typed.view)
    assert all(b["type"] != "actions" for b in typed.view["blocks"])


async def test_a_home_opened_by_a_malformed_user_publishes_nothing(client: BotClient) -> None:
    event = {"type": "app_home_opened", "user": "not a user", "channel": "D0X", "tab": "home"}
    status, _ = await client.send_event(event_callback(event))
    assert status == 200
    messages = {"type": "app_home_opened", "user": "U0BOB", "channel": "D0X", "tab": "messages"}
    status, _ = await client.send_event(event_callback(messages))
    assert status == 200
    # A proper one afterwards is the first and only view published.
    opened = await open_home(client, "U0BOB")
    assert client.slack.views == [opened]
    assert [c.params["user_id"] for c in client.slack.calls_to("views.publish")] == ["U0BOB"]
