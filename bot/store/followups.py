"""Questions in the store: which articles a thread is about, each channel's opt-in, the questions answered
(a follow-up claimed once per Slack message; a `/brief ask` stored with its answer), a person's own questions
found again (`questions_asked_by`), and the model's answers kept per article and question.

The claim is what makes one answer per message: `claim_question` inserts the (channel, message ts) row before
Slack gets its ack, and only the caller whose insert created it answers. Slack's retries, a redelivery after a
restart, and the same message arriving as both a `message` and an `app_mention` event all find the row there. A
claim left `pending` by a process that died before answering is taken over once it is `stale_after` old (by a
redelivery, or by `take_over_stale`, which every process runs at start and then periodically), so a question is
not lost with its process; the takeover is a compare-and-set on `claimed_at`, so one taker wins.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.models import (
    FollowUpAnswer,
    FollowUpChannel,
    FollowUpQuestion,
    FollowUpStatus,
    QuestionSource,
    Share,
    ShareStatus,
    utcnow,
)

_NOT_WORD = re.compile(r"[^\w]+", re.UNICODE)


@dataclass(frozen=True, slots=True)
class NewQuestion:
    """A Slack message to answer as a follow-up question (ids already checked for Slack's shapes)."""

    team_id: str
    channel_id: str
    message_ts: str
    thread_ts: str | None
    user_id: str
    question: str


@dataclass(frozen=True, slots=True)
class NewArchiveQuestion:
    """A question asked of the whole archive with `/brief ask`: who, in which workspace and conversation."""

    team_id: str
    channel_id: str
    user_id: str
    question: str


@dataclass(frozen=True, slots=True)
class Answered:
    """What was answered to a question, as stored."""

    kind: str  # "answer", "not_said" or "usage"
    answer: str
    article_id: int | None = None
    passages: tuple[str, ...] = ()
    model: str | None = None
    prompt_tokens: int | None = None
    completion_tokens: int | None = None


@dataclass(frozen=True, slots=True)
class CachedAnswer:
    """A model's answer kept for an article and a normalised question."""

    answer: str
    passages: tuple[str, ...]
    model: str | None
    prompt_tokens: int | None
    completion_tokens: int | None


def _insert(session: AsyncSession) -> Any:
    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert


def question_key(question: str) -> str:
    """The cache key of a question: SHA-256 of its words, case-folded, punctuation and spacing aside."""
    words = _NOT_WORD.sub(" ", unicodedata.normalize("NFKC", question).casefold()).split()
    return hashlib.sha256(" ".join(words).encode("utf-8", "surrogatepass")).hexdigest()


# ------------------------------------------------------------------------------------------------ threads


@dataclass(frozen=True, slots=True)
class ThreadArticle:
    """An article summarised in a thread, and the link it was shared under there (what its answers link to)."""

    article_id: int
    url: str


async def thread_articles(session: AsyncSession, channel_id: str, thread_ts: str) -> list[ThreadArticle]:
    """The articles linkbrief answered with a summary in this thread, in the order they were shared."""
    first = (
        sa.select(sa.func.min(Share.id))
        .where(
            Share.channel_id == channel_id,
            Share.thread_ts == thread_ts,
            Share.status == ShareStatus.DONE.value,
            Share.article_id.is_not(None),
            Share.reply_ts.is_not(None),
        )
        .group_by(Share.article_id)
    )
    rows = await session.execute(sa.select(Share.article_id, Share.url).where(Share.id.in_(first)).order_by(Share.id))
    return [ThreadArticle(int(article_id), str(url)) for article_id, url in rows if article_id is not None]


async def direct_articles(session: AsyncSession, channel_id: str, thread_ts: str | None) -> list[ThreadArticle]:
    """In a direct message, where summaries are posted in the conversation: the article of the summary whose
    thread `thread_ts` is (the summary's own ts, or the shared message's), or with no thread the article of the
    latest summary there."""
    answered = (
        Share.channel_id == channel_id,
        Share.status == ShareStatus.DONE.value,
        Share.article_id.is_not(None),
        Share.reply_ts.is_not(None),
    )
    query = sa.select(Share.article_id, Share.url).where(*answered)
    if thread_ts is not None:
        query = query.where(sa.or_(Share.reply_ts == thread_ts, Share.message_ts == thread_ts))
    rows = await session.execute(query.order_by(Share.id.desc()).limit(1))
    return [ThreadArticle(int(article_id), str(url)) for article_id, url in rows if article_id is not None]


# ------------------------------------------------------------------------------------------ channel opt-in


async def followups_enabled(session: AsyncSession, channel_id: str) -> bool:
    """Whether the conversation opted in to answers for every question in a summary's thread."""
    enabled = await session.scalar(sa.select(FollowUpChannel.enabled).where(FollowUpChannel.channel_id == channel_id))
    return bool(enabled)


async def set_followups(session: AsyncSession, channel_id: str, *, enabled: bool, user_id: str) -> None:
    """Record the conversation's choice (the last one wins), and who made it."""
    stmt = _insert(session)(FollowUpChannel).values(
        channel_id=channel_id, enabled=enabled, changed_by=user_id, changed_at=utcnow()
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=[FollowUpChannel.channel_id],
        set_={"enabled": stmt.excluded.enabled, "changed_by": stmt.excluded.changed_by, "changed_at": utcnow()},
    )
    await session.execute(stmt)


# ----------------------------------------------------------------------------------------------- questions


@dataclass(frozen=True, slots=True)
class ClaimedQuestion:
    """A question this caller is to answer: its row, and whether an earlier claim of it was taken over (its
    answer may then be in the thread already)."""

    id: int
    resumed: bool


async def claim_question(
    session: AsyncSession, question: NewQuestion, *, stale_after: timedelta
) -> ClaimedQuestion | None:
    """The question's row if this caller is to answer it: newly stored, or a stale pending claim taken over.
    None when it is answered already or being answered."""
    now = utcnow()
    stmt = (
        _insert(session)(FollowUpQuestion)
        .values(
            team_id=question.team_id,
            channel_id=question.channel_id,
            message_ts=question.message_ts,
            thread_ts=question.thread_ts,
            user_id=question.user_id,
            question=question.question,
            status=FollowUpStatus.PENDING.value,
            claimed_at=now,
            created_at=now,
        )
        .on_conflict_do_nothing(index_elements=[FollowUpQuestion.channel_id, FollowUpQuestion.message_ts])
        .returning(FollowUpQuestion.id)
    )
    new_id = await session.scalar(stmt)
    if new_id is not None:
        return ClaimedQuestion(int(new_id), resumed=False)
    taken = await session.scalar(
        sa.update(FollowUpQuestion)
        .where(
            FollowUpQuestion.channel_id == question.channel_id,
            FollowUpQuestion.message_ts == question.message_ts,
            FollowUpQuestion.status == FollowUpStatus.PENDING.value,
            FollowUpQuestion.claimed_at < now - stale_after,
        )
        .values(claimed_at=now)
        .returning(FollowUpQuestion.id)
    )
    return None if taken is None else ClaimedQuestion(int(taken), resumed=True)


async def take_over_stale(session: AsyncSession, *, stale_after: timedelta, limit: int) -> list[int]:
    """Claim (compare-and-set on `claimed_at`) up to `limit` questions left pending longer than `stale_after`:
    their process died between storing the question and answering it. The ids this caller now answers."""
    now = utcnow()
    cutoff = now - stale_after
    candidates = await session.scalars(
        sa.select(FollowUpQuestion.id)
        .where(FollowUpQuestion.status == FollowUpStatus.PENDING.value, FollowUpQuestion.claimed_at < cutoff)
        .order_by(FollowUpQuestion.id)
        .limit(limit)
    )
    taken: list[int] = []
    for question_id in list(candidates):
        won = await session.scalar(
            sa.update(FollowUpQuestion)
            .where(
                FollowUpQuestion.id == question_id,
                FollowUpQuestion.status == FollowUpStatus.PENDING.value,
                FollowUpQuestion.claimed_at < cutoff,
            )
            .values(claimed_at=now)
            .returning(FollowUpQuestion.id)
        )
        if won is not None:
            taken.append(int(won))
    return taken


async def question_by_id(session: AsyncSession, question_id: int) -> NewQuestion | None:
    row = await session.get(FollowUpQuestion, question_id)
    if row is None:
        return None
    return NewQuestion(
        team_id=row.team_id,
        channel_id=row.channel_id,
        message_ts=row.message_ts or "",  # only thread questions are claimed, and they have their message
        thread_ts=row.thread_ts,
        user_id=row.user_id,
        question=row.question,
    )


async def finish_question(session: AsyncSession, question_id: int, answered: Answered, *, reply_ts: str) -> None:
    """Record the answer posted for a claimed question."""
    await session.execute(
        sa.update(FollowUpQuestion)
        .where(FollowUpQuestion.id == question_id)
        .values(
            status=FollowUpStatus.DONE.value,
            kind=answered.kind,
            answer=answered.answer,
            article_id=answered.article_id,
            passages=list(answered.passages),
            model=answered.model,
            prompt_tokens=answered.prompt_tokens,
            completion_tokens=answered.completion_tokens,
            reply_ts=reply_ts,
            answered_at=utcnow(),
        )
    )


async def fail_question(session: AsyncSession, question_id: int, answered: Answered | None = None) -> None:
    """Record that the answer could not be posted (Slack refused it for good); the question stays stored."""
    values: dict[str, Any] = {"status": FollowUpStatus.FAILED.value}
    if answered is not None:
        values |= {"kind": answered.kind, "answer": answered.answer, "article_id": answered.article_id}
    await session.execute(sa.update(FollowUpQuestion).where(FollowUpQuestion.id == question_id).values(values))


@dataclass(frozen=True, slots=True)
class QuestionRow:
    """A stored follow-up question, as read back."""

    id: int
    channel_id: str
    message_ts: str | None  # None for a question asked of the archive (`/brief ask`)
    thread_ts: str | None
    user_id: str
    question: str
    status: str
    kind: str | None
    answer: str | None
    article_id: int | None
    passages: tuple[str, ...]
    model: str | None
    prompt_tokens: int | None
    completion_tokens: int | None
    reply_ts: str | None
    created_at: datetime
    source: str = QuestionSource.THREAD.value


async def questions_in(session: AsyncSession, channel_id: str) -> list[QuestionRow]:
    """The questions stored for a conversation (asked in its threads, or of the archive from it), oldest first."""
    rows = await session.scalars(
        sa.select(FollowUpQuestion).where(FollowUpQuestion.channel_id == channel_id).order_by(FollowUpQuestion.id)
    )
    return [_question_row(row) for row in rows]


async def record_archive_question(session: AsyncSession, asked: NewArchiveQuestion, answered: Answered) -> int:
    """Store a question asked of the whole archive (`/brief ask`) with what it was answered; its id."""
    now = utcnow()
    row = FollowUpQuestion(
        team_id=asked.team_id,
        channel_id=asked.channel_id,
        message_ts=None,
        thread_ts=None,
        user_id=asked.user_id,
        question=asked.question,
        source=QuestionSource.ARCHIVE.value,
        status=FollowUpStatus.DONE.value,
        kind=answered.kind,
        answer=answered.answer,
        article_id=answered.article_id,
        passages=list(answered.passages),
        model=answered.model,
        prompt_tokens=answered.prompt_tokens,
        completion_tokens=answered.completion_tokens,
        claimed_at=now,
        created_at=now,
        answered_at=now,
    )
    session.add(row)
    await session.flush()
    return int(row.id)


async def questions_asked_by(
    session: AsyncSession, user_id: str, *, words: list[str], team_id: str | None = None, limit: int = 10
) -> list[QuestionRow]:
    """A person's own questions (in threads and of the archive), newest first, those whose question or answer
    holds every one of `words` (any case; LIKE wildcards in them are taken literally)."""
    query = sa.select(FollowUpQuestion).where(FollowUpQuestion.user_id == user_id)
    if team_id is not None:
        query = query.where(FollowUpQuestion.team_id == team_id)
    for word in words:
        query = query.where(
            sa.or_(
                FollowUpQuestion.question.icontains(word, autoescape=True),
                FollowUpQuestion.answer.icontains(word, autoescape=True),
            )
        )
    rows = await session.scalars(
        query.order_by(FollowUpQuestion.created_at.desc(), FollowUpQuestion.id.desc()).limit(limit)
    )
    return [_question_row(row) for row in rows]


def _question_row(row: FollowUpQuestion) -> QuestionRow:
    return QuestionRow(
        id=row.id,
        channel_id=row.channel_id,
        message_ts=row.message_ts,
        thread_ts=row.thread_ts,
        user_id=row.user_id,
        question=row.question,
        status=row.status,
        kind=row.kind,
        answer=row.answer,
        article_id=row.article_id,
        passages=tuple(row.passages or ()),
        model=row.model,
        prompt_tokens=row.prompt_tokens,
        completion_tokens=row.completion_tokens,
        reply_ts=row.reply_ts,
        created_at=row.created_at,
        source=row.source,
    )


# ------------------------------------------------------------------------------------- the model's answers


async def cached_answer(session: AsyncSession, article_id: int, key: str) -> CachedAnswer | None:
    row = await session.scalar(
        sa.select(FollowUpAnswer).where(FollowUpAnswer.article_id == article_id, FollowUpAnswer.question_key == key)
    )
    if row is None:
        return None
    return CachedAnswer(row.answer, tuple(row.passages or ()), row.model, row.prompt_tokens, row.completion_tokens)


async def keep_answer(session: AsyncSession, article_id: int, key: str, answer: CachedAnswer) -> None:
    """Keep a model's answer (the first one kept for the same article and question stays)."""
    stmt = (
        _insert(session)(FollowUpAnswer)
        .values(
            article_id=article_id,
            question_key=key,
            answer=answer.answer,
            passages=list(answer.passages),
            model=answer.model,
            prompt_tokens=answer.prompt_tokens,
            completion_tokens=answer.completion_tokens,
            created_at=utcnow(),
        )
        .on_conflict_do_nothing(index_elements=[FollowUpAnswer.article_id, FollowUpAnswer.question_key])
    )
    await session.execute(stmt)
