"""Follow-up questions in a summary's thread: `@linkbrief how much will it cost?` gets one answer, from that
article only, in the same thread.

What counts as a question to answer:

- a message that mentions the bot, in a thread where linkbrief posted a summary (the thread's shares say
  which articles); mentioned elsewhere, the bot answers with a short note on how to ask;
- in a conversation that opted in (`/brief followups on`), and in a direct message with the bot (every message
  there is addressed to it), any reply in such a thread that reads as a question (a question mark, or a
  question word first): replies such as "thanks!" or "+1" are conversation, not questions, and answering them
  "the article does not say" would be noise.

Messages with links that do not mention the bot are shares, not questions (intake reads them). Edits are not
answered again, and nothing a bot or app writes is read.

One answer per message, whatever Slack does: the message's (channel, ts) is claimed in the store before the
event is acknowledged (`bot.store.followups.claim_question`), so a retry, a redelivery, or the same message
arriving both as `message` and as `app_mention` finds it claimed and is only acknowledged. The answer itself is
built and posted after the ack (a model may take longer than Slack's 3 seconds), and stored with the question.

The answer: the best 1–3 sentences of the article, quoted, with a link to the article (the link it was shared
under in this thread), introduced as "the closest it comes" when they cover the question only partly; or "The
article does not say." With a model configured, the model's answer from those
passages (`bot.followups.answer`), its grounded answers kept per article and question so the same question is
never paid for twice. Everything shown is escaped like every other reply (`bot.slack.render`).

`/brief followups on|off` in a conversation: only a member of it (asked of Slack, never taken from the
request) may change it.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Literal

from slack_sdk.models.blocks import Block
from sqlalchemy.ext.asyncio import AsyncSession

from bot.followups.answer import (
    MAX_QUESTION_CHARS,
    MODEL_PASSAGES,
    Answer,
    ArticleText,
    FollowUpModel,
    ModelFailed,
    best_retrieval,
    offline_answer,
)
from bot.logs import get_logger
from bot.periodic import Periodic
from bot.slack.links import (
    READABLE_SUBTYPES,
    is_message_ts,
    is_slack_id,
    links_in_message,
    should_ignore,
)
from bot.slack.permissions import MembershipCache
from bot.slack.render import (
    FALLBACK_TEXT_MAX,
    SlackMessage,
    _Caps,
    _context,
    _fit,
    _fit_blocks,
    _link,
    _mrkdwn_text,
    _section,
)
from bot.slack.replies import PostFailed, Replier, ReplyMark
from bot.slack.teams import set_team
from bot.store import articles as article_store
from bot.store import followups as store
from bot.store.db import Database
from bot.store.followups import Answered, CachedAnswer, NewQuestion, ThreadArticle
from bot.store.shares import is_control_character
from bot.summarize.passages import Passage, question_text

log = get_logger(__name__)

NOT_SAID = "The article does not say."
USAGE = (
    "I answer questions about an article in the thread of its summary: reply there and mention me with your "
    "question, like `@linkbrief how much will it cost?`. In a channel where someone ran `/brief followups on`, "
    "I answer every question asked in those threads."
)
EMPTY_QUESTION = "Ask me something about the article after the mention, like `@linkbrief who is behind this?`."
# A claim still pending this long was left by a process that died before answering (a model call with its
# retries ends well before): a redelivery or the sweep (every SWEEP_INTERVAL seconds) answers it then.
STALE_CLAIM = timedelta(minutes=10)
SWEEP_INTERVAL = 60.0
SWEEP_BATCH = 20
MARK_EVENT = "linkbrief_followup"  # the metadata event type an answer carries (found again by its question id)
_QUESTION_WORDS = re.compile(
    r"^(?:who|whom|whose|what|which|when|where|why|how|is|are|was|were|do|does|did|can|could|will|would|should|"
    r"has|have|had|any|wer|was|wann|wo|warum|wie|welche[rsnm]?|qui|que|quoi|quand|où|pourquoi|comment|quel(?:le)?s?|"
    r"quién|qué|cuándo|dónde|por qué|cómo|cuál|chi|cosa|quando|dove|perché|come|quale)\b",
    re.IGNORECASE,
)
_FOLLOWUPS_COMMAND = re.compile(r"\s*follow-?ups?(?:\s+(on|off|status))?\s*", re.IGNORECASE)
_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^<>]*)?>")


@dataclass(frozen=True, slots=True)
class Claim:
    """A question this process is to answer (its row is stored and claimed)."""

    question_id: int
    question: NewQuestion
    articles: tuple[ThreadArticle, ...]  # empty: answered with the usage note
    reply_thread: str | None  # where the answer goes (None: in the conversation, a direct message's way)
    resumed: bool = False  # an earlier claim was taken over: its answer may be in the thread already


def parse_followups_command(text: str) -> Literal["on", "off", "status"] | None:
    """`followups on|off` (or `followups` alone, for the current setting) after `/brief`; None otherwise."""
    found = _FOLLOWUPS_COMMAND.fullmatch(text or "")
    if found is None:
        return None
    choice = (found.group(1) or "status").lower()
    return "on" if choice == "on" else "off" if choice == "off" else "status"


def reads_as_question(text: str) -> bool:
    """A question mark anywhere, or a question word first: how an opted-in thread's replies are told apart from
    the conversation around them."""
    return "?" in text or "？" in text or bool(_QUESTION_WORDS.match(text.strip()))


class FollowUps:
    """Receives follow-up questions (before the ack) and answers them (after it)."""

    def __init__(
        self,
        database: Database,
        replier: Replier,
        membership: MembershipCache,
        *,
        model: FollowUpModel | None = None,
    ) -> None:
        self.database = database
        self.replier = replier
        self.membership = membership
        self.model = model
        self._sweeper: Periodic | None = None

    def start(self, *, interval: float = SWEEP_INTERVAL, stale_after: timedelta = STALE_CLAIM) -> None:
        """Answer, now and every `interval` seconds, the questions a dead process stored but never answered."""
        if self._sweeper is None:
            self._sweeper = Periodic(lambda: self.sweep(stale_after=stale_after), interval, name="followup-sweep")
            self._sweeper.start()

    async def aclose(self) -> None:
        if self._sweeper is not None:
            await self._sweeper.aclose()
        if self.model is not None:
            await self.model.aclose()

    async def sweep(self, *, stale_after: timedelta = STALE_CLAIM) -> int:
        """Answer the questions left pending longer than `stale_after`; how many were taken over."""
        async with self.database.session() as session, session.begin():
            taken = await store.take_over_stale(session, stale_after=stale_after, limit=SWEEP_BATCH)
        for question_id in taken:
            async with self.database.session(read_only=True) as session:
                question = await store.question_by_id(session, question_id)
                if question is None:
                    continue
                articles = await _articles_asked_about(session, question.channel_id, question.thread_ts)
            log.info("followup_resumed", channel=question.channel_id, question=question_id)
            claim = Claim(question_id, question, tuple(articles), reply_thread=_reply_thread(question), resumed=True)
            await self.answer(claim)
        return len(taken)

    # ------------------------------------------------------------------------------------------ receiving

    async def receive(self, body: Mapping[str, Any], *, bot_user_id: str | None, bot_id: str | None) -> Claim | None:
        """The question a `message` or `app_mention` event asks, claimed, or None when there is none to answer
        here (not a question, or claimed already). Raises if the store cannot be written (no ack then)."""
        event = body.get("event")
        if not isinstance(event, Mapping):
            return None
        message = _readable(event, bot_user_id=bot_user_id, bot_id=bot_id)
        if message is None:
            return None
        text = str(message.get("text") or "")
        mentioned = bot_user_id is not None and any(m == bot_user_id for m in _MENTION.findall(text))
        thread_ts = message.get("thread_ts")
        in_thread = isinstance(thread_ts, str) and thread_ts != message.get("ts")
        channel_id = str(message.get("channel") or "")
        direct = is_direct(channel_id)
        if not mentioned and (links_in_message(message, max_links=1) or not (in_thread or direct)):
            return None
        team_id = body.get("team_id") or message.get("team") or ""
        if not _well_formed(message, team_id):
            log.info("followup_dropped_malformed")
            return None
        question = _clean_question(text)
        async with self.database.session(read_only=True) as session:
            articles = await _articles_asked_about(session, channel_id, str(thread_ts) if in_thread else None)
            # A direct message with the bot is addressed to it: no mention and no opt-in needed there.
            if not mentioned and (not articles or not (direct or await store.followups_enabled(session, channel_id))):
                return None
        if not articles and links_in_message(message, max_links=1):
            return None  # "@linkbrief <url>": a share for intake, not a question
        if not mentioned and not reads_as_question(question):
            return None
        new = NewQuestion(
            team_id=str(team_id),
            channel_id=channel_id,
            message_ts=str(message["ts"]),
            thread_ts=str(thread_ts) if in_thread else None,
            user_id=str(message["user"]),
            question=question,
        )
        async with self.database.session() as session, session.begin():
            claimed = await store.claim_question(session, new, stale_after=STALE_CLAIM)
        if claimed is None:
            return None
        return Claim(claimed.id, new, tuple(articles), reply_thread=_reply_thread(new), resumed=claimed.resumed)

    # ------------------------------------------------------------------------------------------ answering

    async def answer(self, claim: Claim) -> None:
        """Build the answer, post it in the thread, store it with the question. Failures are logged, never
        shown: a question that cannot be answered now is marked failed, not retried in a loop.

        The question's workspace is set first: a question taken over by the sweep has no request around it, and in
        many-workspace mode the reply must carry that workspace's token (`bot.slack.teams`)."""
        if claim.question.team_id:
            set_team(claim.question.team_id)
        try:
            answered, message = await self._compose(claim)
        except Exception:
            log.exception("followup_failed", channel=claim.question.channel_id)
            await self._fail(claim.question_id, None)
            return
        try:
            # The answer carries its question's id, so an answer that may have reached Slack (a timeout, a process
            # killed mid-post whose claim was taken over) is found in the thread rather than posted twice.
            posted = await self.replier.post_exactly_once(
                claim.question.channel_id,
                message,
                thread_ts=claim.reply_thread,
                mark=ReplyMark(MARK_EVENT, {"question": claim.question_id}),
                after_ts=claim.question.message_ts,
                look_first=claim.resumed,
            )
        except PostFailed as failure:
            log.warning("followup_not_posted", channel=claim.question.channel_id, error=failure.code)
            await self._fail(claim.question_id, answered)
            return
        async with self.database.session() as session, session.begin():
            await store.finish_question(session, claim.question_id, answered, reply_ts=posted.ts)
        log.info(
            "followup_answered", channel=claim.question.channel_id, kind=answered.kind, article=answered.article_id
        )

    async def _compose(self, claim: Claim) -> tuple[Answered, SlackMessage]:
        if not claim.articles:
            return Answered(kind="usage", answer=USAGE), render_note(USAGE)
        if not claim.question.question:
            return Answered(kind="usage", answer=EMPTY_QUESTION), render_note(EMPTY_QUESTION)
        articles = await self._load(claim.articles)
        if not articles:
            return Answered(kind="not_said", answer=NOT_SAID), render_note(NOT_SAID)
        answer = await self.answer_question(claim.question.question, articles)
        stored = Answered(
            kind=answer.kind,
            answer=answer.stored_text,
            article_id=answer.article.article_id,
            passages=tuple(p.text for p in answer.passages),
            model=answer.model,
            prompt_tokens=answer.prompt_tokens,
            completion_tokens=answer.completion_tokens,
        )
        return stored, render_answer(answer)

    async def answer_question(self, question: str, articles: list[ArticleText]) -> Answer:
        """The answer from the thread's best-matching article: the model's (cached) when one is configured
        and anything matched, else the retrieved passages."""
        article, found = await asyncio.to_thread(best_retrieval, question, articles)
        offline = offline_answer(article, found)
        if self.model is None or not found.ranked:
            return offline
        key = store.question_key(question)
        async with self.database.session(read_only=True) as session:
            cached = await store.cached_answer(session, article.article_id, key)
        if cached is not None:
            return _from_model(article, cached, found.ranked, cached=True)
        sent = found.ranked[:MODEL_PASSAGES]
        try:
            reply = await self.model.ask(question, article, sent)
        except ModelFailed as failure:
            return Answer(
                kind=offline.kind,
                article=article,
                passages=offline.passages,
                confident=offline.confident,
                prompt_tokens=failure.prompt_tokens or None,
                completion_tokens=failure.completion_tokens or None,
                fallback_reason=failure.reason,
            )
        kept = CachedAnswer(reply.answer, reply.passages, reply.model, reply.prompt_tokens, reply.completion_tokens)
        async with self.database.session() as session, session.begin():
            await store.keep_answer(session, article.article_id, key, kept)
        return _from_model(article, kept, sent, cached=False)

    async def _load(self, shared: tuple[ThreadArticle, ...]) -> list[ArticleText]:
        loaded: list[ArticleText] = []
        async with self.database.session(read_only=True) as session:
            for item in shared:
                row = await article_store.article_by_id(session, item.article_id)
                if row is None:
                    continue
                summary = await article_store.latest_summary(session, item.article_id)
                content = article_store.content_of(row)
                loaded.append(
                    ArticleText(
                        article_id=item.article_id,
                        url=item.url,
                        title=row.title,
                        text=row.text,
                        language=row.language,
                        qa=summary.qa if summary is not None else (),
                        page_qa=tuple(content.get("page_qa") or ()),
                    )
                )
        return loaded

    async def _fail(self, question_id: int, answered: Answered | None) -> None:
        try:
            async with self.database.session() as session, session.begin():
                await store.fail_question(session, question_id, answered)
        except Exception as exc:
            log.warning("followup_fail_not_recorded", error=type(exc).__name__)

    # -------------------------------------------------------------------------------- /brief followups

    async def command(self, choice: Literal["on", "off", "status"], *, user_id: str, channel_id: str) -> SlackMessage:
        """`/brief followups on|off|status` in a conversation, by one of its members."""
        if not (is_slack_id(user_id) and is_slack_id(channel_id)):
            return render_note("This command did not come from a Slack conversation I can answer in.")
        if choice == "status":
            async with self.database.session(read_only=True) as session:
                enabled = await store.followups_enabled(session, channel_id)
            return render_note(_status_text(enabled))
        if not await self.membership.is_member(user_id, channel_id):
            return render_note(
                "Only members of this conversation can change that, and I need to be in it: invite me first."
            )
        async with self.database.session() as session, session.begin():
            await store.set_followups(session, channel_id, enabled=choice == "on", user_id=user_id)
        log.info("followups_setting_changed", channel=channel_id, enabled=choice == "on")
        return render_note(_status_text(choice == "on"))


