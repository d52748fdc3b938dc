"""`/brief`: search past summaries, summarise one link on demand, explain usage; and the buttons on replies.

Parsing is separate from doing (`parse_brief` is a pure function of the command text) so the grammar can be
tested without Slack. The manifest sets `should_escape: true`, so Slack hands us `#channel` and `@user` as
`<#C…|name>` and `<@U…|name>` (stable ids, not names that can be renamed), and links as `<url>` or
`<url|label>`; plain ids and bare URLs are accepted too, for clients that do not escape.

Filters:
- `in:#channel`: links shared in that channel; `from:@user`: links that person shared;
- `site:example.com`: articles from that site (subdomains included);
- `after:YYYY-MM-DD` / `before:YYYY-MM-DD`: links *shared* after / before that day (UTC, both exclusive, as in
  Slack's own search). The help text promises the share date, which is what "when was this posted here"
  means to the person searching; the article's publication date is shown in each result.

Every result passes the caller's visibility (`bot.slack.permissions`): an article appears only if some answered
share of it, matching the filters, is in a public channel or in a private conversation the caller belongs to,
and the "shared by … in …" line shows that share, never another one. Articles that were never shared in Slack
(summarised from the CLI, or only previewed with `/brief <url>`) are not searchable from Slack.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal

import sqlalchemy as sa
from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import MarkdownTextObject, SectionBlock
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import ColumnElement
from sqlalchemy.ext.asyncio import AsyncSession

from bot.logs import get_logger
from bot.pipeline.runner import ArticlePipeline, StoredArticle
from bot.slack.links import links_in_message
from bot.slack.permissions import Visibility
from bot.slack.render import (
    RESULTS_PAGE_SIZE,
    EarlierShare,
    SearchHit,
    SlackMessage,
    render_error,
    render_help,
    render_more_questions,
    render_search_results,
    render_summary,
)
from bot.slack.replies import PostFailed, Replier
from bot.slack.worker import article_view
from bot.store import articles as article_store
from bot.store import search as store_search
from bot.store import shares as share_store
from bot.store.db import Database
from bot.store.models import Article, ChannelType, Share, ShareStatus, StoredSummary
from bot.store.shares import NewShare, ShareRow
from bot.summarize.base import Summary

log = get_logger(__name__)

_FILTER = re.compile(r"(?<!\S)(in|from|site|after|before):(<[^<>]*>|\S+)", re.IGNORECASE)
_CHANNEL_REF = re.compile(r"<#([CG][A-Z0-9]+)(?:\|[^<>]*)?>|#?([CG][A-Z0-9]{2,})")
_USER_REF = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^<>]*)?>|@?([UW][A-Z0-9]{2,})")
_BARE_URL = re.compile(r"https?://\S+", re.IGNORECASE)
_SLACK_LINK = re.compile(r"<[^<>]+>")
_HELP_WORDS = frozenset({"help", "?", "-h", "--help"})


@dataclass(frozen=True, slots=True)
class BriefRequest:
    """What a `/brief` text asks for."""

    kind: Literal["help", "summarize", "search"]
    words: str = ""
    url: str | None = None
    channel_ids: tuple[str, ...] = ()
    user_ids: tuple[str, ...] = ()
    site: str | None = None
    after: date | None = None
    before: date | None = None
    problems: tuple[str, ...] = field(default=())

    @property
    def has_filters(self) -> bool:
        return bool(self.channel_ids or self.user_ids or self.site or self.after or self.before)


def parse_brief(text: str) -> BriefRequest:
    """Parse the text after `/brief`. Problems (an unreadable filter) are collected, not raised."""
    text = (text or "").strip()
    if not text or text.lower() in _HELP_WORDS:
        return BriefRequest(kind="help")
    channels: list[str] = []
    users: list[str] = []
    site: str | None = None
    after: date | None = None
    before: date | None = None
    problems: list[str] = []
    for match in _FILTER.finditer(text):
        key, value = match.group(1).lower(), match.group(2)
        if key == "in":
            found = _CHANNEL_REF.fullmatch(value)
            if found:
                channels.append(found.group(1) or found.group(2))
            else:
                problems.append("`in:` needs a channel picked from Slack's list (type `#` and choose one).")
        elif key == "from":
            found = _USER_REF.fullmatch(value)
            if found:
                users.append(found.group(1) or found.group(2))
            else:
                problems.append("`from:` needs a person picked from Slack's list (type `@` and choose one).")
        elif key == "site":
            site = _site_value(value)
            if not site:
                problems.append("`site:` needs a domain, like `site:example.com`.")
        else:
            day = _date_value(value)
            if day is None:
                problems.append(f"`{key}:` needs a date written like `{key}:2026-01-31`.")
            elif key == "after":
                after = day
            else:
                before = day
    words = " ".join(_FILTER.sub(" ", text).split())
    url = _single_url(words)
    if url is not None and not (channels or users or site or after or before):
        return BriefRequest(kind="summarize", url=url)
    return BriefRequest(
        kind="search",
        words=words,
        channel_ids=tuple(dict.fromkeys(channels)),
        user_ids=tuple(dict.fromkeys(users)),
        site=site,
        after=after,
        before=before,
        problems=tuple(dict.fromkeys(problems)),
    )


def _site_value(value: str) -> str | None:
    if value.startswith("<") and value.endswith(">"):
        target, _, label = value[1:-1].partition("|")
        value = label or target  # Slack may auto-link a typed domain: <http://example.com|example.com>
    value = re.sub(r"^[a-z][a-z0-9+.-]*://", "", value.strip(), flags=re.IGNORECASE).split("/", 1)[0]
    value = value.strip().strip(".").lower()
    return value or None


def _date_value(value: str) -> date | None:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        return None


def _single_url(words: str) -> str | None:
    """The URL when the text is one link and nothing else (escaped `<url|label>` or a bare URL)."""
    if _SLACK_LINK.fullmatch(words):
        found = links_in_message({"text": words}, max_links=1)
        return found[0] if found else None
    return words if _BARE_URL.fullmatch(words) else None


def notice(*lines: str) -> SlackMessage:
    """A short ephemeral message of our own fixed text (never echoes what the user typed)."""
    text = "\n".join(lines)
    block = SectionBlock(text=MarkdownTextObject(text=text, verbatim=True)).to_dict()
    return SlackMessage(text=text, blocks=[block])


@dataclass(frozen=True, slots=True)
class _Hit:
    article_id: int
    title: str | None
    url: str
    site_name: str | None
    tldr: str | None


class BriefCommands:
    """What `/brief` and the reply buttons do, independent of Bolt (app.py wires them to requests)."""

    def __init__(
        self,
        database: Database,
        pipeline: ArticlePipeline,
        replier: Replier,
        visibility: Visibility,
        client: AsyncWebClient,
    ) -> None:
        self.database = database
        self.pipeline = pipeline
        self.replier = replier
        self.visibility = visibility
        self.client = client

    # -------------------------------------------------------------------------------------------- search

    async def search(self, user_id: str, text: str, *, offset: int = 0) -> SlackMessage:
        """One page of results for `text`, as `user_id` may see them."""
        request = parse_brief(text)
        if request.problems:
            return notice(*request.problems, "Try `/brief help` for the filters.")
        if request.kind == "help":
            return render_help()
        visible = await self.visibility.visible_shares(user_id, channel_ids=request.channel_ids or None)
        conditions = [*_share_conditions(request), visible]
        async with self.database.session(read_only=True) as session:
            hits = await self._find(session, request, conditions, offset)
            page = hits[:RESULTS_PAGE_SIZE]
            shares = await _first_shares(session, [h.article_id for h in page], conditions)
        rendered = [
            SearchHit(
                url=h.url,
                title=h.title,
                site_name=h.site_name,
                tldr=h.tldr,
                share=await self._earlier(shares[h.article_id]) if h.article_id in shares else None,
            )
            for h in page
        ]
        next_offset = offset + RESULTS_PAGE_SIZE if len(hits) > RESULTS_PAGE_SIZE else None
        return render_search_results(text, rendered, offset=offset, next_offset=next_offset)

    async def _find(
        self, session: AsyncSession, request: BriefRequest, conditions: list[ColumnElement[bool]], offset: int
    ) -> list[_Hit]:
        shared_visibly = sa.exists().where(Share.article_id == Article.id, *conditions)
        if store_search.is_searchable(request.words):
            query = store_search.SearchQuery(
                text=request.words, site=request.site, limit=RESULTS_PAGE_SIZE + 1, offset=offset
            )
            found = await store_search.search(session, query, filters=[shared_visibly])
            return [_Hit(h.article_id, h.title, h.url, h.site_name, h.tldr) for h in found]
        if request.words or not request.has_filters:
            return []
        # Filters alone: the matching articles, most recently shared first.
        last_shared = (
            sa.select(sa.func.max(Share.created_at))
            .where(Share.article_id == Article.id, *conditions)
            .scalar_subquery()
        )
        stmt = (
            sa.select(Article.id, Article.title, Article.canonical_url, Article.site_name, _latest_tldr())
            .where(shared_visibly, *_site_conditions(request.site))
            .order_by(last_shared.desc(), Article.id.desc())
            .limit(RESULTS_PAGE_SIZE + 1)
            .offset(offset)
        )
        rows = await session.execute(stmt)
        return [_Hit(*row) for row in rows]

    async def _earlier(self, share: ShareRow) -> EarlierShare:
        permalink = await self.replier.permalink(share.channel_id, share.reply_ts or share.message_ts)
        name = await self.replier.user_name(share.user_id) if share.user_id else None
        return EarlierShare(
            channel_id=share.channel_id,
            user_id=share.user_id or None,
            shared_at=share.created_at,
            permalink=permalink,
            user_name=name,
        )

    # --------------------------------------------------------------------------------- one link on demand

    async def summarize(self, url: str) -> SlackMessage:
        """The ephemeral preview for `/brief <url>`, with "Post in channel"; or the one-line reason."""
        outcome = await self.pipeline.process(url)
        if outcome.error is not None or outcome.article is None:
            code = outcome.error.code if outcome.error else "internal_error"
            message = outcome.error.message if outcome.error else "Something went wrong on our side."
            return render_error(url, code, message)
        view = article_view(outcome.article, outcome.summary)
        value = str(outcome.article.id)
        return render_summary(view, more_qa_value=value, post_value=value)

    # -------------------------------------------------------------------------------------------- buttons

    async def more_questions(self, article_id_value: str) -> SlackMessage:
        loaded = await self._load(article_id_value)
        if loaded is None:
            return notice("That article is no longer stored.")
        article, summary = loaded
        return render_more_questions(article_view(article, summary))

    async def post_in_channel(
        self, article_id_value: str, *, channel_id: str, user_id: str, team_id: str
    ) -> SlackMessage | None:
        """Post the stored summary in the channel; None when posted, else a notice for the clicker."""
        loaded = await self._load(article_id_value)
        if loaded is None:
            return notice("That article is no longer stored.")
        article, summary = loaded
        message = render_summary(article_view(article, summary), more_qa_value=str(article.id))
        try:
            posted = await self.replier.post(channel_id, message, thread_ts=None)
        except PostFailed as failure:
            if failure.code in ("not_in_channel", "channel_not_found"):
                return notice("I'm not in this conversation, so I can't post here. Invite me first.")
            return notice("Slack did not accept the post; please try again in a moment.")
        share = NewShare(
            team_id=team_id,
            channel_id=channel_id,
            channel_type=await self._channel_type(channel_id),
            message_ts=posted.ts,
            thread_ts=posted.ts,
            user_id=user_id,
            url=article.canonical_url,
        )
        async with self.database.session() as session, session.begin():
            await share_store.add_done_share(session, share, article_id=article.id, reply_ts=posted.ts)
        return None

    async def _load(self, article_id_value: str) -> tuple[StoredArticle, Summary | None] | None:
        try:
            article_id = int(article_id_value)
        except ValueError:
            return None
        async with self.database.session(read_only=True) as session:
            row = await article_store.article_by_id(session, article_id)
            if row is None:
                return None
            summary = await article_store.latest_summary(session, article_id)
            return StoredArticle.from_row(row), summary

    async def _channel_type(self, channel_id: str) -> str:
        """public / private / DM, from conversations.info; private when Slack will not say."""
        try:
            info = (await self.client.conversations_info(channel=channel_id)).get("channel") or {}
        except SlackApiError:
            return ChannelType.IM.value if channel_id.startswith("D") else ChannelType.GROUP.value
        if info.get("is_im"):
            return ChannelType.IM.value
        if info.get("is_mpim"):
            return ChannelType.MPIM.value
        if info.get("is_private") or info.get("is_group"):
            return ChannelType.GROUP.value
        return ChannelType.CHANNEL.value


def _share_conditions(request: BriefRequest) -> list[ColumnElement[bool]]:
    """The filters that are about the share (where, who, when), as clauses on `Share`."""
    conditions: list[ColumnElement[bool]] = [Share.status == ShareStatus.DONE.value, Share.article_id.is_not(None)]
    if request.channel_ids:
        conditions.append(Share.channel_id.in_(request.channel_ids))
    if request.user_ids:
        conditions.append(Share.user_id.in_(request.user_ids))
    if request.after is not None:
        conditions.append(Share.created_at >= datetime.combine(request.after + timedelta(days=1), time(), UTC))
    if request.before is not None:
        conditions.append(Share.created_at < datetime.combine(request.before, time(), UTC))
    return conditions


def _site_conditions(site: str | None) -> list[ColumnElement[bool]]:
    if not site:
        return []
    host = site.removeprefix("www.")
    pattern = "%." + host.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return [
        sa.or_(
            Article.host == host,
            Article.host.like(pattern, escape="\\"),
            sa.func.lower(Article.site_name) == site,
        )
    ]


def _latest_tldr() -> ColumnElement[str | None]:
    return (
        sa.select(StoredSummary.tldr)
        .where(StoredSummary.article_id == Article.id)
        .order_by(StoredSummary.created_at.desc(), StoredSummary.id.desc())
        .limit(1)
        .scalar_subquery()
    )


async def _first_shares(
    session: AsyncSession, article_ids: Sequence[int], conditions: list[ColumnElement[bool]]
) -> dict[int, ShareRow]:
    """For each article, its earliest share that matches the filters and the caller may see."""
    if not article_ids:
        return {}
    rows = await session.scalars(
        sa.select(Share)
        .where(Share.article_id.in_(list(article_ids)), *conditions)
        .order_by(Share.created_at, Share.id)
    )
    first: dict[int, ShareRow] = {}
    for row in rows:
        if row.article_id is not None and row.article_id not in first:
            first[row.article_id] = ShareRow.from_row(row)
    return first
