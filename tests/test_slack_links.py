"""Intake: which messages the bot reads and which links it takes from them (bot/slack/links.py).

Fixtures are either copied from the shapes documented in docs/slack.md §1 (raw dicts) or built with
tests/slacksign.py, whose `text` and `blocks` agree the way Slack's do.
"""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml
from slacksign import (
    BOT_ID,
    BOT_USER_ID,
    BroadcastPart,
    ChannelPart,
    LinkPart,
    UserPart,
    bot_echo_event,
    channel_join_event,
    classic_bot_event,
    edited_message_event,
    message_event,
    thread_broadcast_event,
    thread_reply_event,
    unfurl_changed_event,
)

from bot.slack.app import PRIVACY_EVENTS
from bot.slack.links import edited_message, links_in_message, should_ignore, thread_ts_for_reply

# The example event of docs/slack.md §1.1, as Slack sends it.
NOTES_EVENT = {
    "type": "message",
    "channel": "C111",
    "channel_type": "channel",
    "user": "U222",
    "team": "T111",
    "client_msg_id": "9cbd",
    "ts": "1700000000.000100",
    "event_ts": "1700000000.000100",
    "text": "read this <https://example.com/a?x=1&amp;y=2> and <https://ex.org|this one> cc <@U333> <!here>",
    "blocks": [
        {
            "type": "rich_text",
            "block_id": "bN8",
            "elements": [
                {
                    "type": "rich_text_section",
                    "elements": [
                        {"type": "text", "text": "read this "},
                        {"type": "link", "url": "https://example.com/a?x=1&y=2"},
                        {"type": "text", "text": " and "},
                        {"type": "link", "url": "https://ex.org", "text": "this one"},
                        {"type": "text", "text": " cc "},
                        {"type": "user", "user_id": "U333"},
                        {"type": "text", "text": " "},
                        {"type": "broadcast", "range": "here"},
                    ],
                }
            ],
        }
    ],
}
NOTES_LINKS = ["https://example.com/a?x=1&y=2", "https://ex.org"]


def links(event: dict, max_links: int = 5, skip: frozenset[str] = frozenset()) -> list[str]:
    return links_in_message(event, max_links=max_links, skip_domains=skip)


def ignored(event: dict) -> bool:
    return should_ignore(event, bot_user_id=BOT_USER_ID, bot_id=BOT_ID)


# ------------------------------------------------------------------------------------------- links


def test_rich_text_links_in_message_order() -> None:
    assert links(NOTES_EVENT) == NOTES_LINKS


def test_text_only_message_is_parsed_and_unescaped() -> None:
    event = {k: v for k, v in NOTES_EVENT.items() if k != "blocks"}
    assert links(event) == NOTES_LINKS  # `&amp;` became `&`, the label was dropped


def test_text_unescaping_is_exactly_slacks() -> None:
    # A user who typed `&lt;` and `&amp;` literally: Slack escapes their `&`, we undo exactly that.
    event = {"type": "message", "user": "U1", "ts": "1.0", "text": "<https://ex.com/?q=&amp;lt;x&amp;amp;y>"}
    assert links(event) == ["https://ex.com/?q=&lt;x&amp;y"]


def test_builder_messages_agree_in_text_and_blocks() -> None:
    event = message_event(
        "see ", LinkPart("https://example.com/x?a=1&b=<2>", "the <story>"), " and ", LinkPart("http://ex.org")
    )
    without_blocks = {k: v for k, v in event.items() if k != "blocks"}
    assert links(event) == links(without_blocks) == ["https://example.com/x?a=1&b=<2>", "http://ex.org"]


def test_mentions_channels_broadcasts_and_mailto_are_not_links() -> None:
    event = message_event(
        UserPart("U1"),
        " ",
        ChannelPart("C1", "eng"),
        " ",
        BroadcastPart("channel"),
        " ",
        LinkPart("mailto:bob@example.com", "bob@example.com"),
        " ",
        LinkPart("https://example.com/only"),
    )
    event["text"] += " <!subteam^S123> <tel:+441234> <!date^1700000000^{date}|today>"
    assert links(event) == ["https://example.com/only"]
    assert links({k: v for k, v in event.items() if k != "blocks"}) == ["https://example.com/only"]


def test_links_in_every_nested_rich_text_shape_in_order() -> None:
    def link(url: str) -> dict:
        return {"type": "link", "url": url}

    event = {
        "type": "message",
        "user": "U1",
        "ts": "1.0",
        "text": "ignored when rich text has links <https://text-only.example>",
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": "<https://not-rich.example>"}},
            {
                "type": "rich_text",
                "elements": [
                    {"type": "rich_text_section", "elements": [link("https://a.example/1")]},
                    {
                        "type": "rich_text_list",
                        "style": "bullet",
                        "elements": [
                            {"type": "rich_text_section", "elements": [link("https://b.example/2")]},
                            {"type": "rich_text_section", "elements": [link("https://c.example/3")]},
                        ],
                    },
                    {"type": "rich_text_quote", "elements": [link("https://d.example/4")]},
                    {"type": "rich_text_preformatted", "elements": [link("https://e.example/5")]},
                ],
            },
        ],
    }
    assert links(event, max_links=10) == [f"https://{c}.example/{i}" for i, c in enumerate("abcde", 1)]


