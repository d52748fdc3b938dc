"""Intake: which Slack messages linkbrief reads, and which article links it takes from them.

The bot sees every message in every channel it is in, its own replies included, so this module is the gate
that keeps it from answering itself, other bots, joins and topic changes, and from "summarising" Slack's own
permalinks and files. It works on the raw event dicts Slack sends (see docs/slack.md §1), with no Slack client,
so the rules can be tested without a network and reused by the Bolt listener, the worker and the CLI alike.

It is also where input limits start. A link is taken as a browser would read it: tabs and line breaks
dropped, other control characters (NUL included) and lone surrogates percent-encoded (`clean_url`), so
nothing unstorable reaches the database and the link still gets its one reply (a page, or a short error).
Ids and timestamps must have Slack's shape (`is_slack_id`, `is_message_ts`) before anything is stored under
them. A link of any length is kept: the share table keys it by a digest, and the pipeline answers a link
over 2,048 characters with one short "too long" reply.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any
from urllib.parse import urlsplit

from bot.store.shares import is_control_character

# Hosts that belong to Slack itself: permalinks (workspace.slack.com/archives/...), files (files.slack.com,
# slack-files.com), Slack's CDN and GovSlack. A link to any of them, or to a subdomain, is never an article.
SLACK_DOMAINS: frozenset[str] = frozenset({"slack.com", "slack-files.com", "slack-edge.com", "slack-gov.com"})

# Subtypes that carry something a person typed: a plain message (no subtype), a thread reply also sent to
# the channel, a message with a file attached, and `/me` messages. Everything else (joins, leaves, topic and
# purpose changes, deletions, bot_message, ...) is bookkeeping and is never read. `message_changed` is
# handled separately, through `edited_message`.
READABLE_SUBTYPES: frozenset[str | None] = frozenset({None, "thread_broadcast", "file_share", "me_message"})

# `<target>` or `<target|label>` in a message's `text` (docs/slack.md §1.2).
_TEXT_LINK = re.compile(r"<([^<>|]+)(?:\|[^<>]*)?>")
# Slack's ids (team T…, channel C/G/D…, user U/W…, bot B…): upper-case letters and digits; the share columns
# hold 64 characters. Message timestamps: seconds, a dot, microseconds ("1700000000.000100").
_SLACK_ID = re.compile(r"[A-Z0-9]{1,64}")
_MESSAGE_TS = re.compile(r"[0-9]{1,20}\.[0-9]{1,10}")
_EVENT_ID = re.compile(r"[A-Za-z0-9]{1,64}")
# Removed from URLs by browsers (WHATWG URL standard); every other control character is percent-encoded.
_URL_DROPPED = {ord("\t"): None, ord("\n"): None, ord("\r"): None}


def links_in_message(
    event: Mapping[str, Any], *, max_links: int, skip_domains: frozenset[str] = frozenset()
) -> list[str]:
    """The article links of a message, in message order, without duplicates, at most `max_links`.

    Links come from the message's rich-text `link` elements when it has any (they carry the URL exactly as
    typed, unescaped), else from the `<url|label>` markup of `text` (entity-escaped by Slack, so unescaped
    here). Only http(s) links count; mentions, channels, `mailto:` and other schemes are not links to
    articles. Links to Slack itself and to `skip_domains` (each domain with its subdomains) are dropped.
    """
    if max_links <= 0:
        return []
    skipped = SLACK_DOMAINS | _normalised_domains(skip_domains)
    found: list[str] = []
    seen: set[str] = set()
    for candidate in _raw_links(event):
        url = clean_url(candidate.strip())
        host = _http_host(url)
        if host is None or _in_domains(host, skipped) or url in seen:
            continue
        seen.add(url)
        found.append(url)
        if len(found) >= max_links:
            break
    return found


def should_ignore(event: Mapping[str, Any], *, bot_user_id: str | None, bot_id: str | None) -> bool:
    """True for message events the bot must not read.

    Ignored: anything posted by a bot or an app (our own replies come back as message events, with
    `bot_id`/`app_id` and `user` = our bot user, docs/slack.md §9; classic bots and webhooks as `bot_message`),
    hidden events, bookkeeping subtypes (joins, leaves, topic, deletions...), and `message_replied`
    notifications, which arrive without their subtype (docs/slack.md §1.4). `message_changed` is NOT ignored
    when it carries a real edit by a person: read it through `edited_message`.
    """
    if event.get("type") != "message":
        return True
    if event.get("subtype") == "message_changed":
        edited = edited_message(event)
        return edited is None or _is_from_bot(edited, bot_user_id, bot_id)
    if event.get("subtype") not in READABLE_SUBTYPES or event.get("hidden"):
        return True
    if "message" in event:
        # A message_replied notification whose subtype Slack dropped: it wraps the parent message.
        return True
    if _is_from_bot(event, bot_user_id, bot_id):
        return True
    return not event.get("user")


def edited_message(event: Mapping[str, Any]) -> dict[str, Any] | None:
    """For a `message_changed` event, the message as it now reads; None when there is nothing new to read.

    None for: other events, edits of bot messages, edits into a non-readable subtype (e.g. a tombstone), and
    changes where neither the text nor the links changed. The last case is what Slack sends when it
    attaches link previews (unfurls) to a message; reading it again would answer the same links twice.
    The returned dict is a copy of the inner message with the outer event's `channel` (and `channel_type`)
    filled in, because Slack puts those only on the outer event.
    """
    if event.get("type") != "message" or event.get("subtype") != "message_changed":
        return None
    new = event.get("message")
    if not isinstance(new, Mapping) or _is_from_bot(new, None, None):
        return None
    if new.get("subtype") not in READABLE_SUBTYPES or new.get("hidden") or not new.get("user"):
        return None
    old = event.get("previous_message")
    if (
        isinstance(old, Mapping)
        and old.get("text") == new.get("text")
        and list(_raw_links(old)) == list(_raw_links(new))
    ):
        return None
    message = dict(new)
    for key in ("channel", "channel_type"):
        if key in event:
            message.setdefault(key, event[key])
    return message


def clean_url(url: str) -> str:
    """`url` with tabs and line breaks removed and other control characters and lone surrogates
    percent-encoded (as UTF-8), the way a browser reads what was typed; unchanged when it has none."""
    url = url.translate(_URL_DROPPED)
    if not any(is_control_character(ch) for ch in url):
        return url
    return "".join(
        "".join(f"%{byte:02X}" for byte in ch.encode("utf-8", "surrogatepass")) if is_control_character(ch) else ch
        for ch in url
    )


def is_slack_id(value: object) -> bool:
    """True for a Slack id (`C0123ABC`, `U0123ABC`, `T0123ABC`…): upper-case letters and digits, at most 64."""
    return isinstance(value, str) and _SLACK_ID.fullmatch(value) is not None


def is_message_ts(value: object) -> bool:
    """True for a Slack message timestamp (`1700000000.000100`)."""
    return isinstance(value, str) and _MESSAGE_TS.fullmatch(value) is not None


def is_event_id(value: object) -> bool:
    """True for an Events API `event_id` (`Ev0123ABCD`)."""
    return isinstance(value, str) and _EVENT_ID.fullmatch(value) is not None


def thread_ts_for_reply(message: Mapping[str, Any]) -> str:
    """The thread to answer in: the message's thread if it is in one, else a new thread under it.

    Slack wants the parent's ts, never a reply's (docs/slack.md §1.5); a reply's `thread_ts` is the parent's.
    """
    return str(message.get("thread_ts") or message["ts"])


def _raw_links(message: Mapping[str, Any]) -> Iterator[str]:
    """Link targets before filtering: rich-text link elements if there are any, else `text` markup."""
    rich = list(_rich_text_links(message.get("blocks")))
    if rich:
        yield from rich
        return
    text = message.get("text")
    if isinstance(text, str):
        for match in _TEXT_LINK.finditer(text):
            yield _slack_unescape(match.group(1))


def _rich_text_links(blocks: object) -> Iterator[str]:
    """URLs of `link` elements in `rich_text` blocks, at any depth (sections, lists, quotes, code), in order.

    Walks with an explicit stack rather than recursion so a deeply nested payload cannot exhaust the stack.
    """
    if not isinstance(blocks, list):
        return
    stack: list[Iterator[object]] = [
        iter([b for b in blocks if isinstance(b, Mapping) and b.get("type") == "rich_text"])
    ]
    while stack:
        element = next(stack[-1], None)
        if element is None:
            stack.pop()
            continue
        if not isinstance(element, Mapping):
            continue
        if element.get("type") == "link" and isinstance(element.get("url"), str):
            yield element["url"]
        children = element.get("elements")
        if isinstance(children, list):
            stack.append(iter(children))


def _slack_unescape(text: str) -> str:
    """Undo Slack's escaping of `text`: exactly `&lt;`, `&gt;` and `&amp;`, the only entities it uses.

    Not `html.unescape`: that would also turn a query string such as `?a=1&copy=2`, should one ever arrive
    unescaped, into `?a=1©=2`.
    """
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _http_host(url: str) -> str | None:
    """The lower-cased host of an http(s) URL with a valid authority, else None."""
    try:
        parts = urlsplit(url)
        _ = parts.port  # raises ValueError on a malformed port
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https"):
        return None
    host = (parts.hostname or "").rstrip(".")
    return host or None


def _normalised_domains(domains: Iterable[str]) -> frozenset[str]:
    return frozenset(d.strip().strip(".").lower() for d in domains if d.strip().strip("."))


def _in_domains(host: str, domains: frozenset[str]) -> bool:
    """True when `host` is one of `domains` or a subdomain of one (`a.b.example.com` is in `example.com`)."""
    labels = host.split(".")
    return any(".".join(labels[i:]) in domains for i in range(len(labels)))


def _is_from_bot(message: Mapping[str, Any], bot_user_id: str | None, bot_id: str | None) -> bool:
    """True for messages written by a bot or an app: ours or anyone else's.

    Our own echoes carry `bot_id`, `app_id` and `bot_profile` today; the explicit checks on our own user
    and bot id keep them out even if Slack ever sends an echo with fewer of those fields.
    """
    return bool(
        message.get("bot_id")
        or message.get("app_id")
        or message.get("bot_profile")
        or message.get("subtype") == "bot_message"
        or (bot_user_id and message.get("user") == bot_user_id)
        or (bot_id and message.get("bot_id") == bot_id)
    )
