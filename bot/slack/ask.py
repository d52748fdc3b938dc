"""`/brief ask <question>`: an answer from everything the caller may see in the archive, each passage cited.

The question is searched like `/brief <words>` (the same filters, `in:`, `from:`, `site:`, `after:`, `before:`,
and the same visibility: public channels, and the private channels and DMs the caller is in, through
`bot.store.library.find_shared`), but with its words as alternatives: a question's words rarely all occur in
the article that answers it. The best-matching articles' stored text then goes through the same passage
retrieval as a follow-up in a thread (`bot.summarize.passages`), and the articles whose passages answer are
shown best first: the passages quoted, the article's title linked to the share the caller may see, who shared
it where and when, and a "Post in channel" button (an offer, as for `/brief <url>`; see `bot.slack.commands`).

The answer is ephemeral; nothing is posted for others unless the caller presses the button. The question is
stored with its answer (`bot.store.followups.record_archive_question`, beside the follow-up questions asked in
threads), and `/brief asked [words]` lists the caller's own questions of both kinds, newest first: nobody else's,
whatever the request says, since the user id is the one Slack signed.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass

from slack_sdk.models.blocks import ActionsBlock, Block, DividerBlock

from bot.followups.answer import ArticleText
from bot.logs import get_logger
from bot.pipeline.language import language_tools
from bot.slack.commands import notice, parse_brief, shown_url
from bot.slack.permissions import Visibility
from bot.slack.render import (
    ACTION_POST_SUMMARY,
    FALLBACK_TEXT_MAX,
    EarlierShare,
    SearchHit,
    SlackMessage,
    _button,
    _Caps,
    _channel_ref,
    _context,
    _fit,
    _fit_blocks,
    _hit_blocks,
    _instant,
    _link,
    _mrkdwn_text,
    _section,
)
from bot.slack.replies import Replier
from bot.store import articles as article_store
from bot.store import followups as question_store
from bot.store import library, offers
from bot.store.db import Database
from bot.store.followups import Answered, NewArchiveQuestion, QuestionRow
from bot.store.library import Audience, SharedArticle, ShareFilters
from bot.summarize.passages import Passage, retrieve, terms_of

log = get_logger(__name__)

# Articles read for passages: the best-matching ones the search finds (each costs one read of its text).
CANDIDATE_ARTICLES = 8
SHOWN_ARTICLES = 3
PASSAGES_PER_ARTICLE = 2
ASKED_SHOWN = 10
_ASK = re.compile(r"\s*ask(?:\s+(.*))?", re.IGNORECASE | re.DOTALL)
_ASKED = re.compile(r"\s*asked(?:\s+(.*))?", re.IGNORECASE | re.DOTALL)
NOTHING = "Nothing in the summaries you can see answers that."
HOW_TO_ASK = "Ask a question after `ask`, like `/brief ask how much will the new ferries cost?`."


def parse_asked(text: str) -> str | None:
    """The words after `asked` when `/brief` was given `asked [words]` ("" for none); None otherwise."""
    found = _ASKED.fullmatch(text or "")
    return None if found is None else (found.group(1) or "").strip()


def parse_ask(text: str) -> str | None:
    """The text after `ask` when `/brief` was given `ask …`; None for any other command."""
    found = _ASK.fullmatch(text or "")
    return None if found is None else (found.group(1) or "").strip()


@dataclass(frozen=True, slots=True)
class Found:
    """An article that answers: the search hit (with the share the caller may see) and its passages."""

    hit: SharedArticle
    passages: tuple[Passage, ...]
    coverage: float
    score: float


class ArchiveQuestions:
    """Answers `/brief ask` for one caller, from what they may see."""

    def __init__(self, database: Database, visibility: Visibility, replier: Replier) -> None:
        self.database = database
        self.visibility = visibility
        self.replier = replier

    async def ask(self, text: str, *, user_id: str, channel_id: str, team_id: str = "") -> SlackMessage:
        request = parse_brief(text)
        if request.problems:
            return notice(*request.problems, "Try `/brief help` for the filters.")
        question = text if request.kind == "summarize" else request.words
        if not question.strip():
            return notice(HOW_TO_ASK)
        audience = await self.visibility.audience(user_id, channel_ids=request.channel_ids or None)
        found = await self.find(question, request.filters, audience)
        asked = NewArchiveQuestion(team_id=team_id, channel_id=channel_id, user_id=user_id, question=text.strip())
        if not found:
            async with self.database.session() as session, session.begin():
                await question_store.record_archive_question(session, asked, Answered(kind="not_said", answer=NOTHING))
            return notice(NOTHING)
        tokens: list[str] = []
        async with self.database.session() as session, session.begin():
            await question_store.record_archive_question(session, asked, _answered(found))
            for item in found:
                tokens.append(
                    await offers.create_offer(
                        session,
                        article_id=item.hit.article_id,
                        channel_id=channel_id,
                        user_id=user_id,
                        url=shown_url(item.hit.share.url),
                    )
                )
        rendered = [
            (await self._hit(item.hit, shown_url(item.hit.share.url)), item.passages, token)
            for item, token in zip(found, tokens, strict=True)
        ]
        return render_answers(question, rendered)

    async def find(self, question: str, filters: ShareFilters, audience: Audience) -> list[Found]:
        """The articles `audience` may see whose passages answer `question`, best first (no Slack calls)."""
        words = " or ".join(dict.fromkeys(_search_words(question)))
        if not words:
            return []
        articles = []
        async with self.database.session(read_only=True) as session:
            hits = await library.find_shared(session, words, filters, audience, offset=0, limit=CANDIDATE_ARTICLES)
            for hit in hits:
                row = await article_store.article_by_id(session, hit.article_id)
                if row is None:
                    continue
                summary = await article_store.latest_summary(session, hit.article_id)
                content = article_store.content_of(row)
                articles.append(
                    (
                        hit,
                        ArticleText(
                            article_id=hit.article_id,
                            url=shown_url(hit.share.url),
                            title=row.title,
                            text=row.text,
                            language=row.language,
                            qa=summary.qa if summary is not None else (),
                            page_qa=tuple(content.get("page_qa") or ()),
                        ),
                    )
                )
        return await asyncio.to_thread(_answering, question, articles)

    async def asked(self, words: str, *, user_id: str, team_id: str = "") -> SlackMessage:
        """`/brief asked [words]`: the caller's own questions (in threads and of the archive), newest first."""
        team = team_id if self.visibility.team_scoped else None
        async with self.database.session(read_only=True) as session:
            rows = await question_store.questions_asked_by(
                session, user_id, words=words.split(), team_id=team, limit=ASKED_SHOWN
            )
        links = [await self.replier.permalink(row.channel_id, row.reply_ts) if row.reply_ts else None for row in rows]
        return render_asked(words, rows, links)

    async def _hit(self, hit: SharedArticle, url: str) -> SearchHit:
        share = hit.share
        permalink = await self.replier.permalink(share.channel_id, share.reply_ts or share.message_ts)
        name = await self.replier.user_name(share.user_id) if share.user_id else None
        earlier = EarlierShare(
            channel_id=share.channel_id,
            user_id=share.user_id or None,
            shared_at=share.created_at,
            permalink=permalink,
            user_name=name,
        )
        return SearchHit(url=url, title=hit.title, site_name=hit.site_name, tldr=None, share=earlier)


