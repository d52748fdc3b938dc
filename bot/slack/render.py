"""Block Kit messages for every reply linkbrief posts, built with `slack_sdk.models.blocks`.

Everything shown here comes from strangers: page titles, authors, site names and summaries are written by
whoever published the article, and search queries by whoever typed them. So every such string is

- cleaned: control characters and bidirectional overrides removed, all whitespace (newlines included)
  collapsed to single spaces, so a value can never start a new line of our layout (a fake bullet, a fake
  "Questions answered" heading, a `>` quote);
- escaped: `&`, `<`, `>` become `&amp;`, `&lt;`, `&gt;` (Slack decodes exactly these three), so `<!channel>`,
  `<@U123>` or `<https://evil|trusted>` reach Slack as literal text that pings and links nothing;
- defused for mrkdwn: each `*`, `_`, `~` is wrapped in zero-width spaces, so it can neither open nor close
  bold, italics or strikethrough whether Slack treats a zero-width space as a word boundary or as a letter,
  and a backtick becomes the look-alike `ˋ` (U+02CB), so no code span or ``` block can swallow the lines
  after it. Plain-text fields (the header, button labels) need no defusing;
- cut to fit: lengths are counted after escaping (`&` costs five characters), cuts end in "…" on a word
  boundary where that loses little, and never split an entity.

mrkdwn text objects are sent with `verbatim: true`, so Slack does not auto-link URLs or channel names in
untrusted text; the only links in a message are the `<url|label>` ones built here from URLs that parsed as
http(s) (percent-encoded by yarl, credentials dropped), with escaped labels.

Size: besides the per-block limits the SDK checks (header 150, section 3000, 50 blocks), Slack rejects
messages whose blocks total roughly 13k characters (`msg_blocks_too_long`, docs/slack.md §5). Every renderer
builds its message with generous caps, measures the blocks as compact JSON in UTF-8 bytes (which bounds the
character count whichever of the two Slack means), and rebuilds with halved caps until it fits
`BLOCKS_BUDGET_BYTES`.
"""

from __future__ import annotations

import base64
import json
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, TypedDict

import yarl
from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)
from slack_sdk.models.messages import DateLink, Link, ObjectLink

from bot.summarize.base import Summary

# action_ids the Bolt app listens for.
ACTION_MORE_QA = "brief_more_qa"
ACTION_MORE_RESULTS = "brief_more_results"
ACTION_POST_SUMMARY = "brief_post_summary"

MAX_BLOCKS = 50
BLOCKS_BUDGET_BYTES = 9_000  # well under the ~13.2k where Slack starts answering msg_blocks_too_long
FALLBACK_TEXT_MAX = 400  # notification / screen-reader text; Slack's own cap is 40,000
WORDS_PER_MINUTE = 230
QA_SHOWN = 3
KEY_POINTS_SHOWN = 5
RESULTS_PAGE_SIZE = 5
MORE_QA_PAGE = 10
BUTTON_VALUE_MAX = 2000

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_SCALES = (1.0, 0.5, 0.25, 0.125)

_ESCAPES = {ord("&"): "&amp;", ord("<"): "&lt;", ord(">"): "&gt;"}
_MRKDWN_ESCAPES = {
    **_ESCAPES,
    ord("*"): "\u200b*\u200b",
    ord("_"): "\u200b_\u200b",
    ord("~"): "\u200b~\u200b",
    ord("`"): "\u02cb",
}
# C0/C1 control characters other than whitespace, and the Unicode bidi controls that can make text display
# in a different order than it reads (a title that shows one domain and means another).
_DROPPED = {
    **{cp: None for cp in (*range(0x00, 0x20), *range(0x7F, 0xA0)) if not chr(cp).isspace()},
    **{cp: None for cp in (0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A))},
}
_USER_ID = re.compile(r"[UW][A-Z0-9]{2,30}")
_CHANNEL_ID = re.compile(r"[CG][A-Z0-9]{2,30}")


@dataclass(frozen=True, slots=True)
class ArticleView:
    """What a reply shows about one article: the worker builds it from the stored article and summary."""

    url: str
    title: str | None
    site_name: str | None
    author: str | None
    published: date | None
    word_count: int
    summary: Summary | None