def _status_text(enabled: bool) -> str:
    if enabled:
        return (
            "Follow-ups are *on* here: I answer every question asked in the thread of a summary. "
            "`/brief followups off` goes back to answering only when mentioned."
        )
    return (
        "Follow-ups are *off* here: I answer questions in a summary's thread when mentioned. "
        "`/brief followups on` makes me answer every question asked there."
    )


def _from_model(article: ArticleText, reply: CachedAnswer, ranked: tuple[Passage, ...], *, cached: bool) -> Answer:
    sent = set(reply.passages)
    used = tuple(p for p in ranked if p.text in sent) or ranked[: len(reply.passages)]
    return Answer(
        kind="answer" if reply.answer else "not_said",
        article=article,
        passages=used,
        text=reply.answer or None,
        model=reply.model,
        prompt_tokens=None if cached else reply.prompt_tokens,
        completion_tokens=None if cached else reply.completion_tokens,
        cached=cached,
    )


def is_direct(channel_id: str) -> bool:
    """A one-to-one direct message with the bot (Slack's ids for those start with D)."""
    return channel_id.startswith("D")


async def _articles_asked_about(session: AsyncSession, channel_id: str, thread_ts: str | None) -> list[ThreadArticle]:
    """The articles a question is about: those summarised in its thread; in a direct message (where summaries
    are posted in the conversation, not in threads) those of the summary whose thread it is in, or else the
    latest one summarised there."""
    if is_direct(channel_id):
        return await store.direct_articles(session, channel_id, thread_ts)
    return await store.thread_articles(session, channel_id, thread_ts) if thread_ts else []


