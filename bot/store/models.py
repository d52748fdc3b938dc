"""The relational schema: articles, their URL aliases, summaries, Slack shares, and what the bot knows of Slack.

The models are the single source of truth for the plain tables; the Alembic migrations must agree with them
(tests/test_migrations.py runs autogenerate's comparison on SQLite and PostgreSQL and expects no difference).
Full-text search structures are *not* declared here: they are dialect-specific (an FTS5 virtual table on SQLite,
a tsvector table on PostgreSQL), created by the migration and queried through `bot.store.search`.

Constraint names come from a naming convention so that migrations can refer to (and drop) them by a stable
name on both databases instead of whatever name each backend would invent.
"""

from __future__ import annotations

import enum
import hashlib
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
)
from sqlalchemy.engine.default import DefaultExecutionContext
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from bot.store.stored_text import StoredText

NAMING_CONVENTION: dict[str, str] = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC (the only kind of timestamp the store holds)."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp that always comes back timezone-aware in UTC, on every backend.

    PostgreSQL has `timestamptz`; SQLite has no timezone support and would silently drop the offset, handing
    back naive datetimes. Normalising to UTC on the way in and re-attaching UTC on the way out gives callers
    one behaviour on both databases.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base carrying the constraint naming convention."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Article(Base):
    """One extracted article, stored once however many URLs or shares point at it.

    `simhash` is trafilatura's unsigned 64-bit SimHash stored as a *signed* BIGINT (both databases only have
    signed 64-bit integers). The four 16-bit bands are the pigeonhole index for near-duplicate lookup: two
    hashes within Hamming distance 3 must agree exactly on at least one band, so candidates come from four
    indexed equality lookups instead of a scan.
    """

    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    canonical_url: Mapped[str] = mapped_column(Text)
    url_key: Mapped[str] = mapped_column(Text, unique=True)
    # Lower-cased host of canonical_url without "www.", for `site:` filters (derived, not part of NewArticle).
    host: Mapped[str] = mapped_column(String(255), index=True)
    title: Mapped[str | None] = mapped_column(Text)
    author: Mapped[str | None] = mapped_column(Text)
    published: Mapped[date | None] = mapped_column(Date)
    site_name: Mapped[str | None] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(StoredText)
    word_count: Mapped[int] = mapped_column(Integer)
    # The page's own questions and answers ([{"question", "answer"}]), or NULL when it has none.
    page_qa: Mapped[list[dict[str, str]] | None] = mapped_column(JSON)
    # The DOI a paper declares (page metadata or PDF), without a resolver prefix, or NULL.
    doi: Mapped[str | None] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    simhash: Mapped[int] = mapped_column(BigInteger)
    simhash_band0: Mapped[int] = mapped_column(Integer, index=True)
    simhash_band1: Mapped[int] = mapped_column(Integer, index=True)
    simhash_band2: Mapped[int] = mapped_column(Integer, index=True)
    simhash_band3: Mapped[int] = mapped_column(Integer, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    def __repr__(self) -> str:
        return f"Article(id={self.id!r}, url_key={self.url_key!r})"


class ArticleURL(Base):
    """A URL seen for an article (after canonicalisation), so the same link shared again needs no fetch."""

    __tablename__ = "article_urls"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url_key: Mapped[str] = mapped_column(Text, unique=True)
    url: Mapped[str] = mapped_column(Text)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class StoredSummary(Base):
    """A summary row: one per (article, summarizer); `created_at` is when it was last written.

    Named StoredSummary so it never shadows `bot.summarize.base.Summary`, the typed value it stores.
    """

    __tablename__ = "summaries"
    __table_args__ = (UniqueConstraint("article_id", "summarizer"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    summarizer: Mapped[str] = mapped_column(String(64))
    tldr: Mapped[str | None] = mapped_column(Text)
    key_points: Mapped[list[str]] = mapped_column(JSON)
    qa: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    model: Mapped[str | None] = mapped_column(String(200))
    prompt_tokens: Mapped[int | None] = mapped_column(Integer)
    completion_tokens: Mapped[int | None] = mapped_column(Integer)
    dropped_claims: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ShareStatus(enum.StrEnum):
    """Where a share is in the worker's life cycle."""

    PENDING = "pending"
    WORKING = "working"
    DONE = "done"
    FAILED = "failed"


class ChannelType(enum.StrEnum):
    """Slack's conversation kinds, as `channel_type` in message events names them."""

    CHANNEL = "channel"
    GROUP = "group"
    IM = "im"
    MPIM = "mpim"


def _in_check(column: str, values: type[enum.StrEnum]) -> str:
    allowed = ", ".join(f"'{v.value}'" for v in values)
    return f"{column} IN ({allowed})"


def url_digest(url: str) -> str:
    """A share key's stand-in for its URL: SHA-256 of the URL's UTF-8 bytes, in hex (64 characters)."""
    return hashlib.sha256(url.encode("utf-8", "surrogatepass")).hexdigest()


def _url_digest_default(context: DefaultExecutionContext) -> str:
    return url_digest(str(context.get_current_parameters()["url"]))


class Share(Base):
    """One link in one Slack message: the durable unit of work, written before the event is acknowledged.

    The unique key (channel_id, message_ts, url_digest) makes Slack's retries and our restarts idempotent.
    `url_digest` is the SHA-256 of `url` (hex): the key has a fixed size however long a link is, where the URL
    itself in a btree key made PostgreSQL refuse a 3,000-character link ("index row requires 10072 bytes"),
    and with it every event committed in the same transaction. Status is a plain string with a CHECK (not a
    native ENUM type) so it behaves the same on SQLite and PostgreSQL and adding a state later is a one-line
    migration rather than an ALTER TYPE.

    `channel_type` is the conversation's kind when the link was shared; whether the conversation is public
    *now* is `Conversation`'s to say (see `bot.store.conversations`).
    """

    __tablename__ = "shares"
    __table_args__ = (
        UniqueConstraint("channel_id", "message_ts", "url_digest"),
        CheckConstraint(_in_check("status", ShareStatus), name="status"),
        CheckConstraint(_in_check("channel_type", ChannelType), name="channel_type"),
        Index("ix_shares_status_created_at", "status", "created_at"),
        Index("ix_shares_channel_id_thread_ts", "channel_id", "thread_ts"),  # follow-ups: a thread's articles
        Index("ix_shares_channel_id_created_at", "channel_id", "created_at"),  # digests: a period's shares
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(64))
    channel_id: Mapped[str] = mapped_column(String(64))
    channel_type: Mapped[str] = mapped_column(String(16))
    message_ts: Mapped[str] = mapped_column(String(32))
    thread_ts: Mapped[str | None] = mapped_column(String(32))
    user_id: Mapped[str] = mapped_column(String(64))
    url: Mapped[str] = mapped_column(Text)
    url_digest: Mapped[str] = mapped_column(String(64), default=_url_digest_default)
    event_id: Mapped[str | None] = mapped_column(String(64))
    article_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id", ondelete="SET NULL"), index=True)
    status: Mapped[str] = mapped_column(
        String(16), default=ShareStatus.PENDING.value, server_default=ShareStatus.PENDING.value
    )
    error_code: Mapped[str | None] = mapped_column(String(64))
    error_message: Mapped[str | None] = mapped_column(Text)
    reply_ts: Mapped[str | None] = mapped_column(String(32))
    duplicate_of_share_id: Mapped[int | None] = mapped_column(ForeignKey("shares.id", ondelete="SET NULL"))
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Delivery (see bot.slack.worker): not before `retry_at`; Slack failing this reply since
    # `slack_failing_since`; `maybe_posted`: an earlier attempt may have reached Slack, read the thread first.
    retry_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    slack_failing_since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    maybe_posted: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class Conversation(Base):
    """What Slack last told us about a conversation's privacy, when that differs from how its shares arrived.

    Written from the events Slack sends when a channel is made private or public, or shared with another
    workspace (`bot.slack.permissions.privacy_change`). A row overrides the `channel_type` stored on the
    conversation's shares, earlier ones included; `changed_at` (the event's own time) keeps a late retry of an
    older event from undoing a newer one.
    """

    __tablename__ = "conversations"

    channel_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    is_private: Mapped[bool] = mapped_column(Boolean)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Offer(Base):
    """A button the bot rendered: which article it acts on, in which conversation, for whom.

    The button's value is only `token`, random and unguessable; everything a click may do is decided from
    this row at click time (`bot.slack.commands`), never from the value. `user_id` is None for a button any
    member of the conversation may use ("More questions" under a summary posted in a channel). `url` is the
    address to show for the article when it is not the stored canonical one: the link the person asked about,
    so a preview never shows the URL under which someone else shared the same text. `used_at` is set once,
    atomically, when "Post in channel" posts (so a replayed click cannot post twice).
    """

    __tablename__ = "offers"

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    channel_id: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[str | None] = mapped_column(String(64))
    url: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


# ------------------------------------------------------------------------------ Slack installations (OAuth)
# slack_sdk's SQLAlchemy installation and state stores (bot.store.installations) keep each workspace's bot
# token in these tables. They are declared here, column for column as slack_sdk's own table builders declare
# them (a test compares the two), so the migrations create them and `alembic check` finds nothing missing;
# slack_sdk itself is imported only by the multi-workspace code, not with the models.


def _slack_token_columns() -> list[sa.Column[Any]]:
    return [
        sa.Column("bot_token", String(200)),
        sa.Column("bot_id", String(32)),
        sa.Column("bot_user_id", String(32)),
        sa.Column("bot_scopes", String(1000)),
        sa.Column("bot_refresh_token", String(200)),
        sa.Column("bot_token_expires_at", DateTime),
    ]


SLACK_INSTALLATIONS = sa.Table(
    "slack_installations",
    Base.metadata,
    sa.Column("id", Integer, primary_key=True, autoincrement=True),
    sa.Column("client_id", String(32), nullable=False),
    sa.Column("app_id", String(32), nullable=False),
    sa.Column("enterprise_id", String(32)),
    sa.Column("enterprise_name", String(200)),
    sa.Column("enterprise_url", String(200)),
    sa.Column("team_id", String(32)),
    sa.Column("team_name", String(200)),
    *_slack_token_columns(),
    sa.Column("user_id", String(32), nullable=False),
    sa.Column("user_token", String(200)),
    sa.Column("user_scopes", String(1000)),
    sa.Column("user_refresh_token", String(200)),
    sa.Column("user_token_expires_at", DateTime),
    sa.Column("incoming_webhook_url", String(200)),
    sa.Column("incoming_webhook_channel", String(200)),
    sa.Column("incoming_webhook_channel_id", String(200)),
    sa.Column("incoming_webhook_configuration_url", String(200)),
    sa.Column("is_enterprise_install", Boolean, default=False, nullable=False),
    sa.Column("token_type", String(32)),
    sa.Column("installed_at", DateTime, nullable=False),
    Index("slack_installations_idx", "client_id", "enterprise_id", "team_id", "user_id", "installed_at"),
)

SLACK_BOTS = sa.Table(
    "slack_bots",
    Base.metadata,
    sa.Column("id", Integer, primary_key=True, autoincrement=True),
    sa.Column("client_id", String(32), nullable=False),
    sa.Column("app_id", String(32), nullable=False),
    sa.Column("enterprise_id", String(32)),
    sa.Column("enterprise_name", String(200)),
    sa.Column("team_id", String(32)),
    sa.Column("team_name", String(200)),
    *_slack_token_columns(),
    sa.Column("is_enterprise_install", Boolean, default=False, nullable=False),
    sa.Column("installed_at", DateTime, nullable=False),
    Index("slack_bots_idx", "client_id", "enterprise_id", "team_id", "installed_at"),
)

SLACK_OAUTH_STATES = sa.Table(
    "slack_oauth_states",
    Base.metadata,
    sa.Column("id", Integer, primary_key=True, autoincrement=True),
    sa.Column("state", String(200), nullable=False),
    sa.Column("expire_at", DateTime, nullable=False),
)


# ------------------------------------------------------------------------------------ follow-up questions


class FollowUpStatus(enum.StrEnum):
    """Where a follow-up question is: claimed and being answered, answered, or given up."""

    PENDING = "pending"
    DONE = "done"
    FAILED = "failed"


class QuestionSource(enum.StrEnum):
    """Where a stored question was asked: in a summary's thread, or of the whole archive (`/brief ask`)."""

    THREAD = "thread"
    ARCHIVE = "archive"


class FollowUpQuestion(Base):
    """A question linkbrief answered. From a thread (`source` `thread`, `bot.slack.followups`): one row per Slack
    message, the unique (channel_id, message_ts) being what makes Slack's retries, redeliveries and the same
    message arriving as both `message` and `app_mention` get one answer; written before the event is
    acknowledged. From `/brief ask` (`source` `archive`): no message, `channel_id` is where it was asked.

    `kind` says what was answered: `answer` (passages quoted or a model's grounded answer), `not_said` (the
    article does not say), `usage` (a mention outside a summary thread). `passages` are the texts the answer was
    built from; the token counts are the model's, when one answered (a cached answer costs none).
    """

    __tablename__ = "followup_questions"
    __table_args__ = (
        UniqueConstraint("channel_id", "message_ts"),
        CheckConstraint(_in_check("status", FollowUpStatus), name="status"),
        CheckConstraint(_in_check("source", QuestionSource), name="source"),
        Index("ix_followup_questions_user_id_created_at", "user_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(64))
    channel_id: Mapped[str] = mapped_column(String(64))
    message_ts: Mapped[str | None] = mapped_column(String(32))
    thread_ts: Mapped[str | None] = mapped_column(String(32))
    user_id: Mapped[str] = mapped_column(String(64))
    question: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(
        String(16), default=QuestionSource.THREAD.value, server_default=QuestionSource.THREAD.value
    )
    article_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id", ondelete="SET NULL"), index=True)
    status: Mapped[str] = mapped_column(String(16), default=FollowUpStatus.PENDING.value)
    kind: Mapped[str | None] = mapped_column(String(16))
    answer: Mapped[str | None] = mapped_column(Text)
    passages: Mapped[list[str] | None] = mapped_column(JSON)
    model: Mapped[str | None] = mapped_column(String(200))
    prompt_tokens: Mapped[int | None] = mapped_column(Integer)
    completion_tokens: Mapped[int | None] = mapped_column(Integer)
    reply_ts: Mapped[str | None] = mapped_column(String(32))
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class FollowUpChannel(Base):
    """A conversation's choice about follow-ups (`/brief followups on|off`): with `enabled`, every question
    asked in a summary's thread there is answered, not only those that mention the bot."""

    __tablename__ = "followup_channels"

    channel_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    enabled: Mapped[bool] = mapped_column(Boolean)
    changed_by: Mapped[str] = mapped_column(String(64))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class FollowUpAnswer(Base):
    """A model's answer to one question about one article, kept so the same question (normalised: case,
    spacing and punctuation aside) never costs a second model call."""

    __tablename__ = "followup_answers"
    __table_args__ = (UniqueConstraint("article_id", "question_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    question_key: Mapped[str] = mapped_column(String(64))
    answer: Mapped[str] = mapped_column(Text)
    passages: Mapped[list[str]] = mapped_column(JSON)
    model: Mapped[str | None] = mapped_column(String(200))
    prompt_tokens: Mapped[int | None] = mapped_column(Integer)
    completion_tokens: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


# ------------------------------------------------------------------------------------------ channel digests


class DigestCadence(enum.StrEnum):
    """How often a conversation gets its digest."""

    DAILY = "daily"
    WEEKLY = "weekly"


class DigestStatus(enum.StrEnum):
    """Where a period's digest is: claimed and being posted, posted, nothing to post, or given up."""

    PENDING = "pending"
    POSTED = "posted"
    EMPTY = "empty"
    FAILED = "failed"


class DigestChannel(Base):
    """A conversation's digest schedule (`/brief digest weekly monday 09:00 Europe/Paris`): `cadence`, the
    `weekday` of a weekly one (0 is Monday), the local time as `at_minute` minutes after midnight, and the IANA
    `time_zone`. `changed_at` is when it was set: periods that ended before it are not posted."""

    __tablename__ = "digest_channels"
    __table_args__ = (
        CheckConstraint(_in_check("cadence", DigestCadence), name="cadence"),
        CheckConstraint("at_minute >= 0 AND at_minute < 1440", name="at_minute"),
        CheckConstraint("weekday IS NULL OR (weekday >= 0 AND weekday < 7)", name="weekday"),
    )

    channel_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    team_id: Mapped[str] = mapped_column(String(64))
    cadence: Mapped[str] = mapped_column(String(16))
    weekday: Mapped[int | None] = mapped_column(Integer)
    at_minute: Mapped[int] = mapped_column(Integer)
    time_zone: Mapped[str] = mapped_column(String(64))
    changed_by: Mapped[str] = mapped_column(String(64))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class DigestRun(Base):
    """One conversation's digest for one period, claimed once: the unique (channel_id, period_end) is what makes
    one digest per period however many processes tick (`bot.store.digests.claim_digest`). `articles` and
    `shares` count what the period held; `reply_ts` is the posted message."""

    __tablename__ = "digest_runs"
    __table_args__ = (
        UniqueConstraint("channel_id", "period_end"),
        CheckConstraint(_in_check("status", DigestStatus), name="status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(64))
    channel_id: Mapped[str] = mapped_column(String(64))
    period_start: Mapped[datetime] = mapped_column(UTCDateTime())
    period_end: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(16), default=DigestStatus.PENDING.value)
    articles: Mapped[int] = mapped_column(Integer, default=0)
    shares: Mapped[int] = mapped_column(Integer, default=0)
    reply_ts: Mapped[str | None] = mapped_column(String(32))
    error_code: Mapped[str | None] = mapped_column(String(64))
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