@dataclass(frozen=True, slots=True)
class EarlierShare:
    """Where and when an article was shared before, for duplicate replies and search results.

    `user_name` is optional: when the worker knows it (users.info), the sharer is named in plain text;
    otherwise they are shown as a `<@U…>` mention, which in a public reply notifies them.
    """

    channel_id: str
    user_id: str | None
    shared_at: datetime
    permalink: str | None
    user_name: str | None = None


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One `/brief` search result."""

    url: str
    title: str | None
    site_name: str | None
    tldr: str | None
    share: EarlierShare | None


class MessageKwargs(TypedDict):
    """The keyword arguments `SlackMessage.as_kwargs` gives: typed so `**` into an SDK call is checked."""

    text: str
    blocks: list[dict[str, Any]]


@dataclass(frozen=True, slots=True)
class SlackMessage:
    """A rendered message: `text` is the notification / accessibility fallback, `blocks` JSON-ready dicts."""

    text: str
    blocks: list[dict[str, Any]]

    def as_kwargs(self) -> MessageKwargs:
        """The `text` and `blocks` arguments of chat.postMessage / postEphemeral / respond."""
        return {"text": self.text, "blocks": self.blocks}


@dataclass(frozen=True, slots=True)
class _Caps:
    """Length caps, in escaped characters, for untrusted values; scaled down when a message is too big."""

    site: int
    author: int
    tldr: int
    key_point: int
    question: int
    answer: int
    label: int
    url: int
    summarizer: int
    query: int

    @classmethod
    def at(cls, scale: float) -> _Caps:
        def c(n: int) -> int:
            return max(24, int(n * scale))

        return cls(
            site=c(80),
            author=c(80),
            tldr=c(700),
            # a whole bullet: the summarisers' longest standalone sentence (70 words, about 450 characters in
            # German or Spanish); cut mid-clause, it reads as a fragment
            key_point=c(480),
            question=c(250),
            answer=c(500),
            label=c(150),
            url=c(1000),
            summarizer=c(60),
            query=c(100),
        )


# --------------------------------------------------------------------------------------------- renderers


def render_summary(
    view: ArticleView, *, more_qa_value: str | None = None, post_value: str | None = None
) -> SlackMessage:
    """The summary reply (docs/architecture.md §1): header, meta line, TL;DR, key points, Q&A, footer.

    Sections whose summary field is missing are left out. With more than `QA_SHOWN` question/answer pairs
    and a `more_qa_value`, a "More questions" button (`ACTION_MORE_QA`) carries it; with a `post_value`, a
    "Post in channel" button (`ACTION_POST_SUMMARY`) is added for the ephemeral `/brief <url>` preview. The
    values are opaque to this module: an offer's token (`bot.store.offers`), which the click is checked
    against; a button value is never trusted for what it says.
    """
    summary = view.summary
    more_qa = more_qa_value if has_more_questions(view) else None

    def build(caps: _Caps) -> list[Block]:
        blocks: list[Block] = [_header(_title_of(view)), *_meta(view, caps)]
        if summary is not None:
            blocks += _summary_sections(summary, caps, key_points=KEY_POINTS_SHOWN, qa=QA_SHOWN)
        buttons = []
        if more_qa is not None:
            buttons.append(_button("More questions", ACTION_MORE_QA, more_qa))
        if post_value is not None:
            buttons.append(_button("Post in channel", ACTION_POST_SUMMARY, post_value, primary=True))
        if buttons:
            blocks.append(ActionsBlock(elements=buttons))
        blocks += _footer(view, caps)
        return blocks

    return SlackMessage(text=_summary_fallback(view), blocks=_fit_blocks(build))


def has_more_questions(view: ArticleView) -> bool:
    """Whether `render_summary` would show a "More questions" button for this view (given a value)."""
    return view.summary is not None and len(_qa_pairs(view.summary)) > QA_SHOWN


def render_more_questions(view: ArticleView, *, start: int = QA_SHOWN) -> SlackMessage:
    """The questions behind the "More questions" button: pairs from `start` on, `MORE_QA_PAGE` at most."""
    pairs = _qa_pairs(view.summary) if view.summary else []
    shown = pairs[start : start + MORE_QA_PAGE]
    hidden = max(0, len(pairs) - start - len(shown))
    title = _mrkdwn_text(_title_of(view), 200)

    def build(caps: _Caps) -> list[Block]:
        blocks: list[Block] = [_section(f"*More questions answered* · {title}")]
        blocks += [_section(_qa_text(q, a, caps)) for q, a in shown]
        if not shown:
            blocks.append(_section("No further questions for this article."))
        if hidden:
            blocks.append(_context(f"+{hidden} more not shown"))
        return blocks

    fallback = _mrkdwn_text(f"More questions answered: {_title_of(view)}", FALLBACK_TEXT_MAX)
    return SlackMessage(text=fallback, blocks=_fit_blocks(build))


def render_duplicate(view: ArticleView, earlier: EarlierShare) -> SlackMessage:
    """The short reply to a link shared before: where, when and by whom, then the stored summary, compact."""
    where = _channel_ref(earlier.channel_id)
    when = _instant(earlier.shared_at)
    by = _user_ref(earlier.user_id, earlier.user_name)

    def build(caps: _Caps) -> list[Block]:
        there = _link(earlier.permalink, "summary there", caps.url) or "summary in that thread"
        line = f"Shared before in {where} on {when}" + (f" by {by}" if by else "") + f" — {there}"
        title = _link(view.url, _title_of(view), caps.url, caps.label) or _mrkdwn_text(_title_of(view), caps.label)
        blocks: list[Block] = [_section(line), _section(f"*{title}*"), *_meta(view, caps)]
        if view.summary is not None:
            blocks += _summary_sections(view.summary, caps, key_points=3, qa=0)
        blocks += _footer(view, caps)
        return blocks

    prefix = f"Shared before in {where}: "
    fallback = prefix + _mrkdwn_text(_title_of(view), FALLBACK_TEXT_MAX - len(prefix))
    return SlackMessage(text=fallback, blocks=_fit_blocks(build))


def render_error(url: str, code: str, message: str) -> SlackMessage:
    """One short, human line saying why a link could not be summarised. Never a traceback.

    `message` is a PipelineError's one-line message; only its first line is shown, however it was built.
    `code` goes into the block_id (`brief_error_<code>`), for the app and tests, not to the reader.
    """
    first_line = next((ln for ln in message.splitlines() if ln.strip()), "") or "Something went wrong."
    reason = _mrkdwn_text(first_line, 300)
    target = _link(url, _host_label(url) or url, 1000) or _mrkdwn_text(url, 100)
    line = f":warning: Couldn't summarise {target}: {reason}"
    block_id = "brief_error_" + (re.sub(r"[^a-z0-9_]", "_", code.lower())[:64] or "unknown")
    blocks = [SectionBlock(text=_md(line), block_id=block_id).to_dict()]
    fallback = f"Couldn't summarise {_mrkdwn_text(_host_label(url) or url, 100)}: {reason}"
    return SlackMessage(text=fallback, blocks=blocks)


def render_search_results(
    query: str,
    hits: Sequence[SearchHit],
    *,
    offset: int = 0,
    next_offset: int | None = None,
    total: int | None = None,
) -> SlackMessage:
    """Ephemeral `/brief` results: `RESULTS_PAGE_SIZE` at a time, with a "More results" button.

    `hits` is the page starting at `offset`; when `next_offset` is given, the button (`ACTION_MORE_RESULTS`)
    carries the query and that offset (see `more_results_value`), since a button on an ephemeral message
    gets nothing else back from Slack.
    """
    page = list(hits[:RESULTS_PAGE_SIZE])
    first, last = offset + 1, offset + len(page)

    def build(caps: _Caps) -> list[Block]:
        q = _mrkdwn_text(query, caps.query)
        if not page:
            return [
                _section(f"No summaries match “{q}”."),
                _context(_escape("Try `/brief help` for filters.")),
            ]
        of_total = f" of {total}" if total is not None else ""
        blocks: list[Block] = [_section(f"*Results {first}–{last}{of_total}* for “{q}”")]
        for hit in page:
            blocks += [DividerBlock(), *_hit_blocks(hit, caps)]
        if next_offset is not None:
            value = more_results_value(query, next_offset)
            blocks.append(ActionsBlock(elements=[_button("More results", ACTION_MORE_RESULTS, value)]))
        return blocks

    text = f"{len(page)} result(s) for “{_mrkdwn_text(query, 100)}”" if page else "No results"
    return SlackMessage(text=text, blocks=_fit_blocks(build))


def render_help() -> SlackMessage:
    """Usage of `/brief`, for `/brief help`."""
    search = "\n".join(
        [
            "*Search past summaries*",
            "`/brief <words>` searches the articles summarised before.",
            "Filters, combined with words or each other:",
            "• `in:#channel` only links shared in that channel",
            "• `from:@user` only links that person shared",
            "• `site:example.com` only articles from that site",
            "• `after:2026-01-01` / `before:2026-02-01` only links shared after / before that day",
            "Results come only from public channels and channels you are a member of.",
        ]
    )
    one_link = "\n".join(
        [
            "*Summarise one link*",
            "`/brief <url>` summarises a link just for you, with a button to post it in the channel.",
            "`/brief help` shows this message.",
        ]
    )
    followups = "\n".join(
        [
            "*Ask about an article*",
            "Mention me with a question in the thread of a summary, like `@linkbrief how much will it cost?`.",
            "`/brief followups on` makes me answer every question asked in summary threads here (`off` to stop).",
            "`/brief ask <question>` answers from every summary you can see, each passage cited.",
            "`/brief asked [words]` lists the questions you asked me, newest first.",
        ]
    )
    digests = "\n".join(
        [
            "*Digests*",
            "`/brief digest weekly` posts here every Monday at 09:00 UTC what was shared in the week; `daily` every "
            "day; day, time and time zone as in `/brief digest weekly friday 16:30 Europe/Paris`; `off` stops it.",
        ]
    )
    example = "Example: `/brief rate limits in:#eng after:2026-01-01`"
    blocks = [
        _section(_escape(search)).to_dict(),
        _section(_escape(one_link)).to_dict(),
        _section(_escape(followups)).to_dict(),
        _section(_escape(digests)).to_dict(),
        _context(_escape(example)).to_dict(),
    ]
    return SlackMessage(text="How to use /brief", blocks=blocks)


def more_results_value(query: str, offset: int) -> str:
    """The "More results" button value: the query and the next offset, within the 2000-character limit.

    base64url of compact JSON: opaque to Slack, so nothing in a query (`<`, `&`, quotes) is ever escaped,
    rendered or changed on its way back in the block_actions payload. Over-long queries are cut.
    """
    q = query
    while True:
        data = json.dumps({"q": q, "offset": offset}, ensure_ascii=False, separators=(",", ":"))
        value = base64.urlsafe_b64encode(data.encode()).decode()
        if len(value) <= BUTTON_VALUE_MAX:
            return value
        q = q[: len(q) * BUTTON_VALUE_MAX // len(value) - 1]


def parse_more_results_value(value: str) -> tuple[str, int]:
    """The query and offset from a "More results" button value; ValueError when it is not one of ours."""
    try:
        data = json.loads(base64.urlsafe_b64decode(value.encode()))
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValueError("not a more-results value") from exc
    if not isinstance(data, dict) or not isinstance(data.get("q"), str):
        raise ValueError("not a more-results value")
    offset = data.get("offset")
    if not isinstance(offset, int) or isinstance(offset, bool) or offset < 0:
        raise ValueError("not a more-results value")
    return data["q"], offset


# ------------------------------------------------------------------------------------------ block parts


def _summary_sections(summary: Summary, caps: _Caps, *, key_points: int, qa: int) -> list[Block]:
    blocks: list[Block] = []
    tldr = _mrkdwn_text(summary.tldr, caps.tldr)
    if tldr:
        blocks.append(_section(f"*TL;DR*  {tldr}"))
    points = [p for p in (_mrkdwn_text(k, caps.key_point) for k in summary.key_points_beyond_tldr) if p]
    if points and key_points > 0:
        lines = [f"• {p}" for p in points[:key_points]]
        if len(points) > key_points:
            lines.append(f"+{len(points) - key_points} more")
        blocks.append(_section("*Key points*\n" + "\n".join(lines)))
    pairs = _qa_pairs(summary)
    if pairs and qa > 0:
        text = "\n\n".join(_qa_text(q, a, caps) for q, a in pairs[:qa])
        blocks.append(_section("*Questions answered*\n" + text))
    return blocks


def _qa_pairs(summary: Summary) -> list[tuple[str, str]]:
    """Question/answer pairs with a non-empty question, raw (escaped later, per caps).

    Only the pairs whose answer says something the TL;DR and key points did not (`qa_beyond_key_points`):
    a reply never tells the reader the same thing twice, whichever summariser wrote it.
    """
    return [(p.question, p.answer) for p in summary.qa_beyond_key_points if _clean(p.question)]


def _qa_text(question: str, answer: str, caps: _Caps) -> str:
    a = _mrkdwn_text(answer, caps.answer)
    return f"*Q*  {_mrkdwn_text(question, caps.question)}" + (f"\n*A*  {a}" if a else "")


def _meta(view: ArticleView, caps: _Caps) -> list[Block]:
    """The context line: site · author · date · N min read (only the parts that are known)."""
    parts = [
        _mrkdwn_text(view.site_name or _host_label(view.url), caps.site),
        _mrkdwn_text(view.author, caps.author),
        _date_text(view.published) if view.published else "",
        f"{math.ceil(view.word_count / WORDS_PER_MINUTE)} min read" if view.word_count > 0 else "",
    ]
    line = " · ".join(p for p in parts if p)
    return [_context(line)] if line else []


def _footer(view: ArticleView, caps: _Caps) -> list[Block]:
    """The line `summarised offline · extractive  |  <original link>`; without a summary, just the link."""
    summary = view.summary
    origin = ""
    if summary is not None and summary.model:
        origin = "summarised by " + _mrkdwn_text(f"{summary.summarizer} · {summary.model}", caps.summarizer)
    elif summary is not None:
        name = _mrkdwn_text(summary.summarizer, caps.summarizer)
        origin = "summarised offline" + (f" · {name}" if name else "")
    link = _link(view.url, _host_label(view.url) or "original article", caps.url)
    line = "  |  ".join(p for p in (origin, link) if p)
    return [_context(line)] if line else []


def _hit_blocks(hit: SearchHit, caps: _Caps) -> list[Block]:
    title = _title_of_hit(hit)
    linked = _link(hit.url, title, caps.url, caps.label) or _mrkdwn_text(title, caps.label)
    site = _mrkdwn_text(hit.site_name or _host_label(hit.url), caps.site)
    lines = [f"*{linked}*" + (f"  · {site}" if site else "")]
    tldr = _mrkdwn_text(hit.tldr, min(caps.tldr, 280))
    if tldr:
        lines.append(tldr)
    blocks: list[Block] = [_section("\n".join(lines))]
    share = hit.share
    if share is not None:
        by = _user_ref(share.user_id, share.user_name)
        who = f"Shared by {by} in " if by else "Shared in "
        thread = _link(share.permalink, "thread", caps.url)
        line = who + f"{_channel_ref(share.channel_id)} on {_instant(share.shared_at)}"
        blocks.append(_context(line + (f" · {thread}" if thread else "")))
    return blocks


def _summary_fallback(view: ArticleView) -> str:
    tldr = view.summary.tldr if view.summary and view.summary.tldr else None
    return _mrkdwn_text(_title_of(view) + (f" — {tldr}" if tldr else ""), FALLBACK_TEXT_MAX)


def _title_of(view: ArticleView) -> str:
    return _first_text(view.title, view.site_name, _host_label(view.url)) or "Untitled article"


def _title_of_hit(hit: SearchHit) -> str:
    return _first_text(hit.title, hit.site_name, _host_label(hit.url)) or "Untitled article"


def _first_text(*values: str | None) -> str | None:
    return next((v for v in values if v and _clean(v)), None)


def _header(title: str) -> Block:
    return HeaderBlock(text=PlainTextObject(text=_fit(title, HeaderBlock.text_max_length), emoji=False))


def _section(mrkdwn: str) -> SectionBlock:
    return SectionBlock(text=_md(mrkdwn))


def _context(mrkdwn: str) -> ContextBlock:
    return ContextBlock(elements=[_md(mrkdwn)])


def _md(text: str) -> MarkdownTextObject:
    return MarkdownTextObject(text=text, verbatim=True)


def _button(label: str, action_id: str, value: str, *, primary: bool = False) -> ButtonElement:
    if len(value) > BUTTON_VALUE_MAX:
        raise ValueError(f"button value longer than {BUTTON_VALUE_MAX} characters")
    return ButtonElement(
        text=PlainTextObject(text=label), action_id=action_id, value=value, style="primary" if primary else None
    )


def _fit_blocks(build: Callable[[_Caps], list[Block]]) -> list[dict]:
    """Build with full caps; rebuild with smaller caps until the blocks fit Slack's limits and our budget."""
    for scale in _SCALES:
        blocks = [b.to_dict() for b in build(_Caps.at(scale))]  # to_dict() runs the SDK's validators
        if len(blocks) <= MAX_BLOCKS and _size(blocks) <= BLOCKS_BUDGET_BYTES:
            return blocks
    raise ValueError("message does not fit Slack's limits even with minimal caps")