def _reply_thread(question: NewQuestion) -> str | None:
    """Where a question's answer goes: its thread, or under it; in a direct message, where it was asked."""
    if question.thread_ts:
        return question.thread_ts
    return None if is_direct(question.channel_id) else question.message_ts


def _readable(event: Mapping[str, Any], *, bot_user_id: str | None, bot_id: str | None) -> Mapping[str, Any] | None:
    """The message of a `message` or `app_mention` event when it is a person's new message; None otherwise."""
    kind = event.get("type")
    if kind == "message":
        if event.get("subtype") == "message_changed" or should_ignore(event, bot_user_id=bot_user_id, bot_id=bot_id):
            return None
        return event
    if kind == "app_mention":
        if event.get("subtype") not in READABLE_SUBTYPES or event.get("edited"):
            return None
        if event.get("bot_id") or event.get("app_id") or event.get("bot_profile") or not event.get("user"):
            return None
        if event.get("user") == bot_user_id:
            return None
        return event
    return None


def _well_formed(message: Mapping[str, Any], team_id: object) -> bool:
    thread_ts = message.get("thread_ts")
    return (
        is_slack_id(message.get("channel"))
        and is_message_ts(message.get("ts"))
        and (thread_ts is None or is_message_ts(thread_ts))
        and is_slack_id(message.get("user"))
        and (team_id == "" or is_slack_id(team_id))
    )


