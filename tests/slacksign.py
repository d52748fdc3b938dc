"""Signed Slack requests and realistic event payloads for tests.

Signing is written out here (not borrowed from slack_sdk) on purpose: a test then checks it against the
SDK's `SignatureVerifier`, so the two implementations vouch for each other. The algorithm (docs/slack.md §2):
`X-Slack-Signature = "v0=" + hex(HMAC-SHA256(signing_secret, "v0:" + timestamp + ":" + raw_body))`, with
`X-Slack-Request-Timestamp` in Unix seconds, over the exact bytes sent.

Payload builders follow the shapes in docs/slack.md §1 (event_callback envelope, message fields, rich_text
blocks, subtypes) and §3 (slash command fields). Messages are built from parts, so `text` (Slack-escaped,
with `<url|label>` markup) and `blocks` (rich_text with `link` elements) always agree, as they do in what
Slack sends::

    event = message_event("read ", LinkPart("https://example.com/a?x=1&y=2"), " cc ", UserPart("U2"))
    body = event_callback(event)
    request = sign_event("secret", body)      # .body (str) and .headers, ready to POST
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlencode

JSON = dict[str, Any]

TEAM_ID = "T0FAKETEAM"
APP_ID = "A0FAKEAPP"
BOT_USER_ID = "U0FAKEBOT"
BOT_ID = "B0FAKEBOT"
CHANNEL_ID = "C0FAKECHAN"
USER_ID = "U0FAKEUSER"

_ts_counter = itertools.count(100)
_TS_BASE = 1_700_000_000


def next_ts() -> str:
    """A fresh, increasing Slack message ts (`"1700000000.000100"` style)."""
    return f"{_TS_BASE}.{next(_ts_counter):06d}"


# ----------------------------------------------------------------------------------------------- signing


def signature(secret: str, timestamp: str, body: str | bytes) -> str:
    """`v0=<hex>`: Slack's request signature over `v0:{timestamp}:{body}`."""
    raw = body.encode() if isinstance(body, str) else body
    base = b"v0:" + timestamp.encode() + b":" + raw
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


@dataclass(frozen=True, slots=True)
class SignedRequest:
    """A request body exactly as sent, and the headers Slack would send with it."""

    body: str
    headers: dict[str, str]

    def bolt_headers(self) -> dict[str, list[str]]:
        """The headers in the shape `slack_bolt.request.AsyncBoltRequest(headers=…)` takes."""
        return {k.lower(): [v] for k, v in self.headers.items()}


def signed_headers(
    secret: str,
    body: str,
    *,
    content_type: str,
    timestamp: int | None = None,
    retry_num: int | None = None,
    retry_reason: str | None = None,
) -> dict[str, str]:
    """Content-Type, X-Slack-Request-Timestamp, X-Slack-Signature (and retry headers when given).

    Pass an old `timestamp` (e.g. now - 301) to build a replayed request that must be refused.
    """
    ts = str(int(time.time()) if timestamp is None else timestamp)
    headers = {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": signature(secret, ts, body),
    }
    if retry_num is not None:
        headers["X-Slack-Retry-Num"] = str(retry_num)
        headers["X-Slack-Retry-Reason"] = retry_reason or "http_timeout"
    return headers


def sign_event(secret: str, payload: Mapping[str, Any], **kwargs: Any) -> SignedRequest:
    """An Events API request (event_callback or url_verification): a JSON body."""
    body = json.dumps(payload)
    return SignedRequest(body, signed_headers(secret, body, content_type="application/json", **kwargs))


def sign_form(secret: str, fields: Mapping[str, str], **kwargs: Any) -> SignedRequest:
    """A slash command request: the fields form-encoded."""
    body = urlencode(fields)
    content_type = "application/x-www-form-urlencoded"
    return SignedRequest(body, signed_headers(secret, body, content_type=content_type, **kwargs))


def sign_interaction(secret: str, payload: Mapping[str, Any], **kwargs: Any) -> SignedRequest:
    """An interactivity request (block_actions, view_submission…): form body `payload=<JSON>`."""
    return sign_form(secret, {"payload": json.dumps(payload)}, **kwargs)


# ------------------------------------------------------------------------------------- message parts


@dataclass(frozen=True, slots=True)
class LinkPart:
    """A link as typed: `<url>` or `<url|label>` in text, a `link` element in rich text."""

    url: str
    label: str | None = None


@dataclass(frozen=True, slots=True)
class UserPart:
    user_id: str


@dataclass(frozen=True, slots=True)
class ChannelPart:
    channel_id: str
    name: str | None = None


@dataclass(frozen=True, slots=True)
class BroadcastPart:
    range: Literal["here", "channel", "everyone"]


Part = str | LinkPart | UserPart | ChannelPart | BroadcastPart


