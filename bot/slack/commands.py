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
and the "shared by … in …" line shows that share, never another one, and links the URL of that share, never
the article's stored canonical URL, which may be the address under which it was first shared somewhere
private. Articles that were never shared in Slack (summarised from the CLI, or only previewed with
`/brief <url>`) are not searchable from Slack. The queries themselves are `bot.store.library`'s.

Buttons carry no authority. "Post in channel" and "More questions" carry a random token naming an offer
stored when the button was rendered (`bot.store.offers`); at click time the click must come from the
conversation the offer was made in, from the person it was made to (or, for a summary posted in a channel,
from someone who may see the article there now), and a "Post in channel" posts once per offer, however often
it is clicked or replayed. Anything else gets one short "expired" answer. "More results" values carry a query
and an offset, both re-run as the clicker: the offset is range-checked (`MAX_OFFSET`), and so are dates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Literal

from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import MarkdownTextObject, SectionBlock
from slack_sdk.web.async_client import AsyncWebClient

from bot.logs import get_logger
from bot.pipeline.runner import ArticlePipeline, StoredArticle
from bot.pipeline.urls import canonical_url
from bot.slack.links import links_in_message
from bot.slack.permissions import Visibility
from bot.slack.render import (
    RESULTS_PAGE_SIZE,
    EarlierShare,
    SearchHit,
    SlackMessage,
    has_more_questions,
    render_error,
    render_help,
    render_more_questions,
    render_search_results,
    render_summary,
)
from bot.slack.replies import PostFailed, Replier
from bot.slack.worker import article_view
from bot.store import articles as article_store
from bot.store import library, offers
from bot.store import shares as share_store
from bot.store.db import Database
from bot.store.library import MAX_OFFSET, ShareFilters
from bot.store.models import ChannelType, utcnow
from bot.store.offers import OfferRow
from bot.store.shares import NewShare, ShareRow, is_control_character
from bot.summarize.base import Summary

log = get_logger(__name__)

EXPIRED = "This button has expired. Run `/brief` again for a fresh one."
ALREADY_POSTED = "This summary was already posted here."
OUT_OF_RANGE = "That page of results is out of range; run the search again."
# How long a preview's buttons work for the person who asked (Slack's response_url lasts 30 minutes).
PERSONAL_OFFER_TTL = timedelta(days=1)
# A "More questions" value of replies posted before offers existed: the article's id (an INTEGER column).
_LEGACY_ARTICLE_ID = re.compile(r"[1-9][0-9]{0,8}")

_FILTER = re.compile(r"(?<!\S)(in|from|site|after|before):(<[^<>]*>|\S+)", re.IGNORECASE)
# Ids as long as Slack's can be (the share columns hold 64 characters), and no longer.
_CHANNEL_REF = re.compile(r"<#([CG][A-Z0-9]{1,63})(?:\|[^<>]*)?>|#?([CG][A-Z0-9]{2,63})")
_USER_REF = re.compile(r"<@([UW][A-Z0-9]{1,63})(?:\|[^<>]*)?>|@?([UW][A-Z0-9]{2,63})")
MAX_SITE_CHARS = 253  # the longest domain name DNS allows
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
    def filters(self) -> ShareFilters:
        return ShareFilters(self.channel_ids, self.user_ids, self.site, self.after, self.before)

    @property
    def has_filters(self) -> bool:
        return self.filters.narrow