def test_rich_text_without_links_falls_back_to_text() -> None:
    event = message_event("no links here")
    event["text"] = "<https://example.com/from-text>"
    assert links(event) == ["https://example.com/from-text"]


@pytest.mark.parametrize(
    "url",
    [
        "https://acme.slack.com/archives/C123/p1700000000000100",
        "https://files.slack.com/files-pri/T1-F1/report.pdf",
        "https://slack.com/help/articles/1",
        "https://app.slack.com/client/T1/C1",
        "https://SLACK.COM./intl/en-gb",
        "https://slack-files.com/T1-F1-abc",
    ],
)
def test_slack_internal_links_are_skipped(url: str) -> None:
    assert links(message_event(LinkPart(url), " ", LinkPart("https://example.com/a"))) == ["https://example.com/a"]


def test_lookalike_domains_are_not_slack() -> None:
    urls = ["https://notslack.com/a", "https://slack.com.evil.example/b", "https://slackcom.example/c"]
    assert links(message_event(*[LinkPart(u) for u in urls])) == urls


def test_skip_list_matches_domain_and_subdomains_only() -> None:
    skip = frozenset({"YouTube.com", ".twitter.com."})
    urls = [
        "https://youtube.com/watch?v=1",
        "https://WWW.YOUTUBE.COM/watch?v=2",
        "https://m.youtube.com/watch?v=3",
        "https://notyoutube.com/a",
        "https://mobile.twitter.com/x",
        "https://youtube.com.example.org/b",
    ]
    got = links(message_event(*[LinkPart(u) for u in urls]), skip=skip)
    assert got == ["https://notyoutube.com/a", "https://youtube.com.example.org/b"]


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.com/file",
        "javascript:alert(1)",
        "slack://channel?id=C1",
        "http:///no-host",
        "https://example.com:99999/bad-port",
        "https://[::1/broken-ipv6",
        "example.com/no-scheme",
    ],
)
def test_only_well_formed_http_links(url: str) -> None:
    event = {"type": "message", "user": "U1", "ts": "1.0", "text": f"<{url}> <https://ok.example/>"}
    assert links(event) == ["https://ok.example/"]


def test_cap_and_dedup_in_message_order() -> None:
    urls = [f"https://example.com/{i}" for i in range(8)]
    parts = [LinkPart(u) for u in [urls[0], urls[1], urls[0], urls[2], urls[1], *urls[3:]]]
    event = message_event(*parts)
    assert links(event, max_links=5) == urls[:5]  # duplicates do not use up the cap
    assert links(event, max_links=100) == urls
    assert links(event, max_links=0) == []


# ---------------------------------------------------------------------------------- should_ignore


def test_person_messages_are_read() -> None:
    assert not ignored(NOTES_EVENT)
    assert not ignored(message_event("hi ", LinkPart("https://example.com")))
    assert not ignored(thread_reply_event(LinkPart("https://example.com"), thread_ts="1.000001"))
    assert not ignored(thread_broadcast_event(LinkPart("https://example.com"), thread_ts="1.000001"))
    assert not ignored(message_event(LinkPart("https://example.com"), subtype="file_share", files=[{}]))
    assert not ignored(message_event("reads ", LinkPart("https://example.com"), subtype="me_message"))


def test_our_own_echo_is_ignored_even_with_fewer_fields() -> None:
    echo = bot_echo_event("summary", thread_ts="1.000001")
    assert ignored(echo)
    stripped = {k: v for k, v in echo.items() if k not in ("bot_id", "app_id", "bot_profile")}
    assert ignored(stripped)  # still ours: user is our bot user
    assert not should_ignore(stripped, bot_user_id=None, bot_id=None)  # ...which only auth.test tells


def test_other_bots_and_apps_are_ignored() -> None:
    other = bot_echo_event(LinkPart("https://example.com"), bot_user_id="U0OTHER", bot_id="B0OTHER", app_id="A0OTHER")
    assert ignored(other)
    assert ignored(classic_bot_event("<https://example.com>"))
    only_app = message_event(LinkPart("https://example.com"), app_id="A0WORKFLOW")
    assert ignored(only_app)


@pytest.mark.parametrize(
    "subtype",
    [
        "channel_join",
        "channel_leave",
        "channel_topic",
        "channel_purpose",
        "channel_name",
        "channel_archive",
        "channel_unarchive",
        "message_deleted",
        "ekm_access_denied",
        "tombstone",
        "bot_message",
    ],
)
def test_bookkeeping_subtypes_are_ignored(subtype: str) -> None:
    assert ignored(message_event("text <https://example.com>", subtype=subtype))