def _size(blocks: list[dict]) -> int:
    return len(json.dumps(blocks, ensure_ascii=False, separators=(",", ":")).encode())


# ----------------------------------------------------------------------------------- text, links, dates


def _clean(text: str | None) -> str:
    """Control and bidi characters removed, whitespace runs (newlines included) collapsed to one space."""
    return " ".join((text or "").translate(_DROPPED).split())


def _escape(text: str) -> str:
    """Slack's escaping of trusted text of ours that contains `<`, `>` or `&` (e.g. help examples)."""
    return text.translate(_ESCAPES)


def _mrkdwn_text(text: str | None, limit: int) -> str:
    """An untrusted value as mrkdwn: cleaned, escaped, defused, cut to `limit` escaped characters."""
    return _fit(text, limit, table=_MRKDWN_ESCAPES)


def _fit(text: str | None, limit: int, *, table: dict[int, str] = _ESCAPES) -> str:
    """Clean, escape with `table`, and cut to at most `limit` characters after escaping, ending in "…"."""
    clean = _clean(text)
    escaped = clean.translate(table)
    if len(escaped) <= limit:
        return escaped
    pieces: list[str] = []
    used = 0
    for ch in clean:
        piece = table.get(ord(ch), ch)
        if used + len(piece) > limit - 1:
            break
        pieces.append(piece)
        used += len(piece)
    cut = "".join(pieces)
    space = cut.rfind(" ")
    if space >= len(cut) * 3 // 4:  # end on a word boundary when that costs at most a quarter
        cut = cut[:space]
    return cut.rstrip() + "…"


