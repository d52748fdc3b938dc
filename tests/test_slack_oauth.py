"""Many workspaces end to end: the OAuth install of two workspaces against the fake Slack (state cookie, redirect,
oauth.v2.access), events and commands from both answered with their own tokens, search and duplicate pointers
separated by workspace, one fetch for a link shared in both, and uninstalling; on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import aiohttp
import pytest
import sqlalchemy as sa
import yaml
from fakeslack import FakeSlack, Workspace
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from slackbot import SECRET, ArticleSite, article_site, bot_config, bot_settings, eventually
from slacksign import LinkPart, event_callback, message_event, next_ts, sign_event, sign_form, slash_command_fields

from bot.settings import Settings
from bot.slack.oauth import BOT_SCOPES, SignedStateStore, check_oauth_settings
from bot.slack.server import RunningBot, check_serve_settings, running_bot, running_worker
from bot.store import followups as followup_store
from bot.store.db import Database
from bot.store.models import (
    SLACK_BOTS,
    SLACK_INSTALLATIONS,
    SLACK_OAUTH_STATES,
    Base,
    FollowUpQuestion,
    Share,
    utcnow,
)
from bot.store.shares import NewShare, add_shares

STATE_SECRET = "linkbrief-test-state-secret"
ALPHA, BRAVO = "T0ALPHA", "T0BRAVO"
ALPHA_GENERAL, ALPHA_RANDOM, BRAVO_GENERAL = "C0ALPHAGEN", "C0ALPHARND", "C0BRAVOGEN"
ALPHA_PRIVATE = "G0ALPHAPRIV"
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    async with FakeSlack(wait_timeout=20) as fake:
        fake.add_workspace(ALPHA, team_name="Alpha")
        fake.add_workspace(BRAVO, team_name="Bravo")
        fake.add_channel(ALPHA_GENERAL, name="general", members=["U0ALICE"], team_id=ALPHA)
        fake.add_channel(ALPHA_RANDOM, name="random", members=["U0ALICE"], team_id=ALPHA)
        fake.add_channel(BRAVO_GENERAL, name="general", members=["U0BOB"], team_id=BRAVO)
        fake.add_channel(ALPHA_PRIVATE, name="secret", members=["U0ALICE"], is_private=True, team_id=ALPHA)
        fake.add_user("U0ALICE", name="alice")
        fake.add_user("U0BOB", name="bob")
        yield fake


@pytest.fixture
async def site() -> AsyncIterator[ArticleSite]:
    async with article_site() as pages:
        yield pages


def oauth_settings(slack: FakeSlack, database_url: str, **overrides: Any) -> Settings:
    return bot_settings(
        slack,
        database_url,
        **bot_config()
        | {
            "slack_bot_token": None,
            "slack_client_id": slack.client_id,
            "slack_client_secret": slack.client_secret,
            "slack_state_secret": STATE_SECRET,
        }
        | overrides,
    )


@dataclass
class Bots:
    slack: FakeSlack
    bot: RunningBot
    http: aiohttp.ClientSession

    def url(self, path: str) -> str:
        return self.bot.base_url + path

    async def begin_install(self) -> tuple[str, str]:
        """GET /slack/install: (the state in Slack's authorize URL, the state cookie set)."""
        async with self.http.get(self.url("/slack/install"), allow_redirects=False) as response:
            assert response.status == 302
            location = response.headers["Location"]
            cookie = response.cookies["slack-app-oauth-state"].value
        authorize = urlsplit(location)
        assert (authorize.scheme, authorize.netloc, authorize.path) == ("https", "slack.com", "/oauth/v2/authorize")
        query = parse_qs(authorize.query)
        assert query["client_id"] == [self.slack.client_id]
        assert set(query["scope"][0].split(",")) == set(BOT_SCOPES)
        return query["state"][0], cookie

    async def finish_install(self, code: str, state: str, cookie: str | None) -> tuple[int, str]:
        """Slack sends the browser back to /slack/oauth_redirect with the code and the state."""
        headers = {"Cookie": f"slack-app-oauth-state={cookie}"} if cookie is not None else {}
        async with self.http.get(
            self.url("/slack/oauth_redirect"), params={"code": code, "state": state}, headers=headers
        ) as response:
            return response.status, await response.text()

    async def install(self, team_id: str) -> None:
        state, cookie = await self.begin_install()
        status, _ = await self.finish_install(self.slack.oauth_code(team_id), state, cookie)
        assert status == 200

    async def event(self, callback: dict[str, Any]) -> tuple[int, str]:
        request = sign_event(SECRET, callback)
        async with self.http.post(self.url("/slack/events"), data=request.body, headers=request.headers) as response:
            return response.status, await response.text()

    async def say(self, team_id: str, channel: str, user: str, url: str, **message: Any) -> dict[str, Any]:
        event = message_event("read ", LinkPart(url), channel=channel, user=user, team=team_id, **message)
        status, _ = await self.event(event_callback(event, team_id=team_id))
        assert status == 200
        return event

    async def brief(self, team_id: str, channel: str, user: str, text: str) -> str:
        """/brief `text` in a workspace; the results' text (answered in the ack, or via the response_url)."""
        response_url = self.slack.new_response_url()
        fields = slash_command_fields(
            text, channel_id=channel, user_id=user, team_id=team_id, response_url=response_url
        )
        request = sign_form(SECRET, fields)
        async with self.http.post(self.url("/slack/events"), data=request.body, headers=request.headers) as response:
            assert response.status == 200
            body = await response.text()
        if body:
            return body
        [post] = await self.slack.wait_for_response_posts(response_url)
        return str(post.body)

    async def shares(self) -> list[Share]:
        async with self.bot.database.session(read_only=True) as session:
            return list(await session.scalars(sa.select(Share).order_by(Share.id)))

    async def settled(self) -> None:
        async def idle() -> bool:
            return all(s.status in ("done", "failed") for s in await self.shares())

        await eventually(idle)

    async def bots_of(self, team_id: str) -> list[str]:
        async with self.bot.database.session(read_only=True) as session:
            return list(await session.scalars(sa.select(SLACK_BOTS.c.bot_token).where(SLACK_BOTS.c.team_id == team_id)))

    def tokens_used(self, method: str, channel: str) -> set[str | None]:
        return {c.token for c in self.slack.calls_to(method) if c.params.get("channel") == channel}


@asynccontextmanager
async def oauth_bots(slack: FakeSlack, database_url: str) -> AsyncIterator[Bots]:
    settings = oauth_settings(slack, database_url)
    async with (
        running_bot(settings, mode="http", port=0, host="127.0.0.1") as bot,
        aiohttp.ClientSession() as http,
    ):
        yield Bots(slack, bot, http)


def workspace_token(slack: FakeSlack, team_id: str) -> str:
    found: Workspace = slack.workspace(team_id)
    return found.bot_token


# --------------------------------------------------------------------------------------------- settings


def test_oauth_settings_are_checked_before_start(sqlite_url: str) -> None:
    base = {"slack_api_url": "http://127.0.0.1:9/api/", "database_url": sqlite_url, "slack_signing_secret": SECRET}
    partial = Settings(_env_file=None, slack_bot_token=None, slack_client_id="1.2", **base)  # type: ignore[call-arg]
    problem = check_serve_settings(partial, "http")
    assert problem is not None
    assert "SLACK_CLIENT_SECRET, SLACK_STATE_SECRET not set" in problem
    both = Settings(
        _env_file=None,  # type: ignore[call-arg]
        slack_bot_token="xoxb-1",
        slack_client_id="1.2",
        slack_client_secret="s",
        slack_state_secret="t",
        **base,
    )
    assert "both SLACK_BOT_TOKEN and SLACK_CLIENT_ID" in (check_serve_settings(both, "http") or "")
    complete = Settings(
        _env_file=None,  # type: ignore[call-arg]
        slack_bot_token=None,
        slack_client_id="1.2",
        slack_client_secret="s",
        slack_state_secret="t",
        **base,
    )
    assert check_serve_settings(complete, "http") is None
    assert "SLACK_APP_TOKEN" in (check_oauth_settings(complete, "socket") or "")
    unsigned = complete.model_copy(update={"slack_signing_secret": None})
    assert "SLACK_SIGNING_SECRET" in (check_serve_settings(unsigned, "http") or "")


def test_install_scopes_are_the_manifests_and_the_distribution_manifest_enables_oauth_and_home() -> None:
    single = yaml.safe_load((ROOT / "slack-app-manifest.yml").read_text())
    distributed = yaml.safe_load((ROOT / "slack-app-manifest.distribution.yml").read_text())
    assert set(single["oauth_config"]["scopes"]["bot"]) == set(BOT_SCOPES)
    assert set(distributed["oauth_config"]["scopes"]["bot"]) == set(BOT_SCOPES)
    # The distribution variant is the same app: same features, and the same events plus uninstalls.
    commands = [{k: v for k, v in c.items() if k != "url"} for c in distributed["features"]["slash_commands"]]
    assert distributed["features"] | {"slash_commands": commands} == single["features"]
    assert distributed["features"]["slash_commands"][0]["url"].endswith("/slack/events")
    assert set(single["settings"]["event_subscriptions"]["bot_events"]) <= set(
        distributed["settings"]["event_subscriptions"]["bot_events"]
    )
    assert distributed["oauth_config"]["redirect_urls"][0].endswith("/slack/oauth_redirect")
    assert distributed["settings"]["socket_mode_enabled"] is False
    for manifest in (single, distributed):
        assert manifest["features"]["app_home"]["home_tab_enabled"] is True
        assert "app_home_opened" in manifest["settings"]["event_subscriptions"]["bot_events"]
    events = distributed["settings"]["event_subscriptions"]["bot_events"]
    assert {"app_uninstalled", "tokens_revoked"} <= set(events)


def test_our_slack_tables_are_slack_sdks() -> None:
    """The models declare slack_sdk's tables column for column (the migration creates what the stores use)."""
    metadata = sa.MetaData()
    theirs = [
        SQLAlchemyInstallationStore.build_installations_table(metadata, "slack_installations"),
        SQLAlchemyInstallationStore.build_bots_table(metadata, "slack_bots"),
        SQLAlchemyOAuthStateStore.build_oauth_states_table(metadata, "slack_oauth_states"),
    ]
    for ours, their in zip((SLACK_INSTALLATIONS, SLACK_BOTS, SLACK_OAUTH_STATES), theirs, strict=True):
        assert ours.metadata is Base.metadata
        shape = [(c.name, repr(c.type), c.nullable, c.primary_key) for c in ours.columns]
        assert shape == [(c.name, repr(c.type), c.nullable, c.primary_key) for c in their.columns]
        assert {tuple(c.name for c in i.columns) for i in ours.indexes} == {
            tuple(c.name for c in i.columns) for i in their.indexes
        }


async def test_a_state_not_signed_with_the_secret_is_refused_before_the_store() -> None:
    class Store:
        consumed: list[str] = []  # noqa: RUF012

        async def async_issue(self) -> str:
            return "abc"

        async def async_consume(self, state: str) -> bool:
            self.consumed.append(state)
            return True

    inner = Store()
    signed = SignedStateStore(inner, "secret")  # type: ignore[arg-type]
    state = await signed.async_issue()
    assert re.fullmatch(r"abc\.[0-9a-f]{64}", state)
    assert await signed.async_consume(state) is True
    other = SignedStateStore(inner, "another secret")  # type: ignore[arg-type]
    assert await other.async_consume(state) is False
    assert await signed.async_consume("abc") is False
    assert await signed.async_consume("abc." + "0" * 64) is False
    assert inner.consumed == ["abc"]  # only the state with a good signature reached the store


# ----------------------------------------------------------------------------------- install and events


async def test_two_workspaces_install_and_each_is_answered_with_its_own_token(
    slack: FakeSlack, site: ArticleSite, empty_database_url: str
) -> None:
    async with oauth_bots(slack, empty_database_url) as bots:
        # A callback without the browser's state cookie, with a forged state, or replayed is refused.
        state, cookie = await bots.begin_install()
        assert cookie == state
        status, _ = await bots.finish_install(slack.oauth_code(ALPHA), state, None)
        assert status == 400
        status, _ = await bots.finish_install(slack.oauth_code(ALPHA), "forged", "forged")
        assert status == 401
        assert slack.calls_to("oauth.v2.access") == []
        assert await bots.bots_of(ALPHA) == []

        await bots.install(ALPHA)
        status, _ = await bots.finish_install(slack.oauth_code(ALPHA), state, cookie)
        assert status == 200  # the first, unused state still works once
        status, _ = await bots.finish_install(slack.oauth_code(ALPHA), state, cookie)
        assert status == 401  # and not twice
        await bots.install(BRAVO)
        [exchange, *_] = slack.calls_to("oauth.v2.access")
        assert exchange.headers["Authorization"].startswith("Basic ")  # the app's credentials, not a token
        alpha, bravo = workspace_token(slack, ALPHA), workspace_token(slack, BRAVO)
        assert set(await bots.bots_of(ALPHA)) == {alpha}
        assert await bots.bots_of(BRAVO) == [bravo]

        # A workspace that never installed the app gets nothing done.
        stranger = message_event("read ", LinkPart(site.url("/train")), channel="C0STRANGER", team="T0STRANGER")
        status, _ = await bots.event(event_callback(stranger, team_id="T0STRANGER"))
        assert status == 200
        assert await bots.shares() == []

        # The same link in both workspaces: read once, answered in each with that workspace's token, and in the
        # second workspace as a summary, not as a pointer to the first one's thread.
        harbour = site.url("/harbour")
        first = await bots.say(ALPHA, ALPHA_GENERAL, "U0ALICE", harbour)
        await eventually(lambda: len(slack.messages) >= 1)
        await bots.say(BRAVO, BRAVO_GENERAL, "U0BOB", harbour)
        await eventually(lambda: len(slack.messages) >= 2)
        # The same link again in another channel of the first workspace: a pointer to its first thread.
        await bots.say(ALPHA, ALPHA_RANDOM, "U0ALICE", harbour)
        await eventually(lambda: len(slack.messages) >= 3)
        await bots.settled()
        shares = await bots.shares()
        assert site.fetches("/harbour") == 1
        by_channel = {s.channel_id: s for s in shares}
        assert by_channel[ALPHA_GENERAL].message_ts == first["ts"]
        assert by_channel[BRAVO_GENERAL].duplicate_of_share_id is None
        assert by_channel[ALPHA_RANDOM].duplicate_of_share_id == by_channel[ALPHA_GENERAL].id
        assert {s.team_id for s in shares} == {ALPHA, BRAVO}
        assert bots.tokens_used("chat.postMessage", ALPHA_GENERAL) == {alpha}
        assert bots.tokens_used("chat.postMessage", ALPHA_RANDOM) == {alpha}
        assert bots.tokens_used("chat.postMessage", BRAVO_GENERAL) == {bravo}
        assert bots.tokens_used("reactions.add", BRAVO_GENERAL) == {bravo}
        assert slack.calls_to("chat.postMessage")
        # Every call but the code exchange (made with the app's client id and secret) carried a workspace's token.
        assert all(c.token in (alpha, bravo) for c in slack.calls if c.method != "oauth.v2.access")

        # Search: each workspace finds only its own shares.
        await bots.say(BRAVO, BRAVO_GENERAL, "U0BOB", site.url("/orchard"))
        await bots.say(ALPHA, ALPHA_PRIVATE, "U0ALICE", site.url("/train"), channel_type="group")
        await eventually(lambda: len(slack.messages) >= 5)
        assert "No summaries match" in await bots.brief(ALPHA, ALPHA_GENERAL, "U0ALICE", "orchard")
        found = await bots.brief(BRAVO, BRAVO_GENERAL, "U0BOB", "orchard")
        assert "Orchard" in found or "orchard" in found.lower()
        assert "No summaries match" not in found
        harbour_in_bravo = await bots.brief(BRAVO, BRAVO_GENERAL, "U0BOB", "harbour ferry")
        assert BRAVO_GENERAL in harbour_in_bravo
        assert ALPHA_GENERAL not in harbour_in_bravo
        harbour_in_alpha = await bots.brief(ALPHA, ALPHA_GENERAL, "U0ALICE", "harbour ferry")
        assert ALPHA_GENERAL in harbour_in_alpha
        assert BRAVO_GENERAL not in harbour_in_alpha
        # App Home in each workspace: published with that workspace's token, listing only its shares.
        for team, channel, user, token, other in (
            (ALPHA, ALPHA_GENERAL, "U0ALICE", alpha, BRAVO_GENERAL),
            (BRAVO, BRAVO_GENERAL, "U0BOB", bravo, ALPHA_GENERAL),
        ):
            opened = {"type": "app_home_opened", "user": user, "channel": "D0HOME", "tab": "home"}
            before = len(slack.views)
            status, _ = await bots.event(event_callback(opened, team_id=team))
            assert status == 200
            await eventually(lambda before=before: len(slack.views) > before)
            home = slack.views[-1]
            assert (home.user_id, home.token) == (user, token)
            assert channel in str(home.view)
            assert other not in str(home.view)
        # Alice sees her workspace's private channel; Bravo's searches never asked about it.
        assert "Night train" in await bots.brief(ALPHA, ALPHA_GENERAL, "U0ALICE", "night train")
        assert "No summaries match" in await bots.brief(BRAVO, BRAVO_GENERAL, "U0BOB", "night train")
        # Every membership question went to the conversation's own workspace, with that workspace's token (the
        # Home tab asks about each conversation it may list a setting of, public ones included).
        lookups = {(c.params["channel"], c.token) for c in slack.calls_to("conversations.members")}
        assert (ALPHA_PRIVATE, alpha) in lookups
        owners = {ALPHA_GENERAL: alpha, ALPHA_RANDOM: alpha, ALPHA_PRIVATE: alpha, BRAVO_GENERAL: bravo}
        assert all(owners[channel] == token for channel, token in lookups), lookups


async def test_uninstalling_removes_the_tokens_and_stops_the_workspaces_work(
    slack: FakeSlack, site: ArticleSite, empty_database_url: str
) -> None:
    async with oauth_bots(slack, empty_database_url) as bots:
        await bots.install(ALPHA)
        await bots.install(BRAVO)
        bravo = workspace_token(slack, BRAVO)

        # Bravo's link is waiting for its page when Bravo uninstalls the app.
        site.hold.clear()
        await bots.say(BRAVO, BRAVO_GENERAL, "U0BOB", site.url("/train"))
        [waiting] = await bots.shares()
        assert waiting.status in ("pending", "working")
        slack.revoke(BRAVO)
        status, _ = await bots.event(event_callback({"type": "app_uninstalled"}, team_id=BRAVO))
        assert status == 200
        assert await bots.bots_of(BRAVO) == []
        [dropped] = await bots.shares()
        assert (dropped.status, dropped.error_code) == ("failed", "app_uninstalled")
        site.hold.set()

        # Alpha is not affected; Bravo's events are no longer taken, and nothing is posted with its token.
        await bots.say(ALPHA, ALPHA_GENERAL, "U0ALICE", site.url("/harbour"))
        await eventually(lambda: len(slack.messages) >= 1)
        event = message_event("again ", LinkPart(site.url("/orchard")), channel=BRAVO_GENERAL, team=BRAVO)
        status, _ = await bots.event(event_callback(event, team_id=BRAVO))
        assert status == 200
        await bots.settled()
        await eventually(lambda: bots.bot.worker.status()["in_flight"] == 0)
        shares = await bots.shares()
        assert [(s.team_id, s.status) for s in shares] == [(BRAVO, "failed"), (ALPHA, "done")]
        assert [m.channel for m in slack.messages] == [ALPHA_GENERAL]
        assert not [c for c in slack.calls_to("chat.postMessage") if c.token == bravo]

        # tokens_revoked naming the bot token does the same for Alpha.
        revoked = {"type": "tokens_revoked", "tokens": {"oauth": [], "bot": [slack.workspace(ALPHA).bot_user_id]}}
        status, _ = await bots.event(event_callback(revoked, team_id=ALPHA))
        assert status == 200
        assert await bots.bots_of(ALPHA) == []


async def test_socket_mode_serves_many_workspaces_too(slack: FakeSlack, site: ArticleSite, sqlite_url: str) -> None:
    settings = oauth_settings(slack, sqlite_url, slack_app_token=slack.app_token, slack_signing_secret=None)
    async with (
        running_bot(settings, mode="socket", port=0, host="127.0.0.1") as bot,
        aiohttp.ClientSession() as http,
    ):
        bots = Bots(slack, bot, http)
        await bots.install(BRAVO)  # the install flow is served on the health port in Socket Mode
        event = message_event("read ", LinkPart(site.url("/harbour")), channel=BRAVO_GENERAL, team=BRAVO)
        envelope = await slack.push_event(event_callback(event, team_id=BRAVO))
        await slack.wait_for_ack(envelope)
        [reply] = await slack.wait_for_calls("chat.postMessage")
        assert reply.token == workspace_token(slack, BRAVO)
        assert reply.params["channel"] == BRAVO_GENERAL
        stranger = message_event("read ", LinkPart(site.url("/train")), channel=ALPHA_GENERAL, team=ALPHA)
        await slack.wait_for_ack(await slack.push_event(event_callback(stranger, team_id=ALPHA)))
        assert [s.team_id for s in await bots.shares()] == [BRAVO]  # Alpha never installed


async def test_the_worker_process_posts_with_each_workspaces_stored_token(
    slack: FakeSlack, site: ArticleSite, pg_url: str
) -> None:
    """`linkbrief worker` (procrastinate, PostgreSQL) has no token of its own in OAuth mode: it reads each
    workspace's from the installation store."""
    async with oauth_bots(slack, pg_url) as bots:
        await bots.install(BRAVO)
    settings = oauth_settings(slack, pg_url, queue_sweep_interval=1.0)
    async with running_worker(settings, port=0, host="127.0.0.1", warm_up=False) as port:
        database = Database(pg_url)
        try:
            share = NewShare(
                team_id=BRAVO,
                channel_id=BRAVO_GENERAL,
                channel_type="channel",
                message_ts=next_ts(),
                thread_ts=None,
                user_id="U0BOB",
                url=site.url("/train"),
            )
            async with database.session() as session, session.begin():
                await add_shares(session, [share])  # as `serve` stores it; the worker's sweep queues it
            [reply] = await slack.wait_for_calls("chat.postMessage")
            assert reply.token == workspace_token(slack, BRAVO)
            assert reply.params["channel"] == BRAVO_GENERAL
        finally:
            await database.dispose()
        async with aiohttp.ClientSession() as http, http.get(f"http://127.0.0.1:{port}/healthz") as health:
            assert health.status == 200


async def test_a_follow_up_left_by_a_dead_process_is_answered_with_its_workspaces_token(
    slack: FakeSlack, site: ArticleSite, empty_database_url: str
) -> None:
    """The follow-up sweep answers outside any request: the reply must still carry the question's workspace
    token (a question stored by a process that died before answering it)."""
    async with oauth_bots(slack, empty_database_url) as bots:
        await bots.install(ALPHA)
        await bots.install(BRAVO)
        top = await bots.say(BRAVO, BRAVO_GENERAL, "U0BOB", site.url("/harbour"))
        await eventually(lambda: len(slack.messages) >= 1)
        await bots.settled()
        question = followup_store.NewQuestion(
            team_id=BRAVO,
            channel_id=BRAVO_GENERAL,
            message_ts=next_ts(),
            thread_ts=str(top["ts"]),
            user_id="U0BOB",
            question="how often will the night ferries run?",
        )
        async with bots.bot.database.session() as session, session.begin():
            stored = await followup_store.claim_question(session, question, stale_after=timedelta(minutes=10))
            await session.execute(sa.update(FollowUpQuestion).values(claimed_at=utcnow() - timedelta(minutes=30)))
        assert stored is not None
    bravo = workspace_token(slack, BRAVO)

    def thread_posts() -> list[Any]:
        return [c for c in slack.calls_to("chat.postMessage") if c.params.get("thread_ts") == top["ts"]]

    async with oauth_bots(slack, empty_database_url):
        await eventually(lambda: len(thread_posts()) >= 2)
    assert {c.token for c in thread_posts()} == {bravo}
    assert {c.params.get("channel") for c in thread_posts()} == {BRAVO_GENERAL}