def test_join_hidden_replied_and_userless_events_are_ignored() -> None:
    assert ignored(channel_join_event())
    assert ignored(message_event(LinkPart("https://example.com"), hidden=True))
    replied = {  # message_replied as the Events API delivers it: without its subtype
        "type": "message",
        "hidden": True,
        "channel": "C1",
        "ts": "2.0",
        "event_ts": "2.0",
        "message": {"type": "message", "user": "U1", "text": "parent", "ts": "1.0", "thread_ts": "1.0"},
    }
    assert ignored(replied)
    assert ignored({k: v for k, v in message_event(LinkPart("https://e.com")).items() if k != "user"})
    assert ignored({"type": "app_mention", "user": "U1", "text": "<https://example.com>", "ts": "1.0"})


# ---------------------------------------------------------------------------------------- edits


def test_edit_adding_a_link_is_read_with_channel_and_original_ts() -> None:
    original = message_event("see ", LinkPart("https://example.com/a"), channel="C0ENG")
    edit = edited_message_event(
        original, "see ", LinkPart("https://example.com/a"), " and ", LinkPart("https://b.org/")
    )
    assert not ignored(edit)
    message = edited_message(edit)
    assert message is not None
    assert message["channel"] == "C0ENG"
    assert message["ts"] == original["ts"]  # same message: the (channel, ts, url) key keeps /a from repeating
    assert links(message) == ["https://example.com/a", "https://b.org/"]


def test_unfurl_only_change_is_not_an_edit() -> None:
    original = message_event("see ", LinkPart("https://example.com/a"))
    change = unfurl_changed_event(original)
    assert edited_message(change) is None
    assert ignored(change)


def test_edit_without_previous_message_is_read() -> None:
    edit = edited_message_event(message_event("x"), LinkPart("https://example.com/new"))
    del edit["previous_message"]
    message = edited_message(edit)
    assert message is not None
    assert links(message) == ["https://example.com/new"]


def test_edits_of_bot_messages_and_non_edits_give_nothing() -> None:
    echo = bot_echo_event("summary")
    edit = edited_message_event(echo, "updated ", LinkPart("https://example.com"))
    assert edited_message(edit) is None
    assert ignored(edit)
    assert edited_message(message_event(LinkPart("https://example.com"))) is None
    tombstone = edited_message_event(message_event("x"), "This message was deleted.")
    tombstone["message"]["subtype"] = "tombstone"
    assert edited_message(tombstone) is None


def test_edited_message_does_not_modify_the_event() -> None:
    edit = edited_message_event(message_event("x"), LinkPart("https://example.com/new"))
    before = copy.deepcopy(edit)
    edited_message(edit)
    assert edit == before


# ------------------------------------------------------------------------------------------ threads


def test_thread_ts_for_reply() -> None:
    top = message_event(LinkPart("https://example.com"))
    assert thread_ts_for_reply(top) == top["ts"]
    reply = thread_reply_event(LinkPart("https://example.com"), thread_ts="1700000000.000001")
    assert thread_ts_for_reply(reply) == "1700000000.000001"
    parent_with_replies = top | {"thread_ts": top["ts"]}
    assert thread_ts_for_reply(parent_with_replies) == top["ts"]
    broadcast = thread_broadcast_event(LinkPart("https://example.com"), thread_ts="1700000000.000002")
    assert thread_ts_for_reply(broadcast) == "1700000000.000002"
    edited_reply = edited_message(edited_message_event(reply, LinkPart("https://example.com/b")))
    assert edited_reply is not None
    assert thread_ts_for_reply(edited_reply) == "1700000000.000001"


# ----------------------------------------------------------------------------------------- manifest


def test_manifest_subscribes_to_what_intake_reads_and_asks_only_needed_scopes() -> None:
    manifest = yaml.safe_load((Path(__file__).parent.parent / "slack-app-manifest.yml").read_text())
    settings = manifest["settings"]
    events = set(settings["event_subscriptions"]["bot_events"])
    assert events == {
        "message.channels",
        "message.groups",
        "message.im",
        "message.mpim",
        "app_mention",
        "app_home_opened",
        "channel_shared",
        "group_rename",
        "group_archive",
        "group_unarchive",
    }
    # Every visibility event subscribed to is one the app handles.
    assert all(
        PRIVACY_EVENTS.match(event)
        for event in events
        if not event.startswith("message.") and event not in ("app_mention", "app_home_opened")
    )
    assert set(manifest["oauth_config"]["scopes"]["bot"]) == {
        "channels:history",
        "groups:history",
        "im:history",
        "mpim:history",
        "chat:write",
        "chat:write.public",
        "reactions:write",
        "commands",
        "channels:read",
        "groups:read",
        "im:read",
        "mpim:read",
        "users:read",
        "app_mentions:read",
    }
    [command] = manifest["features"]["slash_commands"]
    assert command["command"] == "/brief"
    assert len(command["command"]) <= 32
    assert command["description"]
    assert settings["socket_mode_enabled"] is True
    assert settings["interactivity"]["is_enabled"] is True
    assert manifest["features"]["app_home"]["messages_tab_enabled"] is True
    assert manifest["features"]["app_home"]["messages_tab_read_only_enabled"] is False
    assert len(manifest["display_information"]["name"]) <= 35