def parse_brief(text: str) -> BriefRequest:
    """Parse the text after `/brief`. Problems (an unreadable filter) are collected, not raised.

    Control characters are read as spaces: typed text never carries them, and they must not reach a query.
    """
    text = "".join(" " if is_control_character(ch) else ch for ch in text or "").strip()
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
    return value if value and len(value) <= MAX_SITE_CHARS else None


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
        if not 0 <= offset <= MAX_OFFSET:
            return notice(OUT_OF_RANGE)
        request = parse_brief(text)
        if request.problems:
            return notice(*request.problems, "Try `/brief help` for the filters.")
        if request.kind == "help":
            return render_help()
        audience = await self.visibility.audience(user_id, channel_ids=request.channel_ids or None)
        async with self.database.session(read_only=True) as session:
            found = await library.find_shared(
                session, request.words, request.filters, audience, offset=offset, limit=RESULTS_PAGE_SIZE + 1
            )
        rendered = [
            SearchHit(
                url=shown_url(hit.share.url),
                title=hit.title,
                site_name=hit.site_name,
                tldr=hit.tldr,
                share=await self._earlier(hit.share),
            )
            for hit in found[:RESULTS_PAGE_SIZE]
        ]
        next_offset = offset + RESULTS_PAGE_SIZE if len(found) > RESULTS_PAGE_SIZE else None
        if next_offset is not None and next_offset > MAX_OFFSET:
            next_offset = None
        return render_search_results(text, rendered, offset=offset, next_offset=next_offset)

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

    async def summarize(self, url: str, *, user_id: str, channel_id: str) -> SlackMessage:
        """The ephemeral preview for `/brief <url>`, with "Post in channel"; or the one-line reason.

        The preview links the address the caller gave (where it led, cleaned), never the article's stored
        canonical URL: the same text may have been shared first in a conversation the caller is not in, and
        under a URL that says more than it should. Both buttons carry one offer, for this caller and this
        conversation.
        """
        outcome = await self.pipeline.process(url)
        if outcome.error is not None or outcome.article is None:
            code = outcome.error.code if outcome.error else "internal_error"
            message = outcome.error.message if outcome.error else "Something went wrong on our side."
            return render_error(url, code, message)
        view = replace(article_view(outcome.article, outcome.summary), url=shown_url(outcome.final_url or url))
        async with self.database.session() as session, session.begin():
            token = await offers.create_offer(
                session, article_id=outcome.article.id, channel_id=channel_id, user_id=user_id, url=view.url
            )
        return render_summary(view, more_qa_value=token, post_value=token)

    # -------------------------------------------------------------------------------------------- buttons

    async def more_questions(self, value: str, *, user_id: str, channel_id: str) -> SlackMessage:
        """The rest of an article's questions, for a clicker who may see the article here."""
        if _LEGACY_ARTICLE_ID.fullmatch(value):
            # A reply posted before buttons carried offers: the number is only a claim, so the article must
            # have been answered in this very conversation, where the clicker can read it.
            article_id = int(value)
            if not await self.visibility.may_see(user_id, article_id, channel_id=channel_id):
                return expired()
        else:
            offer = await self._offer(value, user_id=user_id, channel_id=channel_id)
            if offer is None:
                return expired()
            article_id = offer.article_id
        loaded = await self._load(article_id)
        if loaded is None:
            return notice("That article is no longer stored.")
        article, summary = loaded
        return render_more_questions(article_view(article, summary))

    async def post_in_channel(self, value: str, *, channel_id: str, user_id: str, team_id: str) -> SlackMessage | None:
        """Post the offered summary in the channel, once per offer; None when posted, else a notice."""
        offer = await self._offer(value, user_id=user_id, channel_id=channel_id)
        if offer is None or offer.user_id is None:
            return expired()
        async with self.database.session() as session, session.begin():
            claimed = await offers.claim(session, offer.token)
        if not claimed:
            return notice(ALREADY_POSTED)
        try:
            problem = await self._post_offer(offer, team_id=team_id)
        except BaseException:
            await self._release(offer.token)
            raise
        if problem is not None:
            await self._release(offer.token)
        return problem

    async def _post_offer(self, offer: OfferRow, *, team_id: str) -> SlackMessage | None:
        loaded = await self._load(offer.article_id)
        if loaded is None:
            return notice("That article is no longer stored.")
        view = article_view(*loaded)
        view = replace(view, url=offer.url or view.url)
        more_qa: str | None = None
        if has_more_questions(view):  # anyone in the channel may open the rest of a summary posted there
            async with self.database.session() as session, session.begin():
                more_qa = await offers.create_offer(
                    session, article_id=offer.article_id, channel_id=offer.channel_id, user_id=None, url=view.url
                )
        try:
            posted = await self.replier.post(
                offer.channel_id, render_summary(view, more_qa_value=more_qa), thread_ts=None
            )
        except PostFailed as failure:
            if more_qa is not None:
                async with self.database.session() as session, session.begin():
                    await offers.withdraw(session, more_qa)
            if failure.code in ("not_in_channel", "channel_not_found"):
                return notice("I'm not in this conversation, so I can't post here. Invite me first.")
            return notice("Slack did not accept the post; please try again in a moment.")
        share = NewShare(
            team_id=team_id,
            channel_id=offer.channel_id,
            channel_type=await self._channel_type(offer.channel_id),
            message_ts=posted.ts,
            thread_ts=posted.ts,
            user_id=offer.user_id or "",
            url=view.url,
        )
        async with self.database.session() as session, session.begin():
            await share_store.add_done_share(session, share, article_id=offer.article_id, reply_ts=posted.ts)
        return None

    async def _offer(self, value: str, *, user_id: str, channel_id: str) -> OfferRow | None:
        """The offer a button value names, if this click may use it: clicked in the conversation it was
        offered in, by the person it was offered to (within `PERSONAL_OFFER_TTL`) or, for an offer to
        everyone there, by someone who may see the article there now. None for anything else, forged or not."""
        async with self.database.session(read_only=True) as session:
            offer = await offers.offer_by_token(session, value)
        if offer is None or offer.channel_id != channel_id:
            return None
        if offer.user_id is not None:
            # Offered to this person for a link they gave: they may see what it says.
            fresh = utcnow() - offer.created_at <= PERSONAL_OFFER_TTL
            return offer if offer.user_id == user_id and fresh else None
        if not await self.visibility.may_see(user_id, offer.article_id, channel_id=offer.channel_id):
            return None
        return offer

    async def _release(self, token: str) -> None:
        async with self.database.session() as session, session.begin():
            await offers.release(session, token)

    async def _load(self, article_id: int) -> tuple[StoredArticle, Summary | None] | None:
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


def expired() -> SlackMessage:
    """The answer to a button that cannot be used: forged, replayed elsewhere, not the clicker's, or old. One
    answer for all of them, so a refusal tells nothing about what the value named."""
    return notice(EXPIRED)


def shown_url(url: str) -> str:
    """The address to show for a link someone shared or gave: cleaned of tracking parameters and fragments."""
    try:
        return canonical_url(url)
    except ValueError:
        return url