def slack_escape(text: str) -> str:
    """Slack's escaping of `&`, `<`, `>` in message text."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def text_and_blocks(*parts: Part) -> tuple[str, list[JSON]]:
    """The `text` and `blocks` Slack sends for a message typed as these parts."""
    text: list[str] = []
    elements: list[JSON] = []
    for part in parts:
        if isinstance(part, str):
            text.append(slack_escape(part))
            elements.append({"type": "text", "text": part})
        elif isinstance(part, LinkPart):
            label = f"|{slack_escape(part.label)}" if part.label else ""
            text.append(f"<{slack_escape(part.url)}{label}>")
            elements.append({"type": "link", "url": part.url} | ({"text": part.label} if part.label else {}))
        elif isinstance(part, UserPart):
            text.append(f"<@{part.user_id}>")
            elements.append({"type": "user", "user_id": part.user_id})
        elif isinstance(part, ChannelPart):
            text.append(f"<#{part.channel_id}|{part.name or ''}>")
            elements.append({"type": "channel", "channel_id": part.channel_id})
        else:
            text.append(f"<!{part.range}>")
            elements.append({"type": "broadcast", "range": part.range})
    block = {
        "type": "rich_text",
        "block_id": uuid.uuid4().hex[:4],
        "elements": [{"type": "rich_text_section", "elements": elements}],
    }
    return "".join(text), [block]


# ---------------------------------------------------------------------------------------- events


def message_event(
    *parts: Part,
    channel: str = CHANNEL_ID,
    user: str = USER_ID,
    ts: str | None = None,
    thread_ts: str | None = None,
    channel_type: str = "channel",
    subtype: str | None = None,
    with_blocks: bool = True,
    **extra: Any,
) -> JSON:
    """A `message` event as a person's client sends it (no subtype unless given)."""
    text, blocks = text_and_blocks(*parts)
    ts = ts or next_ts()
    event: JSON = {
        "type": "message",
        "channel": channel,
        "channel_type": channel_type,
        "user": user,
        "team": TEAM_ID,
        "client_msg_id": str(uuid.uuid4()),
        "text": text,
        "ts": ts,
        "event_ts": ts,
    }
    if with_blocks:
        event["blocks"] = blocks
    if subtype:
        event["subtype"] = subtype
    if thread_ts:
        event |= {"thread_ts": thread_ts, "parent_user_id": extra.pop("parent_user_id", USER_ID)}
    return event | extra


def thread_reply_event(*parts: Part, thread_ts: str, **kwargs: Any) -> JSON:
    """A reply in a thread: `thread_ts` is the parent's ts, `ts` the reply's own."""
    return message_event(*parts, thread_ts=thread_ts, **kwargs)


def thread_broadcast_event(*parts: Part, thread_ts: str, **kwargs: Any) -> JSON:
    """A thread reply also sent to the channel (`subtype: thread_broadcast`, with `root`)."""
    event = message_event(*parts, thread_ts=thread_ts, subtype="thread_broadcast", **kwargs)
    event["root"] = {"type": "message", "ts": thread_ts, "user": USER_ID, "text": "parent"}
    event.pop("client_msg_id", None)
    return event


def edited_message_event(previous: JSON, *parts: Part, edited_by: str | None = None) -> JSON:
    """`message_changed` for an edit of `previous` (a message_event) into `parts`."""
    edit_ts = next_ts()
    text, blocks = text_and_blocks(*parts)
    inner = {k: v for k, v in previous.items() if k not in ("channel", "channel_type", "event_ts")}
    inner |= {"text": text, "blocks": blocks, "edited": {"user": edited_by or previous["user"], "ts": edit_ts}}
    return _message_changed(previous, inner, edit_ts)


def unfurl_changed_event(previous: JSON) -> JSON:
    """`message_changed` Slack sends when it attaches link previews: same text, new `attachments`."""
    edit_ts = next_ts()
    inner = {k: v for k, v in previous.items() if k not in ("channel", "channel_type", "event_ts")}
    inner["attachments"] = [{"id": 1, "from_url": "https://example.com/", "title": "Preview", "fallback": "Preview"}]
    return _message_changed(previous, inner, edit_ts)


def _message_changed(previous: JSON, inner: JSON, edit_ts: str) -> JSON:
    old = {k: v for k, v in previous.items() if k not in ("channel", "channel_type", "event_ts")}
    return {
        "type": "message",
        "subtype": "message_changed",
        "hidden": True,
        "channel": previous["channel"],
        "channel_type": previous.get("channel_type", "channel"),
        "message": inner,
        "previous_message": old,
        "ts": edit_ts,
        "event_ts": edit_ts,
    }


def bot_echo_event(
    *parts: Part,
    bot_user_id: str = BOT_USER_ID,
    bot_id: str = BOT_ID,
    app_id: str = APP_ID,
    **kwargs: Any,
) -> JSON:
    """Our own chat.postMessage coming back as an event: no subtype, with bot_id/app_id/bot_profile."""
    event = message_event(*parts, user=bot_user_id, **kwargs)
    event.pop("client_msg_id", None)
    profile = {"id": bot_id, "app_id": app_id, "name": "linkbrief", "deleted": False, "team_id": TEAM_ID}
    return event | {"bot_id": bot_id, "app_id": app_id, "bot_profile": profile}