def _safe_url(url: str | None) -> yarl.URL | None:
    """The URL if it is absolute http(s) with a host, credentials dropped; None otherwise."""
    if not url or not url.strip() or _clean(url) != url.strip():
        return None
    try:
        parsed = yarl.URL(url.strip())
    except (ValueError, TypeError):
        return None
    if parsed.scheme not in ("http", "https") or not parsed.raw_host:
        return None
    if parsed.user is not None or parsed.password is not None:
        parsed = parsed.with_user(None)
    return parsed


def _link(url: str | None, label: str, max_url: int, max_label: int = 150) -> str | None:
    """`<url|label>` for a valid http(s) URL no longer than `max_url` once escaped; None otherwise.

    yarl percent-encodes spaces, `|`, `<` and `>`, so the URL cannot end the link early or smuggle markup;
    `&` is escaped as Slack expects. The label is escaped and defused, and `|` in it replaced.
    """
    parsed = _safe_url(url)
    if parsed is None:
        return None
    target = str(parsed)
    if any(ch in target for ch in '<>| "') or len(_escape(target)) > max_url:
        return None
    text = _mrkdwn_text(label, max_label).replace("|", "¦") or _escape(parsed.raw_host or "link")
    return str(Link(url=_escape(target), text=text))


def _host_label(url: str | None) -> str:
    """The host to show for a URL (`www.` dropped), in its ASCII (punycode) form so look-alikes show."""
    parsed = _safe_url(url)
    host = parsed.raw_host if parsed is not None else None
    return host.removeprefix("www.") if host else ""


def _user_ref(user_id: str | None, user_name: str | None) -> str:
    """A user as a name (plain text, no notification) if known, else a `<@U…>` mention if the id is valid."""
    if user_name and _clean(user_name):
        return _mrkdwn_text(user_name, 80)
    if user_id and _USER_ID.fullmatch(user_id):
        return str(ObjectLink(object_id=user_id))
    return ""


def _channel_ref(channel_id: str) -> str:
    """`<#C…>` for a channel id, or words for a DM / something that is not a channel id."""
    if _CHANNEL_ID.fullmatch(channel_id):
        return str(ObjectLink(object_id=channel_id))
    return "a direct message" if channel_id.startswith("D") else "another conversation"


def _date_text(day: date) -> str:
    """`3 Mar 2026`, independent of the process locale."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def _instant(moment: datetime) -> str:
    """A moment in each reader's own time zone (`<!date^…>`), falling back to the UTC date.

    Only for instants (when something was shared); a publication date has no time zone and is shown as
    written, since a midnight-UTC timestamp would show the previous day west of Greenwich.
    """
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    fallback = _date_text(moment.astimezone(UTC).date())
    return str(DateLink(date=moment, date_format="{date_short_pretty}", fallback=fallback))