def _clean_question(text: str) -> str:
    """The question as stored and asked: mentions and link markup out, no control characters, bounded."""
    plain = question_text(text)
    plain = "".join(" " if is_control_character(ch) else ch for ch in plain)
    return " ".join(plain.split())[:MAX_QUESTION_CHARS]


# ------------------------------------------------------------------------------------------------ rendering


def render_note(text: str) -> SlackMessage:
    """A short message of our own fixed text."""
    return SlackMessage(text=text, blocks=[_section(text).to_dict()])


def render_answer(answer: Answer) -> SlackMessage:
    """The answer in the thread: the quoted passages (or the model's answer), a link to the article."""
    article = answer.article
    title = article.title or article.url

    def build(caps: _Caps) -> list[Block]:
        link = _link(article.url, title, caps.url, caps.label) or _mrkdwn_text(title, caps.label)
        blocks: list[Block] = []
        if answer.kind == "not_said":
            blocks.append(_section(f"{NOT_SAID} (I looked in {link}.)"))
            return blocks
        if answer.text is not None:
            blocks.append(_section(_mrkdwn_text(answer.text, caps.answer * 2)))
            blocks.append(_context(f"From {link}, answered by a model from passages of it; the closest:"))
            for passage in answer.passages[:3]:
                blocks.append(_context(f"“{_mrkdwn_text(passage.text, caps.answer)}”"))
            return blocks
        quoted = "\n".join(f">{_mrkdwn_text(p.text, caps.answer)}{_source_note(p)}" for p in answer.passages)
        lead = f"From {link}:" if answer.confident else f"{link} may not answer this directly; the closest it comes:"
        blocks.append(_section(f"{lead}\n{quoted}"))
        return blocks

    if answer.kind == "not_said":
        fallback = NOT_SAID
    else:
        fallback = answer.text or (answer.passages[0].text if answer.passages else NOT_SAID)
    return SlackMessage(text=_fit(fallback, FALLBACK_TEXT_MAX), blocks=_fit_blocks(build))


def _source_note(passage: Passage) -> str:
    return " _(the page's own Q&A)_" if passage.source == "page_qa" else ""