def classic_bot_event(text: str, *, bot_id: str = "B0OTHERBOT", channel: str = CHANNEL_ID) -> JSON:
    """A classic bot / incoming-webhook message: `subtype: bot_message`, `username`, no `user`."""
    ts = next_ts()
    return {
        "type": "message",
        "subtype": "bot_message",
        "channel": channel,
        "channel_type": "channel",
        "bot_id": bot_id,
        "username": "webhook",
        "text": text,
        "ts": ts,
        "event_ts": ts,
    }


def channel_join_event(user: str = USER_ID, channel: str = CHANNEL_ID) -> JSON:
    """`channel_join`: bookkeeping, with a `<@U…>` text but nothing to read."""
    ts = next_ts()
    return {
        "type": "message",
        "subtype": "channel_join",
        "channel": channel,
        "channel_type": "channel",
        "user": user,
        "text": f"<@{user}> has joined the channel",
        "ts": ts,
        "event_ts": ts,
    }


def event_callback(
    event: JSON,
    *,
    team_id: str = TEAM_ID,
    api_app_id: str = APP_ID,
    bot_user_id: str = BOT_USER_ID,
    event_id: str | None = None,
    event_time: int | None = None,
) -> JSON:
    """The Events API envelope around an inner event (docs/slack.md §1.1)."""
    channel = event.get("channel", "")
    return {
        "token": "legacy-verification-token",
        "team_id": team_id,
        "api_app_id": api_app_id,
        "event": event,
        "type": "event_callback",
        "event_id": event_id or "Ev" + uuid.uuid4().hex[:10].upper(),
        "event_time": event_time or int(time.time()),
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": team_id,
                "user_id": bot_user_id,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
        "event_context": f"4-{event.get('type', 'message')}-{team_id}-{channel}",
    }


def url_verification(challenge: str | None = None) -> JSON:
    """The whole body of Slack's URL check: no envelope, no inner event (docs/slack.md §1.7)."""
    return {
        "token": "legacy-verification-token",
        "challenge": challenge or uuid.uuid4().hex,
        "type": "url_verification",
    }


def slash_command_fields(
    text: str,
    *,
    command: str = "/brief",
    response_url: str = "https://hooks.slack.com/commands/T0FAKETEAM/1/fake",
    channel_id: str = CHANNEL_ID,
    channel_name: str = "eng",
    user_id: str = USER_ID,
    user_name: str = "alice",
    team_id: str = TEAM_ID,
) -> dict[str, str]:
    """The form fields of a slash command request (docs/slack.md §3)."""
    return {
        "token": "legacy-verification-token",
        "team_id": team_id,
        "team_domain": "fake-team",
        "channel_id": channel_id,
        "channel_name": channel_name,
        "user_id": user_id,
        "user_name": user_name,
        "command": command,
        "text": text,
        "api_app_id": APP_ID,
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": f"{int(time.time())}.{uuid.uuid4().int % 10**12}.{uuid.uuid4().hex}",
    }


def block_actions_payload(
    action_id: str,
    value: str,
    *,
    response_url: str = "https://hooks.slack.com/actions/T0FAKETEAM/1/fake",
    channel_id: str = CHANNEL_ID,
    user_id: str = USER_ID,
    message_ts: str | None = None,
    ephemeral: bool = False,
) -> JSON:
    """A `block_actions` payload for a button click on one of our messages."""
    ts = message_ts or next_ts()
    container: JSON = {
        "type": "message",
        "message_ts": ts,
        "channel_id": channel_id,
        "is_ephemeral": ephemeral,
    }
    payload: JSON = {
        "type": "block_actions",
        "user": {"id": user_id, "username": "alice", "name": "alice", "team_id": TEAM_ID},
        "api_app_id": APP_ID,
        "token": "legacy-verification-token",
        "container": container,
        "trigger_id": f"{int(time.time())}.{uuid.uuid4().hex}",
        "team": {"id": TEAM_ID, "domain": "fake-team"},
        "enterprise": None,
        "is_enterprise_install": False,
        "channel": {"id": channel_id, "name": "eng"},
        "response_url": response_url,
        "actions": [
            {
                "type": "button",
                "action_id": action_id,
                "block_id": uuid.uuid4().hex[:5],
                "text": {"type": "plain_text", "text": "button", "emoji": True},
                "value": value,
                "action_ts": f"{int(time.time())}.000000",
            }
        ],
    }
    if not ephemeral:
        payload["message"] = {"type": "message", "ts": ts, "user": BOT_USER_ID, "bot_id": BOT_ID, "text": ""}
    return payload