def _search_words(question: str) -> list[str]:
    """The question's words worth searching for, as typed (the search stems them itself)."""
    tools = language_tools(question, None)
    keep = set(terms_of(question, tools))
    return [w for w in re.findall(r"[^\W_]+", question) if tools.stem(w.lower()) in keep and len(w) > 1]


def _answering(question: str, articles: list[tuple[SharedArticle, ArticleText]]) -> list[Found]:
    """The articles whose passages answer, best first (coverage, then score), at most `SHOWN_ARTICLES`."""
    found: list[Found] = []
    for hit, article in articles:
        result = retrieve(
            question,
            text=article.text,
            title=article.title,
            language=article.language,
            qa=article.qa,
            page_qa=article.page_qa,
            limit=PASSAGES_PER_ARTICLE,
        )
        if result.answered:
            best = result.answer[0]
            found.append(Found(hit, result.answer, best.coverage, best.score))
    found.sort(key=lambda f: (-f.coverage, -f.score))
    return found[:SHOWN_ARTICLES]


def render_answers(question: str, found: list[tuple[SearchHit, tuple[Passage, ...], str]]) -> SlackMessage:
    """The ephemeral answer: per article, the passages quoted, the article and its share, "Post in channel"."""

    def build(caps: _Caps) -> list[Block]:
        q = _mrkdwn_text(question, caps.query)
        blocks: list[Block] = [_section(f"*From the archive* for “{q}”")]
        for hit, passages, token in found:
            quoted = "\n".join(f">{_mrkdwn_text(p.text, caps.answer)}" for p in passages)
            blocks += [DividerBlock(), _section(quoted), *_hit_blocks(hit, caps)]
            blocks.append(ActionsBlock(elements=[_button("Post in channel", ACTION_POST_SUMMARY, token)]))
        return blocks

    first = found[0][1][0].text if found and found[0][1] else NOTHING
    return SlackMessage(text=_fit(first, FALLBACK_TEXT_MAX), blocks=_fit_blocks(build))


def _answered(found: list[Found]) -> Answered:
    """What is stored of an archive answer: the best article, its quoted passages, every passage shown."""
    best = found[0]
    return Answered(
        kind="answer",
        answer=" … ".join(p.text for p in best.passages),
        article_id=best.hit.article_id,
        passages=tuple(p.text for item in found for p in item.passages),
    )


def render_asked(words: str, rows: list[QuestionRow], links: list[str | None]) -> SlackMessage:
    """The caller's questions: each question, the start of its answer, where and when it was asked."""
    if not rows:
        text = (
            f"None of your questions holds “{_mrkdwn_text(words, 100)}”."
            if words
            else "You have not asked me anything yet: mention me in a summary's thread, or try `/brief ask`."
        )
        return notice(text)

    def build(caps: _Caps) -> list[Block]:
        heading = f"*Your questions* with “{_mrkdwn_text(words, caps.query)}”" if words else "*Your latest questions*"
        blocks: list[Block] = [_section(heading)]
        for row, link in zip(rows, links, strict=True):
            answer = _mrkdwn_text(row.answer or "(not answered)", caps.answer // 2)
            blocks.append(_section(f"*{_mrkdwn_text(row.question, caps.question)}*\n{answer}"))
            where = "asked of the archive" if row.source == "archive" else "in a summary's thread"
            parts = [f"{where} in {_channel_ref(row.channel_id)}", _instant(row.created_at)]
            if link:
                parts.append(_link(link, "answer", caps.url) or "")
            blocks.append(_context(" · ".join(p for p in parts if p)))
        return blocks

    return SlackMessage(text=_fit(f"Your questions: {len(rows)}", FALLBACK_TEXT_MAX), blocks=_fit_blocks(build))
